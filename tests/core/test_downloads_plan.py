"""Downloadable files planned on the real store's answers (11#112-117) read through the wire mapping: the
store's generated UUIDs are never a change (not even a new one, 11#114), a renamed or added file is, and the
payload sends a kept file back with its id (which keeps it, 11#115)."""

from __future__ import annotations

from typing import Any

from tests.core.captures import answered, sent
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings, StoreRef
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState
from wcsync.store import payload, wire

STORE = StoreRef(name="capture", url="https://shop.example")
FILE = "http://{base}/capture-img/a.jpg"


def _live(ref: str) -> LiveState:
    body = {**answered(ref), "name": "Download Product", "type": "simple",
            "meta_data": [{"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": []}}]}
    return LiveState(products=(wire.product(body),))


def _desired(downloads: tuple[dict[str, str], ...], **more: Any) -> DesiredState:
    fields = {"name": "Download Product", "downloadable": True, "downloads": downloads, "download_limit": 5,
              "download_expiry": 30, **more}
    return DesiredState(products=(DesiredResource(kind=Kind.PRODUCT, key="I-DL", fields=fields),))


def _changes(plan: Any) -> list[tuple[str, Any, Any]]:
    return [(f.field, f.before, f.after) for c in plan.changes for f in c.changes]


def test_the_download_as_sent_is_no_change_whatever_id_the_store_gave_it() -> None:
    manual = ({"name": "Manual", "file": FILE},)
    assert sent("11#112")["downloads"] == list(manual)
    first, renewed = _live("11#113"), _live("11#114")
    assert first.products[0].fields["downloads"][0]["id"] != renewed.products[0].fields["downloads"][0]["id"]
    for live in (first, renewed):
        assert _changes(build_plan(_desired(manual), live, PlanSettings(), store=STORE)) == []


def test_a_renamed_download_is_one_change_and_is_sent_with_the_id_it_has() -> None:
    live = _live("11#114")
    plan = build_plan(_desired(({"name": "Manual v2", "file": FILE},)), live, PlanSettings(), store=STORE)
    assert _changes(plan) == [("downloads", [{"name": "Manual", "file": FILE, "id": "a806b6af-9da2-4e3b-93b6-f64fdedb850b"}],
                               [{"name": "Manual v2", "file": FILE}])]
    body = payload.product_payload(plan.changes[0], lambda kind, key: None)
    # as 11#115 sent it: the id keeps the download (and the customers' permissions on it)
    assert body["downloads"] == [{"id": "a806b6af-9da2-4e3b-93b6-f64fdedb850b", "name": "Manual v2", "file": FILE}]
    assert sent("11#115")["downloads"][0].keys() == body["downloads"][0].keys()


def test_an_added_file_is_sent_without_an_id_and_the_kept_one_with_its_own() -> None:
    live = _live("11#113")
    extra = {"name": "Remote", "file": "https://downloads.example.com/files/manual.pdf"}
    plan = build_plan(_desired(({"name": "Manual", "file": FILE}, extra)), live, PlanSettings(), store=STORE)
    body = payload.product_payload(plan.changes[0], lambda kind, key: None)
    assert body["downloads"] == [{"id": "51ec04d3-14aa-4258-9fff-a5a789651f6f", "name": "Manual", "file": FILE}, extra]


def test_limits_compare_as_numbers_and_unlimited_is_minus_one() -> None:
    live = _live("11#113")
    plan = build_plan(_desired(({"name": "Manual", "file": FILE},), download_limit=-1), live, PlanSettings(), store=STORE)
    assert _changes(plan) == [("download_limit", 5, -1)]
    assert payload.product_payload(plan.changes[0], lambda kind, key: None)["download_limit"] == -1
    missing = wire.product({**answered("11#116"), "type": "simple"})
    assert (missing.fields["download_limit"], missing.fields["download_expiry"]) == (-1, -1)


def test_a_variation_carries_downloads_too() -> None:
    body = {"id": 7, "sku": "V-1", "downloads": [{"id": "u-1", "name": "Manual", "file": FILE}], "download_limit": 2}
    live = wire.variation(body, parent_id=3)
    assert live.fields["downloads"] == ({"id": "u-1", "name": "Manual", "file": FILE},)
    assert live.fields["download_limit"] == 2
