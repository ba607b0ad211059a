"""A hostile store: a plain HTTP server on 127.0.0.1 (OS-picked port) that records every request it receives
and answers whatever the test scripts — huge pages, escape sequences, endless bodies."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

#: (status, headers, body chunks)
Answer = tuple[int, dict[str, str], Iterable[bytes]]


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class HostileStore:
    url: str
    requests: list[Seen] = field(default_factory=list)
    answer: Callable[[Seen], Answer] = lambda seen: (404, {}, [b""])


class _Handler(BaseHTTPRequestHandler):
    store: HostileStore

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _any(self) -> None:
        seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        self.store.requests.append(seen)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, headers, body = self.store.answer(seen)
        self.send_response(status)
        chunked = "Content-Length" not in headers
        for k, v in headers.items():
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for chunk in body:
                if chunked:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                else:
                    self.wfile.write(chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a capped client does

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any


@pytest.fixture
def hostile_store() -> Iterator[HostileStore]:
    store = HostileStore(url="")
    handler = type("Handler", (_Handler,), {"store": store, "protocol_version": "HTTP/1.1"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    store.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield store
    finally:
        server.shutdown()
        server.server_close()
