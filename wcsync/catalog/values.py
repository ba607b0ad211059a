"""Value normalisation for catalogue input: prices, decimals, dates and WooCommerce-style slugs.

Each parser returns the canonical value of ``wcsync.core.fields`` or raises ``ValueError`` whose text is
``message — hint``, so the loader can turn it into a diagnostic. Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from wcsync.core.canonical import plain_text as plain_text  # canonical ``text``: entities decoded, trimmed

_NUMBER_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_price(value: Any, *, what: str = "price", example: str = "45.00") -> Decimal | None:
    """``45``, ``45.0``, ``"45.00"`` → ``Decimal`` (same value); ``None``/``""`` → ``None`` (clear).

    Rejected: negatives, booleans, commas (WooCommerce would read ``"12,50"`` as ``1250``), anything else.
    ``example`` is the value the hints show (a price for prices, a measure for weights and dimensions).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not {str(value).lower()} — write it like \"{example}\"")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{what} cannot be negative ({value}) — use 0 or a positive amount")
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{what} must be a finite number — write it like \"{example}\"")
        if value < 0:
            raise ValueError(f"{what} cannot be negative ({value!r}) — use 0 or a positive amount")
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if "," in text:
            # their own number with a dot when it is just a decimal comma ("12,50" → "12.50")
            example = text.replace(",", ".") if re.fullmatch(r"[0-9]+,[0-9]+", text) else example
            raise ValueError(
                f"{what} {value!r} contains a comma — use a dot for decimals and no thousands separator, "
                f"like \"{example}\" (WooCommerce would read {value!r} as a different number)"
            )
        if text.startswith("-"):
            raise ValueError(f"{what} cannot be negative ({value!r}) — use 0 or a positive amount")
        if not _NUMBER_RE.match(text):
            raise ValueError(f"{what} {value!r} is not a number — write it like \"{example}\"")
        return Decimal(text)
    raise ValueError(f"{what} must be a number — write it like \"{example}\"")


def parse_decimal(value: Any, *, what: str = "value") -> Decimal | None:
    """Weights and dimensions: same rules as prices, with a measure as the example (``1.5``), not a price."""
    return parse_price(value, what=what, example="1.5")


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$")


def parse_datetime(value: Any, *, what: str = "date") -> str | None:
    """``2024-11-29`` / ``2024-11-29T08:00[:00]`` → ``"2024-11-29T08:00:00"`` (store-local time); None clears."""
    hint = "write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (store-local time)"
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError(f"{what} must not carry a time zone — {hint}")
        return value.replace(microsecond=0).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day).isoformat(timespec="seconds")
    if isinstance(value, str):
        m = _DATE_RE.match(value.strip())
        if m:
            y, mo, d, h, mi, s = m.groups()
            try:
                stamp = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
            except ValueError as exc:
                raise ValueError(f"{what} {value!r} is not a valid date ({exc}) — {hint}") from None
            return stamp.isoformat(timespec="seconds")
    raise ValueError(f"{what} {value!r} is not a date — {hint}")
