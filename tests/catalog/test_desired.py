"""The catalogue → DesiredState conversion, in the vocabulary of wcsync.core.fields."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.catalog.conftest import FIXTURES, edit
from wcsync.catalog import load_catalog
from wcsync.catalog.project import Project, load_project
from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredResource, DesiredState

H = "catalog/products/clothing/hoodie.yaml"
M = "catalog/products/mugs.yaml"


def _desired(root: Path) -> DesiredState:
    loaded = load_catalog(root, load_project(root))
    assert loaded.ok, [d.format() for d in loaded.diagnostics]
    assert loaded.desired is not None
    return loaded.desired


def _one(state: DesiredState, kind: Kind, key: str) -> DesiredResource:
    [res] = [r for r in state.of_kind(kind) if r.key == key]
    return res


def test_taxonomy_records() -> None:
    d = _desired(FIXTURES / "shop")
    assert [(r.key, r.fields) for r in d.categories] == [
        ("clothing", {"name": "Clothing", "slug": "clothing", "parent": None}),
        (
            "clothing/hoodies",
            {"name": "Hoodies & Sweatshirts", "slug": "hoodies", "parent": "clothing", "description": "Warm ones.", "display": "products"},
        ),
        ("clothing/cafe-creme", {"name": "Café & Crème", "slug": "cafe-creme", "parent": "clothing"}),
        ("home", {"name": "Home", "slug": "home", "parent": None}),
    ]
    assert _one(d, Kind.CATEGORY, "home").protect is True
    assert [(r.key, r.fields) for r in d.tags] == [
        ("winter", {"name": "Winter", "slug": "winter"}),
        ("rain-wind", {"name": "Rain & Wind", "slug": "rain-wind"}),
    ]
    assert [(r.key, r.fields) for r in d.attributes] == [
        ("color", {"name": "Color", "slug": "color"}),
        ("grose", {"name": "Größe", "slug": "grose", "order_by": "name"}),
    ]
    assert [(r.key, r.parent_key, r.fields) for r in d.terms][:2] == [
        ("color/red", "color", {"name": "Red", "slug": "red"}),
        ("color/blue", "color", {"name": "Blue", "slug": "blue"}),
    ]
    assert [r.key for r in d.terms] == ["color/red", "color/blue", "grose/s", "grose/m", "grose/l"]
    assert [(r.key, r.fields) for r in d.shipping_classes] == [("bulky", {"name": "Bulky", "slug": "bulky"})]


def test_variable_product_record() -> None:
    d = _desired(FIXTURES / "shop")
    hoodie = _one(d, Kind.PRODUCT, "HOODIE")
    assert hoodie.fields == {
        "type": "variable",
        "name": "Classic Hoodie & Co",
        "short_description": "Organic cotton.",
        "description": "<p>Classic Hoodie &amp; Co: Organic cotton.</p>",
        "images": ({"src": "https://cdn.example.com/hoodie.jpg", "alt": "Front view"},),
        "categories": ("clothing/hoodies",),
        "tags": ("rain-wind", "winter"),
        "attributes": (
            {"name": "Color", "slug": "color", "options": ("Red", "Blue"), "visible": True, "variation": True},
            {"name": "Größe", "slug": "grose", "options": ("S", "M"), "visible": True, "variation": True},
            {"name": "Fit", "slug": None, "options": ("Regular",), "visible": True, "variation": False},
        ),
        "default_attributes": {"pa_color": "Red", "pa_grose": "M"},
        "meta": {"care": "Wash cold.", "launch_year": "2019", "eco": "1"},
        "upsells": ("MUG-1",),
    }
    assert hoodie.source is not None and str(hoodie.source) == "catalog/products/clothing/hoodie.yaml:1:1"


def test_matrix_overrides_and_explicit_variations() -> None:
    d = _desired(FIXTURES / "shop")
    got = {v.key: (v.parent_key, v.fields) for v in d.variations}
    assert got == {
        "HOODIE-RED-S": (
            "HOODIE",
            {"sku": "HOODIE-RED-S", "regular_price": Decimal("45"), "sale_price": Decimal("39.00"), "attributes": {"pa_color": "Red", "pa_grose": "S"}},
        ),
        "HOODIE-RED-M": ("HOODIE", {"sku": "HOODIE-RED-M", "regular_price": Decimal("48"), "attributes": {"pa_color": "Red", "pa_grose": "M"}}),
        "HOODIE-BLUE-S": ("HOODIE", {"sku": "HOODIE-BLUE-S", "regular_price": Decimal("45"), "attributes": {"pa_color": "Blue", "pa_grose": "S"}}),
        "HOODIE-BLUE-M": ("HOODIE", {"sku": "HOODIE-BLUE-M", "regular_price": Decimal("48"), "attributes": {"pa_color": "Blue", "pa_grose": "M"}}),
    }


def test_variation_without_sku_is_keyed_by_combination(shop: Path) -> None:
    edit(shop, H, '  sku: "HOODIE-{{ Color | upper }}-{{ Größe }}"\n', "")
    edit(shop, H, "  - sku: HOODIE-RED-S\n    sale_price: \"39.00\"\n", "  - sku: HOODIE-GIFT\n    attributes: {Color: Red}\n    regular_price: 50\n")
    d = _desired(shop)
    keys = sorted(v.key for v in d.variations)
    assert keys == [
        "HOODIE-GIFT",
        "HOODIE[pa_color=Blue,pa_grose=M]",
        "HOODIE[pa_color=Blue,pa_grose=S]",
        "HOODIE[pa_color=Red,pa_grose=M]",
        "HOODIE[pa_color=Red,pa_grose=S]",
    ]
    blue_s = next(v for v in d.variations if v.key == "HOODIE[pa_color=Blue,pa_grose=S]")
    assert "sku" not in blue_s.fields
    gift = next(v for v in d.variations if v.key == "HOODIE-GIFT")
    assert gift.fields["attributes"] == {"pa_color": "Red"}


def test_absent_is_unmanaged_and_null_clears() -> None:
    d = _desired(FIXTURES / "shop")
    mug = _one(d, Kind.PRODUCT, "MUG-1")
    assert mug.fields == {
        "type": "simple",
        "name": "Mug",
        "short_description": "A mug.",
        "regular_price": Decimal("12.50"),
        "sale_price": None,
        "images": ({"src": "https://cdn.example.com/mug.jpg", "alt": "Mug"},),
        "categories": ("home",),
        "shipping_class": "bulky",
    }
    assert "description" not in mug.fields and "status" not in mug.fields


def test_null_lists_and_text_clear(shop: Path) -> None:
    edit(shop, M, "    categories: [home]\n", "    categories: null\n    tags: []\n    description: null\n    date_on_sale_from: null\n")
    mug = _one(_desired(shop), Kind.PRODUCT, "MUG-1")
    assert mug.fields["categories"] == ()
    assert mug.fields["tags"] == ()
    assert mug.fields["description"] == ""
    assert mug.fields["date_on_sale_from"] is None


def test_grouped_and_external() -> None:
    d = _desired(FIXTURES / "shop")
    assert _one(d, Kind.PRODUCT, "MUG-SET").fields == {
        "type": "grouped",
        "name": "Mug set",
        "short_description": "Two mugs.",
        "grouped_products": ("MUG-1",),
    }
    assert _one(d, Kind.PRODUCT, "EXT-1").fields == {
        "type": "external",
        "name": "Mug at partner",
        "short_description": "Elsewhere.",
        "regular_price": Decimal("20.0"),
        "external_url": "https://partner.example.com/mug",
        "button_text": "Buy there",
    }


def test_scalar_fields_are_canonical(shop: Path) -> None:
    edit(
        shop,
        M,
        "    shipping_class: bulky\n",
        "    shipping_class: Bulky\n    date_on_sale_from: 2024-11-29\n    date_on_sale_to: 2024-12-01T23:59\n"
        "    weight: 0.5\n    dimensions: {length: 10, height: \"2.5\"}\n    manage_stock: true\n    stock_quantity: 7\n"
        "    status: draft\n    slug: mug-one\n",
    )
    f = _one(_desired(shop), Kind.PRODUCT, "MUG-1").fields
    assert f["shipping_class"] == "bulky"
    assert f["date_on_sale_from"] == "2024-11-29T00:00:00"
    assert f["date_on_sale_to"] == "2024-12-01T23:59:00"
    assert f["weight"] == Decimal("0.5")
    assert f["dimensions"] == {"length": Decimal("10"), "height": Decimal("2.5")}
    assert (f["manage_stock"], f["stock_quantity"], f["status"], f["slug"]) == (True, 7, "draft", "mug-one")


def test_catalog_version_is_a_content_hash(shop: Path) -> None:
    first = _desired(shop).catalog_version
    assert len(first) == 7 and int(first, 16) >= 0
    assert _desired(shop).catalog_version == first
    edit(shop, M, '"12.50"', '"12.60"')
    assert _desired(shop).catalog_version != first


def test_desired_is_none_when_there_are_errors(shop: Path) -> None:
    edit(shop, M, "    name: Mug\n", "    name: Mug\n    colour: red\n")
    loaded = load_catalog(shop, Project())
    assert loaded.ok is False
    assert loaded.desired is None
    assert [d.format() for d in loaded.errors] == [
        "catalog/products/mugs.yaml:4:5: unknown field 'colour' — remove it or check the spelling"
    ]


def test_default_attributes_by_slug_and_pa_slug(shop: Path) -> None:
    edit(shop, H, "default_attributes: {Color: Red, Größe: M}", "default_attributes: {pa_color: blue, grose: m}")
    hoodie = _one(_desired(shop), Kind.PRODUCT, "HOODIE")
    assert hoodie.fields["default_attributes"] == {"pa_color": "Blue", "pa_grose": "M"}


def test_catalog_directory_from_project_file(shop: Path) -> None:
    (shop / "catalog").rename(shop / "stock")
    edit(shop, "wcsync.yaml", "ownership: marked\n", "ownership: marked\ncatalog: stock\n")
    loaded = load_catalog(shop, load_project(shop))
    assert loaded.ok and loaded.desired is not None
    assert loaded.desired.products[0].source is not None
    assert loaded.desired.products[0].source.file == "stock/products/clothing/hoodie.yaml"


def test_loading_leaves_the_garbage_collector_as_it_found_it(shop: Path) -> None:
    import gc

    assert gc.isenabled()
    try:
        assert load_catalog(shop, load_project(shop)).ok and gc.isenabled()
        gc.disable()
        assert load_catalog(shop, load_project(shop)).ok and not gc.isenabled()
        (shop / H).write_text("sku: [\n")  # an exception-free failure path
        assert not load_catalog(shop, load_project(shop)).ok and not gc.isenabled()
    finally:
        gc.enable()


def test_files_read_hidden_skipped_and_products_through_a_link(shop: Path, tmp_path: Path) -> None:
    before = _desired(shop)
    (shop / "catalog/products/.draft.yaml").write_text("sku: [\n")  # hidden: never read
    (shop / "catalog/.cache").mkdir()
    (shop / "catalog/.cache/x.yaml").write_text("sku: [\n")
    assert _desired(shop) == before
    elsewhere = shop / "shared" / "products"  # a link inside the project is followed (outside: tests/security)
    elsewhere.parent.mkdir()
    (shop / "catalog/products").rename(elsewhere)
    (shop / "catalog/products").symlink_to(elsewhere, target_is_directory=True)
    linked = _desired(shop)
    assert [r.key for r in linked.products] == [r.key for r in before.products]
    (elsewhere / "mugs.yaml").write_text((elsewhere / "mugs.yaml").read_text().replace("name: Mug\n", "name: Big mug\n", 1))
    changed = _desired(shop)
    assert changed.catalog_version != linked.catalog_version
    assert _one(changed, Kind.PRODUCT, "MUG-1").fields["name"] == "Big mug"
