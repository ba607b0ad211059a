"""A store that already matches, as WooCommerce returns it (entity-encoded names, "45.00" prices, ids,
term slugs in default_attributes, rewritten image URLs, stringified meta): no changes at all."""

from tests.scenarios.builders import base_catalogue, render
from wcsync.core.plan import PlanSettings


def build():
    desired = base_catalogue()
    return desired, render(desired), PlanSettings(ownership="all")


def check(plan):
    assert plan.changes == ()
    assert plan.is_empty
    assert plan.summary() == "No changes. The store matches the catalogue."
    assert plan.info == ()
