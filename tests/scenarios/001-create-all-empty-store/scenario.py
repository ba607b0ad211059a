"""The example-like catalogue against an empty store: every resource once, as a create, in dependency order."""

from tests.scenarios.builders import base_catalogue, change, field, lines
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, PlanSettings
from wcsync.core.records import LiveState


def build():
    return base_catalogue(), LiveState(), PlanSettings()


def check(plan):
    assert lines(plan) == [
        "create attribute color [name,slug]",
        "create term color/blue [name,slug]",
        "create term color/red [name,slug]",
        "create category clothing [name,slug,parent]",
        "create category kitchen [name,slug,parent]",
        "create category clothing/hoodies [name,slug,parent,description]",
        "create tag winter [name,slug]",
        "create product CAP-WOOL [name,type,status,regular_price,sale_price,categories]",
        "create product HOODIE-CLASSIC [name,type,status,description,categories,tags,images,attributes,default_attributes,meta]",
        "create product MUG-LOGO [name,type,status,regular_price,manage_stock,stock_quantity,categories,images,upsells,meta]",
        "create variation HOODIE-CLASSIC-RED [sku,regular_price,attributes]",
        "create variation HOODIE-CLASSIC[pa_color=Blue] [regular_price,attributes]",
    ]
    assert plan.summary() == "Plan: 12 to create, 0 to update, 0 to adopt, 0 to delete."
    assert plan.info == () and plan.refs == {}
    assert all(fc.before is None for c in plan.changes for fc in c.changes)
    mug = change(plan, Kind.PRODUCT, "MUG-LOGO")
    assert field(mug, "regular_price") == (None, "12.50")
    assert field(mug, "meta") == (None, {"featured_rank": "3", "gtin_note": "none"})
    assert mug.mark_meta_keys == ("featured_rank", "gtin_note")
    assert mug.attachments == {} and mug.live_id is None and mug.date_modified is None
    assert field(mug, "images")[1] == [
        {"src": "https://cdn.example/mug-1.jpg", "alt": "Mug"},
        {"src": "https://cdn.example/mug-2.jpg", "alt": "Mug back"},
    ]
    hoodie = change(plan, Kind.PRODUCT, "HOODIE-CLASSIC")
    assert field(hoodie, "name") == (None, "Classic Hoodie & Co")
    assert field(hoodie, "categories") == (None, ["clothing/hoodies"])
    assert field(hoodie, "default_attributes") == (None, {"pa_color": "Red"})
    blue = change(plan, Kind.VARIATION, "HOODIE-CLASSIC[pa_color=Blue]")
    assert blue.parent_key == "HOODIE-CLASSIC" and blue.action is Action.CREATE
    assert change(plan, Kind.TERM, "color/red").parent_key == "color"
    assert field(change(plan, Kind.CATEGORY, "clothing/hoodies"), "parent") == (None, "clothing")
