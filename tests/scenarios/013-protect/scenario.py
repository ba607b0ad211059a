"""protect: true fails the plan rather than delete. Protection lives on catalogue entries; a resource is
deleted only when no entry matches it, so the case that can trip is an entry that still exists while the
live resource it protects is planned for deletion: here two live variations share the protected
variation's SKU-less combination, and the duplicate would be deleted."""

from tests.scenarios.builders import base_catalogue, render, variation
from wcsync.core.plan import PlanSettings


def build():
    base = base_catalogue()
    blue = variation("HOODIE-CLASSIC", None, {"pa_color": "Blue"}, regular_price="45")
    blue = blue.model_copy(update={"protect": True})
    desired = base.model_copy(update={"variations": (base.variations[0], blue)})
    live = render(desired)
    twin = next(v for v in live.variations if v.fields.get("sku") == "HOODIE-CLASSIC")
    live = live.model_copy(update={"variations": (*live.variations, twin.model_copy(update={"id": 999}))})
    return desired, live, PlanSettings()


def check_error(err):
    assert str(err) == (
        "The plan would delete 1 protected resource(s): variation HOODIE-CLASSIC[pa_color=Blue] (declared at "
        "the catalogue) — remove `protect: true` from the catalogue entry first if the delete is intended"
    )
