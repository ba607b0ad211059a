"""brands.yaml (a category-like tree) and products' ``brands: [slug]``: desired records, and every error with
its file:line:col and fix."""

from __future__ import annotations

from pathlib import Path

from tests.catalog.conftest import edit, errors, write
from wcsync.catalog import load_catalog
from wcsync.catalog.project import load_project
from wcsync.catalog.schemas import json_schemas
from wcsync.core.kinds import Kind

M = "catalog/products/mugs.yaml"
BRANDS = """\
brands:
  - name: Acme & Co
    description: Tools.
    children:
      - name: Acme Kids
        slug: kids
  - name: Globex
"""


def test_brands_become_a_tree_of_desired_records_and_products_refer_to_them_by_slug_or_path(shop: Path) -> None:
    write(shop, "catalog/brands.yaml", BRANDS)
    edit(shop, M, "    shipping_class: bulky\n", "    shipping_class: bulky\n    brands: [kids, globex, acme-co/]\n")
    loaded = load_catalog(shop, load_project(shop))
    assert loaded.ok, [d.format() for d in loaded.diagnostics]
    assert loaded.desired is not None
    brands = {b.key: b.fields for b in loaded.desired.brands}
    assert brands == {
        "acme-co": {"name": "Acme & Co", "slug": "acme-co", "parent": None, "description": "Tools."},
        "acme-co/kids": {"name": "Acme Kids", "slug": "kids", "parent": "acme-co"},
        "globex": {"name": "Globex", "slug": "globex", "parent": None},
    }
    assert {b.kind for b in loaded.desired.brands} == {Kind.BRAND}
    mug = next(p for p in loaded.desired.products if p.key == "MUG-1")
    assert mug.fields["brands"] == ("acme-co", "acme-co/kids", "globex")
    hoodie = next(p for p in loaded.desired.products if p.key != "MUG-1")
    assert "brands" not in hoodie.fields  # absent = not managed


def test_an_unknown_brand_is_an_error_at_its_position_with_a_suggestion(shop: Path) -> None:
    write(shop, "catalog/brands.yaml", BRANDS)
    edit(shop, M, "    shipping_class: bulky\n", "    shipping_class: bulky\n    brands: [globx]\n")
    assert errors(shop) == ["catalog/products/mugs.yaml:9:14: unknown brand 'globx' — did you mean 'globex'?"]


def test_a_brand_without_brands_yaml_says_where_to_declare_it(shop: Path) -> None:
    edit(shop, M, "    shipping_class: bulky\n", "    shipping_class: bulky\n    brands: [acme]\n")
    assert errors(shop) == ["catalog/products/mugs.yaml:9:14: unknown brand 'acme' — declare it in brands.yaml"]


def test_brand_tree_errors_have_positions(shop: Path) -> None:
    write(shop, "catalog/brands.yaml", BRANDS + "  - name: Initech\n    slug: kids\n  - name: Globex\n    colour: red\n")
    assert errors(shop) == [
        "catalog/brands.yaml:9:11: duplicate brand slug 'kids' (also at catalog/brands.yaml:5) — brand slugs "
        "are unique across the whole tree in WooCommerce: give one of them another slug",
        "catalog/brands.yaml:10:11: two top-level brands named 'Globex' — WooCommerce refuses the same name twice "
        "under one parent: rename one",
        "catalog/brands.yaml:10:11: duplicate brand slug 'globex' (also at catalog/brands.yaml:7) — brand slugs "
        "are unique across the whole tree in WooCommerce: give one of them another slug",
        "catalog/brands.yaml:11:5: unknown field 'colour' — expected one of: children, description, display, "
        "image, menu_order, name, protect, slug",
    ]


def test_the_brand_schema_describes_the_nested_tree() -> None:
    schema = json_schemas()["brands.schema.json"]
    assert schema["title"] == "wcsync brand tree"
    brand = schema["$defs"]["Brand"]
    assert brand["additionalProperties"] is False
    assert brand["properties"]["children"]["items"] == {"$ref": "#/$defs/Brand"}
    product = json_schemas()["product.schema.json"]
    assert "brands" in product["$defs"]["Product"]["properties"]
