"""max_changed_percent: changes to live resources / managed live resources. Here 2 of 12 managed live
resources change (16.7 %: 1 attribute, 2 terms, 3 categories, 1 tag, 3 products, 2 variations) and the project allows 10 %."""

from tests.scenarios.builders import base_catalogue, drift, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build(**extra):
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", name="Mug")
    live = drift(live, Kind.TAG, "winter", name="Winter")
    return desired, live, PlanSettings(max_changed_percent=10, **extra)


def check_error(err):
    assert str(err) == (
        "Guard max_changed_percent tripped: the plan changes 2 of 12 managed live resource(s) (16.7 %), "
        "more than the allowed 10 % — check the catalogue; to proceed anyway pass --allow-changes"
    )
    from tests.scenarios.builders import STORE, lines
    from wcsync.core.planner import build_plan

    plan = build_plan(*build(allow_changes=True), store=STORE)
    assert lines(plan) == ["update tag winter [name]", "update product MUG-LOGO [name]"]
