"""Shared helpers of the network benchmarks (``bench_fetch.py``, ``bench_apply.py``, ``bench_sandbox.py``).

- ``SandboxServer``: the sandbox store served over plain HTTP by uvicorn in a child process on 127.0.0.1 (a
  port the OS picks), so clients sign with OAuth 1.0a exactly as they would against a plain-HTTP shop. The
  server is a separate process so its work never competes with the measured client for the GIL. Its
  counters (``/__sandbox/stats``) are the source of every request count a benchmark reports.

  By default the child is this module run as a script (``python netbench.py --db … --port 0``): the same
  ``wcsync.sandbox.server.build_asgi`` application that ``wcsync sandbox serve`` runs, on a listening socket
  with ``TCP_NODELAY``. ``server="cli"`` runs ``wcsync sandbox serve`` itself instead. The difference
  matters: a listening socket made with ``socket.socket(AF_INET, SOCK_STREAM)`` has ``proto == 0``, so
  asyncio does not set ``TCP_NODELAY`` on the connections it accepts, and every request after the first on
  a keep-alive connection then waits ~40 ms for the client's delayed ACK (Nagle) — which would swamp the
  latency this benchmark injects.
- ``store_settings``: the ``StoreSettings`` of a client of that server with a given concurrency.
- ``ceil_div``, ``table``: arithmetic and output.

Not a test helper: the test suite only imports it through the benchmark scripts.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from wcsync.settings import AuthMethod, StoreSettings

_URL_LINE = re.compile(r"store \S+ at (http://127\.0\.0\.1:\d+)")


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def list_bound(items: int, per_page: int = 100) -> int:
    """Requests needed to read a list of ``items`` (an empty list still takes one request)."""
    return max(1, ceil_div(items, per_page))


class SandboxServer:
    """``wcsync sandbox serve --db DB --port 0 [--wc-version V] [--latency MS]`` in a child process."""

    def __init__(
        self, db_path: Path, *, wc_version: str = "11.0.1", latency_ms: float = 0.0, server: str = "nodelay",
        child: Sequence[str] | None = None,
    ) -> None:
        """``child``: another server script and its leading arguments (``[python, script.py, "serve"]``),
        given the same ``--db/--port/--wc-version/--latency`` options (``bench_vs_raw.py``'s latency model)."""
        from wcsync.sandbox.db import open_db
        from wcsync.sandbox.keys import ensure_key

        self.db_path = db_path
        self.wc_version = wc_version
        conn = open_db(db_path)
        try:
            self.consumer_key, self.consumer_secret = ensure_key(conn)
        finally:
            conn.close()
        # the server's stderr: kept open for the server's lifetime, closed and removed by stop()
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="wcsync-bench-serve-", suffix=".log", delete=False
        )
        options = ["--db", str(db_path), "--port", "0", "--wc-version", wc_version, "--latency", str(latency_ms)]
        if child is not None:
            cmd = [*child, *options]
        elif server == "cli":
            cmd = [sys.executable, "-m", "wcsync.cli.main", "sandbox", "serve", "--host", "127.0.0.1", *options]
        elif server == "nodelay":
            cmd = [sys.executable, str(Path(__file__).resolve()), *options]
        else:
            raise ValueError(f"server must be 'nodelay' or 'cli', not {server!r}")
        # the control endpoints need a token: chosen here, handed to the server through the environment
        self.control_token = secrets.token_urlsafe(24)
        env = {**os.environ, "WCSYNC_SANDBOX_TOKEN": self.control_token}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._log, env=env)
        self.base_url = self._wait_for_url()
        self._control = httpx.Client(
            base_url=self.base_url, timeout=60.0, headers={"X-Sandbox-Token": self.control_token}
        )

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 30
        log_path = Path(self._log.name)
        while time.monotonic() < deadline:
            text = log_path.read_text(encoding="utf-8", errors="replace")
            found = _URL_LINE.search(text)
            if found:
                url = found.group(1)
                try:
                    if httpx.get(url + "/__sandbox/health", timeout=2.0).status_code == 200:
                        return url
                except httpx.HTTPError:
                    pass
            if self.proc.poll() is not None:
                raise SystemExit(f"wcsync sandbox serve exited with {self.proc.returncode}:\n{text}")
            time.sleep(0.05)
        self.stop()
        raise SystemExit("wcsync sandbox serve did not start within 30 s")

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if hasattr(self, "_control"):
            self._control.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)

    # --- control endpoints (never delayed, faulted or counted) ------------------------------------------

    def stats(self, *, log: bool = False) -> dict[str, Any]:
        response = self._control.get("/__sandbox/stats", params={"log": "1" if log else "0"})
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def reset_stats(self) -> None:
        self._control.post("/__sandbox/stats/reset").raise_for_status()

    def set_latency(self, latency_ms: float) -> None:
        self._control.post("/__sandbox/faults", json={"latency_ms": latency_ms}).raise_for_status()

    def reset_store(self) -> None:
        self._control.post("/__sandbox/reset").raise_for_status()


def store_settings(server: SandboxServer, *, concurrency: int = 4, **extra: Any) -> StoreSettings:
    """Settings of a wcsync client of ``server`` (OAuth 1.0a over plain HTTP, as for a plain-HTTP shop)."""
    return StoreSettings(
        name="bench",
        url=server.base_url,
        auth=AuthMethod.OAUTH1,
        consumer_key=SecretStr(server.consumer_key),
        consumer_secret=SecretStr(server.consumer_secret),
        concurrency=concurrency,
        **extra,
    )


def serve(argv: list[str] | None = None) -> None:
    """Serve the sandbox like ``wcsync sandbox serve`` (plain HTTP, 127.0.0.1), with ``TCP_NODELAY``."""
    import argparse

    from wcsync.sandbox.faults import FaultConfig
    from wcsync.sandbox.server import build_asgi

    parser = argparse.ArgumentParser(description=serve.__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--wc-version", default="11.0.1")
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    app = build_asgi(
        args.db,
        wc_version=args.wc_version,
        faults=FaultConfig(latency_ms=args.latency),
        control_token=os.environ.get("WCSYNC_SANDBOX_TOKEN") or None,
    )
    run_on_loopback(app, args.port, f"wcsync sandbox (benchmark): WooCommerce {args.wc_version} store {args.db}")


def run_on_loopback(app: Any, port: int, label: str) -> None:
    """Serve ``app`` with uvicorn on 127.0.0.1:``port`` (0: a free one) until stopped, with ``TCP_NODELAY``;
    ``label`` and the URL go to stderr, where ``SandboxServer`` reads them."""
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it; asyncio only sets it itself when proto == IPPROTO_TCP
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    print(f"{label} at http://127.0.0.1:{sock.getsockname()[1]}", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


if __name__ == "__main__":
    serve()
