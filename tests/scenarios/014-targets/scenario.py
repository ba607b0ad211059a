"""--target restricts the plan to the named keys: a product SKU includes its variations; a slug names a
term; deletes outside the targets are not planned."""

from tests.scenarios.builders import base_catalogue, drift, live_product, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build(targets=("hoodie-classic", "kitchen")):
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", name="Mug")
    live = drift(live, Kind.PRODUCT, "HOODIE-CLASSIC", name="Hoodie")
    live = drift(live, Kind.VARIATION, "HOODIE-CLASSIC-RED", regular_price="40")
    live = drift(live, Kind.CATEGORY, "kitchen", name="Cooking")
    live = live.model_copy(update={"products": (*live.products, live_product(800, "GONE-1"))})
    return desired, live, PlanSettings(targets=targets)


def check(plan):
    from tests.scenarios.builders import STORE, lines
    from wcsync.core.planner import build_plan

    assert lines(plan) == [
        "update category kitchen [name]",
        "update product HOODIE-CLASSIC [name]",
        "update variation HOODIE-CLASSIC-RED [regular_price]",
    ]
    desired, live, settings = build(("GONE-1",))
    assert lines(build_plan(desired, live, settings, store=STORE)) == ["delete product GONE-1"]
    check_variation_target()


def check_variation_target():
    from tests.scenarios.builders import STORE, lines
    from wcsync.core.planner import build_plan

    desired, live, settings = build(("hoodie-classic-red",))
    assert lines(build_plan(desired, live, settings, store=STORE)) == [
        "update variation HOODIE-CLASSIC-RED [regular_price]"
    ]
