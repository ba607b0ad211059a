"""Impact notes: what a change means for a shop, in words a merchandiser reads (design.md §5).

Codes are stable ids used by renderers and tests: ``slug-change``, ``sku-change``, ``type-change``,
``price-change``, ``option-in-use``, ``category-not-empty``, ``publish``, ``unpublish``. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from wcsync.core.canonical import to_decimal
from wcsync.core.plan import FieldChange, Note

PRICE_FIELDS = ("regular_price", "sale_price")


def percent_change(before: Any, after: Any) -> Decimal | None:
    """Signed percentage from ``before`` to ``after`` (one decimal), None when either is not a price or
    ``before`` is zero."""
    b, a = to_decimal(before), to_decimal(after)
    if b is None or a is None or b == 0:
        return None
    return ((a - b) / b * 100).quantize(Decimal("0.1"))


def format_percent(pct: Decimal) -> str:
    sign = "+" if pct > 0 else ""
    return f"{sign}{pct} %"


def _shown(value: object) -> str:
    """A value in a note: never Python's ``None``."""
    return "(none)" if value is None or value == "" else str(value)


def field_notes(changes: Iterable[FieldChange]) -> list[Note]:
    """Notes that follow from the changed fields of an update (not of a create)."""
    notes: list[Note] = []
    for ch in changes:
        if ch.field == "slug" and ch.before:
            notes.append(
                Note(
                    code="slug-change",
                    message=f"slug {ch.before} → {_shown(ch.after)}: links to the old URL break",
                    field="slug",
                )
            )
        elif ch.field == "sku" and ch.before:
            notes.append(
                Note(code="sku-change", message=f"SKU {ch.before} → {_shown(ch.after)}: orders, feeds and integrations keyed by SKU see a new item")
            )
        elif ch.field == "type" and ch.before:
            notes.append(Note(code="type-change", message=f"product type {ch.before} → {_shown(ch.after)}"))
        elif ch.field in PRICE_FIELDS:
            notes.append(_price_note(ch))
        elif ch.field == "status":
            if ch.after == "publish" and ch.before != "publish":
                notes.append(Note(code="publish", message=f"published (was {ch.before or 'unset'}): becomes visible in the shop"))
            elif ch.before == "publish" and ch.after != "publish":
                notes.append(Note(code="unpublish", message=f"unpublished ({ch.after or 'unset'}): disappears from the shop"))
    return notes


def _price_note(ch: FieldChange) -> Note:
    label = ch.field.replace("_", " ")
    if ch.before is None:
        return Note(code="price-change", message=f"{label} set to {ch.after}", field=ch.field)
    if ch.after is None:
        return Note(code="price-change", message=f"{label} {ch.before} removed", field=ch.field)
    pct = percent_change(ch.before, ch.after)
    suffix = f" ({format_percent(pct)})" if pct is not None else ""
    return Note(
        code="price-change",
        message=f"{label} {ch.before} → {ch.after}{suffix}",
        field=ch.field,
        percent=float(pct) if pct is not None else None,
    )


def option_in_use(attribute: str, options: Iterable[str], variation_keys: Iterable[str]) -> Note:
    opts = ", ".join(sorted(options))
    keys = ", ".join(sorted(variation_keys))
    return Note(
        code="option-in-use",
        message=f"attribute {attribute}: removed option(s) {opts} still used by variation(s) {keys}",
    )


def listed(items: list[str], limit: int) -> str:
    """The first ``limit`` items, comma-separated, then `` and N more`` for the rest."""
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def category_not_empty(path: str, product_keys: list[str], what: str = "category") -> Note:
    shown = listed(product_keys, 5)
    return Note(
        code="category-not-empty",
        message=f"{what} {path} still holds {len(product_keys)} product(s) ({shown}); they lose this {what}",
    )
