"""Edits made in wp-admin show as updates back to the catalogue, with exact before/after values."""

from tests.scenarios.builders import base_catalogue, change, drift, field, lines, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build():
    desired = base_catalogue()
    live = render(desired)
    live = drift(live, Kind.PRODUCT, "HOODIE-CLASSIC", name="Classic Hoodie &amp; Co.", tags=(),
                 default_attributes={"pa_color": "blue"},
                 description="<p>Warm &amp; soft.</p>\n<p>Organic cotton!</p>")
    cats = {c.key: c.id for c in live.categories}
    live = drift(live, Kind.PRODUCT, "CAP-WOOL", categories=(cats["clothing"], cats["kitchen"]), sale_price="")
    live = drift(live, Kind.TERM, "red", name="Crimson")
    return desired, live, PlanSettings()


def check(plan):
    assert lines(plan) == [
        "update term color/red [name]",
        "update product CAP-WOOL [sale_price,categories]",
        "update product HOODIE-CLASSIC [name,description,tags,default_attributes]",
    ]
    hoodie = change(plan, Kind.PRODUCT, "HOODIE-CLASSIC")
    assert field(hoodie, "name") == ("Classic Hoodie & Co.", "Classic Hoodie & Co")
    assert field(hoodie, "tags") == ([], ["winter"])
    assert field(hoodie, "default_attributes") == ({"pa_color": "Blue"}, {"pa_color": "Red"})
    assert field(hoodie, "description") == (
        "<p>Warm & soft.</p><p>Organic cotton!</p>", "<p>Warm & soft.</p><p>Organic cotton.</p>")
    cap = change(plan, Kind.PRODUCT, "CAP-WOOL")
    assert field(cap, "categories") == (["clothing", "kitchen"], ["clothing"])
    assert field(cap, "sale_price") == (None, "15.00")
    assert [n.message for n in cap.notes] == ["sale price set to 15.00"]
    assert field(change(plan, Kind.TERM, "color/red"), "name") == ("Crimson", "Red")
    assert hoodie.date_modified == "2026-11-28T10:00:00" and hoodie.live_id is not None
