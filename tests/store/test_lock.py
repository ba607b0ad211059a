"""The apply lock the store holds (``wcsync.store.lock``), against the in-process sandbox: one holder at a time,
refusal naming holder and expiry, takeover only after expiry, renewal, release, and invisibility to plans."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import SecretStr

from wcsync.core.records import LiveState
from wcsync.errors import StoreError
from wcsync.settings import StoreSettings
from wcsync.store.client import WooClient
from wcsync.store.errors import RequestFailed, RequestInfo
from wcsync.store.fetch import fetch_live_state
from wcsync.store.lock import LOCK_SKU, LockHeld, StoreLock
from wcsync.store.retry import RetryPolicy

T = TypeVar("T")
START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def run(sandbox_app: Any, body: Callable[[WooClient], Awaitable[T]]) -> T:
    async def go() -> T:
        settings = StoreSettings(url=sandbox_app.base_url, consumer_key=SecretStr(sandbox_app.consumer_key),
                                 consumer_secret=SecretStr(sandbox_app.consumer_secret))
        async with WooClient(settings, transport=sandbox_app.transport, base_url=sandbox_app.base_url,
                             retry=RetryPolicy(base=0.0)) as client:
            return await body(client)

    return asyncio.run(go())


def lock_products(sandbox_app: Any) -> list[dict[str, Any]]:
    response = sandbox_app.call("GET", "/wp-json/wc/v3/products",
                                params={"sku": LOCK_SKU, "status": "any", "context": "edit"})
    rows: list[dict[str, Any]] = response.json()
    return rows


def test_a_second_runner_is_refused_with_holder_and_expiry(sandbox_app: Any) -> None:
    clock = Clock()

    async def body(client: WooClient) -> LockHeld:
        first = StoreLock(client, store="production", holder="CI run 41", clock=clock, renew=False)
        await first.acquire()
        second = StoreLock(client, store="production", holder="alice@laptop", clock=clock, renew=False)
        clock.now = START + timedelta(minutes=14)
        with pytest.raises(LockHeld) as refused:
            await second.acquire()
        return refused.value

    refused = run(sandbox_app, body)
    message = str(refused)
    assert "store production is locked by another wcsync apply: CI run 41, until 2026-05-01 12:15:00 UTC" in message
    assert "nothing was written" in message
    [held] = lock_products(sandbox_app)
    assert held["status"] == "private" and held["catalog_visibility"] == "hidden"


def test_an_expired_lock_is_taken_over_and_released_by_its_new_holder(sandbox_app: Any) -> None:
    clock = Clock()

    async def body(client: WooClient) -> tuple[int, int]:
        dead = StoreLock(client, store="s", holder="killed run", clock=clock, renew=False)
        await dead.acquire()  # never released: the run was killed
        assert dead.id is not None
        clock.now = START + timedelta(minutes=15, seconds=1)
        heir = StoreLock(client, store="s", holder="next run", clock=clock, renew=False)
        await heir.acquire()
        assert heir.id is not None
        ids = (dead.id, heir.id)
        await heir.release()
        return ids

    dead_id, heir_id = run(sandbox_app, body)
    assert dead_id != heir_id
    assert lock_products(sandbox_app) == []


def test_renewal_moves_the_expiry_forward(sandbox_app: Any) -> None:
    clock = Clock()

    async def body(client: WooClient) -> str:
        holder = StoreLock(client, store="s", holder="long run", clock=clock, renew=False)
        await holder.acquire()
        clock.now = START + timedelta(minutes=10)
        await holder.renew()
        clock.now = START + timedelta(minutes=20)  # past the first expiry, within the renewed one
        other = StoreLock(client, store="s", holder="other", clock=clock, renew=False)
        with pytest.raises(LockHeld) as refused:
            await other.acquire()
        return str(refused.value)

    assert "until 2026-05-01 12:25:00 UTC" in run(sandbox_app, body)


def test_the_lock_product_is_invisible_to_plans(sandbox_app: Any) -> None:
    async def body(client: WooClient) -> list[str]:
        await client.post("products", {"name": "Mug", "sku": "MUG-1"})
        holder = StoreLock(client, store="s", renew=False)
        await holder.acquire()
        live = await fetch_live_state(client)
        return [p.key for p in (*live.products, *live.trashed_products)]

    assert run(sandbox_app, body) == ["MUG-1"]



class RacyStore:
    """Just enough of a store for the lock. Its SKU check is a read before the insert, as WooCommerce's is:
    ``racing`` creates get past it as if their check had run before another runner's insert."""

    def __init__(self) -> None:
        self.products: dict[int, dict[str, Any]] = {}
        self.racing = 0
        self.store_info = None

    async def get(self, path: str, params: dict[str, Any]) -> Any:
        return [dict(p) for p in sorted(self.products.values(), key=lambda p: p["id"])
                if p["sku"] == params["sku"] and (p["status"] == "trash") == (params["status"] == "trash")]

    async def request(self, method: str, path: str, params: dict[str, Any]) -> httpx.Response:
        assert (method, path) == ("GET", "products") and "modified_after" not in params  # nothing was read before
        rows = [dict(p) for p in sorted(self.products.values(), key=lambda p: p["id"])]
        return httpx.Response(200, json=rows, headers={"X-WP-Total": str(len(rows))})

    async def post(self, path: str, json: Any = None) -> Any:
        if self.racing:
            self.racing -= 1
        elif any(p["sku"] == json["sku"] for p in self.products.values()):
            raise RequestFailed("Invalid or duplicated SKU.", request=RequestInfo("POST", path), status=400,
                                code="product_invalid_sku")
        pid = 100 + len(self.products)
        self.products[pid] = {"id": pid, "sku": json["sku"], "status": json["status"], "meta_data": json["meta_data"],
                              "date_modified_gmt": "2026-05-01T12:00:00"}
        return self.products[pid]

    async def put(self, path: str, json: Any = None) -> Any:
        raise AssertionError("not renewed in this test")

    async def delete(self, path: str, params: Any = None) -> Any:
        return self.products.pop(int(path.split("/")[1]))


@pytest.mark.parametrize("since", [None, LiveState()], ids=["standalone", "after-a-read"])
def test_two_creates_that_raced_past_the_sku_check_leave_one_holder(since: LiveState | None) -> None:
    store = RacyStore()

    async def body() -> str:
        first = StoreLock(store, store="s", holder="first runner", renew=False)  # type: ignore[arg-type]
        second = StoreLock(store, store="s", holder="second runner", renew=False)  # type: ignore[arg-type]
        await first.acquire(since)
        store.racing = 1  # the second runner's SKU check ran before the first runner's insert
        with pytest.raises(LockHeld) as refused:
            await second.acquire(since)
        assert second.id is None and first.id in store.products
        return str(refused.value)

    assert "locked by another wcsync apply: first runner" in asyncio.run(body())
    assert [p["id"] for p in store.products.values()] == [100]


def test_a_taken_sku_is_refused_naming_the_holder_without_a_second_create() -> None:
    store = RacyStore()

    async def body() -> str:
        await StoreLock(store, store="s", holder="CI run 7", renew=False).acquire()  # type: ignore[arg-type]
        with pytest.raises(LockHeld) as refused:
            await StoreLock(store, store="s", holder="laptop", renew=False).acquire()  # type: ignore[arg-type]
        return str(refused.value)

    assert "locked by another wcsync apply: CI run 7" in asyncio.run(body())
    assert len(store.products) == 1


@pytest.mark.parametrize("lost_as", ["502", "drop"])
def test_a_create_whose_answer_was_lost_is_found_by_its_owner(sandbox_app: Any, lost_as: str) -> None:
    sandbox_app.set_faults(rate_fail_after_commit=1.0, fail_after_commit_as=lost_as, methods=["POST"],
                           max_faults=1)

    async def body(client: WooClient) -> int | None:
        lock = StoreLock(client, store="s", holder="me", renew=False)
        await lock.acquire(LiveState())  # created, but the answer never came back: re-read, it is ours
        return lock.id

    lock_id = run(sandbox_app, body)
    [held] = lock_products(sandbox_app)
    assert held["id"] == lock_id


def test_a_store_that_never_confirms_the_create_is_an_error_not_a_holder(sandbox_app: Any) -> None:
    sandbox_app.set_faults(rate_500=1.0, methods=["POST"])  # refused before the store is called: never created

    async def body(client: WooClient) -> str:
        with pytest.raises(StoreError) as failed:
            await StoreLock(client, store="s", holder="me", renew=False).acquire(LiveState())
        assert not isinstance(failed.value, LockHeld)
        return str(failed.value)

    message = run(sandbox_app, body)
    assert message.startswith("could not take the apply lock of store s: ")
    assert "nothing was written" in message and lock_products(sandbox_app) == []
