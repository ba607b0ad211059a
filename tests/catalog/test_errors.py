"""Every error class of the catalogue: exact message and file:line:col, against the small fixture shop."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.catalog.conftest import edit, errors

H = "catalog/products/clothing/hoodie.yaml"
M = "catalog/products/mugs.yaml"

# name -> (edits, expected errors)
CASES: dict[str, tuple[list[tuple[str, str, str]], list[str]]] = {
    "unknown_field": (
        [(H, 'short_description:', 'short_descripton:')],
        [
            "catalog/products/clothing/hoodie.yaml:5:1: unknown field 'short_descripton' — did you mean 'short_description'?",
        ],
    ),
    "tab": (
        [(H, '  - src: https://cdn.example.com/hoodie.jpg', '\t- src: https://cdn.example.com/hoodie.jpg')],
        [
            'catalog/products/clothing/hoodie.yaml:9:1: tab character used for indentation — YAML indents with spaces only: replace the tab with spaces',
        ],
    ),
    "dup_key": (
        [(H, 'type: variable\n', 'type: variable\ntype: simple\n')],
        [
            "catalog/products/clothing/hoodie.yaml:4:1: duplicate key 'type' — a key may appear only once in a mapping: remove or rename one of them",
        ],
    ),
    "bad_indent": (
        [(M, '    name: Mug\n', '     name: Mug\n')],
        [
            'catalog/products/mugs.yaml:3:10: invalid YAML: mapping values are not allowed here — check the indentation of this line and the lines above it: nested items use spaces, aligned under their parent',
        ],
    ),
    "enum_status": (
        [(M, '    name: Mug\n', '    name: Mug\n    status: publised\n')],
        [
            "catalog/products/mugs.yaml:4:13: status: 'publised' is not allowed — did you mean 'publish'? (allowed: publish, draft, pending, private)",
        ],
    ),
    "enum_stock": (
        [(M, '    name: Mug\n', '    name: Mug\n    stock_status: in_stock\n    backorders: maybe\n    tax_status: yes\n    catalog_visibility: none\n')],
        [
            "catalog/products/mugs.yaml:4:19: stock_status: 'in_stock' is not allowed — did you mean 'instock'? (allowed: instock, outofstock, onbackorder)",
            "catalog/products/mugs.yaml:5:17: backorders: 'maybe' is not allowed — use one of: no, notify, yes",
            "catalog/products/mugs.yaml:6:17: tax_status: 'yes' is not allowed — use one of: taxable, shipping, none",
            "catalog/products/mugs.yaml:7:25: catalog_visibility: 'none' is not allowed — use one of: visible, catalog, search, hidden",
        ],
    ),
    "enum_display": (
        [('catalog/categories.yaml', 'display: products', 'display: grid')],
        [
            "catalog/categories.yaml:7:18: display: 'grid' is not allowed — use one of: default, products, subcategories, both",
        ],
    ),
    "bad_date": (
        [(M, '    name: Mug\n', '    name: Mug\n    date_on_sale_from: 29.11.2024\n')],
        [
            "catalog/products/mugs.yaml:4:24: date_on_sale_from: date '29.11.2024' is not a date — write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (store-local time)",
        ],
    ),
    "wrong_type": (
        [(M, '    name: Mug\n', '    name: Mug\n    featured: yes\n    stock_quantity: 7.5\n    tags: winter\n')],
        [
            "catalog/products/mugs.yaml:4:15: featured: expected true or false, got the text 'yes' — write true or false without quotes",
            'catalog/products/mugs.yaml:5:21: stock_quantity: expected a whole number, got the number 7.5 — write a number without quotes, like 5',
            "catalog/products/mugs.yaml:6:11: tags: expected a list, got the text 'winter' — write [a, b] or one '- item' per line",
        ],
    ),
    "sku_number": (
        [(M, '  - sku: MUG-1\n', '  - sku: 12345\n')],
        [
            "catalog/products/clothing/hoodie.yaml:34:11: upsells names unknown product SKU 'mug-1' — did you mean 'MUG-SET'?",
            'catalog/products/mugs.yaml:2:10: sku: expected text, got the number 12345 — put the value in quotes, like "…"',
            "catalog/products/mugs.yaml:16:24: grouped_products names unknown product SKU 'MUG-1' — did you mean 'MUG-SET'?",
        ],
    ),
    "missing_sku": (
        [(M, '  - sku: EXT-1\n', '  - skux: EXT-1\n')],
        [
            "catalog/products/mugs.yaml:17:5: missing required field 'sku' — add 'sku: …' here",
            "catalog/products/mugs.yaml:17:5: unknown field 'skux' — did you mean 'sku'?",
        ],
    ),
    "dup_sku": (
        [(M, '  - sku: EXT-1\n', '  - sku: hoodie-red-m\n')],
        [
            "catalog/products/mugs.yaml:17:10: duplicate SKU 'hoodie-red-m' (also at catalog/products/clothing/hoodie.yaml:22) — SKUs are unique across products and variations, ignoring case: change one of them",
        ],
    ),
    "dup_product_sku": (
        [(M, '  - sku: EXT-1\n', '  - sku: mug-1\n')],
        [
            "catalog/products/mugs.yaml:17:10: duplicate SKU 'mug-1' (also at catalog/products/mugs.yaml:2) — SKUs are unique across products and variations, ignoring case: change one of them",
        ],
    ),
    "dup_category_slug": (
        [('catalog/categories.yaml', '      - name: Café & Crème\n', '      - name: Café & Crème\n        slug: home\n')],
        [
            "catalog/categories.yaml:11:11: duplicate category slug 'home' (also at catalog/categories.yaml:8) — category slugs are unique across the whole tree in WooCommerce: give one of them another slug",
        ],
    ),
    "dup_tag": (
        [('catalog/tags.yaml', '- name: Winter\n', '- name: Winter\n- name: WINTER\n  slug: winter-2\n')],
        [
            "catalog/tags.yaml:2:9: duplicate tag name 'WINTER' (also at catalog/tags.yaml:1) — WooCommerce refuses two tags with the same name (any case): rename one",
        ],
    ),
    "dangling_category": (
        [(H, 'categories: [clothing/hoodies]', 'categories: [clothing/hodies, jackets]')],
        [
            "catalog/products/clothing/hoodie.yaml:6:14: unknown category 'clothing/hodies' — did you mean 'clothing/hoodies'?",
            "catalog/products/clothing/hoodie.yaml:6:31: unknown category 'jackets' — declare it in categories.yaml",
        ],
    ),
    "dangling_tag": (
        [(H, 'tags: [winter, Rain & Wind]', 'tags: [wintr]')],
        [
            "catalog/products/clothing/hoodie.yaml:7:8: unknown tag 'wintr' — did you mean 'winter'?",
        ],
    ),
    "dangling_attr_term": (
        [(H, 'options: [red, Blue]', 'options: [red, Blu]')],
        [
            "catalog/products/clothing/hoodie.yaml:13:20: 'Blu' is not a term of attribute 'Color' — did you mean 'Blue'?",
        ],
    ),
    "dangling_sku": (
        [(H, 'upsells: [mug-1]', 'upsells: [MUG-2]'), (M, 'grouped_products: [MUG-1]', 'grouped_products: [HOODIE-RED-S]')],
        [
            "catalog/products/clothing/hoodie.yaml:34:11: upsells names unknown product SKU 'MUG-2' — did you mean 'MUG-1'?",
            "catalog/products/mugs.yaml:16:24: grouped_products names 'HOODIE-RED-S', a variation of HOODIE — link products, not variations: use 'HOODIE'",
        ],
    ),
    "dangling_template": (
        [(H, 'description_template: hoodie.html.j2', 'description_template: hoody.html.j2')],
        [
            "catalog/products/clothing/hoodie.yaml:4:23: template 'hoody.html.j2' not found in catalog/templates/ — did you mean 'hoodie.html.j2'?",
        ],
    ),
    "template_undefined": (
        [('catalog/templates/hoodie.html.j2', '{{ name }}', '{{ nam }}')],
        [
            "catalog/products/clothing/hoodie.yaml:4:23: template 'hoodie.html.j2' failed: 'nam' is undefined — see catalog/templates/hoodie.html.j2:1",
            "catalog/templates/hoodie.html.j2:1:1: template error while rendering: 'nam' is undefined — use only fields the product has (the context is the product's fields, also as 'product')",
        ],
    ),
    "template_syntax": (
        [('catalog/templates/hoodie.html.j2', '{{ name }}', '{{ name }')],
        [
            "catalog/products/clothing/hoodie.yaml:4:23: template 'hoodie.html.j2' has a syntax error — see the error in the template file",
            "catalog/templates/hoodie.html.j2:1:1: template syntax error: unexpected '}' — fix the Jinja2 syntax",
        ],
    ),
    "dangling_shipping": (
        [(M, 'shipping_class: bulky', 'shipping_class: heavy')],
        [
            "catalog/products/mugs.yaml:8:21: unknown shipping class 'heavy' — declare it in shipping-classes.yaml",
        ],
    ),
    "meta_unknown": (
        [(H, '  care: Wash cold.', '  caer: Wash cold.')],
        [
            "catalog/products/clothing/hoodie.yaml:31:3: meta key 'caer' is not declared — did you mean 'care'?",
        ],
    ),
    "meta_types": (
        [(H, '  launch_year: 2019\n  eco: true', '  launch_year: "2019"\n  eco: 1\n  badge: old')],
        [
            "catalog/products/clothing/hoodie.yaml:32:16: meta 'launch_year' must be a number, got '2019' — write a number without quotes",
            "catalog/products/clothing/hoodie.yaml:33:8: meta 'eco' must be a boolean, got 1 — write true or false",
            "catalog/products/clothing/hoodie.yaml:34:10: meta 'badge': 'old' is not an allowed value — allowed: new, sale",
        ],
    ),
    "meta_applies": (
        [(M, '    grouped_products: [MUG-1]\n', '    grouped_products: [MUG-1]\n    meta: {care: x}\n')],
        [
            "catalog/products/mugs.yaml:17:12: meta key 'care' does not apply to grouped products — meta-fields.yaml allows it on: simple, variable, variation",
        ],
    ),
    "variation_attr_not_variation": (
        [(H, '  - sku: HOODIE-RED-S\n    sale_price: "39.00"', '  - attributes: {Fit: Regular, Color: Red}')],
        [
            "catalog/products/clothing/hoodie.yaml:28:18: 'Fit' is not a variation attribute of HOODIE — set 'variation: true' on that product attribute",
        ],
    ),
    "variation_option": (
        [(H, '  - sku: HOODIE-RED-S\n    sale_price: "39.00"', '  - attributes: {Color: Green, Größe: S}')],
        [
            "catalog/products/clothing/hoodie.yaml:28:25: 'Green' is not an option of 'Color' on HOODIE — options: Red, Blue",
        ],
    ),
    "variation_unknown_attr": (
        [(H, '  - sku: HOODIE-RED-S\n    sale_price: "39.00"', '  - attributes: {Colour: Red}')],
        [
            "catalog/products/clothing/hoodie.yaml:28:18: 'Colour' is not an attribute of HOODIE — did you mean 'Color'?",
        ],
    ),
    "matrix_collision": (
        [(H, '  - sku: HOODIE-RED-S\n    sale_price: "39.00"', '  - sku: HOODIE-X\n    attributes: {Color: Red, Größe: S}')],
        [
            'catalog/products/clothing/hoodie.yaml:29:17: variation collides with matrix variation HOODIE-RED-S — to change that variation, give its sku: HOODIE-RED-S',
        ],
    ),
    "dup_combination": (
        [(H, '    - when: {Größe: M}\n      regular_price: "48.00"\n', ''), (H, 'variation_matrix:\n  sku: "HOODIE-{{ Color | upper }}-{{ Größe }}"\n  regular_price: 45\n  overrides:\n', 'variations:\n  - sku: A\n    regular_price: 1\n    attributes: {Color: Red, Größe: S}\n  - sku: B\n    regular_price: 1\n    attributes: {color: red, grose: s}\n'), (H, 'variations:\n  - sku: HOODIE-RED-S\n    sale_price: "39.00"\n', '')],
        [
            'catalog/products/clothing/hoodie.yaml:27:17: two variations of HOODIE have the same attributes {Color: Red, Größe: S} — the other one is at line 22: remove or change one of them',
        ],
    ),
    "default_attr": (
        [(H, 'default_attributes: {Color: Red, Größe: M}', 'default_attributes: {Color: Green, Fit: Regular, Size: M}')],
        [
            "catalog/products/clothing/hoodie.yaml:20:29: default 'Green' is not an option of 'Color' — options: Red, Blue",
            "catalog/products/clothing/hoodie.yaml:20:36: default_attributes names 'Fit', which is not a variation attribute of HOODIE — WooCommerce keeps defaults only for attributes with 'variation: true' and drops this one (every plan would show it again): remove it, or set 'variation: true' on the attribute",
            "catalog/products/clothing/hoodie.yaml:20:50: default_attributes names 'Size', which is not an attribute of HOODIE — expected one of: Color, Fit, Größe",
        ],
    ),
    "sku_template": (
        [(H, '{{ Color | upper }}', '{{ Colour | upper }}')],
        [
            "catalog/products/clothing/hoodie.yaml:22:8: variation sku template: template error: 'Colour' is undefined — use the variation's attribute names, e.g. {{ Color }}, or parent_sku",
        ],
    ),
    "type_rules": (
        [(M, '    grouped_products: [MUG-1]\n', '    grouped_products: [MUG-1]\n    regular_price: 5\n    external_url: https://x.example.com\n')],
        [
            'catalog/products/mugs.yaml:17:5: a grouped product has no regular_price of its own — set prices on the grouped products',
            "catalog/products/mugs.yaml:18:5: external_url only applies to external products (MUG-SET is grouped) — set 'type: external' or remove it",
        ],
    ),
    "variations_on_simple": (
        [(M, '    shipping_class: bulky\n', '    shipping_class: bulky\n    variations:\n      - attributes: {Color: Red}\n')],
        [
            "catalog/products/mugs.yaml:9:5: simple product MUG-1 cannot have variations — set 'type: variable'",
        ],
    ),
    "image_src": (
        [(M, '      - src: https://cdn.example.com/mug.jpg', '      - src: mug.jpg')],
        [
            "catalog/products/mugs.yaml:10:14: images[0].src: image src 'mug.jpg' is not an http(s) URL — give the full URL, like https://cdn.example.com/a.jpg",
        ],
    ),
    "attr_slug": (
        [('catalog/attributes.yaml', '  - name: Color\n', '  - name: Color\n    slug: pa_color\n')],
        [
            "catalog/attributes.yaml:3:11: attribute slug 'pa_color' starts with 'pa_' — write it without the prefix: 'color'",
        ],
    ),
    "attr_reserved": (
        [('catalog/attributes.yaml', '  - name: Color\n', '  - name: Type\n    terms: [{name: X}]\n  - name: Color\n')],
        [
            "catalog/attributes.yaml:2:11: attribute slug 'type' is a reserved WordPress word — WooCommerce refuses it: use e.g. 'type-option' as slug",
        ],
    ),
    "cat_slug_invalid": (
        [('catalog/categories.yaml', '    slug: home\n', '    slug: Home Stuff\n')],
        [
            "catalog/categories.yaml:10:11: category slug 'Home Stuff' is not a valid slug — WooCommerce would store it as 'home-stuff': write that",
            "catalog/products/mugs.yaml:7:18: unknown category 'home' — declare it in categories.yaml",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error(case: str, shop: Path) -> None:
    edits, expected = CASES[case]
    for rel, old, new in edits:
        edit(shop, rel, old, new)
    assert errors(shop) == expected


def test_fixture_is_valid(shop: Path) -> None:
    assert errors(shop) == []


def test_catalogue_without_products_is_an_error(shop: Path) -> None:
    shutil.rmtree(shop / "catalog" / "products")
    assert errors(shop) == [
        "catalog: the catalogue has no products — add product files under catalog/products/; wcsync never treats "
        "an empty catalogue as 'delete everything'"
    ]


def test_empty_product_list_is_an_error(shop: Path) -> None:
    shutil.rmtree(shop / "catalog" / "products")
    (shop / "catalog" / "products").mkdir()
    (shop / "catalog" / "products" / "all.yaml").write_text("products: []\n")
    assert errors(shop) == [
        "catalog/products: the catalogue has no products — add product files under catalog/products/; wcsync "
        "never treats an empty catalogue as 'delete everything'"
    ]


def test_empty_catalogue_hint_names_the_configured_catalogue_directory(shop: Path) -> None:
    (shop / "catalog").rename(shop / "shopdata")
    shutil.rmtree(shop / "shopdata" / "products")
    edit(shop, "wcsync.yaml", "ownership:", "catalog: shopdata\nownership:")
    assert errors(shop) == [
        "shopdata: the catalogue has no products — add product files under shopdata/products/; wcsync never "
        "treats an empty catalogue as 'delete everything'"
    ]


def test_missing_catalogue_directory_is_an_error(shop: Path) -> None:
    shutil.rmtree(shop / "catalog")
    assert errors(shop) == [
        "catalog: catalogue directory 'catalog' does not exist — create it, or set 'catalog:' in wcsync.yaml; "
        "wcsync never treats a missing catalogue as empty"
    ]


def test_a_directory_without_project_file_or_catalogue_is_not_a_project(tmp_path: Path) -> None:
    assert errors(tmp_path) == [
        f"wcsync.yaml: {tmp_path} is not a wcsync project: it has no wcsync.yaml and no catalog/ — run wcsync "
        "in the project directory or pass --project DIR; or create wcsync.yaml and catalog/products/ here (to "
        "start a project, see Quick start in wcsync's README)"
    ]


def test_a_missing_project_directory_is_said(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert errors(missing) == [
        f"{missing}: project directory '{missing}' does not exist — pass --project DIR naming the directory "
        "that holds wcsync.yaml and catalog/ (to start a project, see Quick start in wcsync's README)"
    ]


def test_all_errors_of_a_run_are_reported_sorted(shop: Path) -> None:
    edit(shop, M, "    name: Mug\n", "    name: Mug\n    status: publised\n")
    edit(shop, H, "short_description:", "short_descripton:")
    edit(shop, "catalog/tags.yaml", "- name: Winter\n", "- name: Winter\n  colour: blue\n")
    assert errors(shop) == [
        "catalog/products/clothing/hoodie.yaml:5:1: unknown field 'short_descripton' — did you mean 'short_description'?",
        "catalog/products/mugs.yaml:4:13: status: 'publised' is not allowed — did you mean 'publish'? (allowed: publish, draft, pending, private)",
        "catalog/tags.yaml:2:3: unknown field 'colour' — expected one of: description, name, protect, slug",
    ]

