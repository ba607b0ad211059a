"""Issue 4 audit: points the other store tests left implicit, each asserted on its own.

- every retryable status (429, 500, 502, 503, 504) is retried for a read; 4xx never are; for a write only
  429/503 ("come back later") are repeated, 500/502/504 make the outcome unknown;
- one connection pool with HTTP keep-alive: a paged read over a real socket uses as many connections as
  requests in flight, not one per request (counted by the sandbox server);
- trashed products are read separately, so the SKU a trashed product still holds can be explained.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from store_helpers import Sleeps, fast_retry, settings

from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.client import WooClient
from wcsync.store.errors import RequestFailed, RetriesExhausted, UnknownOutcome
from wcsync.store.fetch import fetch_live_state

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def scripted(statuses: list[int], log: list[httpx.Request]) -> Handler:
    queue = list(statuses)

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        status = queue.pop(0) if queue else 200
        if status == 200:
            return httpx.Response(200, json={"done": True})
        if status < 500 and status != 429:  # WooCommerce's own refusals are JSON error bodies
            return httpx.Response(status, json={"code": "x", "message": "no", "data": {"status": status}})
        # overload answers come from the web server or a proxy, as HTML
        headers = {"Content-Type": "text/html", **({"Retry-After": "2"} if status == 429 else {})}
        return httpx.Response(status, text=f"<html>{status}</html>", headers=headers)

    return handler


def run(handler: Handler, body: Callable[[WooClient], Awaitable[Any]], sleeps: Sleeps | None = None,
        **kw: Any) -> Any:
    async def main() -> Any:
        async with WooClient(settings(**kw), transport=httpx.MockTransport(handler),
                             retry=fast_retry(sleeps)) as client:
            return await body(client)

    return asyncio.run(main())


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_every_retryable_status_is_retried_for_reads(status: int) -> None:
    log: list[httpx.Request] = []
    sleeps = Sleeps()
    assert run(scripted([status, status], log), lambda c: c.get("products"), sleeps) == {"done": True}
    assert len(log) == 3 and len(sleeps.calls) == 2
    if status == 429:
        assert sleeps.calls == [2.0, 2.0]  # Retry-After wins over the (tiny) backoff


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retries_end_after_max_retries(status: int) -> None:
    log: list[httpx.Request] = []
    with pytest.raises(RetriesExhausted) as err:
        run(scripted([status] * 9, log), lambda c: c.get("products"), max_retries=3)
    assert len(log) == 4 and err.value.status == status
    assert "still failed after 4 attempts" in str(err.value) and "lower `concurrency`" in str(err.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_client_errors_are_never_retried(status: int) -> None:
    log: list[httpx.Request] = []
    with pytest.raises(RequestFailed) as err:
        run(scripted([status], log), lambda c: c.get("products"))
    assert len(log) == 1 and err.value.status == status


@pytest.mark.parametrize(("status", "repeated"), [(429, True), (503, True), (500, False), (502, False),
                                                  (504, False)])
def test_a_write_is_repeated_only_after_come_back_later(status: int, repeated: bool) -> None:
    log: list[httpx.Request] = []
    if repeated:
        assert run(scripted([status], log), lambda c: c.post("products", {"sku": "A"})) == {"done": True}
        assert len(log) == 2
    else:
        with pytest.raises(UnknownOutcome) as err:
            run(scripted([status], log), lambda c: c.post("products", {"sku": "A"}))
        assert len(log) == 1 and f"the store answered {status} after receiving it" in str(err.value)


# -- against the sandbox --------------------------------------------------------------------------------------


def _client(server: Any, **kw: Any) -> WooClient:
    values: dict[str, Any] = {"url": server.base_url, "consumer_key": SecretStr(server.consumer_key),
                              "consumer_secret": SecretStr(server.consumer_secret), "auth": AuthMethod.OAUTH1}
    values.update(kw)
    return WooClient(StoreSettings(**values), retry=fast_retry())


@pytest.mark.e2e
def test_one_pool_with_keep_alive_over_a_socket(sandbox_server: Any) -> None:
    async def fill() -> None:
        async with _client(sandbox_server) as client:
            for start in range(0, 600, 100):
                await client.batch("products/batch", create=[{"name": f"P{n}", "sku": f"P-{n}"}
                                                             for n in range(start, start + 100)])

    asyncio.run(fill())
    sandbox_server.set_faults(latency_ms=15)

    async def read(concurrency: int) -> int:
        async with _client(sandbox_server, concurrency=concurrency) as client:
            assert len(await client.list_all("products", fields=["sku"])) == 600
            return client.max_in_flight

    for concurrency in (1, 3):
        sandbox_server.reset_stats()
        in_flight = asyncio.run(read(concurrency))
        stats = sandbox_server.stats(log=False)
        assert stats["total"] == 6  # six pages
        assert in_flight == concurrency  # the client's own count: one event loop, deterministic
        # what the server sees depends on timing (a loaded machine may finish one request before the next
        # arrives): kept-alive connections, never more than the concurrency, never one per request
        assert 1 <= stats["connections"] <= concurrency and 1 <= stats["max_in_flight"] <= concurrency


def test_trashed_products_are_read_separately_with_the_sku_they_hold(sandbox_app: Any) -> None:
    async def body() -> Any:
        async with WooClient(StoreSettings(url=sandbox_app.base_url, consumer_key=SecretStr(sandbox_app.consumer_key),
                                           consumer_secret=SecretStr(sandbox_app.consumer_secret)),
                             transport=sandbox_app.transport, base_url=sandbox_app.base_url,
                             retry=fast_retry()) as client:
            old = await client.post("products", {"name": "Old tee", "sku": "TEE-1"})
            await client.post("products", {"name": "Draft", "sku": "DRAFT-1", "status": "draft"})
            await client.delete(f"products/{old['id']}")  # to the trash
            with pytest.raises(RequestFailed) as err:
                await client.post("products", {"name": "New tee", "sku": "TEE-1"})
            return err.value, await fetch_live_state(client)

    refusal, state = asyncio.run(body())
    # the trashed product still holds the SKU (WooCommerce refuses it) …
    assert refusal.status == 400 and refusal.code == "woocommerce_rest_product_not_created"  # capture 05#130
    assert "SKU (TEE-1)" in str(refusal)
    # … and the live state says which product does
    assert [(p.key, p.status) for p in state.products] == [("DRAFT-1", "draft")]
    assert [(p.key, p.status) for p in state.trashed_products] == [("TEE-1", "trash")]


def test_defaults_fit_shared_hosting() -> None:
    """Defaults: 10 s to connect, 60 s to answer a read, 180 s for a write (a 100-item batch), 4 in flight."""
    timeouts: dict[str, Any] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)
        timeouts[request.method] = request.extensions["timeout"]
        page = int(request.url.params.get("page", "1"))
        items = [{"id": (page - 1) * 100 + n + 1} for n in range(100)] if request.method == "GET" else {}
        return httpx.Response(200, json=items, headers={"X-WP-Total": "1200", "X-WP-TotalPages": "12"})

    async def body(client: WooClient) -> int:
        assert len(await client.list_all("products")) == 1200
        await client.batch("products/batch", create=[{"name": "x"}])
        return client.max_in_flight

    assert run(handler, body) == 4
    assert timeouts["GET"] == {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": None}
    assert timeouts["POST"] == {"connect": 10.0, "read": 180.0, "write": 180.0, "pool": None}
