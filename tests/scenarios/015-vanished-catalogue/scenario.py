"""An empty product set against a store with managed products reads as "the catalogue vanished": refused,
whatever the guards say, unless --allow-deletes."""

from tests.scenarios.builders import base_catalogue, render, state
from wcsync.core.plan import PlanSettings


def build(**extra):
    live = render(base_catalogue())
    return state(), live, PlanSettings(**extra)


def check_error(err):
    assert str(err) == (
        "The catalogue declares no products, but store test has 3 managed product(s): this plan would delete "
        "every one of them — if the catalogue directory was moved or deleted, restore it; to really delete "
        "them all, pass --allow-deletes"
    )
    from tests.scenarios.builders import STORE, lines
    from wcsync.core.planner import build_plan

    plan = build_plan(*build(allow_deletes=True), store=STORE)
    assert lines(plan) == ["delete product CAP-WOOL", "delete product HOODIE-CLASSIC", "delete product MUG-LOGO"]
