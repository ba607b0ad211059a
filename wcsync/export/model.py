"""The export layer's vocabulary: options, the result (file contents as plain data, what was skipped and why),
and the value helpers that turn canonical live values into what a catalogue file holds.

Values are chosen so that the loader reads them back to exactly what the planner compares with the live
store: prices as ``"45.00"`` strings, decimals as strings without trailing zeros, names entity-decoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wcsync.core import canonical as c


@dataclass(frozen=True)
class ExportOptions:
    """What to export beyond the conservative default."""

    #: meta keys to export in addition to those wcsync itself wrote (listed in each resource's ``_wcsync`` mark)
    meta_keys: tuple[str, ...] = ()
    #: only products wcsync manages (carrying its mark)
    only_managed: bool = False
    #: write every field, also those at WooCommerce's default (they become managed)
    all_fields: bool = False
    #: meta keys already declared in the catalogue's meta-fields.yaml: key -> declaration (type, values)
    declared_meta: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: import only these SKUs (case-insensitive; empty: all)
    skus: tuple[str, ...] = ()
    #: import only products in these categories (slug paths, subcategories included; empty: all)
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A live resource that was not exported (or only partly), with the reason."""

    what: str  # e.g. "product #12", "product MUG-1", "variation #40 of HOODIE"
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass
class ExportResult:
    """The catalogue as plain data: relative file path → document (dicts/lists/str), in writing order."""

    files: dict[str, Any] = field(default_factory=dict)
    #: resources left out entirely
    skipped: list[Skipped] = field(default_factory=list)
    #: resources exported with something left out (a reference, a default, …)
    warnings: list[Skipped] = field(default_factory=list)
    products: int = 0
    variations: int = 0


STATUSES = ("publish", "draft", "pending", "private")

#: meta keys never exported: wcsync's own bookkeeping
NEVER_EXPORTED_META = frozenset({"_wcsync"})


def money_str(value: Any) -> str | None:
    """``Decimal("45")`` → ``"45.00"`` (the canonical money form), None stays None."""
    return c.money(value)


def decimal_str(value: Any) -> str | None:
    """``Decimal("0.620")`` → ``"0.62"``."""
    return c.decimal_str(value)


def dimensions(value: Any) -> dict[str, str]:
    """Only the axes that have a value (an absent axis is not managed)."""
    if not isinstance(value, dict):
        return {}
    out: dict[str, str] = {}
    for axis in ("length", "width", "height"):
        text = decimal_str(value.get(axis))
        if text is not None:
            out[axis] = text
    return out


def image(value: Any) -> dict[str, str] | None:
    """A live image → ``{src, alt}`` with the store's own URL as source (the planner matches it back to the
    attachment by that URL); None when it has no http(s) URL."""
    if not isinstance(value, dict):
        return None
    src = str(value.get("src") or "").strip()
    if not src.startswith(("http://", "https://")):
        return None
    out = {"src": src}
    alt = c.plain_text(value.get("alt"))
    if alt:
        out["alt"] = alt
    return out


def is_default(value: Any, default: Any) -> bool:
    if default is None:
        return value is None or value == ""
    return bool(value == default)


def left_out_fields(ptype: str, f: dict[str, Any], *, all_fields: bool) -> set[str]:
    """Fields left out because WooCommerce ignores or recomputes them (``wcsync.core.quirks``): stock fields
    without stock management, a stock status derived from variations or from the quantity, a sale price not
    below the regular price (05#106), a sale that ends before it starts, a status the catalogue cannot hold; and,
    unless ``all_fields``, the stock quantity (counted by orders)."""
    skip: set[str] = set()
    # a variation reports manage_stock "parent" when only its parent manages the stock (11#36-38)
    managing = f.get("manage_stock") is True and ptype not in ("grouped", "external")
    if ptype in ("grouped", "external"):
        skip.add("manage_stock")
    if not managing:
        skip |= {"stock_quantity", "backorders", "low_stock_amount"}
    else:
        skip.add("stock_status")
        if not all_fields:
            skip.add("stock_quantity")
    if ptype in ("variable", "external"):
        skip.add("stock_status")
    sale, regular = c.to_decimal(f.get("sale_price")), c.to_decimal(f.get("regular_price"))
    if sale is not None and regular is not None and sale >= regular:
        skip.add("sale_price")
    start, end = f.get("date_on_sale_from"), f.get("date_on_sale_to")
    if start and end and str(end) < str(start):
        skip |= {"date_on_sale_from", "date_on_sale_to"}  # `wcsync validate` refuses an inverted sale window
    if f.get("status") not in (None, *STATUSES):
        skip.add("status")
    return skip
