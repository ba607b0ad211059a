"""max_deletes: three marked products left the catalogue, the project allows two."""

from tests.scenarios.builders import base_catalogue, live_product, render
from wcsync.core.plan import PlanSettings


def build(**settings):
    desired = base_catalogue()
    live = render(desired)
    gone = tuple(live_product(800 + i, f"GONE-{i}") for i in range(3))
    live = live.model_copy(update={"products": (*live.products, *gone)})
    return desired, live, PlanSettings(max_deletes=2, **settings)


def check_error(err):
    assert str(err) == (
        "Guard max_deletes tripped: the plan deletes 3 resource(s), more than the allowed 2 "
        "(product GONE-0, product GONE-1, product GONE-2) — check the catalogue; to proceed anyway pass "
        "--allow-deletes"
    )
    _override()


def _override():
    from tests.scenarios.builders import STORE, lines
    from wcsync.core.planner import build_plan

    plan = build_plan(*build(allow_deletes=True)[:2], PlanSettings(max_deletes=2, allow_deletes=True), store=STORE)
    assert lines(plan) == ["delete product GONE-0", "delete product GONE-1", "delete product GONE-2"]
