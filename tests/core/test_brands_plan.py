"""Brands planned on the real store's answers (11#93-103) read through the store layer's wire mapping: a
brand as created is no change, the product's brands as returned (``[{id, name, slug}]``) compare by slug,
a new brand and a moved one are planned like categories, and the payload sends brands by id (none as
``[{"id": 0}]``, since ``[]`` is ignored, 11#100)."""

from __future__ import annotations

from typing import Any

from tests.core.captures import answered, sent
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, PlanSettings, StoreRef
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState
from wcsync.store import payload, wire

STORE = StoreRef(name="capture", url="https://shop.example")


def _brand(key: str, name: str, parent: str | None = None, **more: Any) -> DesiredResource:
    return DesiredResource(kind=Kind.BRAND, key=key,
                           fields={"name": name, "slug": key.rsplit("/", 1)[-1], "parent": parent, **more})


def _product(brands: tuple[str, ...]) -> DesiredResource:
    return DesiredResource(kind=Kind.PRODUCT, key="I-BRAND", fields={"name": "Branded", "brands": brands})


def _live(product_ref: str = "11#99") -> LiveState:
    brands = tuple(wire.brand(b) for b in answered("11#103"))
    body = {**answered(product_ref), "name": "Branded",
            "meta_data": [{"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": []}}]}
    return LiveState(brands=brands, products=(wire.product(body),))


def _desired(*brands: DesiredResource, product: tuple[str, ...] = ("globex",)) -> DesiredState:
    return DesiredState(brands=brands, products=(_product(product),))


def _changes(plan: Any) -> list[tuple[str, str, str, list[tuple[str, Any, Any]]]]:
    return [(c.kind.value, c.action.value, c.key, [(f.field, f.before, f.after) for f in c.changes])
            for c in plan.changes]


def test_the_captured_brands_and_product_are_no_change() -> None:
    assert sent("11#94") == {"name": "Acme & Co"}
    live = _live()
    assert live.brands[0].fields["name"] == "Acme & Co" and live.brands[0].key == "acme-co"
    assert live.products[0].fields["brands"] == (23,)
    desired = _desired(_brand("acme-co", "Acme & Co"), _brand("globex", "Globex"))
    assert _changes(build_plan(desired, live, PlanSettings(), store=STORE)) == []


def test_a_brand_change_on_the_product_is_one_field_change_by_slug() -> None:
    desired = _desired(_brand("acme-co", "Acme & Co"), _brand("globex", "Globex"), product=("acme-co",))
    plan = build_plan(desired, _live(), PlanSettings(), store=STORE)
    assert _changes(plan) == [("product", "update", "I-BRAND", [("brands", ["globex"], ["acme-co"])])]
    body = payload.product_payload(plan.changes[0], lambda kind, key: plan.refs[kind.value][key])
    assert body["brands"] == [{"id": 22}]


def test_no_brand_is_sent_as_id_0_because_an_empty_list_changes_nothing() -> None:
    desired = _desired(_brand("acme-co", "Acme & Co"), _brand("globex", "Globex"), product=())
    plan = build_plan(desired, _live(), PlanSettings(), store=STORE)
    assert _changes(plan) == [("product", "update", "I-BRAND", [("brands", ["globex"], [])])]
    body = payload.product_payload(plan.changes[0], lambda kind, key: None)
    assert body["brands"] == [{"id": 0}]


def test_a_new_child_brand_is_created_after_its_parent_and_sent_with_its_parent_id() -> None:
    desired = _desired(_brand("acme-co", "Acme & Co"), _brand("globex", "Globex"),
                       _brand("acme-co/acme-kids", "Acme Kids", "acme-co", description="For kids"))
    plan = build_plan(desired, _live(), PlanSettings(), store=STORE)
    assert [(c.kind, c.action, c.key) for c in plan.changes] == [(Kind.BRAND, Action.CREATE, "acme-co/acme-kids")]
    body = payload.category_payload(plan.changes[0], lambda kind, key: plan.refs[kind.value][key])
    assert body == {"name": "Acme Kids", "slug": "acme-kids", "parent": 22, "description": "For kids"}


def test_a_moved_brand_is_an_update_of_its_parent_found_by_leaf_slug() -> None:
    desired = _desired(_brand("acme-co", "Acme & Co"), _brand("acme-co/globex", "Globex", "acme-co"))
    plan = build_plan(desired, _live(), PlanSettings(), store=STORE)
    assert _changes(plan) == [("brand", "update", "acme-co/globex", [("parent", None, "acme-co")])]
    assert plan.changes[0].live_id == 23


def test_an_undeclared_brand_is_left_alone_unless_ownership_all_where_its_holders_are_named() -> None:
    desired = _desired(_brand("acme-co", "Acme & Co"), product=())
    marked = build_plan(desired, _live(), PlanSettings(), store=STORE)
    assert not [c for c in marked.changes if c.kind is Kind.BRAND]
    assert any(i.kind is Kind.BRAND and "globex" in i.message for i in marked.info)
    everything = build_plan(desired, _live(), PlanSettings(ownership="all"), store=STORE)
    delete = next(c for c in everything.changes if c.kind is Kind.BRAND)
    assert (delete.action, delete.key, delete.live_id) == (Action.DELETE, "globex", 23)
    assert [n.message for n in delete.notes] == [
        "brand globex still holds 1 product(s) (I-BRAND); they lose this brand"]
