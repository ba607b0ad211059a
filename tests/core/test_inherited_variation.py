"""A variation that sets no stock, weight, dimensions or shipping class of its own reports its parent's, and
``manage_stock: "parent"`` (11#36-38). Through the wire layer from the captured bodies, a catalogue that leaves
them to the parent (or says so explicitly) plans nothing, and import writes none of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.core.captures import answered, sent
from tests.scenarios.builders import STORE
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState
from wcsync.store import wire

_MARK = [{"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": []}}]


def _live(ref: str = "11#37") -> LiveState:
    parent_sent = sent("11#35")
    parent = wire.product({**answered("11#35"), "type": "variable", "name": parent_sent["name"], "meta_data": _MARK})
    body = {**answered(ref), "meta_data": _MARK}
    variation = wire.variation(body, parent_id=parent.id, parent_sku=parent.key)
    return LiveState(products=(parent,), variations=(variation,),
                     shipping_classes=(wire.shipping_class(answered("11#34")),))


def _desired(**fields: Any) -> DesiredState:
    parent_sent = sent("11#35")
    product = DesiredResource(kind=Kind.PRODUCT, key=parent_sent["sku"], fields={
        "name": parent_sent["name"], "type": "variable", "manage_stock": True, "stock_quantity": 10,
        "weight": Decimal("2.5"), "shipping_class": "bulky",
        "dimensions": {k: Decimal(v) for k, v in parent_sent["dimensions"].items()}})
    variation = DesiredResource(kind=Kind.VARIATION, key="C-VAR", parent_key=parent_sent["sku"],
                                fields={"sku": "C-VAR", **fields})
    ship = sent("11#34")
    bulky = DesiredResource(kind=Kind.SHIPPING_CLASS, key=answered("11#34")["slug"], fields={"name": ship["name"]})
    return DesiredState(products=(product,), variations=(variation,), shipping_classes=(bulky,))


def test_the_wire_keeps_manage_stock_parent() -> None:
    for ref in ("11#36", "11#37", "11#38"):  # create answer, edit and view context alike
        variation = _live(ref).variations[0]
        assert variation.fields["manage_stock"] == "parent"
        assert variation.fields["stock_quantity"] == 10 and variation.fields["weight"] == Decimal("2.5")
    assert wire.record_fields(Kind.PRODUCT, {"manage_stock": True})["manage_stock"] is True
    assert wire.record_fields(Kind.PRODUCT, {"manage_stock": False})["manage_stock"] is False


@pytest.mark.parametrize("fields", [
    {},  # left to the parent
    {"manage_stock": False, "stock_quantity": None, "backorders": "no"},  # said explicitly
    {"weight": None, "dimensions": {"length": None, "width": None, "height": None}, "shipping_class": None},
])
def test_a_variation_inheriting_from_its_parent_plans_nothing(fields: dict[str, Any]) -> None:
    plan = build_plan(_desired(**fields), _live(), PlanSettings(), store=STORE)
    assert [(c.key, [f.field for f in c.changes]) for c in plan.changes] == []
    assert plan.info == ()


def test_a_stock_status_asked_of_an_inheriting_variation_is_information() -> None:
    plan = build_plan(_desired(stock_status="outofstock"), _live(), PlanSettings(), store=STORE)
    assert plan.changes == ()
    assert [(i.key, i.field) for i in plan.info] == [("C-VAR", "stock_status")]
    assert "parent" in plan.info[0].message and "None" not in plan.info[0].message


def test_a_variation_taking_its_own_stock_is_a_change() -> None:
    plan = build_plan(_desired(manage_stock=True, stock_quantity=3), _live(), PlanSettings(), store=STORE)
    assert [(c.key, [(f.field, f.before, f.after) for f in c.changes]) for c in plan.changes] == [
        ("C-VAR", [("manage_stock", False, True), ("stock_quantity", 10, 3)])]


def test_import_writes_no_inherited_stock_for_the_variation() -> None:
    from wcsync.export import export_catalog

    live = _live()
    parent = live.products[0].model_copy(update={"fields": {**live.products[0].fields, "attributes": (
        {"id": 0, "name": "Size", "slug": None, "options": ("S", "M"), "visible": True, "variation": True},)}})
    variation = live.variations[0].model_copy(update={"fields": {**live.variations[0].fields,
                                                                 "attributes": {"Size": "S"}}})
    files = export_catalog(live.model_copy(update={"products": (parent,), "variations": (variation,)})).files
    (item,) = files["products/c-parent.yaml"]["variations"]
    assert "manage_stock" not in item and "stock_quantity" not in item and "backorders" not in item
    assert "weight" not in item and "dimensions" not in item and "shipping_class" not in item


def test_a_date_only_sale_end_is_midnight_on_both_sides() -> None:
    from wcsync.catalog.values import parse_datetime

    request, stored = sent("11#82"), answered("11#83")
    product = wire.product({**stored, "sku": "G", "meta_data": _MARK})
    assert product.fields["date_on_sale_to"] == "2030-01-31T00:00:00"  # the start of that day (11#83)
    desired = DesiredState(products=(DesiredResource(kind=Kind.PRODUCT, key="G", fields={
        "date_on_sale_from": parse_datetime(request["date_on_sale_from"]),
        "date_on_sale_to": parse_datetime(request["date_on_sale_to"])}),))
    assert build_plan(desired, LiveState(products=(product,)), PlanSettings(), store=STORE).changes == ()
