"""The merchandising lint rules: stable ids, default severities and what each one catches.

Ids are part of the user contract (``lint: {rule-id: error|warning|off}`` in ``wcsync.yaml``): never rename one.
"""

from __future__ import annotations

from typing import Final

from wcsync.diagnostics import Severity

#: rule id -> (default severity, what it catches)
RULES: Final[dict[str, tuple[Severity, str]]] = {
    "sale-price-not-below-regular": (
        Severity.ERROR,
        "a sale price at or above the regular price (WooCommerce silently drops such a sale price)",
    ),
    "sale-window-inverted": (Severity.ERROR, "a sale that ends before it starts"),
    "sale-window-without-sale-price": (Severity.WARNING, "sale dates without a sale price"),
    "sale-price-without-regular": (Severity.WARNING, "a sale price without a regular price"),
    "variation-without-price": (Severity.WARNING, "a purchasable variation without a regular price"),
    "product-without-price": (Severity.WARNING, "a published simple or external product without a regular price"),
    "variable-without-variations": (Severity.WARNING, "a variable product with no variations"),
    "image-missing-alt": (Severity.WARNING, "an image without alt text"),
    "empty-short-description": (Severity.WARNING, "a published product without a short description"),
    "stock-quantity-without-manage-stock": (
        Severity.WARNING,
        "stock_quantity set while manage_stock is false (WooCommerce ignores the quantity)",
    ),
    "duplicate-image": (Severity.WARNING, "the same image URL twice on one product (uploaded twice)"),
    "backorders-without-stock-management": (
        Severity.WARNING,
        "backorders notify/yes while manage_stock is false (WooCommerce resets backorders to no)",
    ),
    "low-stock-amount-without-manage-stock": (
        Severity.WARNING,
        "low_stock_amount set while manage_stock is false (WooCommerce clears it)",
    ),
    "stock-status-overridden": (
        Severity.WARNING,
        "a stock_status WooCommerce replaces: derived from the quantity under manage_stock, from the variations "
        "on a variable product, always instock on an external one",
    ),
    "stock-management-on-grouped": (Severity.WARNING, "manage_stock on a grouped product (WooCommerce turns it off)"),
    "empty-categories": (Severity.WARNING, "categories: [] (WooCommerce puts the product into Uncategorized)"),
    "html-removed-by-woocommerce": (
        Severity.ERROR,
        "HTML WordPress's post filter removes from a description or purchase note on save (script, iframe, unknown "
        "tags, on* attributes; the text between them stays)",
    ),
}
