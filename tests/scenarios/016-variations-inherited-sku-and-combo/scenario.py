"""Variations: a live variation without its own SKU reports its parent's (06#54-56) and is matched by its
attribute combination (global options case-insensitively); giving it a SKU in the catalogue is an update
with a sku-change-free note (it had none); a live variation whose own SKU differs from the catalogue's is a
sku change; an unmatched live variation of a managed parent is deleted."""

from tests.scenarios.builders import base_catalogue, lines, render, variation
from wcsync.core.plan import PlanSettings


def build():
    base = base_catalogue()
    live = render(base)
    red_live = next(v for v in live.variations if v.fields.get("sku") == "HOODIE-CLASSIC-RED")
    blue_live = next(v for v in live.variations if v.fields.get("sku") == "HOODIE-CLASSIC")
    # live: the red variation has another SKU, the blue one reports "blue" in lower case, plus a stray
    red_live = red_live.model_copy(update={"key": "HC-R", "fields": {**red_live.fields, "sku": "HC-R"}})
    blue_live = blue_live.model_copy(update={"fields": {**blue_live.fields, "attributes": {"pa_color": "blue"}}})
    stray = blue_live.model_copy(update={"id": 950, "fields": {**blue_live.fields, "attributes": {"pa_color": "Green"}}})
    live = live.model_copy(update={"variations": (red_live, blue_live, stray)})
    desired = base.model_copy(update={"variations": (
        variation("HOODIE-CLASSIC", "HOODIE-CLASSIC-RED", {"pa_color": "Red"}, regular_price="45"),
        variation("HOODIE-CLASSIC", "HOODIE-CLASSIC-BLUE", {"pa_color": "Blue"}, regular_price="45"),
    )})
    return desired, live, PlanSettings()


def check(plan):
    from tests.scenarios.builders import change, field
    from wcsync.core.kinds import Kind

    assert lines(plan) == [
        "update variation HOODIE-CLASSIC-BLUE [sku]",
        "update variation HOODIE-CLASSIC-RED [sku]",
        "delete variation HOODIE-CLASSIC[pa_color=Green]",
    ]
    blue = change(plan, Kind.VARIATION, "HOODIE-CLASSIC-BLUE")
    assert field(blue, "sku") == (None, "HOODIE-CLASSIC-BLUE")
    assert blue.notes == ()
    red = change(plan, Kind.VARIATION, "HOODIE-CLASSIC-RED")
    assert field(red, "sku") == ("HC-R", "HOODIE-CLASSIC-RED")
    assert [n.code for n in red.notes] == ["sku-change"]
    gone = plan.changes[-1]
    assert (gone.live_id, gone.live_parent_id, gone.parent_key) == (950, blue.live_parent_id, "HOODIE-CLASSIC")
