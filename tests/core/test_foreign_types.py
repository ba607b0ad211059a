"""Live products of a type wcsync does not manage, read from the real store's product body (05#7) through the
wire mapping with the type a plugin gives it: never a change (update, adopt, restore, delete), whatever the
ownership or the mark, and always information."""

from __future__ import annotations

import pytest

from tests.core.captures import response
from wcsync.core.kinds import Kind, is_foreign_type
from wcsync.core.plan import PlanSettings, StoreRef
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState
from wcsync.store import wire

STORE = StoreRef(name="capture", url="https://shop.example")


def _live(ptype: str, *, marked: bool, status: str = "publish") -> LiveState:
    body = {**response("05#7"), "type": ptype, "status": status}
    rows = [r for r in body["meta_data"] if r["key"] != "_wcsync"]
    if marked:
        rows.append({"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": [], "fields": ["name"]}})
    product = wire.product({**body, "meta_data": rows})
    if status == "trash":
        return LiveState(trashed_products=(product,))
    return LiveState(products=(product,))


def _desired(*products: DesiredResource) -> DesiredState:
    other = DesiredResource(kind=Kind.PRODUCT, key="OTHER", fields={"name": "Other", "type": "simple"})
    return DesiredState(products=(other, *products))


@pytest.mark.parametrize("ownership", ["marked", "all"])
@pytest.mark.parametrize("marked", [False, True])
def test_a_live_plugin_product_outside_the_catalogue_is_listed_never_deleted(ownership: str, marked: bool) -> None:
    plan = build_plan(_desired(), _live("subscription", marked=marked), PlanSettings(ownership=ownership), store=STORE)
    assert [(c.action.value, c.key) for c in plan.changes] == [("create", "OTHER")]
    assert [(i.key, i.message) for i in plan.info] == [
        ("*", "1 live product(s) of a type wcsync does not manage left alone (never updated or deleted, whatever "
              "the ownership): HOODIE-CLASSIC (subscription)")]


def test_a_catalogue_product_over_a_live_plugin_product_is_not_written() -> None:
    d = DesiredResource(kind=Kind.PRODUCT, key="HOODIE-CLASSIC", fields={"name": "Renamed", "type": "simple"})
    live = _live("bundle", marked=True)
    plan = build_plan(_desired(d), live, PlanSettings(ownership="all"), store=STORE)
    assert [c.key for c in plan.changes] == ["OTHER"]
    assert [i.message for i in plan.info] == [
        f"live product #{live.products[0].id} is a 'bundle' product, a type wcsync does not manage: left alone "
        "(the catalogue's simple product is not written)"]


def test_a_catalogue_entry_of_a_plugin_type_is_a_record_never_created_or_restored() -> None:
    d = DesiredResource(kind=Kind.PRODUCT, key="HOODIE-CLASSIC", fields={"name": "Hoodie", "type": "subscription"})
    created = build_plan(_desired(d), LiveState(), PlanSettings(), store=STORE)
    assert [c.key for c in created.changes] == ["OTHER"]
    assert [i.message for i in created.info] == [
        "type 'subscription' is not one wcsync manages: not created (a plugin's product is made in wp-admin)"]
    trashed = build_plan(_desired(d), _live("subscription", marked=True, status="trash"), PlanSettings(), store=STORE)
    assert [c.key for c in trashed.changes] == ["OTHER"]
    assert "left alone" in trashed.info[0].message


def test_known_types_are_not_foreign() -> None:
    assert [t for t in ("simple", "variable", "grouped", "external", "", None) if is_foreign_type(t)] == []
    assert is_foreign_type("variable-subscription")
