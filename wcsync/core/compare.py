"""Field comparison: one codec per field type turns a desired or live value into a (display, comparable)
pair in the natural-key space, so the planner diffs canonical forms of managed fields only.

Display values are canonical and JSON-able (they become ``FieldChange.before/after``); comparable values
are what equality is decided on (case-folded SKUs and slugs, sets where order does not matter, term slugs
for default attributes). Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from wcsync.core import canonical as c
from wcsync.core.fields import TABLES
from wcsync.core.kinds import TREE_KINDS, Kind
from wcsync.core.refs import LiveIndex, is_global_ref, name_key, strip_pa
from wcsync.core.slugs import slug_from_name

Pair = tuple[Any, Any]


@dataclass
class CompareContext:
    """What codecs need besides the value: the live index and desired-side lookups."""

    index: LiveIndex
    #: attribute slug (comparable) -> term name key -> term slug, from the desired terms
    desired_term_slugs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: comparable leaf slug -> category path, for references written as a unique leaf slug
    category_leaf_paths: dict[str, str] = field(default_factory=dict)
    #: the same for brands
    brand_leaf_paths: dict[str, str] = field(default_factory=dict)

    def term_slug(self, attr_slug: str, option: str) -> str:
        a = c.slug_key(strip_pa(attr_slug))
        nk = name_key(option)
        slug = self.index.term_slug_by_name.get(a, {}).get(nk) or self.desired_term_slugs.get(a, {}).get(nk)
        if slug is None:
            # an option given by slug (04#43) or a term not declared anywhere: compare by its slug form
            return c.slug_key(slug_from_name(option))
        return c.slug_key(slug)

    def term_display_name(self, attr_slug: str, slug: str) -> str:
        a = c.slug_key(strip_pa(attr_slug))
        return self.index.term_name_by_slug.get(a, {}).get(c.slug_key(slug), slug)

    def category_path(self, ref: str, kind: Kind = Kind.CATEGORY) -> str:
        key = c.path_key(ref)
        leaves = self.brand_leaf_paths if kind is Kind.BRAND else self.category_leaf_paths
        if "/" not in key and key in leaves:
            return leaves[key]
        return ref.strip("/")


# -- simple codecs (same function for both sides) ----------------------------------------------------


#: codecs that treat both sides alike and read no context: equal text in gives equal values out
_SYMMETRIC: set[Callable[..., Pair]] = set()


def _same_both(fn: Callable[[Any], Any], cmp: Callable[[Any], Any] | None = None) -> Callable[..., Pair]:
    def codec(value: Any, ctx: CompareContext, kind: Kind, live: bool) -> Pair:
        shown = fn(value)
        return shown, (cmp(shown) if cmp else shown)

    _SYMMETRIC.add(codec)
    return codec


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _enum(value: Any) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None  # the store layer reports an unset enum as ""


def _tax_class(value: Any) -> str:
    text = c.plain_text(value)
    return "" if text.lower() == "standard" else text


def _ref_codec(target: Kind) -> Callable[..., Pair]:
    def codec(value: Any, ctx: CompareContext, kind: Kind, live: bool) -> Pair:
        key = _resolve_ref(target, value, ctx, live)
        if key is None or key == "":
            return None, ""
        return key, _cmp_key(target, key)

    return codec


def _refs_codec(target: Kind) -> Callable[..., Pair]:
    def codec(value: Any, ctx: CompareContext, kind: Kind, live: bool) -> Pair:
        keys = [k for k in (_resolve_ref(target, v, ctx, live) for v in (value or ())) if k]
        by_cmp = {_cmp_key(target, k): k for k in keys}
        return [by_cmp[k] for k in sorted(by_cmp)], sorted(by_cmp)

    return codec


def _resolve_ref(target: Kind, value: Any, ctx: CompareContext, live: bool) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):  # tolerate {"id": …} / {"slug": …} shapes
        value = value.get("id", value.get("slug", value.get("sku")))
    if isinstance(value, int) and not isinstance(value, bool):
        return ctx.index.ref_key(target, value)
    text = str(value).strip()
    if target in TREE_KINDS and not live:
        return ctx.category_path(text, target)
    return text


def _cmp_key(target: Kind, key: str) -> str:
    if target is Kind.PRODUCT:
        return c.sku_key(key)
    if target in TREE_KINDS:
        # category (and brand) slugs are unique in a store: the leaf slug is the identity, so a moved category (new
        # path, same category) is no change on the products that reference it
        return c.path_key(key).rsplit("/", 1)[-1]
    return c.slug_key(key)


# -- product attributes ------------------------------------------------------------------------------


def _attrs(value: Any, ctx: CompareContext, kind: Kind, live: bool) -> Pair:
    shown: list[dict[str, Any]] = []
    cmp: list[tuple[Any, ...]] = []
    for raw in value or ():
        attr = dict(raw)
        slug = attr.get("slug")
        attr_id = attr.get("id")
        if live and isinstance(attr_id, int) and attr_id > 0:
            global_attr = ctx.index.by_id[Kind.ATTRIBUTE].get(attr_id)
            slug = strip_pa(global_attr.key or "") if global_attr else slug
        elif live and (attr_id == 0 or not slug or not is_global_ref(str(slug))) and attr_id is not None:
            slug = None  # a local attribute reports its name as slug (06#6)
        slug = strip_pa(str(slug)) if slug else None
        options = [str(o) for o in attr.get("options") or ()]
        item: dict[str, Any] = {"name": c.attribute_name(attr.get("name")), "slug": slug}
        if slug:
            by_key = {name_key(o): c.term_name(o) for o in options}
            item["options"] = [by_key[k] for k in sorted(by_key)]
            ident: tuple[Any, ...] = ("global", c.slug_key(slug), tuple(sorted(by_key)))
        else:
            item["options"] = [c.plain_text(o) for o in options]
            ident = ("local", c.plain_text(attr.get("name")).casefold(), tuple(item["options"]))
        for flag in ("visible", "variation"):
            item[flag] = _bool(attr.get(flag, flag == "visible"))
        shown.append(item)
        cmp.append((*ident, item["visible"], item["variation"]))
    return shown, cmp


def _defaults(value: Any, ctx: CompareContext, kind: Kind, live: bool) -> Pair:
    shown: dict[str, str] = {}
    cmp: dict[str, str] = {}
    for ref, option in dict(value or {}).items():
        ref_s = str(ref)
        opt = c.plain_text(option)
        if is_global_ref(ref_s):
            if live:
                cmp[ref_s.casefold()] = c.slug_key(opt)
                shown[ref_s] = ctx.term_display_name(ref_s, opt)
            else:
                cmp[ref_s.casefold()] = ctx.term_slug(ref_s, opt)
                shown[ref_s] = opt
        else:
            cmp[ref_s.casefold()] = opt
            shown[ref_s] = opt
    return dict(sorted(shown.items())), sorted(cmp.items())


def _combo(value: Any, ctx: CompareContext, kind: Kind, live: bool) -> Pair:
    shown = {str(k): c.plain_text(v) for k, v in dict(value or {}).items()}
    cmp = sorted(
        (k.casefold(), name_key(v) if is_global_ref(k) else v) for k, v in shown.items()
    )
    return dict(sorted(shown.items())), cmp


_SYMMETRIC.add(_combo)  # reads neither the context nor the side


# -- downloadable files --------------------------------------------------------------------------------


def _downloads(value: Any, ctx: CompareContext, kind: Kind, live: bool) -> Pair:
    """Downloads by file URL and name, in order; the live side keeps the store's id (so a write can send it
    back and keep customers' download permissions) but never compares it (a new id is no change, 11#114)."""
    shown: list[dict[str, str]] = []
    for item in value or ():
        if not isinstance(item, Mapping) or not str(item.get("file") or "").strip():
            continue  # WooCommerce drops a download without a file
        entry = {"name": c.plain_text(item.get("name")), "file": str(item["file"]).strip()}
        if live and item.get("id"):
            entry["id"] = str(item["id"])
        shown.append(entry)
    return shown, [(d["file"], d["name"]) for d in shown]


# -- the table ---------------------------------------------------------------------------------------

_BY_TYPE: dict[str, Callable[..., Pair]] = {
    "text": _same_both(c.plain_text),
    "html": _same_both(c.html_text),
    "money": _same_both(c.money),
    "decimal": _same_both(c.decimal_str),
    "int": _same_both(c.to_int),
    "bool": _same_both(_bool),
    "enum": _same_both(_enum),
    "datetime": _same_both(c.date_time),
    "dict": _same_both(c.dimensions),
    "attrs": _attrs,
    "defaults": _defaults,
    "combo": _combo,
    "downloads": _downloads,
}

_TERM_KINDS = (Kind.CATEGORY, Kind.BRAND, Kind.TAG, Kind.TERM, Kind.SHIPPING_CLASS)

_SPECIAL: dict[tuple[Kind | None, str], Callable[..., Pair]] = {
    (Kind.PRODUCT, "name"): _same_both(c.product_name),
    (Kind.ATTRIBUTE, "name"): _same_both(c.attribute_name),
    (Kind.VARIATION, "description"): _same_both(c.variation_html),
    (None, "slug"): _same_both(lambda v: None if v is None else str(v).strip(), c.slug_key),
    (None, "sku"): _same_both(lambda v: c.plain_text(v) or None, c.sku_key),
    (None, "tax_class"): _same_both(_tax_class),
    (None, "button_text"): _same_both(c.plain_title),
}
# references compare by the natural key of the kind they point to (the field table's ``ref``)
for _table in TABLES.values():
    for _spec in _table.values():
        if _spec.ref is not None:
            _SPECIAL[(_spec.kind, _spec.name)] = (_refs_codec if _spec.type == "refs" else _ref_codec)(_spec.ref)
for _k in _TERM_KINDS:
    _SPECIAL[(_k, "name")] = _same_both(c.term_name)
    _SPECIAL[(_k, "description")] = _same_both(c.term_html)


_JSON_CODEC = _same_both(c.jsonable)
_CODECS: dict[tuple[Kind, str, str], Callable[..., Pair]] = {}


def codec_for(kind: Kind, name: str, ftype: str) -> Callable[..., Pair]:
    codec = _CODECS.get((kind, name, ftype))
    if codec is None:
        codec = _SPECIAL.get((kind, name)) or _SPECIAL.get((None, name)) or _BY_TYPE.get(ftype) or _JSON_CODEC
        _CODECS[(kind, name, ftype)] = codec
    return codec


def same_value(kind: Kind, name: str, ftype: str, one: Any, other: Any) -> bool | None:
    """Do two values of one field compare equal in the planner's canonical form (names and HTML as WordPress
    filters them, money and decimals as numbers, dates, slugs and SKUs folded)? None for a field whose codec
    needs the live index (references, attributes): the caller compares those itself."""
    codec = codec_for(kind, name, ftype)
    if codec not in _SYMMETRIC:
        return None
    no_context = cast(CompareContext, None)  # a symmetric codec reads neither the context nor the side
    return bool(codec(one, no_context, kind, True)[1] == codec(other, no_context, kind, True)[1])


def same_text(kind: Kind, name: str, ftype: str, desired: Any, live: Any) -> bool:
    """A shortcut for the common no-change case: both values are the same string (or the same mapping of
    strings to strings) and the field's codec treats both sides alike, so their canonical forms are equal
    without computing them."""
    if ftype == "money" and codec_for(kind, name, ftype) in _SYMMETRIC:
        # money compares as the decimal it spells (``45`` = ``"45.00"``): equal decimals, equal canonical forms
        # (and no number on both sides: both are "no price")
        return bool(c.to_decimal(desired) == c.to_decimal(live))
    if type(desired) is not type(live) or desired != live:
        return False
    if type(desired) is dict:  # variation combinations: text to text
        if not all(type(k) is str and type(v) is str for k, v in desired.items()):
            return False
    elif type(desired) is not str:
        return False
    return codec_for(kind, name, ftype) in _SYMMETRIC


def canon(kind: Kind, name: str, ftype: str, value: Any, ctx: CompareContext, *, live: bool) -> Pair:
    """(display, comparable) of one field value; display is JSON-able."""
    shown, cmp = codec_for(kind, name, ftype)(value, ctx, kind, live)
    return c.jsonable(shown), cmp
