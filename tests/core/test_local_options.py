"""Local (non-global) attribute options of variations, from the real exchanges 06#6 (parent: global Color,
local Fit with options ``Regular``/``Slim``) and 06#14 (variation sent ``red``/``regular``: WooCommerce
returns the global option as the term name ``Red`` but keeps the local one as sent, ``regular``).

The catalogue spells a variation's option like its parent (``Regular``). Identity is case-insensitive (the
same variation, never a create + delete); a case-only difference is still an ``attributes`` update, so the
store converges on the catalogue's spelling (WooCommerce's cart matching of local options is case-sensitive
on some versions)."""

from __future__ import annotations

from typing import Any

from tests.core.captures import request, response
from tests.scenarios.builders import STORE, field, lines, product, state, variation
from wcsync.core.plan import Action, PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import LiveResource, LiveState
from wcsync.store import wire

MARK = {"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": []}}
PARENT = "HOODIE-VAR"


def _parent() -> LiveResource:
    body = dict(response("06#6"))
    body["meta_data"] = [*body["meta_data"], MARK]
    return wire.product(body, {1: "color"})


def _variation(vid: int, *, own_sku: bool, option: str | None = None) -> LiveResource:
    body: dict[str, Any] = dict(response("06#14"))
    attrs = [dict(a) for a in body["attributes"]]
    if option is not None:
        attrs[1]["option"] = option
    body.update(id=vid, attributes=attrs, meta_data=[MARK], parent_id=_parent().id)
    if not own_sku:
        body["sku"] = PARENT  # a variation without its own SKU reports its parent's (06#54-56)
    return wire.variation(body, {1: "color"}, parent_sku=PARENT)


def _plan(desired_vars: list[Any], live_vars: tuple[LiveResource, ...]) -> Any:
    desired = state(products=[product(PARENT, "Classic Hoodie", type="variable")], variations=desired_vars)
    live = LiveState(products=(_parent(),), variations=live_vars)
    return build_plan(desired, live, PlanSettings(), store=STORE)


def test_the_capture_keeps_the_local_option_as_sent() -> None:
    assert request("06#14")["attributes"][1] == {"name": "Fit", "option": "regular"}
    assert _variation(441, own_sku=False).fields["attributes"] == {"pa_color": "Red", "Fit": "regular"}
    assert next(a for a in _parent().fields["attributes"] if a["name"] == "Fit")["options"] == ("Regular", "Slim")


def test_a_sku_less_variation_differing_only_in_local_case_is_an_update_not_create_and_delete() -> None:
    plan = _plan([variation(PARENT, None, {"pa_color": "Red", "Fit": "Regular"})], (_variation(441, own_sku=False),))
    assert lines(plan) == ["update variation HOODIE-VAR[Fit=Regular,pa_color=Red] [attributes]"]
    only = plan.changes[0]
    assert (only.action, only.live_id, only.live_parent_id) == (Action.UPDATE, 441, 430)
    assert field(only, "attributes") == ({"Fit": "regular", "pa_color": "Red"}, {"Fit": "Regular", "pa_color": "Red"})
    # the catalogue's own spelling is no change (the global option's case never is: 06#8)
    same = _plan([variation(PARENT, None, {"pa_color": "red", "Fit": "regular"})], (_variation(441, own_sku=False),))
    assert same.changes == ()


def test_a_variation_with_its_own_sku_shows_the_case_only_difference_too() -> None:
    plan = _plan([variation(PARENT, "HV-LOWER", {"pa_color": "Red", "Fit": "Regular"})], (_variation(441, own_sku=True),))
    assert lines(plan) == ["update variation HV-LOWER [attributes]"]
    assert field(plan.changes[0], "attributes") == (
        {"Fit": "regular", "pa_color": "Red"}, {"Fit": "Regular", "pa_color": "Red"},
    )


def test_an_exact_twin_wins_over_a_case_only_one() -> None:
    """Two live variations may share a combination (06#16): the one spelled like the catalogue is kept, the
    other is deleted — whichever the store lists first."""
    lower, upper = _variation(441, own_sku=False), _variation(442, own_sku=False, option="Regular")
    for live_vars in ((lower, upper), (upper, lower)):
        plan = _plan([variation(PARENT, None, {"pa_color": "Red", "Fit": "Regular"})], live_vars)
        assert lines(plan) == ["delete variation HOODIE-VAR[Fit=regular,pa_color=Red]"]
        assert plan.changes[0].live_id == 441
    # and two catalogue variations whose options differ only in case each keep their exact twin
    plan = _plan([variation(PARENT, None, {"pa_color": "Red", "Fit": "Regular"}),
                  variation(PARENT, None, {"pa_color": "Red", "Fit": "regular"})], (upper, lower))
    assert plan.changes == ()


def test_a_different_local_option_is_still_another_variation() -> None:
    plan = _plan([variation(PARENT, None, {"pa_color": "Red", "Fit": "Slim"})], (_variation(441, own_sku=False),))
    assert lines(plan) == [
        "create variation HOODIE-VAR[Fit=Slim,pa_color=Red] [attributes]",
        "delete variation HOODIE-VAR[Fit=regular,pa_color=Red]",
    ]
