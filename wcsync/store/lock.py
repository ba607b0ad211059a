"""The apply lock a store holds itself, so two runners (two CI jobs, or a laptop and CI) never apply at once.

WooCommerce has no lock or option the REST API can create, so the lock is a product the store keeps: a
**private**, hidden, virtual product with the reserved SKU ``LOCK_SKU`` (never published, invisible to
shoppers), carrying the meta row ``_wcsync_lock`` = JSON ``{"owner", "holder", "expires", "acquired"}``.

- **Acquire** = create that product. WooCommerce refuses a second product with the same SKU
  (``product_invalid_sku``), so of two runners one gets the lock; the other reads the holder and is refused
  with it and its expiry. WooCommerce checks uniqueness with a read before its insert (no database
  constraint), so two creates at the very same instant can both succeed: after creating, the holder lists the
  lock products, and only the lowest id keeps the lock (the other deletes its own and is refused).
- **Held** (another owner, ``expires`` in the future) → ``LockHeld`` naming the holder and the expiry.
- **Expired** → deleted by id (``force=true``: a trashed product would still hold the SKU), then acquired.
  Deleting by id means a runner never removes a lock someone else has just re-created.
- **Renew**: while apply runs, the holder pushes ``expires`` forward every ``lease / 3``. The lease is the
  promise for a run that dies: its last renewal was at most ``lease / 3`` before the kill, so the lock
  outlives the kill by at least ``2/3 × lease`` (10 minutes with the default 15) — longer than a batch request
  WooCommerce keeps executing after the client is gone (PHP's ``max_execution_time``, usually 30–300 s).
- **Release** = delete the product (``force=true``), by the holder only.

``apply_lock`` is what apply uses: it takes the lock **after** reading and planning, only when the plan has
something to write (a no-op apply sends no lock request), and then checks that nothing moved between its read
and its lock (``wcsync.store.moved``): one list of the products modified since the read, newest first, which
also serves the lowest-id check above (plus the same list of variations when the plan writes some, on
WooCommerce ≥ 10.3) — 3 or 4 requests with the release. A change whose object moved, or whose SKU was
created meanwhile, is skipped as stale exactly as for a saved plan (``wcsync.engine.stale``); what has no
modification date (terms, deletions) is caught by the convergence re-read after apply.

Expiries are compared with this machine's clock (UTC): keep runner clocks in sync (NTP); skew shortens or
lengthens the lease by the skew. ``wcsync.store.fetch`` hides the lock product from plans, apply and import.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind
from wcsync.core.plan import Plan
from wcsync.core.records import LiveState
from wcsync.core.reserved import LOCK_SKU as LOCK_SKU  # reserved: validate refuses it in a catalogue
from wcsync.errors import StoreError
from wcsync.store import endpoints
from wcsync.store.budget import phase
from wcsync.store.client import WooClient
from wcsync.store.errors import ReadOnlyKeyError, RequestFailed, UnknownOutcome
from wcsync.store.moved import Moved, moved_since

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
    date: str | None = None


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
    return _Seen(id=int(body.get("id") or 0), owner=owner, holder=str(holder), expires=expires,
                 date=body.get("date_modified_gmt"))


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
        #: what ``acquire(since=…)`` found modified in the store since that read (products, variations)
        self.moved: Moved = Moved()

    def _meta(self) -> list[dict[str, Any]]:
        now = self._clock()
        value = {"owner": self.owner, "holder": self.holder, "acquired": now.isoformat(),
                 "expires": (now + self.lease).isoformat()}
        return [{"key": LOCK_META, "value": json.dumps(value)}]

    async def _find(self) -> _Seen | None:
        for status in ("any", "trash"):
            found = await self._find_all(status)
            if found:
                return found[0]
        return None

    async def _find_all(self, status: str = "any") -> list[_Seen]:
        bodies = await self._client.get(endpoints.PRODUCTS, {"sku": LOCK_SKU, "status": status, "context": "edit",
                                                     "_fields": "id,sku,meta_data,date_modified_gmt"})
        return [_parse(b) for b in (bodies if isinstance(bodies, list) else []) if isinstance(b, dict)
                and is_lock_product(b)]

    async def _first_holder(self) -> _Seen | None:
        """The lock product with the lowest id (WooCommerce checks SKU uniqueness with a read before the write,
        so two exactly simultaneous creates can both succeed; the older one is the lock)."""
        bodies = await self._client.get(
            endpoints.PRODUCTS, {"sku": LOCK_SKU, "status": "any", "context": "edit", "_fields": "id,sku,meta_data",
                         "orderby": "id", "order": "asc"}
        )
        locks = [b for b in (bodies if isinstance(bodies, list) else []) if isinstance(b, dict) and is_lock_product(b)]
        return _parse(min(locks, key=lambda b: int(b.get("id") or 0))) if locks else None

    async def acquire(self, since: LiveState | None = None, *, variations: bool = True) -> None:
        """Take the lock or raise ``LockHeld``. With ``since`` (the state apply read before), the check for a
        racing create also lists what moved in the store since that read (``self.moved``): products, and
        variations when ``variations`` (on stores with the store-wide route)."""
        lost: UnknownOutcome | None = None
        for _ in range(5):
            payload = {
                "name": "wcsync apply lock (do not edit; deleted when the apply ends)",
                "sku": LOCK_SKU, "type": "simple", "status": "private", "catalog_visibility": "hidden",
                "virtual": True, "meta_data": self._meta(),
            }
            try:
                body = await self._client.post(endpoints.PRODUCTS, json=payload)
            except UnknownOutcome as err:  # the answer was lost: did our create land? (only ours carries our owner)
                lost = err
                found = await self._find_all()
                ours = [seen for seen in found if seen.owner == self.owner]
                if ours:
                    body = {"id": ours[0].id, "date_modified_gmt": ours[0].date}
                else:
                    if found:
                        await self._clear(found[0])
                    continue
            except RequestFailed as err:
                if err.status != 400 or err.code not in {"product_invalid_sku", "woocommerce_rest_product_not_created"}:
                    raise
                seen = await self._find()  # the SKU is taken: by a live lock, an expired one, or one just released
                if seen is not None:
                    await self._clear(seen)
                continue
            self.id = int(body["id"])
            if since is None:
                winner = await self._first_holder()
                first = winner.id if winner is not None else self.id
            else:
                self.moved = await moved_since(self._client, since, now=str(body.get("date_modified_gmt") or ""),
                                               variations=variations, is_lock=is_lock_product, own=self.id)
                first = min([self.id, *self.moved.locks])
                winner = await self._first_holder() if first != self.id else None
            if first != self.id:  # two creates raced past the SKU check: the lowest id wins
                lock_id, self.id = self.id, None
                await self._delete(lock_id)
                raise LockHeld(self.store, winner.holder if winner else "another runner",
                               winner.expires if winner else None)
            if self._renew:
                self._task = asyncio.create_task(self._renew_loop())
            return
        seen = await self._find()
        if seen is None and lost is not None:
            raise StoreError(f"could not take the apply lock of store {self.store}: {lost}; nothing was written",
                             hint="the store did not confirm creating the lock product, again and again: check "
                             "the store (its PHP error log) and run apply again")
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

    async def _clear(self, seen: _Seen) -> None:
        """Another runner's lock: ``LockHeld`` while it lives, deleted once expired."""
        if seen.expires is None or seen.expires > self._clock():
            raise LockHeld(self.store, seen.holder, seen.expires)
        await self._delete(seen.id)

    async def _delete(self, lock_id: int) -> None:
        for attempt in range(4):
            try:
                await self._client.delete(endpoints.item(Kind.PRODUCT, lock_id), {"force": True})
                return
            except UnknownOutcome:  # deleting by id again is safe: a lock already gone answers 404
                if attempt == 3:
                    raise
            except RequestFailed as err:
                if err.status != 404:  # already gone (another runner cleared the expired lock first)
                    raise
                return

    async def __aenter__(self) -> StoreLock:
        await self.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.release()


class ApplyLock:
    """What ``apply_lock`` yields: ``await lock.before_writing(plan, live, skip)`` right before the first write."""

    def __init__(self, client: WooClient, store: str, *, enabled: bool, say: Callable[[str], None],
                 lease: timedelta, clock: Clock) -> None:
        self._client, self.store, self.enabled, self._say = client, store, enabled, say
        self._lease, self._clock = lease, clock
        self.held: StoreLock | None = None

    async def before_writing(self, plan: Plan, live: LiveState, skip: Collection[tuple[Kind, str]] = ()
                             ) -> Moved:
        """Take the lock when some change of ``plan`` outside ``skip`` is left to write (or raise ``LockHeld``:
        nothing written); what moved in the store since ``live`` was read (``wcsync.engine.moved.moved_changes``
        makes it the changes to skip). Nothing to write: no request at all, and no lock."""
        if self.held is not None or all((c.kind, c.key) in skip for c in plan.changes):
            return Moved()
        if not self.enabled:
            self._say(f"Warning: applying without the apply lock of store {self.store} (--no-lock): another "
                      "wcsync apply (CI, a laptop) could write at the same time, and neither would notice")
            return Moved()
        lock = StoreLock(self._client, store=self.store, lease=self._lease, clock=self._clock)
        variations = any(c.kind is Kind.VARIATION and (c.kind, c.key) not in skip for c in plan.changes)
        try:
            with phase("lock"):
                await lock.acquire(since=live, variations=variations)
        except ReadOnlyKeyError:
            return Moved()  # a key that cannot write writes nothing: apply's first write says so, once, with its report
        self.held = lock
        self._client.stats.bounds["lock"] = 2 + lock.moved.requests  # create, lists, release
        self._say(f"Took the apply lock of store {self.store} (held until the apply ends; lease "
                  f"{_minutes(lock.lease)})")
        return lock.moved

    async def release(self) -> None:
        """Give the lock back if it was taken; a lock that cannot be given back is said, never raised."""
        lock, self.held = self.held, None
        if lock is None:
            return
        try:
            with phase("lock"):
                await lock.release()
        except StoreError as err:
            self._say(f"Warning: could not release the apply lock of store {self.store} ({err}); "
                      f"it expires by itself within {_minutes(lock.lease)}")


@asynccontextmanager
async def apply_lock(
    client: WooClient, store: str, *, enabled: bool = True, notify: Callable[[str], None] | None = None,
    lease: timedelta = DEFAULT_LEASE, clock: Clock = _utcnow,
) -> AsyncIterator[ApplyLock]:
    """What ``wcsync apply`` wraps its run in. The lock is taken late and only to write: once the store is
    read and planned, ``before_writing`` takes it when something is left to write (a no-op apply sends no
    lock request) and says which changes moved since the read; it is given back when the block ends (after the
    convergence re-read, so that proof is not disturbed by the next apply). ``enabled=False`` (``--no-lock``)
    warns and takes none. Its requests count under the ``lock`` phase of ``--stats``."""
    lock = ApplyLock(client, store, enabled=enabled, say=notify or _silent_say, lease=lease, clock=clock)
    try:
        yield lock
    finally:
        await lock.release()


def _silent_say(text: str) -> None:
    del text


def _minutes(lease: timedelta) -> str:
    return f"{int(lease.total_seconds() // 60)} min"
