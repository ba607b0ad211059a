"""A variation whose SKU moved to another parent in the catalogue: WooCommerce refuses a SKU that is still
taken (a trashed variation keeps it, 06#63; only a permanent delete frees it, 06#66) and apply deletes after
it writes. So the old variation is deleted permanently (not trashed, with a note saying why) and the new one
is created by the next apply (an Info says so, naming the new parent and asking for a second apply); once the
old one is gone it is an ordinary create. With --target, a holder outside the targets is named with the target
to add. When the
holder is not deleted (an unmanaged product's variation), the create is not planned and the Info says what
to do."""

from tests.scenarios.builders import base_catalogue, change, lines, product, render, unmark, variation
from wcsync.core.kinds import Kind
from wcsync.core.plan import DeleteMode, PlanSettings

ZIP_ATTRS = ({"name": "Color", "slug": "color", "options": ("Red",), "visible": True, "variation": True},)


def _catalogues():
    base = base_catalogue()
    zip_hoodie = product("HOODIE-ZIP", "Zip Hoodie", type="variable", attributes=ZIP_ATTRS)
    before = base.model_copy(update={"products": (*base.products, zip_hoodie)})
    moved = variation("HOODIE-ZIP", "HOODIE-CLASSIC-RED", {"pa_color": "Red"}, regular_price=before.variations[0].fields["regular_price"])
    after = before.model_copy(update={"variations": (moved, before.variations[1])})
    return before, after


def build():
    before, after = _catalogues()
    return after, render(before), PlanSettings()


def check(plan):
    assert lines(plan) == ["delete variation HOODIE-CLASSIC-RED"]
    gone = plan.changes[0]
    assert (gone.parent_key, gone.delete_mode, gone.title) == ("HOODIE-CLASSIC", DeleteMode.FORCE, "Red")
    assert [(n.code, n.message) for n in gone.notes] == [
        ("sku-moves", "deleted permanently, not trashed: its SKU HOODIE-CLASSIC-RED moves to variation "
                      "HOODIE-CLASSIC-RED (under HOODIE-ZIP)")
    ]
    # the reviewer is told the move takes a second apply, and where the variation goes; the sku line shows
    # the catalogue's SKU (it used to print "catalogue (none)")
    assert [(i.kind, i.key, i.field, i.before, i.after, i.message) for i in plan.info] == [
        (Kind.VARIATION, "HOODIE-CLASSIC-RED", "sku", None, "HOODIE-CLASSIC-RED",
         f"SKU HOODIE-CLASSIC-RED belongs to variation #{gone.live_id} of HOODIE-CLASSIC, which this plan deletes "
         "permanently; WooCommerce refuses a SKU that is still taken and apply deletes after it writes, so variation "
         "HOODIE-CLASSIC-RED (under HOODIE-ZIP) is created by the next apply, not this one: run wcsync apply again "
         "once this plan is applied"),
    ]
    _check_next_apply()
    _check_unmanaged_holder()
    _check_targeted()


def _check_targeted():
    """--target HOODIE-CLASSIC-RED plans the create under HOODIE-ZIP but not the old parent's delete: the Info
    says the holder is outside the targets and which target to add; with it, the plan is the untargeted one."""
    from tests.scenarios.builders import STORE
    from wcsync.core.planner import build_plan

    after, live, _ = build()
    plan = build_plan(after, live, PlanSettings(targets=("HOODIE-CLASSIC-RED",)), store=STORE)
    assert lines(plan) == []
    holder = next(v for v in live.variations if v.key == "HOODIE-CLASSIC-RED")
    assert [(i.key, i.field, i.message) for i in plan.info] == [
        ("HOODIE-CLASSIC-RED", "sku",
         f"SKU HOODIE-CLASSIC-RED belongs to variation #{holder.id} of HOODIE-CLASSIC, which is outside --target (a "
         "plan of the whole store deletes it permanently); WooCommerce would refuse the SKU while it is taken, so "
         "variation HOODIE-CLASSIC-RED (under HOODIE-ZIP) is not created: plan with --target HOODIE-CLASSIC as "
         "well, or without --target, and apply twice"),
    ]
    widened = build_plan(after, live, PlanSettings(targets=("HOODIE-CLASSIC-RED", "HOODIE-CLASSIC")), store=STORE)
    assert lines(widened) == ["delete variation HOODIE-CLASSIC-RED"]
    assert widened.changes[0].delete_mode is DeleteMode.FORCE


def _check_next_apply():
    """After the delete, the next plan creates it under its new parent, titled by its option."""
    from tests.scenarios.builders import STORE
    from wcsync.core.planner import build_plan

    before, after = _catalogues()
    live = render(before)
    live = live.model_copy(update={"variations": tuple(v for v in live.variations if v.key != "HOODIE-CLASSIC-RED")})
    plan = build_plan(after, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["create variation HOODIE-CLASSIC-RED [sku,regular_price,attributes]"]
    created = change(plan, Kind.VARIATION, "HOODIE-CLASSIC-RED")
    assert (created.parent_key, created.title) == ("HOODIE-ZIP", "Red")
    assert created.live_parent_id == next(p.id for p in live.products if p.key == "HOODIE-ZIP")
    assert plan.info == ()


def _check_unmanaged_holder():
    """The old parent left the catalogue and is not managed: its variation keeps the SKU, nothing is deleted."""
    from tests.scenarios.builders import STORE
    from wcsync.core.planner import build_plan

    before, after = _catalogues()
    live = unmark(render(before), "HOODIE-CLASSIC")
    after = after.model_copy(update={
        "products": tuple(p for p in after.products if p.key != "HOODIE-CLASSIC"),
        "variations": tuple(v for v in after.variations if v.parent_key != "HOODIE-CLASSIC"),
    })
    plan = build_plan(after, live, PlanSettings(), store=STORE)
    assert lines(plan) == []
    holder = next(v for v in live.variations if v.key == "HOODIE-CLASSIC-RED")
    assert [(i.key, i.field, i.message) for i in plan.info if i.field == "sku"] == [
        ("HOODIE-CLASSIC-RED", "sku",
         f"SKU HOODIE-CLASSIC-RED belongs to variation #{holder.id} of HOODIE-CLASSIC, which this plan does not "
         "delete permanently; WooCommerce would refuse it, so variation HOODIE-CLASSIC-RED (under HOODIE-ZIP) is not "
         "created: change "
         "the SKU in the catalogue, or free it (delete that resource permanently, or empty it from the trash)"),
    ]
