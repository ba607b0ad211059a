"""Fixtures of the webhook tests: a real ``redis-server`` (Debian's package; ``.ci/run`` installs it) on
127.0.0.1 and a free port, one per test that asks for it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a fresh redis-server that stops with the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs Debian's redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    for _attempt in range(5):  # the port was free a moment ago; another process may take it first
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
             "--dir", str(tmp_path), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        ready = False
        while time.monotonic() < deadline and process.poll() is None:
            try:
                ready = bool(client.ping())
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        if ready:
            try:
                yield f"redis://127.0.0.1:{port}/0"
            finally:
                process.terminate()
                process.wait(timeout=10)
            return
        process.kill()
        process.wait(timeout=10)
    pytest.fail("redis-server did not start")
