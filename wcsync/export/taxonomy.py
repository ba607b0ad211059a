"""Live categories, brands, tags, global attributes with their terms and shipping classes → the documents of
``categories.yaml`` and ``brands.yaml`` (nested trees), ``tags.yaml``, ``attributes.yaml`` and ``shipping-classes.yaml``.

Every live term is exported (declaring a term only makes wcsync match it by slug; in ``ownership: marked``
nothing undeclared is ever deleted). Names are written decoded (``&``, not ``&amp;``), slugs as a person
writes them (``日本茶``, not ``%e6%97%a5…``; the loader encodes them the way WordPress does).
"""

from __future__ import annotations

from typing import Any

from wcsync.core import canonical as c
from wcsync.core.kinds import Kind
from wcsync.core.records import LiveResource, LiveState
from wcsync.core.slugs import decode_slug, encode_slug, slug_from_name
from wcsync.export.model import ExportOptions, ExportResult, Skipped, image, is_default


def export_slug(slug: Any) -> str | None:
    """The slug to write, or None when the loader would not accept it as written."""
    if not isinstance(slug, str) or not slug.strip():
        return None
    text = slug.strip()
    for candidate in (text, text.lower()):
        stored = encode_slug(candidate)
        if stored is not None:
            return decode_slug(stored)
    return None


def _term_base(r: LiveResource, what: str, result: ExportResult, *, all_fields: bool = False) -> dict[str, Any] | None:
    name = c.term_name(r.fields.get("name"))
    slug = export_slug(r.key)
    if not name:
        result.skipped.append(Skipped(f"{what} #{r.id}", "it has no name"))
        return None
    out: dict[str, Any] = {"name": name}
    if slug is None:
        result.warnings.append(Skipped(f"{what} {name!r}", f"its slug {r.key!r} is written without it"))
    elif all_fields or encode_slug(slug) != slug_from_name(name, term=True):
        out["slug"] = slug  # left out where the catalogue derives the same slug from the name
    return out


def _description(out: dict[str, Any], r: LiveResource, opts: ExportOptions) -> None:
    desc = r.fields.get("description")
    if isinstance(desc, str) and desc.strip():
        out["description"] = desc.strip()
    elif opts.all_fields and "description" in r.fields:
        out["description"] = ""


def categories(
    live: LiveState, opts: ExportOptions, result: ExportResult, kind: Kind = Kind.CATEGORY
) -> list[dict[str, Any]]:
    """The category (or, with ``kind`` BRAND, brand) tree, children nested under their parents, in the store's
    (id) order."""
    records = live.of_kind(kind)
    what = kind.value
    by_id = {r.id: r for r in records}
    children: dict[int | None, list[LiveResource]] = {}
    for r in sorted(records, key=lambda r: r.id):
        parent = r.fields.get("parent")
        if isinstance(parent, int) and parent not in by_id:
            result.warnings.append(
                Skipped(f"{what} {r.key!r}", f"its parent #{parent} is not in the store: exported at the top")
            )
            parent = None
        children.setdefault(parent if isinstance(parent, int) else None, []).append(r)

    def node(r: LiveResource, seen: frozenset[int]) -> dict[str, Any] | None:
        out = _term_base(r, what, result, all_fields=opts.all_fields)
        if out is None:
            return None
        _description(out, r, opts)
        for name, default in (("display", "default"), ("menu_order", 0)):
            value = r.fields.get(name)
            if name in r.fields and (opts.all_fields or not is_default(value, default)):
                out[name] = value if value is not None else default
        img = image(r.fields.get("image"))
        if img is not None:
            out["image"] = img
        kids = [n for k in children.get(r.id, []) if k.id not in seen if (n := node(k, seen | {k.id}))]
        if kids:
            out["children"] = kids
        return out

    return [n for r in children.get(None, []) if (n := node(r, frozenset({r.id})))]


def flat(records: tuple[LiveResource, ...], what: str, opts: ExportOptions, result: ExportResult) -> list[dict[str, Any]]:
    """Tags and shipping classes: name, slug, description."""
    out: list[dict[str, Any]] = []
    for r in sorted(records, key=lambda r: r.id):
        item = _term_base(r, what, result, all_fields=opts.all_fields)
        if item is not None:
            _description(item, r, opts)
            out.append(item)
    return out


def attributes(live: LiveState, opts: ExportOptions, result: ExportResult) -> list[dict[str, Any]]:
    """Global attributes (slug without ``pa_``) with their terms, in the store's (id) order."""
    terms: dict[int, list[LiveResource]] = {}
    for t in sorted(live.terms, key=lambda t: t.id):
        terms.setdefault(t.parent_id or 0, []).append(t)
    out: list[dict[str, Any]] = []
    for a in sorted(live.attributes, key=lambda a: a.id):
        name = c.attribute_name(a.fields.get("name"))
        slug = export_slug(a.key)
        if not name or slug is None:
            result.skipped.append(Skipped(f"attribute #{a.id}", f"its name {name!r} or slug {a.key!r} cannot be written"))
            continue
        item: dict[str, Any] = {"name": name, "slug": slug}
        order_by = a.fields.get("order_by") or "menu_order"
        if opts.all_fields or order_by != "menu_order":
            item["order_by"] = order_by
        if a.fields.get("has_archives") or opts.all_fields:
            item["has_archives"] = bool(a.fields.get("has_archives"))
        item_terms: list[dict[str, Any]] = []
        for t in terms.get(a.id, []):
            term = _term_base(t, f"term of {a.key}", result, all_fields=opts.all_fields)
            if term is None:
                continue
            _description(term, t, opts)
            order = t.fields.get("menu_order")
            if "menu_order" in t.fields and (opts.all_fields or order not in (None, 0)):
                term["menu_order"] = order or 0
            item_terms.append(term)
        if item_terms:
            item["terms"] = item_terms
        out.append(item)
    return out
