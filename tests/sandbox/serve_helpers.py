"""Running ``wcsync sandbox serve`` as a real subprocess for tests, and asking it with curl.

``serve`` (a fixture, registered in ``conftest.py``) starts ``python -m wcsync.cli.main sandbox serve --port 0
…`` and reads the bound URL (and the CA path with ``--tls``) from its status lines; servers are stopped with
SIGINT at the end of the test. ``curl`` runs the system curl and returns status and JSON body; ``signed``
signs a URL with OAuth 1.0a (query string) the way a script would.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from oauthlib import oauth1


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    ca_path: Path | None
    stderr_lines: list[str]
    #: the control token the server printed at start (``X-Sandbox-Token`` for ``/__sandbox/…``)
    token: str = ""

    @property
    def control(self) -> dict[str, str]:
        """Headers for a control request."""
        return {"X-Sandbox-Token": self.token}


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    started: list[Served] = []

    def start(db: Path, *extra: str) -> Served:
        command = [
            sys.executable,
            "-m",
            "wcsync.cli.main",
            "sandbox",
            "serve",
            "--db",
            str(db),
            "--port",
            "0",
            *extra,
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        lines: queue.Queue[str] = queue.Queue()
        seen: list[str] = []
        assert process.stderr is not None
        stream = process.stderr
        threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
        url, ca, token = None, None, ""
        while not seen or "Ctrl-C stops" not in seen[-1]:  # the last status line
            try:
                line = lines.get(timeout=20)
            except queue.Empty:
                process.kill()
                raise AssertionError(f"serve did not start: {seen}") from None
            seen.append(line)
            if found := re.search(r" at (https?://127\.0\.0\.1:\d+)$", line.strip()):
                url = found.group(1)
            if found := re.search(r"certificate authority (\S+) ", line):
                ca = Path(found.group(1))
            if found := re.search(r"^Control token: (\S+) ", line):
                token = found.group(1)
        assert url is not None, seen
        served = Served(process, url, ca, seen, token)
        started.append(served)
        return served

    yield start
    for served in started:
        served.process.send_signal(signal.SIGINT)
        try:
            served.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()


def curl(*args: str) -> tuple[int, Any]:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    done = subprocess.run(
        [curl, "-s", "-w", "\n%{http_code}", *args], capture_output=True, text=True, timeout=20
    )
    body, _, code = done.stdout.rpartition("\n")
    return int(code), json.loads(body)


def signed(url: str, key: str, secret: str, method: str = "GET") -> str:
    client = oauth1.Client(key, client_secret=secret, signature_method="HMAC-SHA256", signature_type="QUERY")
    uri, _, _ = client.sign(url, http_method=method)
    return str(uri)


