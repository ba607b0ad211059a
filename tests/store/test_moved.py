"""What moved in the store between apply's read and its lock (``wcsync.store.moved``), against a store whose
dates are set by the test: one request when the rows at the read's newest second are all accounted for, the
whole list when one of them may have moved in that same second, and the plan changes it makes stale."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, Plan, PlanSettings, StoreRef
from wcsync.core.records import LiveResource, LiveState
from wcsync.engine.moved import moved_changes
from wcsync.store.lock import is_lock_product
from wcsync.store.moved import moved_since

S = "2026-05-01T12:00:00"


class DatedStore:
    """Products with the dates the test gives them; lists as WooCommerce does (``modified_after`` strict)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.requests: list[dict[str, Any]] = []
        self.store_info = None

    def _matching(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        after = params.get("modified_after")
        return [r for r in self.rows if after is None or r["date_modified_gmt"] > after]

    async def request(self, method: str, path: str, params: dict[str, Any]) -> httpx.Response:
        self.requests.append(params)
        assert params["orderby"] == "modified" and params["order"] == "desc" and params["dates_are_gmt"] == "true"
        rows = sorted(self._matching(params), key=lambda r: r["id"])  # ties at one second: by id, here
        rows = sorted(rows, key=lambda r: r["date_modified_gmt"], reverse=True)
        return httpx.Response(200, json=rows[:int(params["per_page"])], headers={"X-WP-Total": str(len(rows))})

    async def list_all(self, path: str, params: dict[str, Any], fields: Any = None, progress: Any = None) -> Any:
        matching = sorted(self._matching(params), key=lambda r: r["id"])
        for start in range(0, max(len(matching), 1), 100):
            self.requests.append({**params, "page": start // 100 + 1})
        return matching


def _live(rows: list[dict[str, Any]]) -> LiveState:
    return LiveState(products=tuple(LiveResource(kind=Kind.PRODUCT, id=r["id"], key=r["sku"],
                                                 date_modified=r["date_modified_gmt"]) for r in rows))


def _store_after_a_large_apply() -> tuple[DatedStore, LiveState]:
    """150 products written in the second S, read right after; then our lock, created in that same second."""
    rows = [{"id": i, "sku": f"P-{i}", "date_modified_gmt": S} for i in range(1, 151)]
    rows.append({"id": 200, "sku": "OLD", "date_modified_gmt": "2026-04-01T08:00:00"})
    live = _live(rows)
    store = DatedStore([*rows, {"id": 300, "sku": "wcsync-apply-lock", "date_modified_gmt": S}])
    return store, live


def _moved(store: DatedStore, live: LiveState) -> Any:
    return asyncio.run(moved_since(store, live, now=S, variations=False, is_lock=is_lock_product,  # type: ignore[arg-type]
                                   own=300))


def test_rows_at_the_newest_second_that_the_read_saw_cost_one_request() -> None:
    store, live = _store_after_a_large_apply()
    moved = _moved(store, live)
    assert (moved.products, moved.requests, len(store.requests)) == ([], 1, 1)
    assert store.requests[0]["modified_after"] == "2026-05-01T11:59:59"


def test_a_row_moved_into_the_newest_second_after_the_read_is_found() -> None:
    store, live = _store_after_a_large_apply()
    store.rows[-2] = {**store.rows[-2], "date_modified_gmt": S}  # OLD, edited after the read, in second S
    moved = _moved(store, live)
    assert [r["sku"] for r in moved.products] == ["OLD"]
    assert moved.locks == [300]
    assert moved.requests == 3  # the first page did not add up: the whole list (2 pages)


def test_a_row_moved_after_the_newest_second_is_on_the_first_page() -> None:
    store, live = _store_after_a_large_apply()
    store.rows[0] = {**store.rows[0], "date_modified_gmt": "2026-05-01T12:00:01"}
    moved = _moved(store, live)
    assert [r["sku"] for r in moved.products] == ["P-1"]
    assert moved.requests == 1


def test_a_racing_lock_at_the_same_second_is_never_hidden() -> None:
    store, live = _store_after_a_large_apply()
    store.rows.append({"id": 301, "sku": "wcsync-apply-lock", "date_modified_gmt": S})
    moved = _moved(store, live)
    assert sorted(moved.locks) == [300, 301]


def test_moved_objects_make_their_changes_stale_and_only_those() -> None:
    store, live = _store_after_a_large_apply()
    store.rows[0] = {**store.rows[0], "date_modified_gmt": "2026-05-01T12:00:01"}
    store.rows.append({"id": 400, "sku": "NEW-1", "date_modified_gmt": "2026-05-01T12:00:01"})
    moved = _moved(store, live)
    plan = Plan(store=StoreRef(name="s", url="sandbox:x"), catalog_version="v", settings=PlanSettings(), changes=[
        Change(kind=Kind.PRODUCT, key="P-1", action=Action.UPDATE, live_id=1, date_modified=S),
        Change(kind=Kind.PRODUCT, key="P-2", action=Action.UPDATE, live_id=2, date_modified=S),
        Change(kind=Kind.PRODUCT, key="new-1", action=Action.CREATE),
    ])
    stale = moved_changes(plan, live, moved)
    assert sorted(stale) == [(Kind.PRODUCT, "P-1"), (Kind.PRODUCT, "new-1")]
    assert stale[(Kind.PRODUCT, "P-1")].startswith("changed in the store since planning (modified 2026-05-01T12:00:01")
    assert stale[(Kind.PRODUCT, "P-1")].endswith("(while this apply waited for the store's lock: another apply?)")
