"""More error classes: variations, templates, taxonomy rules, meta declarations, file structure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.conftest import edit, errors

H = "catalog/products/clothing/hoodie.yaml"
M = "catalog/products/mugs.yaml"
A = "catalog/attributes.yaml"
C = "catalog/categories.yaml"
F = "catalog/meta-fields.yaml"

CASES: dict[str, tuple[list[tuple[str, str, str]], list[str]]] = {
    "slug_longer_than_woocommerce_keeps": (
        [(M, "    name: Mug\n", "    name: Mug\n    slug: " + "a" * 201 + "\n")],
        ["catalog/products/mugs.yaml:4:11: product slug is 201 characters long — WooCommerce cuts slugs to 200 characters (10#22): give a shorter slug"],
    ),
    # an invalid field is reported once: checks that depend on it do not run on its default instead
    "invalid_matrix_is_not_a_missing_matrix": (
        [(H, "  overrides:\n", "  overides:\n")],
        ["catalog/products/clothing/hoodie.yaml:24:3: unknown field 'overides' — did you mean 'overrides'?"],
    ),
    "invalid_type_is_not_the_default_type": (
        [(H, "type: variable\n", "type: variabel\n")],
        ["catalog/products/clothing/hoodie.yaml:3:7: type: 'variabel' is not allowed — did you mean 'variable'? (allowed: simple, variable, grouped, external)"],
    ),
    "invalid_attributes_are_not_missing_attributes": (
        [(H, "    options: [S, M]\n", "    options: S\n")],
        ["catalog/products/clothing/hoodie.yaml:16:14: attributes[1].options: expected a list, got the text 'S' — write [a, b] or one '- item' per line"],
    ),
    "unknown_global_attribute_by_taxonomy_name": (
        # 'pa_…' is how WooCommerce names a global attribute: never read as a local attribute of that name
        [(H, "  - name: Fit\n", "  - name: pa_colr\n")],
        [
            "catalog/products/clothing/hoodie.yaml:18:11: unknown global attribute 'pa_colr' — did you mean 'pa_color'?",
        ],
    ),
    "override_when_unknown_option": (
        [(H, '    - when: {Größe: M}', '    - when: {Größe: XL}')],
        [
            "catalog/products/clothing/hoodie.yaml:25:21: 'XL' is not an option of 'Größe' on HOODIE — options: S, M",
        ],
    ),
    "override_when_non_variation": (
        [(H, '    - when: {Größe: M}', '    - when: {Fit: Regular}')],
        [
            "catalog/products/clothing/hoodie.yaml:25:14: 'Fit' is not a variation attribute of HOODIE — set 'variation: true' on that product attribute",
        ],
    ),
    "explicit_override_other_attrs": (
        [(H, '  - sku: HOODIE-RED-S\n', '  - sku: HOODIE-RED-S\n    attributes: {Color: Blue, Größe: S}\n')],
        [
            "catalog/products/clothing/hoodie.yaml:29:17: variation HOODIE-RED-S overrides a matrix variation but gives other attributes — leave out 'attributes' when overriding a matrix variation by sku",
        ],
    ),
    "variation_without_attributes": (
        [(H, '  - sku: HOODIE-RED-S\n', '  - sku: HOODIE-NEW\n')],
        [
            "catalog/products/clothing/hoodie.yaml:28:5: variation has no attributes — give its 'attributes:' (e.g. {Color: Red}), or the sku of a matrix variation to override",
        ],
    ),
    "no_variation_attributes": (
        [(H, '    options: [red, Blue]\n    variation: true\n', '    options: [red, Blue]\n'), (H, '    options: [S, M]\n    variation: true\n', '    options: [S, M]\n')],
        [
            "catalog/products/clothing/hoodie.yaml:19:1: HOODIE has variations but no variation attribute — mark the attributes that vary with 'variation: true'",
        ],
    ),
    "variation_meta_required": (
        [(F, '- key: launch_year\n  type: number\n', '- key: launch_year\n  type: number\n- key: gtin\n  required: true\n  applies_to: [variation]\n')],
        [
            "catalog/products/clothing/hoodie.yaml:22:3: variation HOODIE-RED-M is missing required meta 'gtin' — add it under 'meta:' (declared required in catalog/meta-fields.yaml:6)",
            "catalog/products/clothing/hoodie.yaml:22:3: variation HOODIE-BLUE-S is missing required meta 'gtin' — add it under 'meta:' (declared required in catalog/meta-fields.yaml:6)",
            "catalog/products/clothing/hoodie.yaml:22:3: variation HOODIE-BLUE-M is missing required meta 'gtin' — add it under 'meta:' (declared required in catalog/meta-fields.yaml:6)",
            "catalog/products/clothing/hoodie.yaml:28:5: variation HOODIE-RED-S is missing required meta 'gtin' — add it under 'meta:' (declared required in catalog/meta-fields.yaml:6)",
        ],
    ),
    "variation_meta_not_allowed": (
        [(H, '  regular_price: 45\n', '  regular_price: 45\n  meta: {eco: true}\n')],
        [
            "catalog/products/clothing/hoodie.yaml:24:10: meta key 'eco' does not apply to variations — meta-fields.yaml allows it on: simple, variable, grouped, external",
            "catalog/products/clothing/hoodie.yaml:29:5: meta key 'eco' does not apply to variations — meta-fields.yaml allows it on: simple, variable, grouped, external",
        ],
    ),
    "variation_shipping_dangling": (
        [(H, '    sale_price: "39.00"', '    sale_price: "39.00"\n    shipping_class: tiny')],
        [
            "catalog/products/clothing/hoodie.yaml:30:21: unknown shipping class 'tiny' — declare it in shipping-classes.yaml",
        ],
    ),
    "sku_template_empty": (
        [(H, '"HOODIE-{{ Color | upper }}-{{ Größe }}"', '"{{ \'\' }}"')],
        [
            'catalog/products/clothing/hoodie.yaml:22:8: variation sku template renders an empty SKU — use the attributes, e.g. {{ parent_sku }}-{{ Size }}',
        ],
    ),
    "sku_template_duplicates": (
        [(H, '"HOODIE-{{ Color | upper }}-{{ Größe }}"', '"HOODIE-{{ Color | upper }}"')],
        [
            "catalog/products/clothing/hoodie.yaml:22:8: duplicate SKU 'HOODIE-RED' (also at catalog/products/clothing/hoodie.yaml:22) — SKUs are unique across products and variations, ignoring case: change one of them",
            "catalog/products/clothing/hoodie.yaml:22:8: duplicate SKU 'HOODIE-BLUE' (also at catalog/products/clothing/hoodie.yaml:22) — SKUs are unique across products and variations, ignoring case: change one of them",
            "catalog/products/clothing/hoodie.yaml:28:5: variation has no attributes — give its 'attributes:' (e.g. {Color: Red}), or the sku of a matrix variation to override",
        ],
    ),
    "template_sandbox": (
        [('catalog/templates/hoodie.html.j2', '{{ name }}', '{{ name.__class__.__mro__ }}')],
        [
            "catalog/products/clothing/hoodie.yaml:4:23: template 'hoodie.html.j2' failed: access to attribute '__class__' of 'str' object is unsafe — see catalog/templates/hoodie.html.j2:1",
            "catalog/templates/hoodie.html.j2:1:1: template error while rendering: access to attribute '__class__' of 'str' object is unsafe — use only fields the product has (the context is the product's fields, also as 'product')",
        ],
    ),
    "attr_too_long": (
        [(A, '  - name: Color\n', '  - name: Color\n    slug: a-very-long-attribute-slug-over-28\n')],
        [
            "catalog/attributes.yaml:3:11: attribute slug 'a-very-long-attribute-slug-over-28' is longer than 28 characters — WooCommerce refuses it: give a shorter slug",
        ],
    ),
    "term_duplicate": (
        [(A, '      - name: Blue\n', '      - name: Blue\n      - name: BLUE\n        slug: blue-2\n')],
        [
            "catalog/attributes.yaml:6:15: duplicate term 'BLUE' (slug 'blue-2') in attribute 'Color' — term names (any case) and slugs are unique within an attribute",
        ],
    ),
    "cat_same_name_same_parent": (
        [(C, '      - name: Café & Crème\n', '      - name: Café & Crème\n      - name: café &amp; crème\n        slug: cc\n')],
        [
            "catalog/categories.yaml:9:15: two categories named 'café &amp; crème' under 'clothing' — WooCommerce refuses the same name twice under one parent: rename one",
        ],
    ),
    "meta_enum_without_values": (
        [(F, '- key: badge\n  type: enum\n  values: [new, sale]\n', '- key: badge\n  type: enum\n')],
        [
            "catalog/meta-fields.yaml:9:9: meta key 'badge' is an enum without values — list the allowed values under 'values:'",
        ],
    ),
    "meta_dup": (
        [(F, '- key: eco\n', '- key: care\n')],
        [
            "catalog/meta-fields.yaml:6:8: meta key 'care' declared twice (also at catalog/meta-fields.yaml:1) — declare each key once",
            "catalog/products/clothing/hoodie.yaml:33:3: meta key 'eco' is not declared — declare it in meta-fields.yaml",
        ],
    ),
    "meta_required_product": (
        [(F, '- key: eco\n  type: boolean\n', '- key: eco\n  type: boolean\n  required: true\n')],
        [
            "catalog/products/mugs.yaml:2:5: product MUG-1 is missing required meta 'eco' — add it under 'meta:' (declared required in catalog/meta-fields.yaml:6)",
            "catalog/products/mugs.yaml:12:5: product MUG-SET is missing required meta 'eco' — add it under 'meta:' (declared required in catalog/meta-fields.yaml:6)",
            "catalog/products/mugs.yaml:17:5: product EXT-1 is missing required meta 'eco' — add it under 'meta:' (declared required in catalog/meta-fields.yaml:6)",
        ],
    ),
    "product_slug": (
        [(M, '  - sku: MUG-SET\n', '  - sku: MUG-SET\n    slug: Mug Set\n'), (M, '  - sku: EXT-1\n', '  - sku: EXT-1\n    slug: mug\n'), (M, '  - sku: MUG-1\n', '  - sku: MUG-1\n    slug: mug\n')],
        [
            "catalog/products/mugs.yaml:14:11: product slug 'Mug Set' is not a valid slug — WooCommerce would store it as 'mug-set': write that",
            "catalog/products/mugs.yaml:20:11: duplicate product slug 'mug' (also at catalog/products/mugs.yaml:2) — WooCommerce would rename one to '-2': change one of them",
        ],
    ),
    "desc_and_template": (
        [(H, 'short_description: Organic cotton.\n', 'short_description: Organic cotton.\ndescription: <p>x</p>\n')],
        [
            'catalog/products/clothing/hoodie.yaml:4:1: both description and description_template are set — keep one of them',
        ],
    ),
    "grouped_self": (
        [(M, 'grouped_products: [MUG-1]', 'grouped_products: [MUG-1, mug-set]')],
        [
            'catalog/products/mugs.yaml:16:31: grouped product MUG-SET lists itself — remove it from grouped_products',
        ],
    ),
    "upsell_variation_sku": (
        [(H, 'upsells: [mug-1]', 'upsells: [HOODIE-RED-S]')],
        [
            "catalog/products/clothing/hoodie.yaml:34:11: upsells names 'HOODIE-RED-S', a variation of HOODIE — link products, not variations: use 'HOODIE'",
        ],
    ),
    "external_manage_stock": (
        [(M, '    button_text: Buy there\n', '    button_text: Buy there\n    manage_stock: true\n')],
        [
            'catalog/products/mugs.yaml:24:5: external products cannot manage stock — WooCommerce refuses it: remove manage_stock',
        ],
    ),
    "variable_price": (
        [(H, 'short_description: Organic cotton.\n', 'short_description: Organic cotton.\nregular_price: 45\n')],
        [
            'catalog/products/clothing/hoodie.yaml:6:1: a variable product has no regular_price of its own — set prices on its variations',
        ],
    ),
    "top_level_wrapper_typo": (
        [('catalog/tags.yaml', '- name: Winter\n- name: Rain & Wind\n', 'tag:\n  - name: Winter\n')],
        [
            "catalog/tags.yaml:1:1: unknown top-level key 'tag' — this file holds a list under 'tags:'",
        ],
    ),
    "product_list_extra_key": (
        [(M, 'products:\n', 'version: 2\nproducts:\n')],
        [
            "catalog/products/mugs.yaml:1:1: unknown top-level key 'version' — a product list file holds only 'products:'",
        ],
    ),
    "product_not_mapping": (
        [(M, 'products:\n  - sku: MUG-1\n', 'products:\n  - just a string\n  - sku: MUG-1\n')],
        [
            "catalog/products/mugs.yaml:2:5: expected a product (key: value lines), got the text 'just a string' — see the format in the README",
        ],
    ),
    "attr_option_duplicate_attr": (
        [(H, '  - name: Fit\n', '  - name: color\n    options: [Red]\n  - name: Fit\n')],
        [
            "catalog/products/clothing/hoodie.yaml:18:11: attribute 'color' appears twice on HOODIE — list each attribute once",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error(case: str, shop: Path) -> None:
    edits, expected = CASES[case]
    for rel, old, new in edits:
        edit(shop, rel, old, new)
    assert errors(shop) == expected



def test_external_url_and_sku_characters(shop: Path) -> None:
    edit(shop, M, "external_url: https://partner.example.com/mug", "external_url: partner.example.com/mug")
    edit(shop, M, "  - sku: MUG-SET\n", "  - sku: MUG-<b>SET</b>\n")
    assert errors(shop) == [
        "catalog/products/mugs.yaml:12:10: sku: SKU 'MUG-<b>SET</b>' contains '<' or '>' — WooCommerce strips HTML from SKUs: use letters, digits and dashes",
        "catalog/products/mugs.yaml:22:19: external_url: external_url 'partner.example.com/mug' is not an http(s) URL — give the full URL, like https://partner.example.com/item (WooCommerce would mangle it)",
    ]


def test_template_errors_point_at_the_template_line(shop: Path) -> None:
    template = shop / "catalog" / "templates" / "hoodie.html.j2"
    template.write_text("<p>{{ name }}</p>\n{% for a in attributes %}\n<li>{{ a.nme }}</li>\n{% endfor %}\n")
    assert errors(shop) == [
        "catalog/products/clothing/hoodie.yaml:4:23: template 'hoodie.html.j2' failed: 'dict object' has no attribute 'nme' — see catalog/templates/hoodie.html.j2:3",
        "catalog/templates/hoodie.html.j2:3:1: template error while rendering: 'dict object' has no attribute 'nme' — use only fields the product has (the context is the product's fields, also as 'product')",
    ]
    template.write_text("<p>{{ name }}</p>\n\n{% for a in attributes %}\n<li>{{ a.name }}</li>\n")
    assert errors(shop) == [
        "catalog/products/clothing/hoodie.yaml:4:23: template 'hoodie.html.j2' has a syntax error — see the error in the template file",
        "catalog/templates/hoodie.html.j2:4:1: template syntax error: Unexpected end of template. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for' — fix the Jinja2 syntax",
    ]
