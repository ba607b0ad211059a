"""``wcsync.export``: live state → catalogue documents. Exact documents for the tricky cases, what is skipped
and why, meta selection, and the round trip through the real loader and planner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.export.livestate import live_state
from wcsync.catalog import load_catalog
from wcsync.catalog.project import Project, plan_settings
from wcsync.core.plan import Plan, StoreRef
from wcsync.core.planner import build_plan
from wcsync.core.records import LiveState
from wcsync.export import ExportOptions, export_catalog, write_catalog


def round_trip(tmp_path: Path, live: LiveState, options: ExportOptions | None = None) -> Plan:
    result = export_catalog(live, options)
    write_catalog(result, tmp_path / "catalog")
    loaded = load_catalog(tmp_path, Project())
    assert loaded.errors == []
    assert loaded.desired is not None
    return build_plan(loaded.desired, live, plan_settings(Project()), store=StoreRef(name="t", url="t"))


def by_sku(files: dict[str, Any], sku: str) -> Any:
    """The document of product ``sku`` (files are in folders by category)."""
    return next(doc for rel, doc in files.items() if rel.startswith("products/") and doc.get("sku") == sku)


def summary(plan: Plan) -> list[tuple[str, str, str, list[tuple[str, Any, Any]]]]:
    return [(c.kind.value, c.action.value, c.key, [(f.field, f.before, f.after) for f in c.changes]) for c in plan.changes]


def test_round_trip_shows_only_adopts(tmp_path: Path) -> None:
    plan = round_trip(tmp_path, live_state(clean=True))
    # MUG-1 carries wcsync's mark: an update without changes is not listed; the rest is adopted unchanged
    assert summary(plan) == [
        ("product", "adopt", "EXT-1", []),
        ("product", "adopt", "INVERTED", []),
        ("product", "adopt", "LAMP", []),
        ("product", "adopt", "SET", []),
        ("product", "adopt", "TEE", []),
        ("variation", "adopt", "TEE-RED-56", []),
        ("variation", "adopt", "TEE[Größe=58,pa_color=Forest Green]", []),
    ]


def test_round_trip_with_all_fields_shows_only_adopts(tmp_path: Path) -> None:
    plan = round_trip(tmp_path, live_state(clean=True), ExportOptions(all_fields=True))
    assert [(k, a, key) for k, a, key, changes in summary(plan) if not changes] == [
        ("product", "adopt", "EXT-1"), ("product", "adopt", "INVERTED"), ("product", "adopt", "LAMP"),
        ("product", "adopt", "SET"), ("product", "adopt", "TEE"),
        ("variation", "adopt", "TEE-RED-56"), ("variation", "adopt", "TEE[Größe=58,pa_color=Forest Green]"),
    ]
    assert all(not changes for *_, changes in summary(plan))


def test_what_the_catalogue_cannot_express_is_reported_and_is_all_the_plan_shows(tmp_path: Path) -> None:
    live = live_state()
    result = export_catalog(live)
    assert [str(s) for s in result.skipped] == [
        "product #103: it has no SKU, and wcsync identifies products by SKU: give it one in wp-admin",
        'variation #202 of TEE: it has no attribute values ("any" for every attribute), which the catalogue cannot '
        "express; `wcsync plan` lists it as a delete — fix it in wp-admin",
        "variation TEE-DUP of TEE: another variation of the product has the same attributes; `wcsync plan` lists it "
        "as a delete — fix it in wp-admin",
    ]
    assert [str(w) for w in result.warnings] == [
        "product SET: grouped_products names product #103, which is not exported: left out (`wcsync plan` shows the difference)",
        "product TEE: upsells names product #103, which is not exported: left out (`wcsync plan` shows the difference)",
    ]
    assert summary(round_trip(tmp_path, live)) == [
        ("product", "adopt", "EXT-1", []),
        ("product", "adopt", "INVERTED", []),
        ("product", "adopt", "LAMP", []),
        ("product", "adopt", "SET", [("grouped_products", ["#103", "MUG-1"], ["MUG-1"])]),
        ("product", "adopt", "TEE", [("upsells", ["#103", "MUG-1"], ["MUG-1"])]),
        ("variation", "adopt", "TEE-RED-56", []),
        ("variation", "adopt", "TEE[Größe=58,pa_color=Forest Green]", []),
        ("variation", "delete", "TEE-DUP", []),
        ("variation", "delete", "TEE[]", []),
    ]


def test_simple_product_document() -> None:
    doc = by_sku(export_catalog(live_state()).files, "MUG-1")
    assert doc == {
        "sku": "MUG-1",
        "name": "Fish & Chips Mug",  # entity-decoded
        "slug": "fish-chips-mug-special",  # differs from the name's slug: kept
        "type": "simple",
        "status": "publish",
        "featured": True,
        "description": "<p>Line one</p>\n<p>Line two &amp; more</p>",  # HTML as stored
        "short_description": "Short.",
        "regular_price": "45.00",
        "sale_price": "39.50",
        "weight": 0.62,  # numbers as numbers
        "dimensions": {"length": 10, "height": 12.5},
        "shipping_class": "bulky",
        "categories": ["home-kitchen/mugs"],
        "tags": ["gift-idea"],
        "images": [{"src": "https://shop.example/wp-content/uploads/mug.jpg", "alt": "A mug & saucer"}],
        "meta": {"care": "Hand wash"},  # the key wcsync wrote; never _wcsync, not plugin keys
    }


def test_variable_product_document() -> None:
    doc = by_sku(export_catalog(live_state(clean=True)).files, "TEE")
    assert doc == {
        "sku": "TEE",
        "name": "Tee",
        "type": "variable",
        "status": "publish",
        # stock_status of a variable product is derived from its variations: not written
        "short_description": "Short.",
        "categories": ["帽子"],  # the slug as a person writes it (the store keeps %e5%b8%bd%e5%ad%90)
        "attributes": [
            {"name": "Color", "options": ["Red", "Forest Green"], "variation": True},
            {"name": "Größe", "options": ["56", "58"], "visible": False, "variation": True},
        ],
        "default_attributes": {"Color": "Forest Green", "Größe": "58"},  # term slug → term name
        "variations": [
            {"sku": "TEE-RED-56", "attributes": {"Color": "Red", "Größe": "56"}, "description": "Red one",
             "regular_price": "10.00"},
            # reports its parent's SKU, so it has none of its own: identified by its combination
            {"attributes": {"Color": "Forest Green", "Größe": "58"}, "regular_price": "12.50", "menu_order": 1},
        ],
        "upsells": ["MUG-1"],
    }


def test_stock_and_sale_fields_follow_what_woocommerce_keeps() -> None:
    files = export_catalog(live_state(clean=True)).files
    # managed stock: the quantity is counted by orders and the status recomputed from it — neither is written
    assert by_sku(files, "LAMP") == {
        "sku": "LAMP", "name": "Lamp", "type": "simple", "status": "publish", "short_description": "Short.",
        "regular_price": "20.00", "sale_price": "15.00", "date_on_sale_from": "2031-01-01T00:00:00",
        "date_on_sale_to": "2031-02-01T08:30:00", "tax_class": "reduced-rate", "manage_stock": True,
        "backorders": "notify", "low_stock_amount": 2, "reviews_allowed": False, "menu_order": 4,
    }
    # an inverted sale window would be refused by validate; backorders without stock management are ignored
    assert by_sku(files, "INVERTED") == {
        "sku": "INVERTED", "name": "Inverted", "type": "simple", "status": "publish", "short_description": "Short.",
        "regular_price": "20.00", "sale_price": "15.00", "stock_status": "outofstock",
    }
    all_fields = by_sku(export_catalog(live_state(clean=True), ExportOptions(all_fields=True)).files, "LAMP")
    assert all_fields["stock_quantity"] == 5 and "stock_status" not in all_fields
    assert all_fields["featured"] is False and all_fields["dimensions"] is None and all_fields["images"] == []


def test_external_and_grouped_documents_leave_out_what_woocommerce_ignores() -> None:
    files = export_catalog(live_state(clean=True)).files
    # a sale price equal to the regular price is dropped by WooCommerce (05#106): not written
    assert by_sku(files, "EXT-1") == {
        "sku": "EXT-1", "name": "Trip", "type": "external", "status": "publish", "short_description": "Short.",
        "regular_price": "100.00", "external_url": "https://partner.example/x", "button_text": "Book",
    }
    assert by_sku(files, "SET") == {
        "sku": "SET", "name": "Set", "type": "grouped", "status": "publish", "short_description": "Short.",
        "grouped_products": ["MUG-1"],
    }


def test_taxonomy_documents() -> None:
    files = export_catalog(live_state()).files
    assert files["categories.yaml"] == {"categories": [
        {"name": "Uncategorized"},  # slugs the catalogue derives from the name are left out
        {"name": "Home & Kitchen", "description": "<b>All</b> for home", "children": [
            {"name": "Mugs & Cups", "slug": "mugs", "display": "products", "menu_order": 3},
        ]},
        {"name": "帽子"},
    ]}
    assert files["tags.yaml"] == {"tags": [{"name": "Gift & Idea"}]}
    assert files["shipping-classes.yaml"] == {
        "shipping_classes": [{"name": "Bulky & Heavy", "slug": "bulky", "description": "Freight"}]
    }
    assert files["attributes.yaml"] == {"attributes": [{"name": "Color", "slug": "color", "terms": [
        {"name": "Red"}, {"name": "Forest Green", "menu_order": 2},
    ]}]}
    assert files["meta-fields.yaml"] == {"meta_fields": [{"key": "care", "type": "string", "applies_to": ["simple"]}]}


def test_meta_keys_asked_for_are_exported_and_declared_but_never_wcsync(tmp_path: Path) -> None:
    options = ExportOptions(meta_keys=("_wcsync", "_plugin", "specs", "absent"))
    files = export_catalog(live_state(clean=True), options).files
    assert by_sku(files, "MUG-1")["meta"] == {"_plugin": "x", "care": "Hand wash", "specs": {"a": 1}}
    assert files["meta-fields.yaml"] == {"meta_fields": [
        {"key": "_plugin", "type": "string", "applies_to": ["simple"]},
        {"key": "care", "type": "string", "applies_to": ["simple"]},
        {"key": "specs", "type": "json", "applies_to": ["simple"]},
    ]}
    assert summary(round_trip(tmp_path, live_state(clean=True), options))[0] == ("product", "adopt", "EXT-1", [])
    assert "MUG-1" not in {c.key for c in round_trip(tmp_path / "again", live_state(clean=True), options).changes}


def test_trashed_products_are_not_exported_but_counted() -> None:
    live = live_state(clean=True)
    trashed = live.products[0].model_copy(update={"id": 999, "status": "trash"})
    result = export_catalog(live.model_copy(update={"trashed_products": (trashed,)}))
    assert [str(s) for s in result.skipped] == [
        "1 product(s) in the trash: a catalogue product with such a SKU is planned as a restore"
    ]
    assert result.products == len(live.products)


def test_only_managed_exports_marked_products() -> None:
    result = export_catalog(live_state(clean=True), ExportOptions(only_managed=True))
    assert [f for f in result.files if f.startswith("products/")] == ["products/home-kitchen/mugs/mug-1.yaml"]
    assert [str(s) for s in result.skipped] == ["5 product(s): not managed by wcsync (--only-managed)"]
    assert result.products == 1 and result.variations == 0


def test_products_the_catalogue_cannot_hold_are_skipped_with_the_reason() -> None:
    from tests.export.livestate import MARK, product
    from wcsync.store import wire

    bodies = [
        product(300, "DUP", "First"),
        product(301, "dup ", "Second"),  # SKUs are unique case-insensitively and trimmed
        product(302, "SUB-1", "Subscription", type="subscription"),  # a plugin's type: kept as a record
        product(304, "ODD", "Odd type", type="Bundle Deluxe"),  # not a type name the catalogue can hold
        product(303, "LOCAL", "Local clash", meta_data=[MARK], attributes=[
            {"id": 0, "name": "color", "position": 0, "visible": True, "variation": False, "options": ["Red"]},
        ]),
    ]
    base = live_state(clean=True)
    live = base.model_copy(update={"products": tuple(wire.product(b, {1: "color"}) for b in bodies)})
    result = export_catalog(live)
    assert [str(s) for s in result.skipped] == [
        "product dup (#301): its SKU is also product #300's",
        "product LOCAL (#303): its local attribute 'color' has the name of a global attribute, which the catalogue "
        "would read as the global one: rename it in wp-admin; wcsync manages it, so `wcsync plan` lists it as a delete",
        "product ODD (#304): its type 'Bundle Deluxe' is not a type name the catalogue can hold",
    ]
    assert [f for f in result.files if f.startswith("products/")] == ["products/dup.yaml", "products/sub-1.yaml"]
    assert result.files["products/sub-1.yaml"] == {"sku": "SUB-1", "name": "Subscription", "type": "subscription",
                                                   "status": "publish"}
    assert [str(w) for w in result.warnings if "SUB-1" in str(w)] == [
        "product SUB-1: its type 'subscription' is not one wcsync manages: imported with its name, type and status "
        "only, never written"]
