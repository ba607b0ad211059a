"""``stock_quantity: null`` when stock is managed but no quantity was ever set (11#46-47), a menu_order the store
will not set back to 0 (11#39-42), a SKU removed: through the wire layer from the captured bodies, neither the
text nor the Markdown plan ever shows Python's ``None``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.captures import answered, sent
from tests.scenarios.builders import STORE
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState
from wcsync.render import render_markdown, render_text
from wcsync.store import wire

_MARK = [{"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": []}}]


def _stock_live() -> LiveState:
    body = {**answered("11#47"), "name": sent("11#46")["name"], "meta_data": _MARK}
    return LiveState(products=(wire.product(body),))


def _stock_desired(**fields: Any) -> DesiredState:
    request = sent("11#46")
    return DesiredState(products=(DesiredResource(kind=Kind.PRODUCT, key=request["sku"], fields={
        "name": request["name"], "manage_stock": True, **fields}),))


def _texts(plan: Any) -> list[str]:
    return [render_text(plan), render_markdown(plan)]


def test_the_captured_quantity_is_null() -> None:
    assert _stock_live().products[0].fields["stock_quantity"] is None


@pytest.mark.parametrize("settings", [PlanSettings(), PlanSettings(store_owned=("stock_quantity",))])
def test_a_quantity_never_set_is_shown_without_none(settings: PlanSettings) -> None:
    plan = build_plan(_stock_desired(stock_quantity=10), _stock_live(), settings, store=STORE)
    assert plan.changes or plan.info
    for text in _texts(plan):
        assert "None" not in text and "10" in text
    if settings.store_owned:
        assert [i.message for i in plan.info] == [
            "store-owned field stock_quantity differs from the catalogue (no value live, 10 in the catalogue); "
            "not written"]


def test_menu_order_zero_on_a_variation_is_information_not_a_change() -> None:
    parent = wire.product({**answered("11#35"), "type": "variable", "name": "Inherit Parent", "meta_data": _MARK})
    variation = wire.variation({**answered("11#42"), "sku": "C-VAR", "meta_data": _MARK}, parent_id=parent.id,
                               parent_sku=parent.key)
    assert variation.fields["menu_order"] == 3  # 0 was sent (11#41) and ignored
    desired = DesiredState(
        products=(DesiredResource(kind=Kind.PRODUCT, key="C-PARENT", fields={"type": "variable"}),),
        variations=(DesiredResource(kind=Kind.VARIATION, key="C-VAR", parent_key="C-PARENT",
                                    fields={"sku": "C-VAR", "menu_order": 0}),),
    )
    plan = build_plan(desired, LiveState(products=(parent,), variations=(variation,)), PlanSettings(), store=STORE)
    assert plan.changes == ()
    assert [(i.key, i.field) for i in plan.info] == [("C-VAR", "menu_order")]
    for text in _texts(plan):
        assert "None" not in text


def test_a_removed_sku_note_says_none_in_words() -> None:
    from wcsync.core.notes import field_notes
    from wcsync.core.plan import FieldChange

    (note,) = field_notes([FieldChange(field="sku", before="OLD-1", after=None)])
    assert "None" not in note.message and "(none)" in note.message
