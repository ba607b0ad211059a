"""Faults over a real socket (uvicorn on 127.0.0.1): what a client's transport actually sees.

Hangs are asserted by the client's own timeout (a short read timeout against a long hang), never by
measuring time.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class CountingStore:
    def __init__(self) -> None:
        self.handled: list[str] = []

        async def endpoint(request: Request) -> JSONResponse:
            await request.body()
            self.handled.append(f"{request.method} {request.url.path}")
            return JSONResponse(
                {"id": len(self.handled)}, status_code=201 if request.method == "POST" else 200
            )

        self.app = Starlette(
            routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "DELETE"])]
        )


@pytest.fixture
def store() -> CountingStore:
    return CountingStore()


@pytest.fixture(params=[False, True], ids=["http", "https"])
def server(request: pytest.FixtureRequest, sandbox_server_factory: Any, store: CountingStore) -> Any:
    return sandbox_server_factory(tls=request.param, store_app=store.app)


def test_drop_breaks_the_response_mid_body(server: Any, store: CountingStore) -> None:
    server.set_faults(rate_drop=1.0, max_faults=1)
    with server.client(auth=None) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/wp-json/wc/v3/products")
        assert client.get("/wp-json/wc/v3/products").status_code == 200
    assert store.handled == ["GET /wp-json/wc/v3/products"]
    stats = server.stats()
    assert [(e["status"], e["fault"]) for e in stats["log"]] == [(None, "drop"), (200, None)]


def test_hang_outlasts_the_client_timeout(server: Any, store: CountingStore) -> None:
    server.set_faults(rate_hang=1.0, hang_seconds=60, max_faults=1)
    with server.client(auth=None, timeout=httpx.Timeout(5.0, read=0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post("/wp-json/wc/v3/products", json={"name": "x"})
        # the server is not blocked by the hung request
        assert client.get("/wp-json/wc/v3/products").status_code == 200
    assert store.handled == ["GET /wp-json/wc/v3/products"]


def test_fail_after_commit_over_the_wire(server: Any, store: CountingStore) -> None:
    server.set_faults(rate_fail_after_commit=1.0, methods=["POST"])
    with server.client(auth=None) as client:
        response = client.post("/wp-json/wc/v3/products/batch", json={"create": []})
        assert response.status_code == 502 and "502 Bad Gateway" in response.text
        server.set_faults(rate_fail_after_commit=1.0, fail_after_commit_as="drop")
        with pytest.raises(httpx.RemoteProtocolError):
            client.put("/wp-json/wc/v3/products/431", json={"name": "y"})
    assert store.handled == ["POST /wp-json/wc/v3/products/batch", "PUT /wp-json/wc/v3/products/431"]


def test_429_and_configured_at_start(sandbox_server_factory: Any, store: CountingStore) -> None:
    server = sandbox_server_factory(store_app=store.app, faults={"rate_429": 1.0, "retry_after": 12})
    with server.client(auth=None) as client:
        response = client.get("/wp-json/wc/v3/products")
    assert response.status_code == 429 and response.headers["Retry-After"] == "12"
    assert server.stats()["faults"] == {"429": 1}
    server.set_faults()
    with server.client(auth=None) as client:
        assert client.get("/wp-json/wc/v3/products").status_code == 200
