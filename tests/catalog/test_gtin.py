"""``global_unique_id`` in the catalogue: a GTIN, UPC, EAN or ISBN written as text, unique across products and
variations like a SKU — every problem at file:line:col, a duplicate naming both places."""

from __future__ import annotations

from pathlib import Path

from tests.catalog.conftest import edit, errors

H = "catalog/products/clothing/hoodie.yaml"
M = "catalog/products/mugs.yaml"


def test_a_gtin_on_a_product_and_a_variation_is_a_desired_field(shop: Path) -> None:
    edit(shop, M, '    name: Mug\n', '    name: Mug\n    global_unique_id: "04006381333931"\n')
    edit(shop, H, '  - sku: HOODIE-RED-S\n', '  - sku: HOODIE-RED-S\n    global_unique_id: "978-0-306-40615-X"\n')
    assert errors(shop) == []


def test_a_duplicate_gtin_names_both_places(shop: Path) -> None:
    edit(shop, M, '    name: Mug\n', '    name: Mug\n    global_unique_id: "04006381333931"\n')
    edit(shop, H, '  - sku: HOODIE-RED-S\n', '  - sku: HOODIE-RED-S\n    global_unique_id: " 04006381333931"\n')
    assert errors(shop) == [
        "catalog/products/mugs.yaml:4:23: duplicate global_unique_id '04006381333931' (also at "
        "catalog/products/clothing/hoodie.yaml:29) — a GTIN, UPC, EAN or ISBN is unique across products and "
        "variations (WooCommerce refuses the second one): change one of them",
    ]


def test_a_gtin_that_is_not_one_or_a_bare_number_is_refused(shop: Path) -> None:
    edit(shop, M, '    name: Mug\n', '    name: Mug\n    global_unique_id: EAN-4006\n')
    edit(shop, M, '    name: Mug set\n', '    name: Mug set\n    global_unique_id: 4006381333931\n')
    problems = errors(shop)
    assert problems == [
        "catalog/products/mugs.yaml:4:23: global_unique_id: 'EAN-4006' is not a GTIN, UPC, EAN or ISBN — write "
        "digits (dashes and a final X allowed), like \"04006381333931\"; quote it so a leading zero stays",
        "catalog/products/mugs.yaml:15:23: global_unique_id: 4006381333931 is a number, which drops leading zeros "
        "— write it in quotes, like \"4006381333931\" (with its leading zeros)",
    ]
