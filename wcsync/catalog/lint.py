"""The merchandising lint pack: checks that are valid YAML and valid WooCommerce but probably a mistake.

Each finding carries a stable rule id (``lintrules.RULES``); its severity comes from ``lint:`` in
``wcsync.yaml`` (``error`` | ``warning`` | ``off``), else the rule's default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from wcsync.catalog.lintrules import RULES
from wcsync.catalog.loader import Loc
from wcsync.catalog.models import Brand, Category
from wcsync.catalog.products import ResolvedProduct
from wcsync.catalog.yamlio import PathT
from wcsync.core.kinds import is_foreign_type
from wcsync.diagnostics import Diagnostic, Severity


class _Linter:
    def __init__(self, levels: Mapping[str, str]):
        self.levels = levels
        self.out: list[Diagnostic] = []

    def emit(self, rule: str, loc: Loc[Any], sub: PathT, message: str, hint: str) -> None:
        level = self.levels.get(rule, RULES[rule][0].value)
        if level == "off":
            return
        line, col = loc.doc.pos.of((*loc.path, *sub))
        self.out.append(Diagnostic(loc.doc.file, line, col, f"{message} [{rule}]", hint, Severity(level), rule))

    def prices(self, loc: Loc[Any], sub: PathT, values: Mapping[str, Any], what: str) -> None:
        regular: Decimal | None = values.get("regular_price")
        sale: Decimal | None = values.get("sale_price")
        if sale is not None and regular is not None and sale >= regular:
            self.emit("sale-price-not-below-regular", loc, (*sub, "sale_price"), f"{what}: sale price {sale} is not below the regular price {regular}", "WooCommerce silently drops such a sale price: lower it or remove it")
        if sale is not None and regular is None and "regular_price" in values:
            self.emit("sale-price-without-regular", loc, (*sub, "sale_price"), f"{what}: sale price without a regular price", "set regular_price too")
        start, end = values.get("date_on_sale_from"), values.get("date_on_sale_to")
        if start and end and end < start:
            self.emit("sale-window-inverted", loc, (*sub, "date_on_sale_to"), f"{what}: the sale ends ({end}) before it starts ({start})", "swap the dates or fix one of them")
        if (start or end) and sale is None:
            self.emit("sale-window-without-sale-price", loc, (*sub, "date_on_sale_from" if start else "date_on_sale_to"), f"{what}: sale dates without a sale price", "set sale_price or remove the dates")

    def stock(self, loc: Loc[Any], sub: PathT, values: Mapping[str, Any], what: str, kind: str) -> None:
        """Stock fields WooCommerce rewrites on save (woocommerce-api.md §5.7, §6.2; captures 05#35-36, 06#29,
        09#10): written anyway, each would show as a change in every plan."""
        managed = values.get("manage_stock", False) is True
        if kind == "grouped" and managed:
            self.emit("stock-management-on-grouped", loc, (*sub, "manage_stock"), f"{what}: a grouped product cannot manage stock", "WooCommerce turns manage_stock off for grouped products: remove it (stock belongs to the grouped products)")
            managed = False
        if values.get("stock_quantity") is not None and not managed:
            self.emit("stock-quantity-without-manage-stock", loc, (*sub, "stock_quantity"), f"{what}: stock_quantity is set but manage_stock is not true", "set 'manage_stock: true' or remove stock_quantity")
        backorders = values.get("backorders")
        if backorders in ("notify", "yes") and not managed:
            self.emit("backorders-without-stock-management", loc, (*sub, "backorders"), f"{what}: backorders '{backorders}' without 'manage_stock: true'", "WooCommerce resets backorders to 'no' when it does not manage the stock: set 'manage_stock: true' or remove backorders")
        if values.get("low_stock_amount") is not None and not managed:
            self.emit("low-stock-amount-without-manage-stock", loc, (*sub, "low_stock_amount"), f"{what}: low_stock_amount is set but manage_stock is not true", "WooCommerce clears it when it does not manage the stock: set 'manage_stock: true' or remove low_stock_amount")
        status = values.get("stock_status")
        if status is None:
            return
        where = (*sub, "stock_status")
        if kind == "external" and status != "instock":
            self.emit("stock-status-overridden", loc, where, f"{what}: stock_status '{status}' on an external product", "WooCommerce always keeps external products 'instock': remove stock_status")
        elif kind == "variable":
            self.emit("stock-status-overridden", loc, where, f"{what}: stock_status '{status}' on a variable product", "WooCommerce derives it from the variations: set stock_status on the variations instead")
        elif managed:
            qty = values.get("stock_quantity")
            derived = None if qty is None else "instock" if qty > 0 else "onbackorder" if backorders in ("notify", "yes") else "outofstock"
            if derived != status:
                because = "it from the stock quantity" if qty is None else f"'{derived}' from stock_quantity {qty} and backorders '{backorders or 'no'}'"
                self.emit("stock-status-overridden", loc, where, f"{what}: stock_status '{status}' is ignored while manage_stock is true", f"WooCommerce derives {because}: remove stock_status (or stop managing the stock)")

    def product(self, rp: ResolvedProduct) -> None:
        loc, p = rp.loc, rp.loc.model
        what = f"product {p.sku}"
        values = {f: getattr(p, f) for f in p.model_fields_set}
        self.prices(loc, (), values, what)
        self.stock(loc, (), values, what, p.type)
        if "categories" in values and not p.categories:
            self.emit("empty-categories", loc, ("categories",), f"{what} has an empty category list", "WooCommerce puts a product without categories into Uncategorized (every plan would show it): name a category, or leave 'categories' out to leave them alone")
        published = p.status == "publish"
        if published and p.type in ("simple", "external") and p.regular_price is None:
            self.emit("product-without-price", loc, ("regular_price",) if "regular_price" in values else ("sku",), f"{what} is published without a regular price", "customers cannot buy it: set regular_price")
        if p.type == "variable" and not rp.members:
            self.emit("variable-without-variations", loc, ("type",), f"{what} is variable but has no variations", "add a variation_matrix or variations")
        if published and not (p.short_description or "").strip():
            self.emit("empty-short-description", loc, ("short_description",) if "short_description" in values else ("name",), f"{what} has no short description", "add short_description: one sentence for the product card")
        seen: set[str] = set()
        for i, img in enumerate(p.images or []):
            if not (img.alt or "").strip():
                self.emit("image-missing-alt", loc, ("images", i), f"{what}: image {img.src} has no alt text", "add 'alt:' describing the image (accessibility and SEO)")
            if img.src in seen:
                self.emit("duplicate-image", loc, ("images", i), f"{what}: image {img.src} is listed twice", "remove the second entry (WooCommerce would upload it twice)")
            seen.add(img.src)
        missing_alt: dict[tuple[str | int, ...], list[str]] = {}
        for m in rp.members:
            vwhat = f"variation {m.sku or m.combo}"
            self.prices(loc, m.sub, m.values, vwhat)
            self.stock(loc, m.sub, m.values, vwhat, "variation")
            purchasable = m.values.get("status", "publish") == "publish"
            if purchasable and m.values.get("regular_price") is None:
                self.emit("variation-without-price", loc, m.sub, f"{vwhat} of {p.sku} has no regular price", "WooCommerce will not sell it: set regular_price")
            vimg = m.values.get("image")
            if vimg is not None and not (vimg.alt or "").strip():
                # at the image entry where it is written (an explicit variation's, else the matrix's), once
                missing_alt.setdefault(_image_path(loc, m.sub, vimg.src), []).append(vwhat)
        for path, whats in missing_alt.items():
            src = _value_at(loc, (*path, "src"))
            self.emit("image-missing-alt", loc, path, f"{_listed(whats)}: image {src} has no alt text",
                      "add 'alt:' describing the image")


def _value_at(loc: Loc[Any], sub: tuple[str | int, ...]) -> Any:
    data: Any = loc.doc.data
    for part in (*loc.path, *sub):
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _image_path(loc: Loc[Any], sub: tuple[str | int, ...], src: str) -> tuple[str | int, ...]:
    """Where a variation's image is written: its own entry, a matrix override, or the matrix."""
    overrides = _value_at(loc, ("variation_matrix", "overrides"))
    candidates: list[tuple[str | int, ...]] = [(*sub, "image")]
    candidates += [("variation_matrix", "overrides", i, "image") for i in range(len(overrides or ()))]
    candidates.append(("variation_matrix", "image"))
    for path in candidates:
        image = _value_at(loc, path)
        if isinstance(image, dict) and str(image.get("src") or "").strip() == src:
            return path
    return (*sub, "image")


def _listed(whats: list[str]) -> str:
    if len(whats) == 1:
        return whats[0]
    names = [w.removeprefix("variation ") for w in whats]
    return f"{len(whats)} variations ({', '.join(names[:6])}{' …' if len(names) > 6 else ''})"


def lint_products(
    products: list[ResolvedProduct], levels: Mapping[str, str], categories: Sequence[Loc[Category] | Loc[Brand]] = ()
) -> list[Diagnostic]:
    linter = _Linter(levels)
    for rp in products:
        if not rp.loc.partial and not is_foreign_type(rp.loc.model.type):  # a plugin's product is never written
            linter.product(rp)
    for loc in categories:
        img = loc.model.image
        if img is not None and not (img.alt or "").strip():
            what = "brand" if isinstance(loc.model, Brand) else "category"
            linter.emit("image-missing-alt", loc, ("image",), f"{what} '{loc.model.name}': image {img.src} has no alt text", "add 'alt:' describing the image")
    return linter.out
