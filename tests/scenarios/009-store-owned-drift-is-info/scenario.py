"""Store-owned fields are never written: their drift is information, not a change."""

from tests.scenarios.builders import base_catalogue, drift, lines, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build():
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", stock_quantity=3)
    return desired, live, PlanSettings(store_owned=("stock_quantity", "stock_status"))


def check(plan):
    assert lines(plan) == []
    assert len(plan.info) == 1
    info = plan.info[0]
    assert (info.kind, info.key, info.field, info.before, info.after) == (Kind.PRODUCT, "MUG-LOGO", "stock_quantity", 3, 10)
    assert info.message == "store-owned field stock_quantity differs from the catalogue (3 live, 10 in the catalogue); not written"
