"""Live products → product documents (one per SKU), with explicit ``variations:`` lists.

What is written, so that ``wcsync plan`` right after an import shows no field change:

- every field whose live value differs from what WooCommerce gives a new product (``--all-fields``: every
  field); a field left out is not managed, so leaving defaults out can never cause a change;
- fields WooCommerce ignores for the product's type (prices of variable and grouped products, external URLs
  of non-external ones) and sale prices it dropped are left out: ``wcsync validate`` would refuse them;
- references by natural key: categories by slug path, tags and shipping classes by slug, global attribute
  options by term name, upsells/cross-sells/grouped children by SKU;
- images by the store's own URL (the planner matches such a source to its attachment by URL);
- meta: only the keys wcsync itself wrote (its ``_wcsync`` mark lists them — leaving them out would plan
  their deletion) and the keys asked for with ``--meta``; never ``_wcsync``.

Products without a SKU cannot be managed and are skipped (reported with their ids).
"""

from __future__ import annotations

import re
from typing import Any

from wcsync.core import canonical as c
from wcsync.core.fields import TABLES
from wcsync.core.kinds import PRODUCT_TYPES, TYPE_NAME_PATTERN, Kind
from wcsync.core.records import LiveResource, LiveState
from wcsync.core.refs import LiveIndex, global_ref, is_global_ref, name_key, strip_pa
from wcsync.core.slugs import decode_slug, encode_slug, slug_from_name
from wcsync.export.matrix import matrix_form
from wcsync.export.metatypes import MetaTypes, typed_value
from wcsync.export.model import (
    NEVER_EXPORTED_META,
    STATUSES,
    ExportOptions,
    ExportResult,
    Skipped,
    image,
    left_out_fields,
)
from wcsync.export.taxonomy import export_slug
from wcsync.export.variations import (
    VARIATION_SCALARS,
    Scalar,
    downloads_value,
    export_variations,
    scalars,
)

#: (field, WooCommerce's default for a new product, conversion to the written value), from the field table;
#: None in a default means "no value". Order is the order in the file.
_PRODUCT_SCALARS = scalars(Kind.PRODUCT, ("name", "slug", "type", "status"))

#: field -> the value a catalogue writes for "WooCommerce's default" (null for "no value")
PRODUCT_DEFAULTS: dict[str, Any] = {name: (None if default == {} else default) for name, default, _ in _PRODUCT_SCALARS}

#: fields the catalogue models do not accept as null (bool and enum fields)
NOT_NULLABLE = frozenset(s.name for t in (TABLES[Kind.PRODUCT], TABLES[Kind.VARIATION]) for s in t.values()
                         if not s.nullable)


class Exporter:
    """Builds product documents from one live state (lookups are built once)."""

    def __init__(self, live: LiveState, opts: ExportOptions, result: ExportResult) -> None:
        self.live = live
        self.opts = opts
        self.all_fields = opts.all_fields
        self.result = result
        self.index = LiveIndex.build(live)
        self.attr_by_id = {a.id: a for a in live.attributes}
        self.attr_name = {a.id: c.attribute_name(a.fields.get("name")) for a in live.attributes}
        #: attribute slug key -> term slug key -> term name
        self.term_names: dict[str, dict[str, str]] = {}
        for t in live.terms:
            attr = self.attr_by_id.get(t.parent_id or 0)
            if attr is not None and attr.key:
                self.term_names.setdefault(c.slug_key(attr.key), {})[c.slug_key(t.key)] = c.term_name(
                    t.fields.get("name")
                )
        self.global_names = {n.casefold() for n in self.attr_name.values()} | {
            (a.key or "").casefold() for a in live.attributes
        }
        self.sku_of: dict[int, str] = {}
        #: attribute slug key -> name keys of its terms (built on first use)
        self._term_keys: dict[str, set[str]] = {}
        #: category id -> slug path as categories.yaml spells it
        self.category_paths = {
            cid: "/".join(export_slug(part) or part for part in path.split("/"))
            for cid, path in self.index.category_paths.items()
        }
        self.meta_types = MetaTypes(declared={k: dict(v) for k, v in opts.declared_meta.items()})
        #: product id -> attr-ref (``pa_<slug>`` or local name, case-folded) -> (display name, options)
        self.refs_by_product: dict[int, dict[str, tuple[str, list[str]]]] = {}

    # -- selection -------------------------------------------------------------------------------------

    def select(self) -> list[LiveResource]:
        """The products to export; the others are reported in ``result.skipped``."""
        chosen: list[LiveResource] = []
        seen: dict[str, LiveResource] = {}
        unmanaged = unselected = 0
        for p in sorted(self.live.products, key=lambda r: r.id):
            sku = (p.key or "").strip()
            reason = self._unexportable(p, sku, seen)
            if reason is not None:
                if p.mark is not None:
                    reason += "; wcsync manages it, so `wcsync plan` lists it as a delete"
                self.result.skipped.append(Skipped(f"product {sku} (#{p.id})" if sku else f"product #{p.id}", reason))
            elif self.opts.only_managed and p.mark is None:
                unmanaged += 1
            elif not self._selected(p, sku):
                unselected += 1
            else:
                seen[c.sku_key(sku)] = p
                chosen.append(p)
                self.sku_of[p.id] = sku
        if unmanaged:
            self.result.skipped.append(Skipped(f"{unmanaged} product(s)", "not managed by wcsync (--only-managed)"))
        if unselected:
            self.result.skipped.append(Skipped(f"{unselected} product(s)", "not selected by --sku / --category"))
        if self.live.trashed_products:
            self.result.skipped.append(
                Skipped(f"{len(self.live.trashed_products)} product(s) in the trash", "a catalogue product with such a "
                        "SKU is planned as a restore")
            )
        return chosen

    def _selected(self, p: LiveResource, sku: str) -> bool:
        """Chosen by ``--sku`` / ``--category`` (a category selects its subcategories too)."""
        if not self.opts.skus and not self.opts.categories:
            return True
        if any(c.sku_key(s) == c.sku_key(sku) for s in self.opts.skus):
            return True
        paths = [c.path_key(self.index.category_paths[i]) for i in p.fields.get("categories") or () if i in self.index.category_paths]
        for wanted in self.opts.categories:
            key = c.path_key("/".join(encode_slug(part) or part for part in wanted.strip("/").split("/")))
            for path in paths:
                if path == key or path.startswith(key + "/") or ("/" not in key and key in path.split("/")):
                    return True
        return False

    def _unexportable(self, p: LiveResource, sku: str, seen: dict[str, LiveResource]) -> str | None:
        """Why the catalogue cannot hold ``p``, or None."""
        ptype = p.fields.get("type")
        if not sku:
            return "it has no SKU, and wcsync identifies products by SKU: give it one in wp-admin"
        if c.sku_key(sku) in seen:
            return f"its SKU is also product #{seen[c.sku_key(sku)].id}'s"
        if not isinstance(ptype, str) or not re.match(TYPE_NAME_PATTERN, ptype):
            return f"its type {ptype!r} is not a type name the catalogue can hold"
        if not c.product_name(p.fields.get("name")):
            return "it has no name"
        if (clash := self._local_clash(p)) is not None:
            return (f"its local attribute {clash!r} has the name of a global attribute, which the catalogue would "
                    "read as the global one: rename it in wp-admin")
        return None

    def _local_clash(self, p: LiveResource) -> str | None:
        for a in p.fields.get("attributes") or ():
            name = c.plain_text(a.get("name"))
            if not a.get("id") and name.casefold() in self.global_names:
                return name
        return None

    # -- products --------------------------------------------------------------------------------------

    def product(self, p: LiveResource, claimed: set[str]) -> dict[str, Any]:
        f, sku = p.fields, self.sku_of[p.id]
        ptype = str(f.get("type"))
        name = c.product_name(f.get("name"))
        doc: dict[str, Any] = {"sku": sku, "name": name}
        slug = export_slug(f.get("slug"))
        if slug is not None and (self.opts.all_fields or encode_slug(slug) != slug_from_name(name)):
            doc["slug"] = slug
        doc["type"] = ptype
        status = f.get("status", p.status)
        if status in STATUSES:
            doc["status"] = status
        else:
            self.result.warnings.append(Skipped(f"product {sku}", f"its status {status!r} is not written (not managed)"))
        if ptype not in PRODUCT_TYPES:  # a plugin's type: kept as a record, never written (core.kinds)
            self.result.warnings.append(Skipped(f"product {sku}", f"its type {ptype!r} is not one wcsync manages: "
                                                "imported with its name, type and status only, never written"))
            return doc
        self.put_scalars(doc, f, _PRODUCT_SCALARS, self._skipped_fields(ptype, f))
        self._references(doc, p, sku)
        if f.get("downloads") or (self.opts.all_fields and "downloads" in f):
            doc["downloads"] = downloads_value(f.get("downloads"))
        self._attributes(doc, p, sku)
        if ptype == "variable":
            variations = export_variations(self, p, sku, claimed)
            if variations:
                doc["variations"] = variations
        meta = self.meta(p, ptype)
        if meta:
            doc["meta"] = meta
        for name_ in ("upsells", "cross_sells", "grouped_products"):
            if name_ == "grouped_products" and ptype != "grouped":
                continue
            skus = self._product_refs(f.get(name_) or (), sku, name_)
            if skus or (self.opts.all_fields and name_ in f):
                doc[name_] = skus
        return doc

    def _skipped_fields(self, ptype: str, f: dict[str, Any]) -> set[str]:
        skip = left_out_fields(ptype, f, all_fields=self.opts.all_fields)
        # fields WooCommerce ignores for the type (prices of variable and grouped products, external URLs)
        return skip | {s.name for s in TABLES[Kind.PRODUCT].values() if s.product_types and ptype not in s.product_types}

    def put_scalars(self, doc: dict[str, Any], f: dict[str, Any], table: tuple[Scalar, ...], skip: set[str]) -> None:
        """The fields of ``table`` that ``f`` holds, not in ``skip``, written into ``doc`` unless at their default
        (one call per product or variation: the loop runs for every field of tens of thousands of them)."""
        all_fields = self.all_fields
        for name, default, conv in table:
            if name in skip or name not in f:
                continue
            value = conv(f[name])
            if not all_fields and (value is None or value == "" if default is None else value == default):
                continue  # is_default(value, default), inlined
            if value in (None, "", {}) and name in NOT_NULLABLE:
                continue
            if name == "dimensions" and not value:
                value = None
            doc[name] = value

    def _references(self, doc: dict[str, Any], p: LiveResource, sku: str) -> None:
        f = p.fields
        paths = [self.category_paths[i] for i in f.get("categories") or () if i in self.category_paths]
        if paths or (self.opts.all_fields and "categories" in f):
            doc["categories"] = paths
        tags = [decode_slug(t.key) for i in f.get("tags") or () if (t := self.index.by_id[Kind.TAG].get(i)) is not None and t.key]
        if tags or (self.opts.all_fields and "tags" in f):
            doc["tags"] = tags
        if brands := [decode_slug(b.key) for i in f.get("brands") or () if (b := self.index.by_id[Kind.BRAND].get(i)) and b.key]:
            doc["brands"] = brands  # by leaf slug: brand slugs are unique in a store
        if "images" in f:
            imgs = [img for img in (image(i) for i in f.get("images") or ()) if img is not None]
            if len(imgs) < len(f.get("images") or ()):
                self.result.warnings.append(Skipped(f"product {sku}", "an image without an http(s) URL is left out"))
            if imgs or self.opts.all_fields:
                doc["images"] = imgs

    def _product_refs(self, ids: Any, sku: str, what: str) -> list[str]:
        out: list[str] = []
        for i in ids:
            ref = self.sku_of.get(i)
            if ref is None:
                self.result.warnings.append(
                    Skipped(f"product {sku}", f"{what} names product #{i}, which is not exported: left out (`wcsync plan` shows the difference)")
                )
            else:
                out.append(ref)
        return out

    # -- attributes ------------------------------------------------------------------------------------

    def _attributes(self, doc: dict[str, Any], p: LiveResource, sku: str) -> None:
        attrs: list[dict[str, Any]] = []
        #: attr-ref (pa_slug or local name) -> (display name, options)
        refs: dict[str, tuple[str, list[str]]] = {}
        for a in p.fields.get("attributes") or ():
            attr_id = a.get("id") or 0
            if attr_id:
                name = self.attr_name.get(attr_id) or c.attribute_name(a.get("name"))
                slug = (self.attr_by_id[attr_id].key or "") if attr_id in self.attr_by_id else str(a.get("slug") or "")
                options = [self._term_option(slug, str(o)) for o in a.get("options") or ()]
                ref = global_ref(slug)
            else:
                name = c.plain_text(a.get("name"))
                options = [c.plain_text(o) for o in a.get("options") or ()]
                ref = name
            if not options:
                continue
            item: dict[str, Any] = {"name": name, "options": options}
            if not a.get("visible", True) or self.opts.all_fields:
                item["visible"] = bool(a.get("visible", True))
            if a.get("variation") or self.opts.all_fields:
                item["variation"] = bool(a.get("variation"))
            attrs.append(item)
            refs[ref.casefold()] = (name, options)
        if attrs or (self.opts.all_fields and "attributes" in p.fields):
            doc["attributes"] = attrs
        self.refs_by_product[p.id] = refs
        defaults: dict[str, str] = {}
        for ref, option in dict(p.fields.get("default_attributes") or {}).items():
            shown = self.option(refs, str(ref), str(option))
            if shown is None:
                self.result.warnings.append(
                    Skipped(f"product {sku}", f"its default {ref}={option!r} names no option of the product: left out")
                )
            else:
                defaults[shown[0]] = shown[1]
        if defaults or (self.opts.all_fields and "default_attributes" in p.fields):
            doc["default_attributes"] = defaults

    def _term_option(self, attr_slug: str, option: str) -> str:
        """A global option as a term name (WooCommerce returns names; a slug is mapped to its term's name)."""
        key = c.slug_key(attr_slug)
        names = self.term_names.get(key, {})
        text = c.term_name(option)
        if key not in self._term_keys:
            self._term_keys[key] = {name_key(n) for n in names.values()}
        if name_key(text) in self._term_keys[key]:
            return text
        return names.get(c.slug_key(option), text)

    def option(self, refs: dict[str, tuple[str, list[str]]], ref: str, option: str) -> tuple[str, str] | None:
        """(attribute display name, option as listed on the product) for a live ``{attr-ref: option}``."""
        hit = refs.get(ref.casefold())
        if hit is None:
            return None
        name, options = hit
        wanted = [option]
        if is_global_ref(ref):
            wanted.append(self.term_names.get(c.slug_key(strip_pa(ref)), {}).get(c.slug_key(option), option))
        for w in wanted:
            target = c.plain_text(w).casefold()
            for o in options:
                if o.casefold() == target:
                    return name, o
        return None

    # -- meta ------------------------------------------------------------------------------------------

    def meta(self, r: LiveResource, target: str) -> dict[str, Any]:
        live_meta = dict(r.fields.get("meta") or {})
        keys = set(self.opts.meta_keys) | set(r.mark.meta_keys if r.mark is not None else ())
        if r.mark is not None and r.mark.unreadable:
            kind = "variation" if target == "variation" else "product"
            what = f"{kind} {r.key} (#{r.id})" if r.key else f"{kind} #{r.id}"
            self.result.warnings.append(Skipped(what, (
                f"its wcsync bookkeeping (meta _wcsync) could not be read ({r.mark.unreadable}), so the meta keys "
                "wcsync wrote are unknown and not imported: name them with --meta KEY")))
        out: dict[str, Any] = {}
        for key in sorted(keys - NEVER_EXPORTED_META):
            value = live_meta.get(key)
            if value is None:
                continue
            out[key] = value
            self.meta_types.note(key, value, target)
        return out

    def typed_meta(self, docs: list[dict[str, Any]]) -> None:
        """Every meta value written in its key's type (``launch_year: 2019``), once all values are known."""
        types = self.meta_types.types()

        def convert(meta: dict[str, Any]) -> None:
            for key, value in meta.items():
                kind, allowed = types.get(key, ("string", None))
                meta[key] = typed_value(value, kind, allowed)

        for doc in docs:
            convert(doc.get("meta") or {})
            for v in doc.get("variations") or ():
                convert(v.get("meta") or {})


def export_products(live: LiveState, opts: ExportOptions, result: ExportResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(product documents, meta-field declarations)."""
    ex = Exporter(live, opts, result)
    chosen = ex.select()
    claimed = {c.sku_key(s) for s in ex.sku_of.values()}
    docs = [ex.product(p, claimed) for p in sorted(chosen, key=lambda r: c.sku_key(r.key))]
    result.products = len(docs)
    ex.typed_meta(docs)
    if not opts.all_fields:
        defaults = {name: default for name, default, _ in VARIATION_SCALARS}
        docs = [(matrix_form(d, defaults) or d) if d.get("variations") else d for d in docs]
    return docs, ex.meta_types.declarations()
