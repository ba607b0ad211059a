"""delete: never — nothing is deleted; what would have been is listed as information."""

from tests.scenarios.builders import base_catalogue, lines, live_product, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import DeleteMode, PlanSettings


def build():
    desired = base_catalogue()
    live = render(desired)
    live = live.model_copy(update={"products": (*live.products, live_product(800, "GONE-1"))})
    return desired, live, PlanSettings(delete=DeleteMode.NEVER, max_deletes=0)


def check(plan):
    assert lines(plan) == []
    assert [(i.kind, i.key, i.message) for i in plan.info] == [
        (Kind.PRODUCT, "GONE-1", "not in the catalogue; kept because delete: never")
    ]
