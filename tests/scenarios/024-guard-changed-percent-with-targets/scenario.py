"""max_changed_percent with --target: the base is the whole managed store, not the targeted part. Before,
`--target MUG-LOGO` with one drifted product read "1 of 1 … (100.0 %)" and needed --allow-changes. Here the
store has 13 managed live resources (the 12 of the example catalogue and GONE-1, which left the catalogue and
is outside the targets); the project allows 10 %."""

from tests.scenarios.builders import base_catalogue, drift, live_product, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build(targets=("MUG-LOGO",), **extra):
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", name="Mug")
    live = drift(live, Kind.PRODUCT, "CAP-WOOL", name="Cap")
    live = live.model_copy(update={"products": (*live.products, live_product(800, "GONE-1"))})
    return desired, live, PlanSettings(max_changed_percent=10, targets=targets, **extra)


def check(plan):
    from tests.scenarios.builders import STORE, lines
    from wcsync.core.guards import refusal
    from wcsync.core.planner import build_plan

    # 1 of 13 (7.7 %): under the limit, no --allow-changes needed
    assert lines(plan) == ["update product MUG-LOGO [name]"]
    # two targeted updates: 2 of 13 (15.4 %) — still counted over the whole store
    err = refusal(build_plan(*build(("MUG-LOGO", "CAP-WOOL")), store=STORE))
    assert err is not None, "two targeted changes of 13 (15.4 %) must trip a 10 % guard"
    assert str(err) == (
        "Guard max_changed_percent tripped: the plan changes 2 of 13 managed live resource(s) (15.4 %), "
        "more than the allowed 10 % — check the catalogue; to proceed anyway pass --allow-changes"
    )
    # without targets the base is the same 13 (three changes: two updates and GONE-1's delete)
    err = refusal(build_plan(*build(()), store=STORE))
    assert err is not None, "three changes of 13 must trip a 10 % guard"
    assert "the plan changes 3 of 13 managed live resource(s) (23.1 %)" in str(err)
    allowed = build_plan(*build(("MUG-LOGO", "CAP-WOOL"), allow_changes=True), store=STORE)
    assert lines(allowed) == ["update product CAP-WOOL [name]", "update product MUG-LOGO [name]"]
