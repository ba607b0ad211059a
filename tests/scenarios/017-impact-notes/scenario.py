"""Impact notes: slug change, type change, price change with its percentage, publish/unpublish, an attribute
option removed while a variation still uses it, and deleting a category that still holds products."""

from tests.scenarios.builders import STORE, base_catalogue, change, drift, lines, product, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings
from wcsync.core.planner import build_plan


def _replace_product(desired, sku, **fields):
    old = next(p for p in desired.products if p.key == sku)
    others = [p for p in desired.products if p.key != sku]
    return desired.model_copy(update={"products": (*others, product(sku, **{**old.fields, **fields}))})


def build():
    base = base_catalogue()
    live = render(base)
    live = drift(live, Kind.PRODUCT, "MUG-LOGO", slug="mug", status="draft", regular_price="10.00")
    live = drift(live, Kind.PRODUCT, "CAP-WOOL", type="external")
    desired = _replace_product(base, "MUG-LOGO", slug="logo-mug")
    desired = _replace_product(desired, "CAP-WOOL", status="private")
    # the hoodie drops its Blue option while the blue variation still uses it
    desired = _replace_product(desired, "HOODIE-CLASSIC", attributes=(
        {"name": "Color", "slug": "color", "options": ("Red",), "visible": True, "variation": True},))
    desired = desired.model_copy(update={"variations": desired.variations[:1]})
    return desired, live, PlanSettings()


def check(plan):
    assert lines(plan) == [
        "update product CAP-WOOL [type,status]",
        "update product HOODIE-CLASSIC [attributes]",
        "update product MUG-LOGO [slug,status,regular_price]",
        "delete variation HOODIE-CLASSIC[pa_color=Blue]",
    ]
    notes = lambda sku: [(n.code, n.message) for n in change(plan, Kind.PRODUCT, sku).notes]  # noqa: E731
    assert notes("CAP-WOOL") == [
        ("type-change", "product type external → simple"),
        ("unpublish", "unpublished (private): disappears from the shop"),
    ]
    assert notes("MUG-LOGO") == [
        ("slug-change", "slug mug → logo-mug: links to the old URL break"),
        ("publish", "published (was draft): becomes visible in the shop"),
        ("price-change", "regular price 10.00 → 12.50 (+25.0 %)"),
    ]
    assert notes("HOODIE-CLASSIC") == [
        ("option-in-use", "attribute Color: removed option(s) Blue still used by variation(s) "
                          "HOODIE-CLASSIC[pa_color=Blue]")
    ]
    _category_not_empty()


def _category_not_empty():
    base = base_catalogue()
    live = render(base)
    desired = base.model_copy(update={
        "categories": tuple(c for c in base.categories if c.key != "kitchen"),
        "products": tuple(
            p.model_copy(update={"fields": {**p.fields, "categories": ("clothing",)}}) if p.key == "MUG-LOGO" else p
            for p in base.products
        ),
    })
    # the live mug is still in kitchen when the plan is made
    plan = build_plan(desired, live, PlanSettings(ownership="all"), store=STORE)
    assert lines(plan) == ["update product MUG-LOGO [categories]", "delete category kitchen"]
    delete = plan.changes[-1]
    assert [(n.code, n.message) for n in delete.notes] == [
        ("category-not-empty", "category kitchen still holds 1 product(s) (MUG-LOGO); they lose this category")
    ]
