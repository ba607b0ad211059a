"""Categories, brands, tags, global attributes with their terms, shipping classes and meta-field declarations:
slugs derived the WooCommerce way, duplicates found, desired records built, and lookup tables for products.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wcsync.catalog.loader import Loc, ParsedCatalog
from wcsync.catalog.models import Brand, Category, Image, MetaField
from wcsync.catalog.problems import suggestion_hint
from wcsync.catalog.values import plain_text
from wcsync.catalog.yamlio import PathT
from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredResource, Source
from wcsync.core.refs import is_global_ref, strip_pa
from wcsync.core.slugs import decode_slug, encode_slug, sanitize_title, slug_from_name
from wcsync.diagnostics import Diagnostic

# WordPress query vars WooCommerce refuses as attribute slugs (wc_check_if_attribute_name_is_reserved).
RESERVED_ATTRIBUTE_SLUGS = frozenset(
    ["attachment", "attachment_id", "author", "author_name", "calendar", "cat", "category", "category__and", "category__in", "category__not_in", "category_name", "comments_per_page", "comments_popup", "cpage", "day", "debug", "error", "exact", "feed", "hour", "link_category", "m", "minute", "monthnum", "more", "name", "nav_menu", "nopaging", "offset", "order", "orderby", "p", "page", "page_id", "paged", "pagename", "pb", "perm", "post", "post__in", "post__not_in", "post_format", "post_mime_type", "post_status", "post_tag", "post_type", "posts", "posts_per_archive_page", "posts_per_page", "preview", "robots", "s", "search", "second", "sentence", "showposts", "static", "subpost", "subpost_id", "tag", "tag__and", "tag__in", "tag__not_in", "tag_id", "tag_slug__and", "tag_slug__in", "taxonomy", "tb", "term", "type", "w", "withcomments", "withoutcomments", "year"]
)


@dataclass
class GlobalAttribute:
    name: str
    slug: str
    #: lower-cased term name or slug -> canonical term name
    terms: dict[str, str] = field(default_factory=dict)
    term_names: list[str] = field(default_factory=list)


@dataclass
class Taxonomy:
    """Everything products may reference, resolved."""

    category_paths: dict[str, Loc[Category]] = field(default_factory=dict)
    category_slugs: dict[str, str] = field(default_factory=dict)  # slug -> path
    category_locs: list[Loc[Category]] = field(default_factory=list)
    #: brands: the same three tables (brands are a category-like tree, 11#94)
    brand_paths: dict[str, Loc[Brand]] = field(default_factory=dict)
    brand_slugs: dict[str, str] = field(default_factory=dict)
    brand_locs: list[Loc[Brand]] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)  # lower name or slug -> slug
    attributes: dict[str, GlobalAttribute] = field(default_factory=dict)  # lower name or slug -> attribute
    shipping_classes: dict[str, str] = field(default_factory=dict)  # lower name or slug -> slug
    meta: dict[str, Loc[MetaField]] = field(default_factory=dict)
    resources: dict[Kind, list[DesiredResource]] = field(default_factory=dict)
    #: meta-fields.yaml could not be read: undeclared meta keys are not reported
    meta_unknown_ok: bool = False


def source_of(loc: Loc[Any], sub: PathT = ()) -> Source:
    line, col = loc.doc.pos.of((*loc.path, *sub))
    return Source(file=loc.doc.file, line=line, col=col)


def image_dict(img: Image) -> dict[str, str]:
    d = {"src": img.src, "alt": img.alt or ""}
    if img.name is not None:
        d["name"] = img.name
    return d


def _slug(loc: Loc[Any], given: str | None, name: str, what: str, diags: list[Diagnostic]) -> str:
    if given is None:
        return slug_from_name(plain_text(name), term=True)
    stored = encode_slug(given)
    if stored is None:
        stored = sanitize_title(given)
        diags.append(
            loc.diag(("slug",), f"{what} slug '{given}' is not a valid slug", f"WooCommerce would store it as '{decode_slug(stored)}': write that")
        )
    return stored


def _optional(model: Any, fields: dict[str, Any], names: tuple[str, ...]) -> None:
    for n in names:
        if n in model.model_fields_set:
            v = getattr(model, n)
            if n == "description":
                v = v or ""
            elif n == "image":
                v = image_dict(v) if v is not None else None
            fields[n] = v


def _categories(pc: ParsedCatalog, tx: Taxonomy, diags: list[Diagnostic]) -> None:
    _tree(pc.categories, Kind.CATEGORY, tx.category_paths, tx.category_slugs, tx.category_locs, tx, diags)


def _brands(pc: ParsedCatalog, tx: Taxonomy, diags: list[Diagnostic]) -> None:
    _tree(pc.brands, Kind.BRAND, tx.brand_paths, tx.brand_slugs, tx.brand_locs, tx, diags)


def _tree(
    items: list[Loc[Any]],
    kind: Kind,
    paths: dict[str, Loc[Any]],
    slugs: dict[str, str],
    locs: list[Loc[Any]],
    tx: Taxonomy,
    diags: list[Diagnostic],
) -> None:
    """A category-like tree (categories, brands): slugs unique across the tree, names unique per parent."""
    what = kind.value
    whats = "categories" if kind is Kind.CATEGORY else f"{what}s"
    out: list[DesiredResource] = []
    seen_slugs: dict[str, Loc[Any]] = {}

    def walk(loc: Loc[Any], parent: str | None) -> None:
        cat = loc.model
        slug = _slug(loc, cat.slug, cat.name, what, diags)
        if slug in seen_slugs:
            first = seen_slugs[slug]
            diags.append(
                loc.diag(
                    ("slug",) if cat.slug else ("name",),
                    f"duplicate {what} slug '{slug}' (also at {first.doc.file}:{first.line})",
                    f"{what} slugs are unique across the whole tree in WooCommerce: give one of them another slug",
                )
            )
            return
        seen_slugs[slug] = loc
        locs.append(loc)
        path = f"{parent}/{slug}" if parent else slug
        paths[path] = loc
        slugs[slug] = path
        fields: dict[str, Any] = {"name": plain_text(cat.name), "slug": slug, "parent": parent}
        _optional(cat, fields, ("description", "display", "menu_order", "image"))
        out.append(DesiredResource(kind=kind, key=path, fields=fields, protect=cat.protect, source=source_of(loc)))
        names: dict[str, Loc[Any]] = {}
        for i, child in enumerate(cat.children):
            cloc = Loc(child, loc.doc, (*loc.path, "children", i))
            lname = plain_text(child.name).lower()
            if lname in names:
                diags.append(
                    cloc.diag(("name",), f"two {whats} named '{child.name}' under '{path}'", "WooCommerce refuses the same name twice under one parent: rename one")
                )
            names[lname] = cloc
            walk(cloc, path)

    tops: dict[str, Loc[Any]] = {}
    for loc in items:
        lname = plain_text(loc.model.name).lower()
        if lname in tops:
            diags.append(loc.diag(("name",), f"two top-level {whats} named '{loc.model.name}'", "WooCommerce refuses the same name twice under one parent: rename one"))
        tops[lname] = loc
        walk(loc, None)
    tx.resources[kind] = out


def _flat(pc_items: list[Loc[Any]], kind: Kind, what: str, table: dict[str, str], diags: list[Diagnostic]) -> list[DesiredResource]:
    out: list[DesiredResource] = []
    slugs: dict[str, Loc[Any]] = {}
    names: dict[str, Loc[Any]] = {}
    for loc in pc_items:
        m = loc.model
        slug = _slug(loc, m.slug, m.name, what, diags)
        name = plain_text(m.name)
        if slug in slugs:
            first = slugs[slug]
            diags.append(loc.diag(("slug",) if m.slug else ("name",), f"duplicate {what} slug '{slug}' (also at {first.doc.file}:{first.line})", "slugs must be unique: change one of them"))
            continue
        if name.lower() in names:
            first = names[name.lower()]
            diags.append(loc.diag(("name",), f"duplicate {what} name '{name}' (also at {first.doc.file}:{first.line})", f"WooCommerce refuses two {what}s with the same name (any case): rename one"))
            continue
        slugs[slug], names[name.lower()] = loc, loc
        table[slug] = slug
        table.setdefault(name.lower(), slug)
        fields: dict[str, Any] = {"name": name, "slug": slug}
        _optional(m, fields, ("description",))
        out.append(DesiredResource(kind=kind, key=slug, fields=fields, protect=m.protect, source=source_of(loc)))
    return out


def _attributes(pc: ParsedCatalog, tx: Taxonomy, diags: list[Diagnostic]) -> None:
    attrs: list[DesiredResource] = []
    terms: list[DesiredResource] = []
    for loc in pc.attributes:
        a = loc.model
        if a.slug is not None and is_global_ref(a.slug):
            diags.append(loc.diag(("slug",), f"attribute slug '{a.slug}' starts with 'pa_'", f"write it without the prefix: '{strip_pa(a.slug)}'"))
            continue
        slug = _slug(loc, a.slug, a.name, "attribute", diags)
        if len(slug) > 28:
            diags.append(loc.diag(("slug",) if a.slug else ("name",), f"attribute slug '{slug}' is longer than 28 characters", "WooCommerce refuses it: give a shorter slug"))
            continue
        if slug in RESERVED_ATTRIBUTE_SLUGS:
            diags.append(loc.diag(("slug",) if a.slug else ("name",), f"attribute slug '{slug}' is a reserved WordPress word", f"WooCommerce refuses it: use e.g. '{slug}-option' as slug"))
            continue
        name = plain_text(a.name)
        clash = tx.attributes.get(slug) or tx.attributes.get(name.lower())
        if clash is not None:
            diags.append(loc.diag(("name",), f"duplicate attribute '{name}' (slug '{slug}')", "each global attribute is declared once: merge the two"))
            continue
        ga = GlobalAttribute(name=name, slug=slug)
        tx.attributes[slug] = ga
        tx.attributes.setdefault(name.lower(), ga)
        fields: dict[str, Any] = {"name": name, "slug": slug}
        _optional(a, fields, ("type", "order_by", "has_archives"))
        attrs.append(DesiredResource(kind=Kind.ATTRIBUTE, key=slug, fields=fields, protect=a.protect, source=source_of(loc)))
        tslugs: set[str] = set()
        for i, t in enumerate(a.terms):
            tloc = Loc(t, loc.doc, (*loc.path, "terms", i))
            tslug = _slug(tloc, t.slug, t.name, "term", diags)
            tname = plain_text(t.name)
            if tslug in tslugs or tname.lower() in ga.terms:
                diags.append(tloc.diag(("name",), f"duplicate term '{tname}' (slug '{tslug}') in attribute '{name}'", "term names (any case) and slugs are unique within an attribute"))
                continue
            tslugs.add(tslug)
            ga.terms[tname.lower()] = tname
            ga.terms.setdefault(tslug, tname)
            ga.term_names.append(tname)
            tfields: dict[str, Any] = {"name": tname, "slug": tslug}
            _optional(t, tfields, ("description", "menu_order"))
            terms.append(DesiredResource(kind=Kind.TERM, key=f"{slug}/{tslug}", parent_key=slug, fields=tfields, protect=t.protect, source=source_of(tloc)))
    tx.resources[Kind.ATTRIBUTE] = attrs
    tx.resources[Kind.TERM] = terms


_META_TYPE_CHECK: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "json": lambda v: True,
    "enum": lambda v: isinstance(v, str | int | float) and not isinstance(v, bool),
}


def _meta_fields(pc: ParsedCatalog, tx: Taxonomy, diags: list[Diagnostic]) -> None:
    for loc in pc.meta_fields:
        mf = loc.model
        if mf.key in tx.meta:
            first = tx.meta[mf.key]
            diags.append(loc.diag(("key",), f"meta key '{mf.key}' declared twice (also at {first.doc.file}:{first.line})", "declare each key once"))
            continue
        if mf.key == "_wcsync":
            diags.append(loc.diag(("key",), "meta key '_wcsync' is wcsync's own bookkeeping", "use another key"))
            continue
        if mf.type == "enum" and not mf.values:
            diags.append(loc.diag(("type",), f"meta key '{mf.key}' is an enum without values", "list the allowed values under 'values:'"))
            continue
        bad = False
        for i, v in enumerate(mf.values or []):
            if not _META_TYPE_CHECK[mf.type](v):
                diags.append(loc.diag(("values", i), f"allowed value {v!r} of meta key '{mf.key}' is not a {mf.type}", f"give {mf.type} values"))
                bad = True
        if not bad:
            tx.meta[mf.key] = loc


def resolve_taxonomy(pc: ParsedCatalog, diags: list[Diagnostic]) -> Taxonomy:
    tx = Taxonomy()
    _categories(pc, tx, diags)
    _brands(pc, tx, diags)
    tx.resources[Kind.TAG] = _flat(pc.tags, Kind.TAG, "tag", tx.tags, diags)
    tx.resources[Kind.SHIPPING_CLASS] = _flat(pc.shipping_classes, Kind.SHIPPING_CLASS, "shipping class", tx.shipping_classes, diags)
    _attributes(pc, tx, diags)
    _meta_fields(pc, tx, diags)
    return tx


def resolve_category(tx: Taxonomy, ref: str, kind: Kind = Kind.CATEGORY) -> tuple[str | None, str | None]:
    """(full slug path, None) or (None, hint); ``kind`` BRAND resolves a brand the same way."""
    paths: dict[str, Any] = tx.brand_paths if kind is Kind.BRAND else tx.category_paths
    slugs = tx.brand_slugs if kind is Kind.BRAND else tx.category_slugs
    plural, file = ("brands", "brands.yaml") if kind is Kind.BRAND else ("categories", "categories.yaml")
    r = "/".join(encode_slug(part) or part for part in ref.strip().strip("/").split("/"))
    if r in paths:
        return r, None
    if "/" not in r and r in slugs:
        return slugs[r], None
    leaf = r.rsplit("/", 1)[-1]
    if leaf in slugs:
        return None, f"did you mean '{slugs[leaf]}'?"
    slug = slug_from_name(r)
    if slug in slugs:
        return None, f"refer to {plural} by slug: '{slugs[slug]}'"
    return None, suggestion_hint(r, [*paths, *slugs], fallback=f"declare it in {file}")
