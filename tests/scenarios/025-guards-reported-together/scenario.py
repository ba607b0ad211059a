"""Every guard is evaluated, and one refusal names all that tripped, each with its numbers and its override
flag (before, the price-drop guard was reported first and the deletes guard only on the next run). Here two
marked products left the catalogue (max_deletes: 1) and MUG-LOGO's price halves (max_price_drop_percent: 30);
3 of 14 managed live resources change (max_changed_percent: 10)."""

from tests.scenarios.builders import base_catalogue, drift, live_product, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings

LIMITS = {"max_deletes": 1, "max_changed_percent": 10, "max_price_drop_percent": 30}


def build(**overrides):
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", regular_price="25.00")  # 25 -> 12.50: -50 %
    gone = tuple(live_product(800 + i, f"GONE-{i}") for i in range(2))
    live = live.model_copy(update={"products": (*live.products, *gone)})
    return desired, live, PlanSettings(**LIMITS, **overrides)


DELETES = (
    "Guard max_deletes tripped: the plan deletes 2 resource(s), more than the allowed 1 (product GONE-0, "
    "product GONE-1) — check the catalogue; to proceed anyway pass --allow-deletes"
)
CHANGES = (
    "Guard max_changed_percent tripped: the plan changes 3 of 14 managed live resource(s) (21.4 %), more than "
    "the allowed 10 % — check the catalogue; to proceed anyway pass --allow-changes"
)
PRICES = (
    "Guard max_price_drop_percent tripped: 1 price(s) drop by more than 30 %: product MUG-LOGO 25.00 → 12.50 "
    "(-50.0 %) — check the prices; to proceed anyway pass --allow-price-drops"
)


def check_error(err):
    assert str(err) == f"3 guards tripped:\n  - {DELETES}\n  - {CHANGES}\n  - {PRICES}"
    assert err.hint is None  # each line carries its own override
    from tests.scenarios.builders import STORE, lines
    from wcsync.core import guards
    from wcsync.core.planner import build_plan

    def refusal(**overrides):
        return guards.refusal(build_plan(*build(**overrides), store=STORE))

    # one override leaves the other two, still together
    assert str(refusal(allow_price_drops=True)) == f"2 guards tripped:\n  - {DELETES}\n  - {CHANGES}"
    # a single trip reads as one sentence with its hint
    single = refusal(allow_price_drops=True, allow_deletes=True)
    assert single is not None and str(single) == CHANGES
    assert (single.message, single.hint) == tuple(CHANGES.split(" — "))
    assert refusal(allow_price_drops=True, allow_deletes=True, allow_changes=True) is None
    refused = build_plan(*build(), store=STORE)
    # the guards as data: which, the override flag, the resources that tripped each
    assert [(g.guard, g.override) for g in refused.guards] == [
        ("max_deletes", "--allow-deletes"),
        ("max_changed_percent", "--allow-changes"),
        ("max_price_drop_percent", "--allow-price-drops"),
    ]
    assert [(r.kind.value, r.key) for r in refused.guards[0].resources] == [("product", "GONE-0"), ("product", "GONE-1")]
    assert [(r.kind.value, r.key) for r in refused.guards[2].resources] == [("product", "MUG-LOGO")]
    plan = build_plan(*build(allow_price_drops=True, allow_deletes=True, allow_changes=True), store=STORE)
    assert not plan.refused and plan.guards == ()
    assert lines(plan) == [
        "update product MUG-LOGO [regular_price]", "delete product GONE-0", "delete product GONE-1"
    ]
