"""The real exchange 05#7 through the store layer's wire mapping: the product as sent (in the catalogue's
vocabulary) against the product WooCommerce returned is no change at all; a real edit is exactly one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.core.captures import request, response
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings, StoreRef
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveResource, LiveState, Mark
from wcsync.store import wire

STORE = StoreRef(name="capture", url="https://shop.example")


def _desired(**override: Any) -> DesiredState:
    sent = request("05#7")
    fields: dict[str, Any] = {
        name: sent[name]
        for name in ("name", "slug", "type", "status", "featured", "catalog_visibility", "description",
                     "short_description", "date_on_sale_from", "date_on_sale_to", "virtual", "downloadable",
                     "tax_status", "tax_class", "manage_stock", "stock_quantity", "backorders",
                     "low_stock_amount", "sold_individually", "reviews_allowed", "purchase_note", "menu_order",
                     "shipping_class")
    }
    fields["regular_price"] = Decimal(sent["regular_price"])
    fields["sale_price"] = Decimal(sent["sale_price"])
    fields["weight"] = Decimal(sent["weight"])
    fields["dimensions"] = {k: Decimal(v) for k, v in sent["dimensions"].items()}
    fields["categories"] = ("hoodies",)
    fields["tags"] = ("sale-deals", "winter")
    fields["attributes"] = tuple(
        {"name": a["name"], "slug": None, "options": tuple(a["options"]), "visible": a["visible"],
         "variation": a["variation"]}
        for a in sent["attributes"]
    )
    fields["meta"] = {row["key"]: row["value"] for row in sent["meta_data"]}
    fields.update(override)
    return DesiredState(products=(DesiredResource(kind=Kind.PRODUCT, key=sent["sku"], fields=fields),))


def _live() -> LiveState:
    body = dict(response("05#7"))
    body["meta_data"] = [*body["meta_data"], {"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": []}}]
    product = wire.product(body)
    cats = tuple(wire.category({**c, "parent": 0}) for c in body["categories"])
    tags = tuple(wire.tag(t) for t in body["tags"])
    ship = LiveResource(kind=Kind.SHIPPING_CLASS, id=22, key="bulky-items", fields={"name": "Bulky items"})
    return LiveState(products=(product,), categories=cats, tags=tags, shipping_classes=(ship,))


def test_wire_mapping_of_the_real_product_is_marked() -> None:
    live = _live()
    assert live.products[0].mark == Mark(meta_keys=())
    assert live.products[0].fields["name"] == "Classic Hoodie & Co"


def test_product_as_sent_against_product_as_returned_is_no_change() -> None:
    plan = build_plan(_desired(), _live(), PlanSettings(), store=STORE)
    assert [(c.key, c.changes) for c in plan.changes] == []


def test_one_real_edit_is_exactly_one_field_change() -> None:
    plan = build_plan(_desired(regular_price=Decimal("49.9")), _live(), PlanSettings(), store=STORE)
    assert [(c.action.value, c.key, [(f.field, f.before, f.after) for f in c.changes]) for c in plan.changes] == [
        ("update", "HOODIE-CLASSIC", [("regular_price", "45.00", "49.90")])
    ]
