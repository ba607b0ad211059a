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


def _tee(parent_sku_known: bool) -> LiveState:
    size = LiveResource(kind=Kind.ATTRIBUTE, id=2, key="size", fields={"name": "Size", "slug": "size"})
    terms = tuple(LiveResource(kind=Kind.TERM, id=30 + i, key=s.lower(), parent_id=2, fields={"name": s})
                  for i, s in enumerate("SML"))
    parent = wire.product({"id": 445, "sku": "TEE-VAR", "type": "variable", "name": "Tee",
                           "meta_data": [{"key": "_wcsync", "value": {"v": 1}}]})
    variations = tuple(
        wire.variation(body, {2: "size"}, parent_id=445, parent_sku="TEE-VAR" if parent_sku_known else None)
        for body in response("06#54")
    )
    return LiveState(attributes=(size,), terms=terms, products=(parent,), variations=variations)


def _tee_desired(with_skus: bool = False) -> DesiredState:
    from wcsync.core.kinds import variation_combo_key

    variations = []
    for s in "SML":
        combo = {"pa_size": s}
        fields: dict[str, Any] = {"attributes": combo, "regular_price": Decimal("20")}
        if with_skus:
            fields["sku"] = f"TEE-{s}"
        key = f"TEE-{s}" if with_skus else variation_combo_key("TEE-VAR", combo)
        variations.append(DesiredResource(kind=Kind.VARIATION, key=key, parent_key="TEE-VAR", fields=fields))
    product = DesiredResource(kind=Kind.PRODUCT, key="TEE-VAR", fields={"name": "Tee", "type": "variable"})
    return DesiredState(products=(product,), variations=tuple(variations))


def test_variations_reporting_the_parents_sku_are_matched_by_combination() -> None:
    assert {v.fields.get("sku", v.key) for v in _tee(False).variations} == {"TEE-VAR"}
    for known in (True, False):
        plan = build_plan(_tee_desired(), _tee(known), PlanSettings(), store=STORE)
        # matched, nothing differs; unmarked variations of a managed parent are adopted (marked) as they are
        assert sorted((c.action.value, c.key, c.live_id, c.changes) for c in plan.changes) == [
            ("adopt", "TEE-VAR[pa_size=L]", 446, ()),
            ("adopt", "TEE-VAR[pa_size=M]", 447, ()),
            ("adopt", "TEE-VAR[pa_size=S]", 448, ()),
        ]


def test_giving_generated_variations_their_own_skus_is_an_update_not_a_create() -> None:
    plan = build_plan(_tee_desired(with_skus=True), _tee(False), PlanSettings(), store=STORE)
    assert sorted((c.action.value, c.key, c.live_id, [(f.field, f.before, f.after) for f in c.changes])
                  for c in plan.changes) == [
        ("adopt", "TEE-L", 446, [("sku", None, "TEE-L")]),
        ("adopt", "TEE-M", 447, [("sku", None, "TEE-M")]),
        ("adopt", "TEE-S", 448, [("sku", None, "TEE-S")]),
    ]
