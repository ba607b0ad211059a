"""Variations that form a full cartesian product written as a ``variation_matrix``: the values every variation
shares once, a SKU template when the SKUs follow one, ``overrides`` for what one option of one attribute
changes, and explicit ``variations`` (by SKU) for the remaining exceptions.

The matrix form is used only when the catalogue's own expansion (``wcsync.catalog.variations``) gives back
exactly the variations of the explicit form — so ``wcsync plan`` after an import stays empty — and when it is
shorter than the explicit list.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from wcsync.catalog.fieldconv import convert_simple
from wcsync.catalog.loader import Loc
from wcsync.catalog.models import MetaField, Product
from wcsync.catalog.templates import Templates
from wcsync.catalog.variations import Member, RAttr, build_variations
from wcsync.catalog.yamlio import YamlDoc
from wcsync.diagnostics import Diagnostic

_MISSING: Any = object()
_JINJA_WORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False",
                          "None", "attrs", "parent_sku", "loop", "self"})
#: fields a matrix may only share when every variation has them (no "unset" value to override with)
_WHOLE = frozenset({"dimensions", "image"})
_FILTERS = ("", "upper", "lower")
#: for options with spaces: ``Forest Green`` → ``FOREST-GREEN``
_DASHED = ("replace(' ', '-') | upper", "replace(' ', '-') | lower", "replace(' ', '-')")


class _Positions:
    """Stands in for a parsed file's positions: the expansion's messages only mean "not this form"."""

    def of(self, path: Any, key: bool = False) -> tuple[int, int]:
        return 1, 1


_TEMPLATES = Templates(Path("templates"), "templates")


def _apply(option: str, flt: str) -> str:
    if flt.startswith("replace"):
        option = option.replace(" ", "-")
    return option.upper() if flt.endswith("upper") else option.lower() if flt.endswith("lower") else option


def _ref(name: str) -> str | None:
    if name.isidentifier() and name not in _JINJA_WORDS:
        return name
    if '"' in name or "\\" in name or "{" in name or "}" in name:
        return None
    return f'attrs["{name}"]'


def sku_template(parent: str, names: list[str], variations: Iterable[tuple[tuple[str, ...], str]]) -> str | None:
    """A Jinja2 SKU template (``HOODIE-{{ Color | upper }}-{{ Size }}``) every variation's SKU follows: a fixed
    prefix (usually the parent's SKU), then each attribute's option, upper- or lower-cased, spaces as dashes."""
    items = list(variations)
    if not items or len(names) > 4:
        return None
    refs = [_ref(n) for n in names]
    if any(r is None for r in refs):
        return None
    spaced = [any(" " in combo[i] for combo, _ in items) for i in range(len(names))]
    choices = [(*_FILTERS, *_DASHED) if s else _FILTERS for s in spaced]
    first_combo, first_sku = items[0]
    last = first_combo[-1]  # every candidate ends with the last option, upper- or lower-cased, maybe dashed
    if not any(first_sku.endswith(_apply(last, f)) for f in choices[-1]):
        return None
    for sep in ("-", "_", ""):
        for filters in itertools.product(*choices):
            tail = sep + sep.join(_apply(o, f) for o, f in zip(first_combo, filters, strict=True))
            if not first_sku.endswith(tail) or len(first_sku) == len(tail):
                continue
            prefix = first_sku[: len(first_sku) - len(tail)]
            if any(t in prefix for t in ("{", "}", "%", "#")) or prefix != prefix.strip():
                continue
            if all(
                sku == prefix + sep + sep.join(_apply(o, f) for o, f in zip(combo, filters, strict=True))
                for combo, sku in items
            ):
                parts = [f"{{{{ {r} | {f} }}}}" if f else f"{{{{ {r} }}}}" for r, f in zip(refs, filters, strict=True)]
                return sep.join([prefix, *parts])
    return None


def _key(value: Any) -> str:
    return "\0missing" if value is _MISSING else json.dumps(value, sort_keys=True, default=str)


def matrix_form(doc: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any] | None:
    """``doc`` (a variable product with explicit ``variations``) with its variations as a matrix, or None."""
    variations: list[dict[str, Any]] = doc.get("variations") or []
    var_attrs = [(str(a["name"]), list(a["options"])) for a in doc.get("attributes") or () if a.get("variation")]
    if len(variations) < 2 or not var_attrs:
        return None
    names = [n for n, _ in var_attrs]
    by_combo: dict[tuple[str, ...], dict[str, Any]] = {}
    for v in variations:
        attrs = v.get("attributes") or {}
        if set(attrs) != set(names):
            return None
        by_combo[tuple(attrs[n] for n in names)] = v
    combos = list(itertools.product(*(opts for _, opts in var_attrs)))
    if len(combos) != len(variations) or set(combos) != set(by_combo):
        return None
    parent = str(doc["sku"])
    skus = [v.get("sku") for v in variations]
    template = None
    if all(skus):
        template = sku_template(parent, names, ((c, str(by_combo[c]["sku"])) for c in combos))
        if template is None:
            return None
    elif any(skus):
        return None
    matrix, exceptions = _shared(combos, by_combo, defaults)
    if template is not None:
        matrix = {"sku": template, **matrix}
    overrides = _overrides(names, var_attrs, combos, exceptions)
    explicit: list[dict[str, Any]] = []
    for combo in combos:
        rest = exceptions.get(combo)
        if not rest:
            continue
        if template is not None:
            explicit.append({"sku": by_combo[combo]["sku"], **rest})
        else:
            overrides.append({"when": dict(zip(names, combo, strict=True)), **rest})
    if overrides:
        matrix["overrides"] = overrides
    size = 1 + len(matrix) + sum(len(o) + len(o["when"]) for o in overrides) + sum(len(e) for e in explicit)
    if size >= sum(len(v) + len(v.get("attributes") or ()) for v in variations):
        return None
    out = {k: val for k, val in doc.items() if k != "variations"}
    out["variation_matrix"] = matrix
    if explicit:
        out["variations"] = explicit
    if not _same_expansion(doc, out, defaults):
        return None
    return _ordered(doc, matrix, explicit)  # the matrix where the variations were


def _ordered(doc: dict[str, Any], matrix: dict[str, Any], explicit: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, val in doc.items():
        if k == "variations":
            out["variation_matrix"] = matrix
            if explicit:
                out["variations"] = explicit
        else:
            out[k] = val
    return out


def _shared(
    combos: list[tuple[str, ...]], by_combo: dict[tuple[str, ...], dict[str, Any]], defaults: dict[str, Any]
) -> tuple[dict[str, Any], dict[tuple[str, ...], dict[str, Any]]]:
    """(values for the matrix, per combination what differs from them)."""
    fields: list[str] = []
    meta_keys: list[str] = []
    for combo in combos:
        v = by_combo[combo]
        fields += [f for f in v if f not in ("sku", "attributes", "meta") and f not in fields]
        meta_keys += [k for k in v.get("meta") or {} if k not in meta_keys]
    matrix: dict[str, Any] = {}
    exceptions: dict[tuple[str, ...], dict[str, Any]] = {}
    for f in fields:
        base = _base([by_combo[c].get(f, _MISSING) for c in combos], whole=f in _WHOLE or f not in defaults)
        if base is not _MISSING:
            matrix[f] = base
        for c in combos:
            value = by_combo[c].get(f, _MISSING)
            if _key(value) != _key(base):
                exceptions.setdefault(c, {})[f] = defaults.get(f) if value is _MISSING else value
    meta: dict[str, Any] = {}
    for k in meta_keys:
        values = [(by_combo[c].get("meta") or {}).get(k, _MISSING) for c in combos]
        base = _base(values, whole=True)
        if base is not _MISSING:
            meta[k] = base
        for c, value in zip(combos, values, strict=True):
            if _key(value) != _key(base):
                exceptions.setdefault(c, {}).setdefault("meta", {})[k] = value
    if meta:
        matrix["meta"] = meta
    return matrix, exceptions


def _base(values: list[Any], *, whole: bool) -> Any:
    """The most common value (first seen on a tie); with ``whole`` only a value every variation has."""
    if whole and any(v is _MISSING for v in values):
        return _MISSING
    counts = Counter(_key(v) for v in values)
    best = max(counts.values())
    return next(v for v in values if counts[_key(v)] == best)


def _overrides(
    names: list[str],
    var_attrs: list[tuple[str, list[str]]],
    combos: list[tuple[str, ...]],
    exceptions: dict[tuple[str, ...], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Overrides ``when: {attribute: option}`` for what every variation with that option has in common;
    what they cover is taken out of ``exceptions``."""
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for f in sorted({f for e in exceptions.values() for f in e if f != "meta"}):
        for i, (_, options) in enumerate(var_attrs):
            for option in options:
                group = [c for c in combos if c[i] == option]
                if len(group) == len(combos):
                    continue
                values = {_key(exceptions.get(c, {}).get(f, _MISSING)) for c in group}
                if len(values) != 1 or _key(_MISSING) in values:
                    continue
                value = exceptions[group[0]][f]
                found.setdefault((i, option), {})[f] = value
                for c in group:
                    exceptions[c].pop(f, None)
    out = []
    for (i, option), fields in sorted(found.items(), key=lambda kv: (kv[0][0], var_attrs[kv[0][0]][1].index(kv[0][1]))):
        out.append({"when": {names[i]: option}, **fields})
    return out


# -- the check: the catalogue's own expansion of both forms ---------------------------------------------


def _expand(doc: dict[str, Any], defaults: dict[str, Any]) -> dict[tuple[Any, ...], Any] | None:
    keys = ("sku", "name", "type", "attributes", "variation_matrix", "variations")
    try:
        model = Product.model_validate({k: doc[k] for k in keys if k in doc})
    except ValueError:
        return None
    ydoc = YamlDoc(file="<import>", data=doc, pos=cast(Any, _Positions()))
    loc: Loc[Product] = Loc(model, ydoc, ())
    attrs = [RAttr(a.name, None, list(a.options), a.visible, a.variation) for a in model.attributes or ()]
    meta_keys = {k for v in doc.get("variations") or () for k in v.get("meta") or {}}
    meta_keys |= set((doc.get("variation_matrix") or {}).get("meta") or {})
    for ov in (doc.get("variation_matrix") or {}).get("overrides") or ():
        meta_keys |= set(ov.get("meta") or {})
    declared = {k: Loc(MetaField(key=k, type="json", applies_to=["variation"]), ydoc, ()) for k in meta_keys}
    diags: list[Diagnostic] = []
    members = build_variations(loc, attrs, _TEMPLATES, declared, diags)
    if diags:
        return None
    return {(m.sku, tuple(sorted(m.combo.items()))): _values(m, defaults) for m in members}


def _values(m: Member, defaults: dict[str, Any]) -> tuple[str, str]:
    """A variation's set fields, those at WooCommerce's default left out (import leaves them out too)."""
    values = {}
    for name, value in m.values.items():
        if name == "meta":
            continue
        shown = convert_simple(name, value)
        if shown in (None, "", {}) or (isinstance(shown, dict) and not any(shown.values())):
            continue
        if name in defaults and name != "dimensions" and shown == convert_simple(name, defaults[name]):
            continue
        values[name] = shown
    return _key(values), _key(m.meta)


def _same_expansion(explicit: dict[str, Any], matrix: dict[str, Any], defaults: dict[str, Any]) -> bool:
    want = _expand(explicit, defaults)
    return want is not None and want == _expand(matrix, defaults)
