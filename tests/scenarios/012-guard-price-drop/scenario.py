"""max_price_drop_percent, per product and variation, on the effective price (sale price when set)."""

from tests.scenarios.builders import base_catalogue, drift, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build(**extra):
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", regular_price="25.00")  # 25 -> 12.50: -50 %
    live = drift(live, Kind.PRODUCT, "CAP-WOOL", sale_price="16.00")  # 16 -> 15: -6.25 %
    live = drift(live, Kind.VARIATION, "HOODIE-CLASSIC-RED", regular_price="90")  # 90 -> 45: -50 %
    return desired, live, PlanSettings(max_price_drop_percent=30, **extra)


def check_error(err):
    assert str(err) == (
        "Guard max_price_drop_percent tripped: 2 price(s) drop by more than 30 %: "
        "product MUG-LOGO 25.00 → 12.50 (-50.0 %); variation HOODIE-CLASSIC-RED 90.00 → 45.00 (-50.0 %) "
        "— check the prices; to proceed anyway pass --allow-price-drops"
    )
    from tests.scenarios.builders import STORE, change, lines
    from wcsync.core.planner import build_plan

    plan = build_plan(*build(allow_price_drops=True), store=STORE)
    assert lines(plan) == [
        "update product CAP-WOOL [sale_price]",
        "update product MUG-LOGO [regular_price]",
        "update variation HOODIE-CLASSIC-RED [regular_price]",
    ]
    notes = [n.message for n in change(plan, Kind.PRODUCT, "CAP-WOOL").notes]
    assert notes == ["sale price 16.00 → 15.00 (-6.2 %)"]
