"""SKUs the store would refuse (wcsync.core.planner.skus): a SKU that moves from a product to a variation, or
is held by a trashed product, is never planned as a create WooCommerce would reject (05#130, 06#63)."""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios.builders import STORE, lines, live_product, product, state, variation
from wcsync.core.kinds import Kind
from wcsync.core.plan import DeleteMode, PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredState, LiveResource, LiveState, Mark

ATTRS = ({"name": "Color", "slug": None, "options": ("Red",), "visible": True, "variation": True},)


def _desired() -> DesiredState:
    return state(products=[product("TEE", "Tee", type="variable", attributes=ATTRS)],
                 variations=[variation("TEE", "TEE-RED", {"Color": "Red"}, regular_price=Decimal("9"))])


def _live() -> LiveState:
    live_attrs = ({"id": 0, "name": "Color", "slug": "Color", "options": ("Red",), "visible": True, "variation": True},)
    return LiveState(products=(live_product(1, "TEE", name="Tee", type="variable", attributes=live_attrs),
                               live_product(2, "TEE-RED", name="Red Tee", regular_price="9.00")))


def test_sku_moving_from_a_trashed_product_to_a_variation_is_not_created() -> None:
    plan = build_plan(_desired(), _live(), PlanSettings(), store=STORE)
    assert lines(plan) == ["delete product TEE-RED"]
    assert plan.changes[0].delete_mode is DeleteMode.TRASH and plan.changes[0].notes[0].code == "unpublish"
    assert [(i.kind, i.key, i.message) for i in plan.info] == [
        (Kind.VARIATION, "TEE-RED", "SKU TEE-RED belongs to live product TEE-RED (#2), which this plan does not "
                                    "delete permanently; WooCommerce would refuse it, so variation TEE-RED (under "
                                    "TEE) is not created: change the SKU in the catalogue, or free it (delete that resource "
                                    "permanently, or empty it from the trash)"),
    ]


def test_sku_moving_from_a_force_deleted_product_waits_for_the_next_apply() -> None:
    plan = build_plan(_desired(), _live(), PlanSettings(delete=DeleteMode.FORCE), store=STORE)
    assert lines(plan) == ["delete product TEE-RED"]
    assert plan.changes[0].delete_mode is DeleteMode.FORCE
    assert [i.message for i in plan.info] == [
        "SKU TEE-RED belongs to live product TEE-RED (#2), which this plan deletes permanently; WooCommerce refuses a "
        "SKU that is still taken and apply deletes after it writes, so variation TEE-RED (under TEE) is created by "
        "the next apply, not this one: run wcsync apply again once this plan is applied"
    ]


def test_product_sku_held_by_a_variation_elsewhere() -> None:
    desired = state(products=[product("TEE-RED", "Red Tee", regular_price=Decimal("9"))])
    other = live_product(1, "OTHER", marked=False, type="variable")
    held = LiveResource(kind=Kind.VARIATION, id=3, key="tee-red", parent_id=1, mark=Mark(),
                        fields={"sku": "tee-red", "attributes": {"Color": "Red"}})
    plan = build_plan(desired, LiveState(products=(other,), variations=(held,)), PlanSettings(), store=STORE)
    assert lines(plan) == []
    assert [(i.key, i.message) for i in plan.info if i.field == "sku"] == [
        ("TEE-RED", "SKU TEE-RED belongs to variation #3 of OTHER, which this plan does not delete permanently; "
                    "WooCommerce would refuse it, so product TEE-RED is not created: change the SKU in the catalogue, "
                    "or free it (delete that resource permanently, or empty it from the trash)"),
    ]


def test_variation_sku_change_to_a_taken_sku_keeps_the_other_changes() -> None:
    desired = state(products=[product("TEE", "Tee", type="variable", attributes=ATTRS)],
                    variations=[variation("TEE", "TEE-RED", {"Color": "Red"}, regular_price=Decimal("9"))])
    live_attrs = ({"id": 0, "name": "Color", "slug": "Color", "options": ("Red",), "visible": True, "variation": True},)
    live = LiveState(
        products=(live_product(1, "TEE", name="Tee", type="variable", attributes=live_attrs),
                  live_product(2, "TEE-RED", name="Red Tee", marked=False, regular_price="9.00")),
        variations=(LiveResource(kind=Kind.VARIATION, id=3, key="TR-OLD", parent_id=1, mark=Mark(fields=("sku",)),
                                 fields={"sku": "TR-OLD", "attributes": {"Color": "Red"}, "regular_price": "8.00"}),),
    )
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["update variation TEE-RED [regular_price]"]
    assert [n.code for n in plan.changes[0].notes] == ["price-change"]
    sku_info = [i.message for i in plan.info if i.field == "sku"]
    assert sku_info == [
        "SKU TEE-RED belongs to live product TEE-RED (#2), which this plan does not delete permanently; WooCommerce "
        "would refuse it, so variation TEE-RED keeps its current SKU: change the SKU in the catalogue, or free it "
        "(delete that resource permanently, or empty it from the trash)"
    ]


def test_two_variations_swapping_skus_across_parents_need_a_temporary_sku() -> None:
    desired = state(products=[product("TEE", "Tee", type="variable", attributes=ATTRS),
                              product("POLO", "Polo", type="variable", attributes=ATTRS)],
                    variations=[variation("TEE", "POLO-RED", {"Color": "Red"}),
                                variation("POLO", "TEE-RED", {"Color": "Red"})])
    live_attrs = ({"id": 0, "name": "Color", "slug": "Color", "options": ("Red",), "visible": True, "variation": True},)
    live = LiveState(
        products=(live_product(1, "TEE", name="Tee", type="variable", attributes=live_attrs),
                  live_product(4, "POLO", name="Polo", type="variable", attributes=live_attrs)),
        variations=tuple(LiveResource(kind=Kind.VARIATION, id=vid, key=sku, parent_id=pid, mark=Mark(),
                                      fields={"sku": sku, "attributes": {"Color": "Red"}})
                         for vid, pid, sku in [(2, 1, "TEE-RED"), (5, 4, "POLO-RED")]),
    )
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert lines(plan) == []
    assert [i.message for i in plan.info] == [
        "SKU TEE-RED belongs to variation #2 of TEE, which this plan gives another SKU in turn (a swap); WooCommerce "
        "refuses a SKU that is still taken, so variation TEE-RED keeps its current SKU: give one of them a "
        "temporary SKU in the catalogue first",
        "SKU POLO-RED belongs to variation #5 of POLO, which this plan gives another SKU in turn (a swap); "
        "WooCommerce refuses a SKU that is still taken, so variation POLO-RED keeps its current SKU: give one of "
        "them a temporary SKU in the catalogue first",
    ]


def test_a_chain_of_sku_changes_waits_for_the_one_that_frees_it() -> None:
    """TEE's variation takes POLO-RED, whose holder moves on to POLO-RED-2 (free): that one is written now, the
    other by the next apply."""
    desired = state(products=[product("TEE", "Tee", type="variable", attributes=ATTRS),
                              product("POLO", "Polo", type="variable", attributes=ATTRS)],
                    variations=[variation("TEE", "POLO-RED", {"Color": "Red"}),
                                variation("POLO", "POLO-RED-2", {"Color": "Red"})])
    live_attrs = ({"id": 0, "name": "Color", "slug": "Color", "options": ("Red",), "visible": True, "variation": True},)
    live = LiveState(
        products=(live_product(1, "TEE", name="Tee", type="variable", attributes=live_attrs),
                  live_product(4, "POLO", name="Polo", type="variable", attributes=live_attrs)),
        variations=tuple(LiveResource(kind=Kind.VARIATION, id=vid, key=sku, parent_id=pid, mark=Mark(),
                                      fields={"sku": sku, "attributes": {"Color": "Red"}})
                         for vid, pid, sku in [(2, 1, "TEE-RED"), (5, 4, "POLO-RED")]),
    )
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["update variation POLO-RED-2 [sku]"]
    assert [i.message for i in plan.info] == [
        "SKU POLO-RED belongs to variation #5 of POLO, which this plan gives another SKU; WooCommerce refuses a SKU "
        "that is still taken, so variation POLO-RED gets it by the next apply, not this one: run wcsync apply again "
        "once this plan is applied",
    ]
