"""A field value as a person reads it in a plan (text and Markdown alike): money with two decimal places, lists
in brackets, images by file name, long text shortened and quoted. Pure formatting: no I/O, no colour."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from wcsync.core.fields import FIELDS_BY_KIND
from wcsync.core.kinds import Kind

NONE_TEXT = "(none)"


def field_type(kind: Kind, name: str) -> str | None:
    base = name.split(".", 1)[0]
    if base != name and base == "meta":
        return "meta-value"
    return FIELDS_BY_KIND.get(kind, {}).get(base)


def _shorten(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 1)].rstrip() + "…"


def _quote(text: str, limit: int | None) -> str:
    text = " ".join(text.split()) if "\n" in text or "\r" in text else text
    return json.dumps(_shorten(text, limit), ensure_ascii=False)


def format_money(value: Any) -> str:
    """``45`` / ``"45.0"`` / ``Decimal("45")`` → ``45.00``; more decimals are kept; "" or None → ``(none)``."""
    if value is None or value == "":
        return NONE_TEXT
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        number = number.quantize(Decimal("0.01"))
    return f"{number:f}"


def _format_decimal(value: Any) -> str:
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def _file_name(src: str) -> str:
    """An image URL as a reader tells images apart: its file name (the JSON plan has the whole URL)."""
    path = src.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1] or src


def _image_text(value: Any) -> str:
    if isinstance(value, dict):
        src = value.get("src")
        if src:
            return _file_name(str(src))
        if value.get("id") is not None:
            return f"#{value['id']}"
    return _plain(value, None)


def _attr_text(value: Any) -> str:
    if isinstance(value, dict):
        name = value.get("name") or value.get("slug") or "?"
        options = value.get("options") or ()
        return f"{name} ({', '.join(str(o) for o in options)})"
    return _plain(value, None)


def _plain(value: Any, limit: int | None) -> str:
    """A value of no declared type: scalars bare, containers as compact JSON-ish text."""
    if value is None:
        return NONE_TEXT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, str):
        return _quote(value, limit)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_plain(v, limit) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v, limit)}" for k, v in value.items()) + "}"
    return str(value)


def format_value(kind: Kind, name: str, value: Any, *, limit: int | None = 60) -> str:
    """A field value as a reader should see it (one line). ``limit`` shortens long text."""
    ftype = field_type(kind, name)
    if value is None:
        return NONE_TEXT
    if ftype == "money":
        return format_money(value)
    if ftype == "decimal":
        return NONE_TEXT if value == "" else _format_decimal(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if ftype in ("text", "html", "meta-value") and isinstance(value, str):
        return _quote(value, limit)
    if ftype in ("enum", "ref", "datetime", "int") and not isinstance(value, list | tuple | dict):
        return str(value)
    if ftype == "refs" and isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if ftype == "images" and isinstance(value, list | tuple):
        return "[" + ", ".join(_image_text(v) for v in value) + "]"
    if ftype == "image":
        return _image_text(value)
    if ftype == "downloads" and isinstance(value, list | tuple):  # by name and file name; the store's ids not shown
        return "[" + ", ".join(f"{d.get('name')} ({_file_name(str(d.get('file')))})" for d in value if isinstance(d, dict)) + "]"
    if ftype == "attrs" and isinstance(value, list | tuple):
        return "[" + "; ".join(_attr_text(v) for v in value) + "]"
    if ftype in ("defaults", "combo", "dict", "meta") and isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v, limit)}" for k, v in value.items()) + "}"
    return _plain(value, limit)


def format_percent(percent: float) -> str:
    return f"({percent:+.1f} %)"
