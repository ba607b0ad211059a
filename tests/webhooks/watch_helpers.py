"""Helpers of the drift-alert tests: ``wcsync watch`` as a subprocess, the sandbox's webhook queue, signed
deliveries built like WooCommerce's."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.helpers import env_for

SECRET = "test-webhook-secret-0123456789abcdef"
WAIT = 60.0  # upper bound for a condition to become true; never a timed assertion


def wait_until(what: str, probe: Any, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Watch:
    """``wcsync watch`` on 127.0.0.1 and a port it picks; stdout (alerts) and stderr (log) collected."""

    def __init__(self, project: Path, server: Any, *extra: str) -> None:
        env = {**os.environ, **env_for(server), "WCSYNC_WEBHOOK_SECRET": SECRET}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wcsync.cli.main", "watch", "--project", str(project), "--listen",
             "127.0.0.1:0", *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._threads = [threading.Thread(target=self._read, args=(s, out), daemon=True)
                         for s, out in ((self.process.stdout, self.stdout), (self.process.stderr, self.stderr))]
        for thread in self._threads:
            thread.start()
        line = wait_until("the receiver to listen", lambda: self._listening() or self._died())
        if isinstance(line, str) and line.startswith("DIED"):
            raise AssertionError(line)
        self.url = str(line)

    def _read(self, stream: Any, out: list[str]) -> None:
        for line in stream:
            out.append(line.rstrip("\n"))

    def _listening(self) -> str | None:
        for line in list(self.stderr):
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+/)", line)
            if found:
                return found.group(1)
        return None

    def _died(self) -> str | None:
        if self.process.poll() is None:
            return None
        time.sleep(0.2)
        return "DIED: " + "\n".join(self.stderr)

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(self.url + "healthz", timeout=10).json()
        return result

    def settled(self) -> dict[str, Any]:
        """Wait until every accepted delivery has been checked; the counters then."""
        def probe() -> dict[str, Any] | None:
            health = self.health()
            done = health["processed"] == health["events"] and not health["pending_deliveries"]
            return health if done else None
        result: dict[str, Any] = wait_until("the receiver to check every delivery", probe)
        return result

    def stop(self) -> list[dict[str, Any]]:
        """SIGTERM (graceful: pending events are checked first); the alerts it printed."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=WAIT)
        for thread in self._threads:
            thread.join(timeout=WAIT)
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert self.process.returncode in (0, -signal.SIGTERM), "\n".join(self.stderr)
        return [json.loads(line) for line in self.stdout if line.strip()]


def control(server: Any, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(method, f"{server.base_url}/__sandbox/{path}", json=body, timeout=WAIT,
                             headers={"X-Sandbox-Token": server.control_token})
    response.raise_for_status()
    return response.json()


def run_queue(server: Any, *, everything: bool = False) -> list[dict[str, Any]]:
    """Run the store's webhook queue now (like WP-Cron); the deliveries made."""
    delivered: list[dict[str, Any]] = control(server, "POST", "webhooks/run", {"all": everything})["delivered"]
    return delivered


def product_id(server: Any, sku: str) -> int:
    with server.client() as client:
        found = client.get("/wp-json/wc/v3/products", params={"sku": sku}).json()
    assert len(found) == 1, found
    return int(found[0]["id"])


def edit_in_wp_admin(server: Any, sku: str, **fields: Any) -> None:
    """A shop manager's edit: a product write through the store's API, not through wcsync."""
    with server.client() as client:
        response = client.put(f"/wp-json/wc/v3/products/{product_id(server, sku)}", json=fields)
    assert response.status_code == 200, response.text
