"""StoreWriter after the newcomer review: a store-wide refusal of writes (read-only key; a 401/403 before
any write succeeded) stops every write at once; single trash DELETEs are reported to progress aggregated."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.engine.test_writer import MiniStore, _no_sleep, creates
from wcsync.core.kinds import Kind
from wcsync.engine.model import Op, WriteOp
from wcsync.settings import StoreSettings
from wcsync.store.client import WooClient
from wcsync.store.errors import PermissionDenied, ReadOnlyKeyError
from wcsync.store.retry import RetryPolicy
from wcsync.store.writer import StoreWriter

READ_ONLY = {"code": "woocommerce_rest_authentication_error",
             "message": "The API key provided does not have write permissions.", "data": {"status": 401}}
FORBIDDEN = {"code": "woocommerce_rest_cannot_create", "message": "Sorry, you are not allowed to create "
             "resources.", "data": {"status": 403}}


class RefusingStore(MiniStore):
    """``refuse``: "read-only" refuses every write; "403-after-first" lets the first batch through."""

    def __init__(self, refuse: str) -> None:
        super().__init__()
        self.refuse = refuse
        self.writes = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.method in ("POST", "DELETE"):
            self.writes += 1
            if self.refuse == "read-only":
                self.requests.append((request.method, request.url.path, 0))
                return httpx.Response(401, json=READ_ONLY)
            if self.refuse == "403-after-first" and self.writes > 1:
                self.requests.append((request.method, request.url.path, 0))
                return httpx.Response(403, json=FORBIDDEN)
        return super().handler(request)


def _client(store: MiniStore, *, batch_size: int = 100, concurrency: int = 4) -> WooClient:
    settings = StoreSettings(url="https://shop.test", consumer_key="ck_x", consumer_secret="cs_y",
                             batch_size=batch_size, concurrency=concurrency)
    return WooClient(settings, transport=httpx.MockTransport(store.handler), retry=RetryPolicy(sleep=_no_sleep))


def _trash(n: int) -> list[WriteOp]:
    return [WriteOp(kind=Kind.PRODUCT, op=Op.TRASH, key=f"SKU-{i}", id=11 + i) for i in range(n)]


def test_a_read_only_key_refuses_every_op_once_and_nothing_more_is_sent() -> None:
    store = RefusingStore("read-only")
    calls: list[tuple[Any, ...]] = []

    async def go() -> tuple[list[Any], list[Any], StoreWriter]:
        async with _client(store, batch_size=2, concurrency=1) as client:
            writer = StoreWriter(client, on_batch=lambda *a, **k: calls.append((*a, k)))
            first = await writer.write(Kind.PRODUCT, creates(5))
            second = await writer.write(Kind.PRODUCT, _trash(3))
            return first, second, writer

    first, second, writer = asyncio.run(go())
    assert isinstance(writer.refused, ReadOnlyKeyError)
    assert "the API key is read-only" in writer.refused.message
    assert all(r.refused and not r.ok and r.error == "not written: the store refused writing"
               for r in [*first, *second])
    assert store.writes == 1  # concurrency 1: the first batch is refused, the other two chunks are never sent
    assert calls == []  # no per-request progress lines for refused requests


def test_a_403_after_a_successful_write_is_a_per_item_failure_not_a_refusal() -> None:
    store = RefusingStore("403-after-first")

    async def go() -> tuple[list[Any], StoreWriter]:
        async with _client(store, batch_size=2, concurrency=1) as client:
            writer = StoreWriter(client)
            return await writer.write(Kind.PRODUCT, creates(4)), writer

    results, writer = asyncio.run(go())
    assert writer.refused is None
    assert [r.ok for r in results] == [True, True, False, False]
    assert not any(r.refused for r in results)
    assert "is not allowed for the key's WordPress user" in (results[2].error or "")


def test_a_403_on_the_first_write_is_a_refusal() -> None:
    store = RefusingStore("403-after-first")
    store.writes = 1  # the very first write is already forbidden

    async def go() -> tuple[list[Any], StoreWriter]:
        async with _client(store) as client:
            writer = StoreWriter(client)
            return await writer.write(Kind.PRODUCT, _trash(1)), writer

    results, writer = asyncio.run(go())
    assert isinstance(writer.refused, PermissionDenied)
    assert [r.refused for r in results] == [True]


def test_trash_progress_is_aggregated_first_request_every_ten_and_the_rest_at_the_end() -> None:
    store = MiniStore()
    ops = creates(25)
    calls: list[tuple[Any, ...]] = []

    async def go() -> list[Any]:
        async with _client(store) as client:
            await StoreWriter(client).write(Kind.PRODUCT, ops)
            writer = StoreWriter(client, on_batch=lambda *a, **k: calls.append((*a, k)), clock=lambda: 0.0)
            return await writer.write(Kind.PRODUCT, _trash(25))

    results = asyncio.run(go())
    assert all(r.ok for r in results) and store.deletes == 25
    assert calls == [(Kind.PRODUCT, 1, 0, {"requests": 1}), (Kind.PRODUCT, 10, 0, {"requests": 10}),
                     (Kind.PRODUCT, 10, 0, {"requests": 10}), (Kind.PRODUCT, 4, 0, {"requests": 4})]


def test_trash_progress_is_also_reported_once_a_second_passes() -> None:
    store = MiniStore()
    ticks = iter(float(n) for n in range(1000))  # every look at the clock is one second later
    calls: list[tuple[Any, ...]] = []

    async def go() -> None:
        async with _client(store) as client:
            await StoreWriter(client).write(Kind.PRODUCT, creates(3))
            writer = StoreWriter(client, on_batch=lambda *a, **k: calls.append((*a, k)),
                                 clock=lambda: next(ticks))
            await writer.write(Kind.PRODUCT, _trash(3))

    asyncio.run(go())
    assert [c[1] for c in calls] == [1, 1, 1]
