"""A category moved to another parent is matched by its (store-unique) leaf slug: an update of parent,
not a delete and a create; products referencing it by its new path see no change."""

from tests.scenarios.builders import base_catalogue, category, change, field, lines, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build():
    base = base_catalogue()
    live = render(base)
    cats = [c for c in base.categories if c.key != "clothing/hoodies"]
    cats.append(category("kitchen/hoodies", "Hoodies & Sweatshirts", description="<p>Warm & cosy</p>"))
    products = tuple(
        p.model_copy(update={"fields": {**p.fields, "categories": ("kitchen/hoodies",)}}) if p.key == "HOODIE-CLASSIC" else p
        for p in base.products
    )
    desired = base.model_copy(update={"categories": tuple(cats), "products": products})
    return desired, live, PlanSettings(ownership="all")


def check(plan):
    assert lines(plan) == ["update category kitchen/hoodies [parent]"]
    c = change(plan, Kind.CATEGORY, "kitchen/hoodies")
    assert field(c, "parent") == ("clothing", "kitchen")
    assert list(plan.refs) == ["category"] and list(plan.refs["category"]) == ["kitchen"]
    # the hoodie references the moved category: same category (same leaf slug), so no change on it
