"""uvicorn in a thread on a 127.0.0.1 socket bound here (the port is known before it starts): the sandbox
fixtures (tests/conftest.py) and the fake GitHub API (tests/github/fake_api.py) serve through it."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any


class ThreadedUvicorn:
    """uvicorn serving ``app`` on a socket we bound ourselves (so the port is known before it starts)."""

    def __init__(self, app: Any, ssl: dict[str, str] | None = None, *, what: str = "the sandbox server") -> None:
        import uvicorn

        # IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections (else ~40 ms per kept-alive request)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            log_config=None,
            timeout_graceful_shutdown=1,
            **(ssl or {}),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()
