"""Field ownership (wcsync.core.ownership): what the mark records, what a deleted line resets, what it never
touches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.scenarios.builders import STORE, lines, live_product, product, state
from wcsync.core.kinds import Kind
from wcsync.core.ownership import DEFAULTS, REMOVED_REASON, managed_fields, released_fields
from wcsync.core.plan import Action, PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import LiveResource, LiveState, Mark
from wcsync.engine.bookkeeping import mark_row
from wcsync.store.wire import parse_mark


@pytest.mark.parametrize("raw", [{"v": 1}, {"v": 1, "fields": []}, {"v": 1, "fields": {}}, {"v": 1, "fields": "x"},
                                 '{"v": 1, "fields": []}'])
def test_a_mark_without_a_field_list_reads_as_none(raw: Any) -> None:
    mark = parse_mark({"_wcsync": raw})
    assert mark is not None and mark.fields is None


def test_a_field_list_reads_sorted_and_skips_what_is_not_a_name() -> None:
    mark = parse_mark({"_wcsync": {"v": 1, "fields": ["sale_price", 3, "", "name", "name"]}})
    assert mark is not None and mark.fields == ("name", "sale_price")


def test_the_mark_row_carries_the_field_list_only_when_given() -> None:
    assert mark_row(["b", "a"], {}, ["sale_price", "name"])["value"] == {
        "v": 1, "meta_keys": ["a", "b"], "images": {}, "fields": ["name", "sale_price"]}
    assert "fields" not in mark_row([], {})["value"]


def test_managed_and_released_fields() -> None:
    assert managed_fields(Kind.PRODUCT, ["sale_price", "meta", "stock_quantity", "name"], ["stock_quantity"]) == (
        "name", "sale_price")
    assert managed_fields(Kind.CATEGORY, ["name"], []) == ()  # terms carry no mark
    recorded = ("name", "sale_price", "slug", "stock_quantity", "weight")
    assert released_fields(Kind.PRODUCT, recorded, {"name": "X"}, ["stock_quantity"]) == {
        "sale_price": None, "weight": None}  # slug has no default: released unchanged
    assert released_fields(Kind.PRODUCT, None, {}, []) == {}
    assert DEFAULTS[Kind.VARIATION]["tax_class"] == "parent"


def _live(mark: Mark | None, **fields: Any) -> LiveState:
    base = {"name": "Mug", "type": "simple", "status": "publish", "regular_price": "15.00", **fields}
    return LiveState(products=(live_product(1, "MUG", **base).model_copy(update={"mark": mark}),))


DESIRED = state(products=[product("MUG", "Mug", type="simple", regular_price=Decimal("15"))])


def test_a_deleted_line_is_reset_with_the_reason() -> None:
    live = _live(Mark(fields=("name", "regular_price", "sale_price", "type")), sale_price="12.00")
    plan = build_plan(DESIRED, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["update product MUG [sale_price]"]
    [fc] = plan.changes[0].changes
    assert (fc.before, fc.after, fc.reason) == ("12.00", None, REMOVED_REASON)
    assert plan.changes[0].mark_fields == ("name", "regular_price", "status", "type")


def test_a_field_never_managed_or_store_owned_is_left_alone() -> None:
    never = _live(Mark(fields=("name", "regular_price", "status", "type")), sale_price="12.00")
    assert build_plan(DESIRED, never, PlanSettings(), store=STORE).changes == ()
    owned = _live(Mark(fields=("name", "regular_price", "sale_price", "type")), sale_price="12.00")
    settings = PlanSettings(store_owned=("sale_price",))
    assert build_plan(DESIRED, owned, settings, store=STORE).changes == ()


def test_a_mark_without_a_list_never_clears_and_the_next_write_records_it() -> None:
    live = _live(Mark(), sale_price="12.00", regular_price="14.00")
    plan = build_plan(DESIRED, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["update product MUG [regular_price]"]
    change = plan.changes[0]
    assert "ownership-recorded" in [n.code for n in change.notes]
    assert change.mark_fields == ("name", "regular_price", "status", "type")


def test_adopt_records_the_fields_it_takes_over() -> None:
    plan = build_plan(DESIRED, _live(None, sale_price="12.00"), PlanSettings(), store=STORE)
    [change] = plan.changes
    assert change.action is Action.ADOPT and change.changes == ()
    assert change.mark_fields == ("name", "regular_price", "status", "type")


def test_a_removed_variation_override_resets_that_variation() -> None:
    attrs = ({"name": "Size", "slug": None, "options": ("S",), "visible": True, "variation": True},)
    desired = state(
        products=[product("TEE", "Tee", type="variable", attributes=attrs)],
        variations=[DESIRED.products[0].model_copy(update={
            "kind": Kind.VARIATION, "key": "TEE-S", "parent_key": "TEE",
            "fields": {"sku": "TEE-S", "attributes": {"Size": "S"}, "regular_price": Decimal("20")}})],
    )
    parent = live_product(1, "TEE", name="Tee", type="variable",
                          attributes=({"id": 0, **attrs[0]},)).model_copy(update={"mark": Mark(fields=("attributes", "name", "type"))})
    var = LiveResource(kind=Kind.VARIATION, id=2, key="TEE-S", parent_id=1,
                       mark=Mark(fields=("attributes", "regular_price", "sale_price", "sku")),
                       fields={"sku": "TEE-S", "attributes": {"Size": "S"}, "regular_price": "20.00",
                               "sale_price": "15.00"})
    plan = build_plan(desired, LiveState(products=(parent,), variations=(var,)), PlanSettings(), store=STORE)
    assert lines(plan) == ["update variation TEE-S [sale_price]"]
    assert plan.changes[0].changes[0].reason == REMOVED_REASON
