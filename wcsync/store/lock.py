"""The apply lock a store holds itself, so two runners (two CI jobs, or a laptop and CI) never apply at once.

WooCommerce has no lock or option the REST API can create, so the lock is a product the store keeps: a
**private**, hidden, virtual product with the reserved SKU ``LOCK_SKU`` (never published, invisible to
shoppers), carrying the meta row ``_wcsync_lock`` = JSON ``{"owner", "holder", "expires", "acquired"}``.

- **Acquire** = create that product. WooCommerce refuses a second product with the same SKU
  (``woocommerce_rest_product_not_created``), so of two runners that both saw the store free, one gets the lock;
  the other re-reads and is refused with the holder and expiry. WooCommerce checks uniqueness with a read
  before its insert (no database constraint), so two creates at the very same instant can both succeed: after
  creating, the holder re-reads, and only the lowest id keeps the lock (the other deletes its own and is
  refused).
- **Held** (another owner, ``expires`` in the future) → ``LockHeld`` naming the holder and the expiry.
- **Expired** → deleted by id (``force=true``: a trashed product would still hold the SKU), then acquired.
  Deleting by id means a runner never removes a lock someone else has just re-created.
- **Renew**: while apply runs, the holder pushes ``expires`` forward every ``lease / 3``. The lease is the
  promise for a run that dies: its last renewal was at most ``lease / 3`` before the kill, so the lock
  outlives the kill by at least ``2/3 × lease`` (10 minutes with the default 15) — longer than a batch request
  WooCommerce keeps executing after the client is gone (PHP's ``max_execution_time``, usually 30–300 s).
- **Release** = delete the product (``force=true``), by the holder only.

Expiries are compared with this machine's clock (UTC): keep runner clocks in sync (NTP); skew shortens or
lengthens the lease by the skew. ``wcsync.store.fetch`` hides the lock product from plans, apply and import.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind
from wcsync.errors import StoreError
from wcsync.store import endpoints
from wcsync.store.client import WooClient
from wcsync.store.errors import RequestFailed

#: the reserved SKU of the lock product (a catalogue must not use it)
LOCK_SKU = "wcsync-apply-lock"
LOCK_META = "_wcsync_lock"
#: default lease: how long a lock lives after its holder's last renewal
DEFAULT_LEASE = timedelta(minutes=15)

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def is_lock_product(body: Mapping[str, Any]) -> bool:
    """A product body (any ``_fields``) that is the lock product."""
    sku = body.get("sku")
    return isinstance(sku, str) and sku_key(sku) == LOCK_SKU


def describe_owner(env: Mapping[str, str] | None = None) -> str:
    """Who is applying, for the message another runner reads: the GitHub Actions run, else user@host pid."""
    env = os.environ if env is None else env
    server, repo, run = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID")
    if server and repo and run:
        attempt = env.get("GITHUB_RUN_ATTEMPT", "1")
        return f"GitHub Actions run {server}/{repo}/actions/runs/{run} (attempt {attempt})"
    user = env.get("USER") or env.get("USERNAME") or "someone"
    return f"{user}@{socket.gethostname()} (pid {os.getpid()})"


class LockHeld(StoreError):
    """Another apply holds the store's lock."""

    def __init__(self, store: str, holder: str, expires: datetime | None) -> None:
        until = expires.strftime("%Y-%m-%d %H:%M:%S UTC") if expires else "an unreadable expiry"
        super().__init__(
            f"store {store} is locked by another wcsync apply: {holder}, until {until}; nothing was written",
            hint="wait for that apply to finish (or for the lock to expire) and run apply again; if that run is "
            f"dead, its last batch may still be running in the store, so only after {until} is it safe",
        )
        self.holder = holder
        self.expires = expires


@dataclass
class _Seen:
    id: int
    owner: str | None
    holder: str
    expires: datetime | None


def _parse(body: Mapping[str, Any]) -> _Seen:
    raw: Any = None
    for row in body.get("meta_data") or []:
        if isinstance(row, dict) and row.get("key") == LOCK_META:
            raw = row.get("value")
    data: Any = raw
    if isinstance(raw, str):
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        data = {}
    expires: datetime | None = None
    try:
        expires = datetime.fromisoformat(str(data.get("expires")))
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
    except ValueError:
        expires = None
    holder = data.get("holder") if isinstance(data.get("holder"), str) else "an unknown holder"
    owner = data.get("owner") if isinstance(data.get("owner"), str) else None
    return _Seen(id=int(body.get("id") or 0), owner=owner, holder=str(holder), expires=expires)


class StoreLock:
    """The lock of one store: ``async with StoreLock(client, store="production"): …apply…``."""

    def __init__(
        self,
        client: WooClient,
        *,
        store: str,
        holder: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
        clock: Clock = _utcnow,
        renew: bool = True,
    ) -> None:
        self._client = client
        self.store = store
        self.holder = holder or describe_owner()
        self.owner = uuid.uuid4().hex
        self.lease = lease
        self._clock = clock
        self._renew = renew
        self.id: int | None = None
        self._task: asyncio.Task[None] | None = None

    def _meta(self) -> list[dict[str, Any]]:
        now = self._clock()
        value = {"owner": self.owner, "holder": self.holder, "acquired": now.isoformat(),
                 "expires": (now + self.lease).isoformat()}
        return [{"key": LOCK_META, "value": json.dumps(value)}]

    async def _find(self) -> _Seen | None:
        for status in ("any", "trash"):
            bodies = await self._client.get(
                endpoints.PRODUCTS, {"sku": LOCK_SKU, "status": status, "context": "edit", "_fields": "id,sku,meta_data"}
            )
            for body in bodies if isinstance(bodies, list) else []:
                if isinstance(body, dict) and is_lock_product(body):
                    return _parse(body)
        return None

    async def _first_holder(self) -> _Seen | None:
        """The lock product with the lowest id (WooCommerce checks SKU uniqueness with a read before the write,
        so two exactly simultaneous creates can both succeed; the older one is the lock)."""
        bodies = await self._client.get(
            endpoints.PRODUCTS, {"sku": LOCK_SKU, "status": "any", "context": "edit", "_fields": "id,sku,meta_data",
                         "orderby": "id", "order": "asc"}
        )
        locks = [b for b in (bodies if isinstance(bodies, list) else []) if isinstance(b, dict) and is_lock_product(b)]
        return _parse(min(locks, key=lambda b: int(b.get("id") or 0))) if locks else None

    async def acquire(self) -> None:
        """Take the lock or raise ``LockHeld``."""
        for _ in range(3):
            seen = await self._find()
            if seen is not None:
                if seen.expires is None or seen.expires > self._clock():
                    raise LockHeld(self.store, seen.holder, seen.expires)
                await self._delete(seen.id)
            payload = {
                "name": "wcsync apply lock (do not edit; deleted when the apply ends)",
                "sku": LOCK_SKU, "type": "simple", "status": "private", "catalog_visibility": "hidden",
                "virtual": True, "meta_data": self._meta(),
            }
            try:
                body = await self._client.post(endpoints.PRODUCTS, json=payload)
            except RequestFailed as err:
                if err.status == 400 and err.code in {"product_invalid_sku", "woocommerce_rest_product_not_created"}:
                    continue  # another runner created it between our read and our create: re-read, report
                raise
            self.id = int(body["id"])
            winner = await self._first_holder()
            if winner is not None and winner.id != self.id:  # two creates raced past the SKU check: lowest id wins
                lock_id, self.id = self.id, None
                await self._delete(lock_id)
                raise LockHeld(self.store, winner.holder, winner.expires)
            if self._renew:
                self._task = asyncio.create_task(self._renew_loop())
            return
        seen = await self._find()
        raise LockHeld(self.store, seen.holder if seen else "another runner", seen.expires if seen else None)

    async def renew(self) -> None:
        """Push the expiry one lease ahead of now."""
        if self.id is not None:
            await self._client.put(endpoints.item(Kind.PRODUCT, self.id), json={"meta_data": self._meta()})

    async def _renew_loop(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            with suppress(StoreError):  # the apply itself reports a store that stopped answering
                await self.renew()

    async def release(self) -> None:
        """Give the lock back (only ours, by id)."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.id is not None:
            lock_id, self.id = self.id, None
            await self._delete(lock_id)

    async def _delete(self, lock_id: int) -> None:
        try:
            await self._client.delete(endpoints.item(Kind.PRODUCT, lock_id), {"force": True})
        except RequestFailed as err:
            if err.status != 404:  # already gone (another runner cleared the expired lock first)
                raise

    async def __aenter__(self) -> StoreLock:
        await self.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.release()


@asynccontextmanager
async def apply_lock(
    client: WooClient, store: str, *, enabled: bool, notify: Callable[[str], None] | None = None
) -> AsyncIterator[StoreLock | None]:
    """The hook ``wcsync apply --lock`` wraps its reads and writes in: take the store's lock (or raise
    ``LockHeld``), give it back at the end; a lock that cannot be given back is said, never raised (it
    expires by itself). ``enabled=False`` does nothing."""
    if not enabled:
        yield None
        return
    lock = StoreLock(client, store=store)
    await lock.acquire()
    if notify is not None:
        notify(f"Took the apply lock of store {store} (held until the apply ends; lease {_minutes(lock.lease)})")
    try:
        yield lock
    finally:
        try:
            await lock.release()
        except StoreError as err:
            if notify is not None:
                notify(f"Warning: could not release the apply lock of store {store} ({err}); "
                       f"it expires by itself within {_minutes(lock.lease)}")


def _minutes(lease: timedelta) -> str:
    return f"{int(lease.total_seconds() // 60)} min"
