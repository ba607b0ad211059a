"""GTINs the store would refuse (wcsync.core.planner.gtins): a ``global_unique_id`` another live product or
variation holds is never sent (WooCommerce refuses the whole write, 11#108-109); the holder is named, and the
rest of the write is planned."""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios.builders import STORE, lines, live_product, product, state, variation
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import LiveResource, LiveState, Mark

GTIN = "04006381333931"
ATTRS = ({"name": "Color", "slug": None, "options": ("Red",), "visible": True, "variation": True},)
LIVE_ATTRS = ({"id": 0, "name": "Color", "slug": "Color", "options": ("Red",), "visible": True, "variation": True},)


def _infos(plan: object) -> list[tuple[str, str]]:
    return [(i.key, i.message) for i in plan.info if i.field == "global_unique_id"]  # type: ignore[attr-defined]


def test_a_gtin_an_unmanaged_live_product_holds_is_left_out_of_the_create_and_the_holder_named() -> None:
    desired = state(products=[product("MINE", "Mine", global_unique_id=GTIN, regular_price=Decimal("4"))])
    live = LiveState(products=(live_product(7, "THEIRS", marked=False, global_unique_id=GTIN),))
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["create product MINE [name,type,status,regular_price]"]  # created, without the GTIN
    assert _infos(plan) == [("MINE", (
        f"global_unique_id {GTIN} belongs to live product THEIRS (#7), which this plan does not change; WooCommerce "
        "would refuse the whole write, so product MINE is written without it: give it another GTIN in the "
        "catalogue, or remove the GTIN from that product (wp-admin, or its catalogue entry)"))]


def test_an_update_that_only_gives_a_taken_gtin_is_not_planned() -> None:
    desired = state(products=[product("MINE", "Mine", global_unique_id=GTIN)])
    live = LiveState(products=(live_product(1, "MINE", name="Mine", global_unique_id=""),
                               live_product(7, "THEIRS", marked=False, global_unique_id=GTIN)))
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert [c for c in plan.changes if c.key == "MINE"] == []
    assert [k for k, _ in _infos(plan)] == ["MINE"]


def test_a_gtin_held_by_a_variation_names_the_variation_and_its_parent() -> None:
    desired = state(products=[product("MINE", "Mine", global_unique_id=GTIN)])
    other = live_product(1, "OTHER", marked=False, type="variable")
    held = LiveResource(kind=Kind.VARIATION, id=3, key="OTHER-RED", parent_id=1, mark=None,
                        fields={"sku": "OTHER-RED", "global_unique_id": GTIN, "attributes": {"Color": "Red"}})
    plan = build_plan(desired, LiveState(products=(other,), variations=(held,)), PlanSettings(), store=STORE)
    assert _infos(plan)[0][1].startswith(f"global_unique_id {GTIN} belongs to variation OTHER-RED (#3) of OTHER, ")


def test_a_gtin_moving_between_two_catalogue_products_waits_for_the_next_apply() -> None:
    desired = state(products=[product("A", "A", global_unique_id="111"), product("B", "B", global_unique_id=GTIN)])
    live = LiveState(products=(live_product(1, "A", name="A", global_unique_id=GTIN),
                               live_product(2, "B", name="B", global_unique_id="")))
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["update product A [global_unique_id]"]  # A gives it up now
    assert _infos(plan) == [("B", (
        f"global_unique_id {GTIN} belongs to live product A (#1), which this plan gives another GTIN; WooCommerce "
        "refuses a GTIN that is still taken and the other write may come first, so product B gets it by the next "
        "apply, not this one: run wcsync apply again once this plan is applied"))]
    # once A has given it up, B takes it
    applied = LiveState(products=(live_product(1, "A", name="A", global_unique_id="111"),
                                  live_product(2, "B", name="B", global_unique_id="")))
    assert lines(build_plan(desired, applied, PlanSettings(), store=STORE)) == ["update product B [global_unique_id]"]


def test_a_variation_keeps_its_own_gtin_and_a_free_one_is_written() -> None:
    desired = state(products=[product("TEE", "Tee", type="variable", attributes=ATTRS)],
                    variations=[variation("TEE", "TEE-RED", {"Color": "Red"}, global_unique_id=GTIN)])
    live = LiveState(products=(live_product(1, "TEE", name="Tee", type="variable", attributes=LIVE_ATTRS),),
                     variations=(LiveResource(kind=Kind.VARIATION, id=3, key="TEE-RED", parent_id=1, mark=Mark(),
                                              fields={"sku": "TEE-RED", "global_unique_id": "",
                                                      "attributes": {"Color": "Red"}}),))
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["update variation TEE-RED [global_unique_id]"] and _infos(plan) == []
    # the variation holding the GTIN it is given is not its own rival
    holding = LiveState(products=live.products, variations=(live.variations[0].model_copy(
        update={"fields": {**live.variations[0].fields, "global_unique_id": GTIN}}),))
    assert lines(build_plan(desired, holding, PlanSettings(), store=STORE)) == []
