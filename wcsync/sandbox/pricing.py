"""Prices as WooCommerce computes them from the stored strings: the active price, ``on_sale``, variable
and grouped prices from their children, and ``price_html`` (EUR, two decimals). Pure functions."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from wcsync.sandbox.text import to_float

_SYMBOL = '<span class="woocommerce-Price-currencySymbol" translate="no">&euro;</span>'


def _parse(value: str | None) -> _dt.datetime | None:
    if not value:
        return None
    try:
        return _dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def sale_active(props: dict[str, Any], moment: _dt.datetime) -> bool:
    """A sale price applies now: set, and inside its (optional) date window."""
    if props.get("sale_price", "") == "":
        return False
    start, end = _parse(props.get("date_on_sale_from")), _parse(props.get("date_on_sale_to"))
    if start is not None and start > moment:
        return False
    return not (end is not None and end < moment)


def active_price(props: dict[str, Any], moment: _dt.datetime) -> str:
    if sale_active(props, moment):
        return str(props["sale_price"])
    return str(props.get("regular_price", ""))


def on_sale(props: dict[str, Any], moment: _dt.datetime) -> bool:
    if not sale_active(props, moment):
        return False
    sale, regular = to_float(str(props.get("sale_price", ""))), to_float(str(props.get("regular_price", "")))
    return sale is not None and (regular is None or sale < regular)


def money(value: str | float) -> str:
    number = to_float(value) if isinstance(value, str) else value
    return f"{number or 0:,.2f}"


def amount(value: str | float, *, hidden: bool = False) -> str:
    aria = ' aria-hidden="true"' if hidden else ""
    return f'<span class="woocommerce-Price-amount amount"{aria}><bdi>{_SYMBOL}{money(value)}</bdi></span>'


def sale_html(regular: str, sale: str) -> str:
    return (
        f'<del aria-hidden="true">{amount(regular)}</del> <span class="screen-reader-text">Original price was: '
        f"&euro;{money(regular)}.</span><ins aria-hidden=\"true\">{amount(sale)}</ins>"
        f'<span class="screen-reader-text">Current price is: &euro;{money(sale)}.</span>'
    )


def range_html(low: float, high: float) -> str:
    return (
        f'{amount(low, hidden=True)} <span aria-hidden="true">&ndash;</span> {amount(high, hidden=True)}'
        f'<span class="screen-reader-text">Price range: &euro;{money(low)} through &euro;{money(high)}</span>'
    )


def simple_html(props: dict[str, Any], price: str, is_on_sale: bool) -> str:
    if price == "":
        return ""
    if is_on_sale:
        return sale_html(str(props.get("regular_price", "")), price)
    return amount(price)


def children_html(prices: list[tuple[str, str, bool]]) -> str:
    """``prices``: (active price, regular price, on sale) of each purchasable child."""
    values = [(to_float(p), to_float(r), s) for p, r, s in prices if p != ""]
    numbers = [v[0] for v in values if v[0] is not None]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    if low != high:
        return range_html(low, high)
    regulars = {v[1] for v in values}
    if any(v[2] for v in values) and len(regulars) == 1:
        regular = regulars.pop()
        if regular is not None and regular != low:
            return sale_html(str(regular), str(low))
    return amount(low)
