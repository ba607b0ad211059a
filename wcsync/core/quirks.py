"""Fields WooCommerce accepts but silently ignores for a product's type or values: comparing them would
show a change on every plan that apply can never make (a perpetual diff), so the planner leaves them out
and says why in an ``Info``. Pure.

    variable   regular/sale price and sale dates are ignored on the parent (06#6-7)
    grouped    prices are emptied (09#3-4, 09#22-25)
    not grouped  ``grouped_products`` is ignored (09#7)
    not external ``external_url`` and ``button_text`` are ignored (09#13)
    any        a sale price not below the regular price is dropped (05#106)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wcsync.core.canonical import to_decimal
from wcsync.core.kinds import Kind

_PRICE_FIELDS = ("regular_price", "sale_price", "date_on_sale_from", "date_on_sale_to")


def ignored_fields(kind: Kind, desired: Mapping[str, Any], live: Mapping[str, Any] | None) -> dict[str, str]:
    """Desired fields WooCommerce would ignore, with the reason (empty for most records)."""
    out: dict[str, str] = {}
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
    if kind in (Kind.PRODUCT, Kind.VARIATION) and "sale_price" not in out:
        sale, regular = to_decimal(desired.get("sale_price")), to_decimal(desired.get("regular_price"))
        if regular is None and live is not None and "regular_price" not in desired:
            regular = to_decimal(live.get("regular_price"))
        if sale is not None and regular is not None and sale >= regular:
            out["sale_price"] = (
                f"WooCommerce drops a sale price ({sale}) that is not below the regular price ({regular})"
            )
    return out
