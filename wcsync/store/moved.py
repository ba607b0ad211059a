"""What moved in the store since apply read it: the check ``wcsync.store.lock`` runs when it takes the lock.

The store's own clock decides: ``modified_after`` the newest ``date_modified_gmt`` the read saw (minus one second:
the filter is strict and dates have one-second resolution), products and, when asked, variations (the
store-wide ``/variations`` route, WooCommerce ≥ 10.3). The lock products among the rows (the lock is a product
created after the read) serve the lock's check for two creates that raced past WooCommerce's SKU check.
``wcsync.engine.moved.moved_changes`` turns the rows into the changes of a plan to skip as stale (exactly the
check a saved plan gets); the apply (``wcsync.api``) calls it. Terms have no modification date and deletions leave no row: the
convergence re-read after apply catches those.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from wcsync.core.records import LiveResource, LiveState
from wcsync.store import endpoints
from wcsync.store.budget import pages
from wcsync.store.client import WooClient

IsLock = Callable[[Mapping[str, Any]], bool]

#: rows on the first (newest first) page of the check: what moved since the read is normally nothing but our
#: lock, and a store pays per row it loads (about 4 ms each: a page of 100 would cost 0.5 s right after a
#: large apply, when every row the apply wrote sits in the read's newest second); more moved rows than fit
#: here fall back to reading the whole list, as before
FIRST_PAGE = 10


@dataclass
class Moved:
    """Products and variations modified (or created) in the store since a read, other than lock products."""

    products: list[dict[str, Any]] = field(default_factory=list)
    variations: list[dict[str, Any]] = field(default_factory=list)
    #: ids of lock products among them (ours included)
    locks: list[int] = field(default_factory=list)
    #: requests the lists took
    requests: int = 0


def _newest(resources: Sequence[LiveResource], now: str) -> str | None:
    """The newest ``date_modified_gmt`` a read saw, not after the store's ``now`` (a product dated in the
    future must not hide the present); None when nothing was read."""
    dates = [r.date_modified for r in resources if r.date_modified and (not now or r.date_modified <= now)]
    return max(dates) if dates else None


def _second_before(date: str) -> str | None:
    try:
        return (datetime.fromisoformat(date.replace("Z", "")) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


async def moved_since(client: WooClient, live: LiveState, *, now: str, variations: bool, is_lock: IsLock,
                      own: int | None = None) -> Moved:
    """The products (and variations) modified since ``live`` was read, and the lock products among them."""
    moved = Moved()
    lists: list[tuple[str, Sequence[LiveResource], Sequence[LiveResource]]] = [
        (endpoints.PRODUCTS, live.products, (*live.products, *live.trashed_products))]
    info = getattr(client, "store_info", None)
    if variations and info is not None and getattr(info, "has_store_variations", False):
        lists.append((endpoints.STORE_VARIATIONS, live.variations, live.variations))
    for path, listed, seen in lists:
        rows = await _modified_rows(client, path, listed, _newest(seen, now), own=own if path == endpoints.PRODUCTS else None,
                                    moved=moved)
        known = {r.id: r.date_modified for r in seen}
        for row in rows:
            if path == endpoints.PRODUCTS and is_lock(row):
                moved.locks.append(int(row.get("id") or 0))
            elif known.get(int(row.get("id") or 0), "") != row.get("date_modified_gmt"):
                (moved.products if path == endpoints.PRODUCTS else moved.variations).append(row)
    return moved


async def _modified_rows(client: WooClient, path: str, listed: Sequence[LiveResource], newest: str | None, *,
                         own: int | None, moved: Moved) -> list[dict[str, Any]]:
    """The rows of ``path`` modified since a read whose newest date was ``newest``, in one request as a rule.

    ``modified_after`` is strict and dates have one-second resolution, so the list starts one second before
    ``newest``: it holds every row at ``newest`` too, where a row moved in that same second after the read
    hides among the rows the read saw there (right after a large apply, all of them). Newest first, the first
    page has every row dated after ``newest``; the rest are dated ``newest``, and when their number is that of
    the rows the read saw at ``newest`` (not on the first page; our own lock may be among them), no other row
    joined them. Otherwise, or without ``X-WP-Total``, the whole list is read. The first page holds
    ``FIRST_PAGE`` rows."""
    fields = "id,sku,date_modified_gmt" + (",parent_id" if path == endpoints.STORE_VARIATIONS else "")
    params: dict[str, Any] = {"per_page": FIRST_PAGE, "context": "edit", "_fields": fields}
    if path == endpoints.PRODUCTS:
        params["status"] = "any"
    after = _second_before(newest) if newest else None
    if after is not None:
        params.update(modified_after=after, dates_are_gmt="true")
    response = await client.request("GET", path, params={**params, "orderby": "modified", "order": "desc"})
    moved.requests += 1
    try:
        body = response.json()
    except ValueError:  # not JSON: the list below says what the store answered
        body = None
    rows = [r for r in body if isinstance(r, dict)] if isinstance(body, list) else []
    total = response.headers.get("X-WP-Total", "")
    unseen = int(total) - len(rows) if total.strip().isdigit() else -1
    if unseen == 0:
        return rows
    if newest is not None and unseen > 0 and rows and min(str(r.get("date_modified_gmt") or "") for r in rows) == newest:
        on_page = {int(r.get("id") or 0) for r in rows}
        at_newest = sum(1 for r in listed if r.date_modified == newest and r.id not in on_page)
        if unseen == at_newest + (1 if own is not None and own not in on_page else 0):
            return rows
    everything = await client.list_all(path, {k: v for k, v in params.items() if k not in ("per_page", "context",
                                                                                          "_fields")},
                                       fields=fields.split(","), progress=_silent)
    moved.requests += pages(len(everything))
    return everything


def _silent(name: str, done: int, total: int) -> None:
    del name, done, total
