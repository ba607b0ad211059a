"""Test helper: render desired records the way WooCommerce returns them (entity-encoded names, ``"45.00"``
prices, ids instead of keys, term slugs in default_attributes, rewritten image URLs, stringified meta),
so a plan against the result must be empty."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from wcsync.core.canonical import path_key, sku_key, slug_key
from wcsync.core.fields import MARK_META_KEY
from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredResource, DesiredState, LiveResource, LiveState, Mark
from wcsync.core.slugs import slug_from_name as slugify

UPLOADS = "https://shop.test/wp-content/uploads/2026/11/"


_BARE_AMP = re.compile(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)")


def _enc(text: Any) -> Any:
    """WooCommerce stores a bare ``&`` as ``&amp;`` but does not double-encode ``&amp;`` (02#17, 05#73)."""
    if not isinstance(text, str):
        return text
    return _BARE_AMP.sub("&amp;", text)


def _price(value: Any) -> str:
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).quantize(Decimal("0.01")), "f")


def _meta(value: Any) -> Any:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


class WooRenderer:
    """Builds a LiveState from a DesiredState, assigning ids like a store would."""

    def __init__(self, desired: DesiredState, *, start_id: int = 100) -> None:
        self.desired = desired
        self.ids = itertools.count(start_id)
        self.attachments = itertools.count(9000)
        self.attr_ids: dict[str, int] = {}
        self.term_slugs: dict[tuple[str, str], str] = {}
        self.cat_ids: dict[str, int] = {}
        self.brand_ids: dict[str, int] = {}
        self.tag_ids: dict[str, int] = {}
        self.ship_ids: dict[str, int] = {}
        self.product_ids: dict[str, int] = {}

    def render(self, *, marked: bool = True) -> LiveState:
        d = self.desired
        attributes = tuple(self._attribute(a) for a in d.attributes)
        terms = tuple(self._term(t) for t in d.terms)
        categories = tuple(self._category(c) for c in sorted(d.categories, key=lambda c: c.key.count("/")))
        brands = tuple(self._category(b, self.brand_ids) for b in sorted(d.brands, key=lambda b: b.key.count("/")))
        tags = tuple(self._simple(Kind.TAG, t, self.tag_ids) for t in d.tags)
        ships = tuple(self._simple(Kind.SHIPPING_CLASS, s, self.ship_ids) for s in d.shipping_classes)
        for p in d.products:
            self.product_ids[sku_key(p.key)] = next(self.ids)
        products = tuple(self._product(p, marked) for p in d.products)
        variations = tuple(self._variation(v, marked) for v in d.variations)
        return LiveState(
            wc_version="11.0.1",
            attributes=attributes,
            terms=terms,
            categories=categories,
            brands=brands,
            tags=tags,
            shipping_classes=ships,
            products=products,
            variations=variations,
        )

    # -- taxonomy ---------------------------------------------------------------------------------

    def _attribute(self, a: DesiredResource) -> LiveResource:
        aid = next(self.ids)
        self.attr_ids[slug_key(a.key)] = aid
        fields = {"name": a.fields.get("name", a.key), "slug": a.key, "type": "select", "order_by": "menu_order",
                  "has_archives": False}
        fields.update({k: v for k, v in a.fields.items() if k not in ("slug",)})
        return LiveResource(kind=Kind.ATTRIBUTE, id=aid, key=f"pa_{a.key}", fields=fields)

    def _term(self, t: DesiredResource) -> LiveResource:
        attr, _, slug = t.key.partition("/")
        name = t.fields.get("name", slug)
        self.term_slugs[(slug_key(attr), str(name).casefold())] = slug
        fields = {k: _enc(v) for k, v in t.fields.items()}
        fields.setdefault("slug", slug)
        return LiveResource(kind=Kind.TERM, id=next(self.ids), key=slug, parent_id=self.attr_ids[slug_key(attr)],
                            fields=fields)

    def _category(self, c: DesiredResource, ids: dict[str, int] | None = None) -> LiveResource:
        """A category, or (with ``ids`` the brand table) a brand: the same shape (11#94)."""
        table = self.cat_ids if ids is None else ids
        cid = next(self.ids)
        table[path_key(c.key)] = cid
        leaf = c.key.rsplit("/", 1)[-1]
        fields: dict[str, Any] = {k: _enc(v) for k, v in c.fields.items() if k not in ("parent", "image")}
        parent = c.fields.get("parent") or (c.key.rsplit("/", 1)[0] if "/" in c.key else None)
        fields["parent"] = table[path_key(parent)] if parent else 0
        fields.setdefault("slug", leaf)
        if c.fields.get("image"):
            img = c.fields["image"]
            name = img.get("name") or img["src"].rsplit("/", 1)[-1]
            fields["image"] = {"id": next(self.attachments), "src": UPLOADS + img["src"].rsplit("/", 1)[-1],
                               "alt": img.get("alt", ""), "name": name}
        return LiveResource(kind=c.kind, id=cid, key=leaf, fields=fields)

    def _simple(self, kind: Kind, r: DesiredResource, table: dict[str, int]) -> LiveResource:
        rid = next(self.ids)
        table[slug_key(r.key)] = rid
        fields = {k: _enc(v) for k, v in r.fields.items()}
        fields.setdefault("slug", r.key)
        return LiveResource(kind=kind, id=rid, key=r.key, fields=fields)

    # -- products ---------------------------------------------------------------------------------

    def _images(self, images: Any) -> tuple[tuple[dict[str, Any], ...], dict[str, int]]:
        out, mark = [], {}
        for img in images or ():
            att = next(self.attachments)
            mark[img["src"]] = att
            fname = img["src"].rsplit("/", 1)[-1]
            out.append({"id": att, "src": UPLOADS + fname, "alt": img.get("alt", ""), "name": img.get("name", fname)})
        return tuple(out), mark

    def _common(self, fields: dict[str, Any]) -> tuple[dict[str, Any], Mark]:
        out: dict[str, Any] = {}
        mark_images: dict[str, int] = {}
        meta_keys: tuple[str, ...] = ()
        for name, value in fields.items():
            if name in ("regular_price", "sale_price"):
                out[name] = _price(value)
            elif name == "name":
                out[name] = _enc(str(value).strip())  # names are trimmed (05#70)
            elif name in ("description", "short_description", "purchase_note"):
                out[name] = _enc(value)
            elif name == "categories":
                out[name] = tuple(self.cat_ids[path_key(k)] for k in value)
            elif name == "tags":
                out[name] = tuple(self.tag_ids[slug_key(k)] for k in value)
            elif name == "brands":
                out[name] = tuple(self.brand_ids[path_key(k)] for k in value)
            elif name in ("upsells", "cross_sells", "grouped_products"):
                out[name] = tuple(self.product_ids[sku_key(k)] for k in value)
            elif name == "shipping_class":
                out[name] = self.ship_ids[slug_key(value)] if value else None
            elif name == "images":
                out[name], mark_images = self._images(value)
            elif name == "image":
                imgs, mark_images = self._images([value] if value else [])
                out[name] = imgs[0] if imgs else None
            elif name == "attributes" and isinstance(value, tuple | list):
                out[name] = tuple(self._attr(a) for a in value)
            elif name == "default_attributes":
                out[name] = {
                    ref: (self._term_slug(ref[3:], opt) if ref.startswith("pa_") else opt)
                    for ref, opt in value.items()
                }
            elif name == "meta":
                out[name] = {k: _meta(v) for k, v in value.items() if v is not None}
                meta_keys = tuple(sorted(k for k, v in value.items() if v is not None))
            elif name in ("weight",):
                out[name] = None if value is None else str(value)
            elif name == "dimensions":
                out[name] = {k: (None if v is None else str(v)) for k, v in value.items()}
            else:
                out[name] = value
        # as wcsync writes it: the fields the catalogue names are recorded as managed
        managed = tuple(sorted(n for n in fields if n != "meta")) or None
        return out, Mark(meta_keys=meta_keys, images=mark_images, fields=managed)

    def _term_slug(self, attr: str, option: str) -> str:
        return self.term_slugs.get((slug_key(attr), option.casefold()), slugify(option))

    def _attr(self, a: dict[str, Any]) -> dict[str, Any]:
        slug = a.get("slug")
        if slug:
            options = sorted(a["options"])  # WooCommerce sorts global options by term order
            return {"id": self.attr_ids.get(slug_key(slug), 0), "name": a["name"], "slug": f"pa_{slug}",
                    "options": tuple(options), "visible": a.get("visible", True),
                    "variation": a.get("variation", False)}
        return {"id": 0, "name": a["name"], "slug": a["name"], "options": tuple(a["options"]),
                "visible": a.get("visible", True), "variation": a.get("variation", False)}

    def _product(self, p: DesiredResource, marked: bool) -> LiveResource:
        fields, mark = self._common(dict(p.fields))
        if marked:
            fields.setdefault("meta", {})
            fields["meta"] = {**fields["meta"], MARK_META_KEY: {"v": 1}}
        return LiveResource(kind=Kind.PRODUCT, id=self.product_ids[sku_key(p.key)], key=p.key, fields=fields,
                            status=str(p.fields.get("status", "publish")), mark=mark if marked else None,
                            date_modified="2026-11-28T10:00:00")

    def _variation(self, v: DesiredResource, marked: bool) -> LiveResource:
        fields, mark = self._common(dict(v.fields))
        if fields.get("description"):
            # variation descriptions come back through wpautop in every context (06#8, 06#18)
            paragraphs = [p.strip().replace("\n", "<br />\n") for p in str(fields["description"]).split("\n\n")]
            fields["description"] = "".join(f"<p>{p}</p>\n" for p in paragraphs if p)
        own = v.fields.get("sku")
        sku = own or v.parent_key
        fields["sku"] = sku
        return LiveResource(kind=Kind.VARIATION, id=next(self.ids), key=sku,
                            parent_id=self.product_ids[sku_key(v.parent_key)], fields=fields,
                            mark=mark if marked else None, date_modified="2026-11-28T10:00:00")


def render_live(desired: DesiredState, *, marked: bool = True) -> LiveState:
    return WooRenderer(desired).render(marked=marked)
