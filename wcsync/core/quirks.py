"""Fields WooCommerce accepts but silently ignores or rewrites for a product's type or values: comparing them
would show a change on every plan that apply can never make (a perpetual diff), so the planner leaves them out
and says why in an ``Info``. Pure.

    variable     regular/sale price and sale dates are ignored on the parent (06#6-7); its stock status
                 comes from its variations (06#31)
    grouped      prices are emptied (09#3-4, 09#22-25); stock is never managed
    not grouped  ``grouped_products`` is ignored (09#7)
    not external ``external_url`` and ``button_text`` are ignored (09#13)
    external     stock is never managed and the status is always ``instock``
    any          a sale price not below the regular price is dropped (05#106)
    stock        without ``manage_stock`` the quantity is cleared and ignored (05#36, 06#29), ``backorders`` is
                 reset to ``no`` and ``low_stock_amount`` cleared; a variation whose parent manages the stock
                 reports the parent's quantity and backorders (``manage_stock: "parent"``); with
                 ``manage_stock`` the sent ``stock_status`` is recomputed from the quantity (05#35)
    variation    ``menu_order`` is only written when not 0: it cannot be set back to 0

A value the store already holds, or a clear (None / ``no``) the store makes anyway, is left out silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wcsync.core.canonical import to_decimal
from wcsync.core.kinds import Kind

_PRICE_FIELDS = ("regular_price", "sale_price", "date_on_sale_from", "date_on_sale_to")
#: what a product or variation without its own stock management says about stock: nothing (cleared)
_STOCK_CLEARED: dict[str, tuple[Any, ...]] = {
    "stock_quantity": (None, ""),
    "backorders": (None, "", "no"),
    "low_stock_amount": (None, ""),
}


def ignored_fields(kind: Kind, desired: Mapping[str, Any], live: Mapping[str, Any] | None) -> dict[str, str]:
    """Desired fields WooCommerce would ignore, with the reason (empty for most records). An empty reason
    means the field is left out silently: the store already does what the catalogue asks."""
    out: dict[str, str] = {}
    ptype = "variation"
    if kind is Kind.PRODUCT:
        ptype = str(desired.get("type") or (live or {}).get("type") or "simple")
        if ptype in ("variable", "grouped"):
            for name in _PRICE_FIELDS:
                if desired.get(name) not in (None, ""):
                    out[name] = f"WooCommerce ignores {name} on a {ptype} product; set prices on its " + (
                        "variations" if ptype == "variable" else "children"
                    )
        if ptype != "grouped" and desired.get("grouped_products"):
            out["grouped_products"] = f"WooCommerce ignores grouped_products on a {ptype} product"
        if ptype != "external":
            for name in ("external_url", "button_text"):
                if desired.get(name):
                    out[name] = f"WooCommerce ignores {name} on a {ptype} product"
    if kind in (Kind.PRODUCT, Kind.VARIATION):
        if "sale_price" not in out:
            _sale_not_below_regular(desired, live, out)
        _stock(kind, ptype, desired, live, out)
    menu_order_reset = "menu_order" in desired and not desired["menu_order"]
    if kind is Kind.VARIATION and live is not None and menu_order_reset and live.get("menu_order"):
        out["menu_order"] = "WooCommerce cannot set a variation's menu_order back to 0"
    return out


def _sale_not_below_regular(desired: Mapping[str, Any], live: Mapping[str, Any] | None, out: dict[str, str]) -> None:
    sale, regular = to_decimal(desired.get("sale_price")), to_decimal(desired.get("regular_price"))
    if regular is None and live is not None and "regular_price" not in desired:
        regular = to_decimal(live.get("regular_price"))
    if sale is not None and regular is not None and sale >= regular:
        out["sale_price"] = f"WooCommerce drops a sale price ({sale}) that is not below the regular price ({regular})"


def _manages_stock(value: Any) -> bool:
    # a variation reports manage_stock "parent" when its parent manages the stock (11#36-38): not its own
    return value is True or value in ("true", "1", 1)


def _stock(
    kind: Kind, ptype: str, desired: Mapping[str, Any], live: Mapping[str, Any] | None, out: dict[str, str]
) -> None:
    if ptype in ("grouped", "external"):
        managing = False
        if _manages_stock(desired.get("manage_stock")):
            out["manage_stock"] = (
                "WooCommerce refuses manage_stock on an external product (09#9)"
                if ptype == "external"
                else "WooCommerce never manages stock on a grouped product"
            )
    elif "manage_stock" in desired:
        managing = _manages_stock(desired.get("manage_stock"))
    else:
        managing = _manages_stock((live or {}).get("manage_stock"))
    inherits = kind is Kind.VARIATION and live is not None and live.get("manage_stock") == "parent"
    if not managing:
        for name, cleared in _STOCK_CLEARED.items():
            if name not in desired:
                continue
            if desired[name] not in cleared:
                out[name] = f"WooCommerce ignores {name} when manage_stock is not true" + (
                    " (it resets backorders to no)" if name == "backorders" else ""
                )
            elif inherits:
                out[name] = ""  # cleared on the variation; what it reports is its parent's (silent)
    status = desired.get("stock_status")
    if "stock_status" not in desired or status in (None, ""):
        return
    if ptype == "external" and status != "instock":
        out["stock_status"] = "WooCommerce keeps an external product in stock (instock)"
    elif ptype == "variable":
        out["stock_status"] = "WooCommerce derives a variable product's stock_status from its variations"
    elif managing:
        out["stock_status"] = (
            "WooCommerce recomputes stock_status from stock_quantity and backorders when manage_stock is true"
        )
    elif inherits:
        out["stock_status"] = (
            "WooCommerce derives the stock_status of a variation whose parent manages the stock from the parent's "
            "stock (it reports manage_stock \"parent\")"
        )
