"""The merchandising lint pack: each rule's finding, and its level from wcsync.yaml."""

from __future__ import annotations

from pathlib import Path

from tests.catalog.conftest import edit, errors, warnings
from wcsync.catalog import load_catalog, validate
from wcsync.catalog.lintrules import RULES
from wcsync.catalog.project import Project
from wcsync.diagnostics import Severity

H = "catalog/products/clothing/hoodie.yaml"
M = "catalog/products/mugs.yaml"


def test_fixture_has_no_findings(shop: Path) -> None:
    assert warnings(shop) == [] and errors(shop) == []


def test_price_rules(shop: Path) -> None:
    edit(
        shop,
        M,
        '    regular_price: "12.50"\n    sale_price: null\n',
        '    regular_price: "12.50"\n    sale_price: "12.50"\n    date_on_sale_from: 2024-12-10\n    date_on_sale_to: 2024-12-01\n    stock_quantity: 4\n',
    )
    assert errors(shop) == [
        "catalog/products/mugs.yaml:6:17: product MUG-1: sale price 12.50 is not below the regular price 12.50 [sale-price-not-below-regular] — WooCommerce silently drops such a sale price: lower it or remove it",
        "catalog/products/mugs.yaml:8:22: product MUG-1: the sale ends (2024-12-01T00:00:00) before it starts (2024-12-10T00:00:00) [sale-window-inverted] — swap the dates or fix one of them",
    ]
    assert warnings(shop) == [
        "catalog/products/mugs.yaml:9:21: product MUG-1: stock_quantity is set but manage_stock is not true [stock-quantity-without-manage-stock] — set 'manage_stock: true' or remove stock_quantity",
    ]


def test_sale_window_without_sale_price_and_product_without_price(shop: Path) -> None:
    edit(shop, M, '    regular_price: "12.50"\n    sale_price: null\n', "    date_on_sale_to: 2024-12-01\n")
    assert warnings(shop) == [
        "catalog/products/mugs.yaml:2:10: product MUG-1 is published without a regular price [product-without-price] — customers cannot buy it: set regular_price",
        "catalog/products/mugs.yaml:5:22: product MUG-1: sale dates without a sale price [sale-window-without-sale-price] — set sale_price or remove the dates",
    ]


def test_variation_rules(shop: Path) -> None:
    edit(shop, H, "  regular_price: 45\n", "")
    edit(shop, H, '    sale_price: "39.00"', '    sale_price: "39.00"\n    image: {src: "https://cdn.example.com/r.jpg"}')
    found = warnings(shop)
    assert found == [
        "catalog/products/clothing/hoodie.yaml:22:3: variation HOODIE-BLUE-S of HOODIE has no regular price [variation-without-price] — WooCommerce will not sell it: set regular_price",
        "catalog/products/clothing/hoodie.yaml:27:5: variation HOODIE-RED-S of HOODIE has no regular price [variation-without-price] — WooCommerce will not sell it: set regular_price",
        "catalog/products/clothing/hoodie.yaml:29:12: variation HOODIE-RED-S: image https://cdn.example.com/r.jpg has no alt text [image-missing-alt] — add 'alt:' describing the image",
    ]


def test_a_matrix_image_without_alt_is_reported_once_at_the_image_entry(shop: Path) -> None:
    """Not at each variation (nor at an explicit override entry that has no image): once, where the image is."""
    edit(shop, H, "  regular_price: 45\n", "  regular_price: 45\n  image:\n    src: https://cdn.example.com/v.jpg\n")
    assert warnings(shop) == [
        "catalog/products/clothing/hoodie.yaml:25:5: 4 variations (HOODIE-RED-S, HOODIE-RED-M, HOODIE-BLUE-S, "
        "HOODIE-BLUE-M): image https://cdn.example.com/v.jpg has no alt text [image-missing-alt] — add 'alt:' "
        "describing the image",
    ]


def test_content_rules(shop: Path) -> None:
    edit(shop, M, "    short_description: A mug.\n", "")
    edit(shop, M, "        alt: Mug\n", "      - src: https://cdn.example.com/mug.jpg\n")
    assert warnings(shop) == [
        "catalog/products/mugs.yaml:3:11: product MUG-1 has no short description [empty-short-description] — add short_description: one sentence for the product card",
        "catalog/products/mugs.yaml:9:9: product MUG-1: image https://cdn.example.com/mug.jpg has no alt text [image-missing-alt] — add 'alt:' describing the image (accessibility and SEO)",
        "catalog/products/mugs.yaml:10:9: product MUG-1: image https://cdn.example.com/mug.jpg has no alt text [image-missing-alt] — add 'alt:' describing the image (accessibility and SEO)",
        "catalog/products/mugs.yaml:10:9: product MUG-1: image https://cdn.example.com/mug.jpg is listed twice [duplicate-image] — remove the second entry (WooCommerce would upload it twice)",
    ]


def test_variable_without_variations(shop: Path) -> None:
    text = (shop / H).read_text()
    (shop / H).write_text(text.split("variation_matrix:")[0] + "meta:\n  care: x\n")
    assert warnings(shop) == [
        "catalog/products/clothing/hoodie.yaml:3:7: product HOODIE is variable but has no variations [variable-without-variations] — add a variation_matrix or variations"
    ]


def test_levels_from_project_file(shop: Path) -> None:
    edit(shop, M, "    short_description: A mug.\n", "")
    edit(shop, M, '    sale_price: null\n', '    sale_price: "13"\n')
    rules = {d.rule: d.severity for d in load_catalog(shop, Project()).diagnostics}
    assert rules == {"empty-short-description": Severity.WARNING, "sale-price-not-below-regular": Severity.ERROR}
    project = Project(lint={"empty-short-description": "error", "sale-price-not-below-regular": "off"})
    loaded = load_catalog(shop, project)
    assert [(d.rule, d.severity) for d in loaded.diagnostics] == [("empty-short-description", Severity.ERROR)]
    assert loaded.ok is False
    loaded = load_catalog(shop, Project(lint={"empty-short-description": "off", "sale-price-not-below-regular": "warning"}))
    assert [(d.rule, d.severity) for d in loaded.diagnostics] == [("sale-price-not-below-regular", Severity.WARNING)]
    assert loaded.ok is True and loaded.desired is not None


def test_rule_ids_are_stable() -> None:
    assert sorted(RULES) == [
        "backorders-without-stock-management",
        "duplicate-image",
        "empty-categories",
        "empty-short-description",
        "html-removed-by-woocommerce",
        "image-missing-alt",
        "low-stock-amount-without-manage-stock",
        "product-without-price",
        "sale-price-not-below-regular",
        "sale-price-without-regular",
        "sale-window-inverted",
        "sale-window-without-sale-price",
        "stock-management-on-grouped",
        "stock-quantity-without-manage-stock",
        "stock-status-overridden",
        "variable-without-variations",
        "variation-without-price",
    ]


def test_sale_price_without_regular(shop: Path) -> None:
    edit(shop, M, '    regular_price: "12.50"\n    sale_price: null\n', '    regular_price: null\n    sale_price: 5\n')
    assert warnings(shop) == [
        "catalog/products/mugs.yaml:5:20: product MUG-1 is published without a regular price [product-without-price] — customers cannot buy it: set regular_price",
        "catalog/products/mugs.yaml:6:17: product MUG-1: sale price without a regular price [sale-price-without-regular] — set regular_price too",
    ]


def test_category_image_without_alt(shop: Path) -> None:
    edit(shop, "catalog/categories.yaml", "    slug: home\n", "    slug: home\n    image: {src: https://cdn.example.com/home.jpg}\n")
    assert warnings(shop) == [
        "catalog/categories.yaml:11:12: category 'Home': image https://cdn.example.com/home.jpg has no alt text [image-missing-alt] — add 'alt:' describing the image"
    ]


def test_stock_fields_woocommerce_resets_without_stock_management(shop: Path) -> None:
    edit(shop, M, "    sale_price: null\n", "    sale_price: null\n    backorders: notify\n    low_stock_amount: 2\n")
    edit(shop, H, '    sale_price: "39.00"\n', '    sale_price: "39.00"\n    manage_stock: false\n    backorders: "yes"\n')
    assert errors(shop) == []
    assert warnings(shop) == [
        "catalog/products/clothing/hoodie.yaml:31:17: variation HOODIE-RED-S: backorders 'yes' without 'manage_stock: true' [backorders-without-stock-management] — WooCommerce resets backorders to 'no' when it does not manage the stock: set 'manage_stock: true' or remove backorders",
        "catalog/products/mugs.yaml:7:17: product MUG-1: backorders 'notify' without 'manage_stock: true' [backorders-without-stock-management] — WooCommerce resets backorders to 'no' when it does not manage the stock: set 'manage_stock: true' or remove backorders",
        "catalog/products/mugs.yaml:8:23: product MUG-1: low_stock_amount is set but manage_stock is not true [low-stock-amount-without-manage-stock] — WooCommerce clears it when it does not manage the stock: set 'manage_stock: true' or remove low_stock_amount",
    ]


def test_managed_stock_fields_raise_no_finding(shop: Path) -> None:
    edit(shop, M, "    sale_price: null\n", "    sale_price: null\n    manage_stock: true\n    stock_quantity: 0\n    backorders: notify\n    low_stock_amount: 2\n    stock_status: onbackorder\n")
    edit(shop, H, "  regular_price: 45\n", "  regular_price: 45\n  manage_stock: true\n  backorders: yes\n  stock_quantity: 3\n  stock_status: instock\n")
    assert warnings(shop) == [] and errors(shop) == []


def test_stock_status_woocommerce_replaces(shop: Path) -> None:
    edit(shop, M, "    sale_price: null\n", "    sale_price: null\n    manage_stock: true\n    stock_quantity: 0\n    stock_status: instock\n")
    edit(shop, M, "    type: grouped\n", "    type: grouped\n    manage_stock: true\n")
    edit(shop, M, "    type: external\n", "    type: external\n    stock_status: outofstock\n")
    edit(shop, H, "type: variable\n", "type: variable\nstock_status: outofstock\n")
    edit(shop, H, '    sale_price: "39.00"\n', '    sale_price: "39.00"\n    manage_stock: true\n    stock_status: outofstock\n')
    assert errors(shop) == []
    assert warnings(shop) == [
        "catalog/products/clothing/hoodie.yaml:4:15: product HOODIE: stock_status 'outofstock' on a variable product [stock-status-overridden] — WooCommerce derives it from the variations: set stock_status on the variations instead",
        "catalog/products/clothing/hoodie.yaml:32:19: variation HOODIE-RED-S: stock_status 'outofstock' is ignored while manage_stock is true [stock-status-overridden] — WooCommerce derives it from the stock quantity: remove stock_status (or stop managing the stock)",
        "catalog/products/mugs.yaml:9:19: product MUG-1: stock_status 'instock' is ignored while manage_stock is true [stock-status-overridden] — WooCommerce derives 'outofstock' from stock_quantity 0 and backorders 'no': remove stock_status (or stop managing the stock)",
        "catalog/products/mugs.yaml:18:19: product MUG-SET: a grouped product cannot manage stock [stock-management-on-grouped] — WooCommerce turns manage_stock off for grouped products: remove it (stock belongs to the grouped products)",
        "catalog/products/mugs.yaml:24:19: product EXT-1: stock_status 'outofstock' on an external product [stock-status-overridden] — WooCommerce always keeps external products 'instock': remove stock_status",
    ]


def test_stock_rules_apply_to_matrix_variations_and_follow_levels(shop: Path) -> None:
    edit(shop, H, "  regular_price: 45\n", "  regular_price: 45\n  low_stock_amount: 1\n")
    found = [d for d in validate(shop) if d.rule == "low-stock-amount-without-manage-stock"]
    assert found == []  # variations have no low_stock_amount field: the model refuses it
    edit(shop, H, "  low_stock_amount: 1\n", "  backorders: notify\n")
    found = [d for d in validate(shop) if d.rule == "backorders-without-stock-management"]
    assert [(d.file, d.line, d.col, d.message) for d in found] == [
        (H, 24, 15, f"variation {sku}: backorders 'notify' without 'manage_stock: true' [backorders-without-stock-management]")
        for sku in ("HOODIE-RED-M", "HOODIE-BLUE-S", "HOODIE-BLUE-M")
    ] + [(H, 29, 5, "variation HOODIE-RED-S: backorders 'notify' without 'manage_stock: true' [backorders-without-stock-management]")]
    project_file = shop / "wcsync.yaml"
    project_file.write_text(project_file.read_text() + "lint:\n  backorders-without-stock-management: error\n")
    assert {d.severity for d in validate(shop) if d.rule == "backorders-without-stock-management"} == {Severity.ERROR}


def test_empty_category_list(shop: Path) -> None:
    edit(shop, M, "    categories: [home]\n", "    categories: []\n")
    assert warnings(shop) == [
        "catalog/products/mugs.yaml:7:17: product MUG-1 has an empty category list [empty-categories] — WooCommerce puts a product without categories into Uncategorized (every plan would show it): name a category, or leave 'categories' out to leave them alone"
    ]
    edit(shop, M, "    categories: []\n", "    categories: null\n")
    assert [d.rule for d in validate(shop)] == ["empty-categories"]
