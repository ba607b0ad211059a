"""A catalogue SKU held only by a trashed product is restored (untrash, then update), never created: the
store would refuse a create with that SKU (05#130). The trashed slug suffix is not a slug change."""

from tests.scenarios.builders import change, field, lines, live_product, product, state
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, PlanSettings
from wcsync.core.records import LiveState


def build():
    desired = state(products=[product("MUG-OLD", "Old Mug", slug="mug-old", regular_price="9.5")])
    trashed = live_product(31, "MUG-OLD", marked=False, name="Old Mug", slug="mug-old__trashed", status="trash",
                           regular_price="9.50")
    return desired, LiveState(trashed_products=(trashed,)), PlanSettings()


def check(plan):
    _variations_of_a_restored_product_are_restored_with_it()
    assert lines(plan) == ["restore product MUG-OLD [status]"]
    c = change(plan, Kind.PRODUCT, "MUG-OLD")
    assert c.action is Action.RESTORE and c.live_id == 31
    assert field(c, "status") == ("trash", "publish")
    assert [n.code for n in c.notes] == ["publish"]
    assert c.mark_meta_keys == ()
    assert c.date_modified == "2026-11-01T09:00:00"
    assert plan.summary() == "Plan: 0 to create, 0 to update, 1 to restore, 0 to adopt, 0 to delete."


def _variations_of_a_restored_product_are_restored_with_it():
    from tests.scenarios.builders import STORE, variation
    from wcsync.core.planner import build_plan
    from wcsync.core.records import LiveResource

    desired = state(products=[product("HOODIE-OLD", "Old Hoodie", type="variable")],
                    variations=[variation("HOODIE-OLD", "HOODIE-OLD-RED", {"pa_color": "Red"})])
    trashed = live_product(40, "HOODIE-OLD", marked=True, name="Old Hoodie", type="variable", status="trash")
    # restoring the parent leaves its variations in the trash (11#14-17): the plan restores them too
    in_trash = LiveResource(kind=Kind.VARIATION, id=41, key="HOODIE-OLD-RED", parent_id=40, status="trash",
                            fields={"sku": "HOODIE-OLD-RED", "status": "trash", "attributes": {"pa_color": "Red"}})
    plan = build_plan(desired, LiveState(trashed_products=(trashed,), trashed_variations=(in_trash,)),
                      PlanSettings(), store=STORE)
    assert lines(plan) == ["restore product HOODIE-OLD [status]", "restore variation HOODIE-OLD-RED"]
    assert plan.info == ()
