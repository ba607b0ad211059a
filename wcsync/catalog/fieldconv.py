"""Model values → canonical field values of ``wcsync.core.fields`` (for fields that need no lookups), and meta
validation against ``meta-fields.yaml``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from wcsync.catalog.loader import Loc
from wcsync.catalog.models import Dimensions, Image, MetaField
from wcsync.catalog.problems import suggestion_hint
from wcsync.catalog.taxonomy import image_dict
from wcsync.catalog.values import plain_text
from wcsync.catalog.yamlio import PathT
from wcsync.core.fields import TABLES
from wcsync.core.kinds import Kind
from wcsync.diagnostics import Diagnostic

_TABLES = (TABLES[Kind.PRODUCT], TABLES[Kind.VARIATION])
#: fields whose canonical form is a string ("" when cleared): the text and HTML fields of the field table
STRING_FIELDS = frozenset(s.name for t in _TABLES for s in t.values() if s.type in ("text", "html"))
#: fields the resolver fills itself (references, attributes, meta)
RESOLVED_FIELDS = frozenset(
    s.name for t in _TABLES for s in t.values() if s.ref is not None or s.type in ("attrs", "defaults", "combo", "meta")
)


def convert_simple(name: str, value: Any) -> Any:
    """The canonical value of a field that needs no reference resolution."""
    if name == "name":
        return plain_text(value)
    if name in STRING_FIELDS:
        return "" if value is None else value
    if name == "dimensions":
        if value is None:
            return {"length": None, "width": None, "height": None}
        assert isinstance(value, Dimensions)
        return {k: getattr(value, k) for k in ("length", "width", "height") if k in value.model_fields_set}
    if name == "image":
        return image_dict(value) if isinstance(value, Image) else None
    if name == "images":
        return tuple(image_dict(i) for i in value or ())
    if name == "downloads":
        return tuple({"name": d.name, "file": d.file} for d in value or ())
    if name in ("download_limit", "download_expiry"):
        return -1 if value is None else value  # WooCommerce's "unlimited"
    return value


def meta_value(value: Any) -> Any:
    """Meta as wcsync writes it: scalars as strings (``true`` → ``"1"``, ``false`` → ``""``, ``0.000015`` spelled
    plainly), lists and objects as they are (they round-trip as JSON). Not ``core.canonical.meta_value``, which
    is what WooCommerce reads back (``1.5e-05``, ``{}`` as ``[]``) and what the planner compares through."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(Decimal(repr(value)).normalize()) if value != int(value) else str(int(value))
    if isinstance(value, list | dict):
        return json.loads(json.dumps(value, default=str))
    return value


def check_meta(
    loc: Loc[Any],
    sub: PathT,
    meta: dict[str, Any] | None,
    declared: dict[str, Loc[MetaField]],
    target: str,
    diags: list[Diagnostic],
    *,
    lenient: bool = False,
) -> dict[str, Any]:
    """Validate ``meta`` (at ``loc``/``sub``) for a product type or ``variation``; returns canonical meta."""
    out: dict[str, Any] = {}
    for key, value in (meta or {}).items():
        where = (*sub, key)
        decl = declared.get(key)
        if decl is None:
            if lenient:
                continue
            diags.append(
                loc.diag(where, f"meta key '{key}' is not declared", suggestion_hint(key, declared, fallback="declare it in meta-fields.yaml"), key=True)
            )
            continue
        mf = decl.model
        if target not in mf.applies_to:
            diags.append(
                loc.diag(where, f"meta key '{key}' does not apply to {target} products" if target != "variation" else f"meta key '{key}' does not apply to variations", f"meta-fields.yaml allows it on: {', '.join(mf.applies_to)}", key=True)
            )
            continue
        if value is None:
            out[key] = None
            continue
        ok = {
            "string": isinstance(value, str),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "json": True,
            "enum": not isinstance(value, list | dict | bool),
        }[mf.type]
        if not ok:
            hint = {"string": "put it in quotes", "number": "write a number without quotes", "boolean": "write true or false"}.get(mf.type, "")
            diags.append(loc.diag(where, f"meta '{key}' must be a {mf.type}, got {value!r}", hint or None))
            continue
        if mf.values is not None and value not in mf.values:
            diags.append(
                loc.diag(where, f"meta '{key}': {value!r} is not an allowed value", suggestion_hint(str(value), [str(v) for v in mf.values], fallback="allowed: " + ", ".join(map(str, mf.values))))
            )
            continue
        out[key] = meta_value(value)
    return out


def required_meta(loc: Loc[Any], meta: dict[str, Any], declared: dict[str, Loc[MetaField]], target: str, diags: list[Diagnostic], what: str) -> None:
    for key, decl in declared.items():
        if decl.model.required and target in decl.model.applies_to and meta.get(key) is None:
            diags.append(loc.diag((), f"{what} is missing required meta '{key}'", f"add it under 'meta:' (declared required in {decl.doc.file}:{decl.line})"))
