"""Turning pydantic validation errors into ``file:line:col: message — hint`` diagnostics a merchandiser can act on,
and "did you mean" suggestions. Only this module knows pydantic's error vocabulary.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from wcsync.catalog.wording import clause
from wcsync.catalog.yamlio import PathT, YamlDoc
from wcsync.diagnostics import Diagnostic

M = TypeVar("M", bound=BaseModel)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to ``word`` (case-insensitive), or None."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def suggestion_hint(word: str, choices: Iterable[str], *, fallback: str | None = None) -> str | None:
    options = sorted(set(choices))
    guess = did_you_mean(word, options)
    if guess is not None:
        return f"did you mean '{guess}'?"
    if fallback is not None:
        return fallback
    if options and len(options) <= 12:
        return "expected one of: " + ", ".join(options)
    return None


def label(loc: Iterable[str | int]) -> str:
    """``('variations', 0, 'regular_price')`` → ``variations[0].regular_price``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
    return found


def _model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = root
    mapping_key = False
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        if mapping_key:
            mapping_key = False
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        models = _models_in(info.annotation)
        mapping_key = bool(models) and "dict[" in str(info.annotation)
        current = models[0] if models else None
    return current


_SECRET_RE = re.compile(r"secret|password|key|token", re.IGNORECASE)


class _Redacted:
    def __repr__(self) -> str:
        return "(hidden)"


def _kind(value: Any) -> str:
    if isinstance(value, _Redacted):
        return "a value of the wrong kind (not shown: it may be a secret)"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _message(err: dict[str, Any], root: type[BaseModel], what: str) -> tuple[str, str | None, bool]:
    """(message, hint, point at the key rather than the value)."""
    loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
    typ = err["type"]
    name = label(loc) or what
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if any(isinstance(p, str) and _SECRET_RE.search(p) for p in loc):
        # never echo what was written in a credentials field, even when it is in the wrong shape
        value = _Redacted()
    if typ == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        field = str(loc[-1])
        allowed = list(parent.model_fields) if parent is not None else []
        return f"unknown field '{field}'", suggestion_hint(field, allowed) or "remove it or check the spelling", True
    if typ == "missing":
        return f"missing required field '{loc[-1]}'" if loc else f"missing {what}", f"add '{loc[-1] if loc else what}: …' here", False
    if typ == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",")]
        hint = suggestion_hint(str(value), choices, fallback=None) if isinstance(value, str) else None
        if hint is None or not hint.startswith("did"):
            hint = f"use one of: {', '.join(choices)}"
        else:
            hint += f" (allowed: {', '.join(choices)})"
        return f"{name}: {value!r} is not allowed", hint, False
    if typ == "value_error":
        text = str(ctx.get("error", err.get("msg", "")))
        msg, _, hint = text.partition(" — ")
        return f"{name}: {clause(msg) if hint else msg}", hint or None, False
    if typ in ("string_type", "string_sub_type"):
        return f"{name}: expected text, got {_kind(value)}", "put the value in quotes, like \"…\"", False
    if typ in ("int_type", "int_parsing", "int_from_float"):
        return f"{name}: expected a whole number, got {_kind(value)}", "write a number without quotes, like 5", False
    if typ in ("bool_type", "bool_parsing"):
        return f"{name}: expected true or false, got {_kind(value)}", "write true or false without quotes", False
    if typ in ("list_type", "tuple_type"):
        return f"{name}: expected a list, got {_kind(value)}", "write [a, b] or one '- item' per line", False
    if typ in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return f"{name}: expected a mapping (key: value lines), got {_kind(value)}", "indent the fields under this key", False
    if typ == "greater_than_equal":
        return f"{name}: {value!r} is less than {ctx.get('ge')}", f"write {ctx.get('ge')} or more", False
    if typ == "too_short":
        return f"{name}: must not be empty", "give at least one value", False
    if typ == "string_too_long":
        limit = ctx.get("max_length")
        size = f"{len(value):,} characters" if isinstance(value, str) else "too long"
        return f"{name}: {size}, more than the {limit} WooCommerce keeps", "shorten it", False
    return f"{name}: {err.get('msg', 'invalid value')}", None, False


def validation_diagnostics(
    doc: YamlDoc, base: PathT, exc: ValidationError, root: type[BaseModel], what: str
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located in ``doc`` (``base`` is the path of the validated object)."""
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        msg, hint, at_key = _message(dict(err), root, what)
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        out.append(doc.diag((*base, *loc), msg, hint, key=at_key))
    return out


def validate_model(
    doc: YamlDoc, base: PathT, data: Any, model: type[M], what: str, diags: list[Diagnostic]
) -> M | None:
    """Validate ``data`` (found at ``base`` in ``doc``) as ``model``; collect diagnostics, return None on error."""
    if not isinstance(data, dict):
        diags.append(doc.diag(base, f"expected a {what} (key: value lines), got {_kind(data)}", "see the format in the README"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diags.extend(validation_diagnostics(doc, base, exc, model, what))
        return None


def validate_partial(
    doc: YamlDoc, base: PathT, data: Any, model: type[M], what: str, diags: list[Diagnostic], dropped: set[str] | None = None
) -> M | None:
    """Like ``validate_model``, but after reporting the errors retry without the offending top-level keys, so
    cross-file checks (SKUs, references) still see the rest of a broken item. Returns that partial model;
    the keys left out are added to ``dropped`` (checks that depend on them must not run on their defaults)."""
    if not isinstance(data, dict):
        return validate_model(doc, base, data, model, what, diags)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diags.extend(validation_diagnostics(doc, base, exc, model, what))
        bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
    if dropped is not None:
        dropped.update(str(b) for b in bad)
    try:
        return model.model_validate({k: v for k, v in data.items() if k not in bad})
    except ValidationError:
        return None
