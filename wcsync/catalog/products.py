"""Products → desired product and variation records: references resolved (categories, tags, attributes and
terms, shipping classes, upsell/cross-sell/grouped SKUs), templates rendered, type rules and SKU/slug
uniqueness checked (SKUs case-insensitively and trimmed, as WooCommerce does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wcsync.catalog.fieldconv import RESOLVED_FIELDS, check_meta, convert_simple, required_meta
from wcsync.catalog.loader import Loc
from wcsync.catalog.models import Product
from wcsync.catalog.problems import suggestion_hint
from wcsync.catalog.taxonomy import Taxonomy, resolve_category, source_of
from wcsync.catalog.templates import TemplateProblem, Templates
from wcsync.catalog.variations import Member, RAttr, build_variations, member_fields, member_key
from wcsync.catalog.yamlio import PathT
from wcsync.core.canonical import sku_key
from wcsync.core.fields import PRODUCT_FIELDS
from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredResource, Source
from wcsync.core.refs import global_ref, is_global_ref, strip_pa
from wcsync.core.reserved import LOCK_SKU
from wcsync.core.slugs import decode_slug, encode_slug, encoded_length, sanitize_title, slug_from_name
from wcsync.diagnostics import Diagnostic


@dataclass
class ResolvedProduct:
    loc: Loc[Product]
    resource: DesiredResource
    members: list[Member]
    variations: list[DesiredResource]


@dataclass
class _Registry:
    skus: dict[str, tuple[str, Loc[Any], PathT]] = field(default_factory=dict)  # lower sku -> (sku, where)
    slugs: dict[str, Loc[Product]] = field(default_factory=dict)
    gtins: dict[str, tuple[Loc[Any], PathT]] = field(default_factory=dict)  # gtin key -> where


def _claim_sku(reg: _Registry, sku: str, loc: Loc[Any], sub: PathT, diags: list[Diagnostic]) -> bool:
    low = sku_key(sku)
    if low == sku_key(LOCK_SKU):
        diags.append(loc.diag(sub, f"SKU '{sku}' is reserved: wcsync's apply lock is a private product with this "
                              "SKU that wcsync keeps in the store while it applies", "choose another SKU"))
        return False
    if low in reg.skus:
        _, first, fsub = reg.skus[low]
        line = first.doc.pos.of((*first.path, *fsub))[0]
        diags.append(
            loc.diag(sub, f"duplicate SKU '{sku}' (also at {first.doc.file}:{line})", "SKUs are unique across products and variations, ignoring case: change one of them")
        )
        return False
    reg.skus[low] = (sku, loc, sub)
    return True


def _claim_gtin(reg: _Registry, gtin: Any, loc: Loc[Any], sub: PathT, diags: list[Diagnostic]) -> None:
    """A ``global_unique_id`` is unique across products and variations, like a SKU (WooCommerce refuses the
    second holder, 11#108-109)."""
    key = gtin.strip().casefold() if isinstance(gtin, str) else ""
    if not key:
        return
    if key in reg.gtins:
        first, fsub = reg.gtins[key]
        line = first.doc.pos.of((*first.path, *fsub))[0]
        diags.append(loc.diag(sub, f"duplicate global_unique_id '{gtin}' (also at {first.doc.file}:{line})", "a GTIN, UPC, EAN or ISBN is unique across products and variations (WooCommerce refuses the second one): change one of them"))
        return
    reg.gtins[key] = (loc, sub)


class ProductResolver:
    def __init__(self, tx: Taxonomy, templates: Templates, diags: list[Diagnostic]):
        self.tx = tx
        self.templates = templates
        self.diags = diags
        self.reg = _Registry()
        self.unparsed_skus: set[str] = set()
        #: taxonomy files that could not be read (their errors are reported; dangling references are not)
        self.broken: set[str] = set()

    # -- references --------------------------------------------------------------------------------------
    def _refs(self, loc: Loc[Product], name: str, values: list[str] | None, table: dict[str, str], what: str, fallback: str) -> tuple[str, ...]:
        out: set[str] = set()
        for i, v in enumerate(values or []):
            slug = table.get(v.strip().lower()) or table.get(slug_from_name(v))
            if slug is not None:
                out.add(slug)
            elif name not in self.broken:
                self.diags.append(loc.diag((name, i), f"unknown {what} '{v}'", suggestion_hint(v, [k for k in table if k == table[k]], fallback=fallback)))
        return tuple(sorted(out))

    def _categories(self, loc: Loc[Product], kind: Kind = Kind.CATEGORY) -> tuple[str, ...]:
        name = "brands" if kind is Kind.BRAND else "categories"
        out: set[str] = set()
        for i, ref in enumerate(getattr(loc.model, name) or []):
            path, hint = resolve_category(self.tx, ref, kind)
            if path is not None:
                out.add(path)
            elif name not in self.broken:
                self.diags.append(loc.diag((name, i), f"unknown {kind.value} '{ref}'", hint))
        return tuple(sorted(out))

    def _shipping_class(self, loc: Loc[Product], sub: PathT, value: str | None) -> str | None:
        if value is None:
            return None
        slug = self.tx.shipping_classes.get(value.strip().lower()) or self.tx.shipping_classes.get(slug_from_name(value))
        if slug is None and "shipping_classes" not in self.broken:
            self.diags.append(loc.diag(sub, f"unknown shipping class '{value}'", suggestion_hint(value, self.tx.shipping_classes, fallback="declare it in shipping-classes.yaml")))
        return slug

    def _attributes(self, loc: Loc[Product]) -> list[RAttr]:
        out: list[RAttr] = []
        seen: set[str] = set()
        for i, a in enumerate(loc.model.attributes or []):
            ga = self.tx.attributes.get(a.name.strip().lower()) or self.tx.attributes.get(strip_pa(a.name.strip().lower()))
            if ga is not None:
                options: list[str] = []
                for j, o in enumerate(a.options):
                    term = ga.terms.get(o.strip().lower())
                    if term is None:
                        self.diags.append(loc.diag(("attributes", i, "options", j), f"'{o}' is not a term of attribute '{ga.name}'", suggestion_hint(o, ga.term_names, fallback="add the term to attributes.yaml")))
                    elif term not in options:
                        options.append(term)
                ra = RAttr(ga.name, ga.slug, options, a.visible, a.variation)
            else:
                if is_global_ref(a.name.strip().lower()) and "attributes" not in self.broken:
                    # 'pa_…' names a global attribute (WooCommerce's taxonomy name): never a local one
                    known = sorted({global_ref(g.slug) for g in self.tx.attributes.values()})
                    self.diags.append(loc.diag(("attributes", i, "name"), f"unknown global attribute '{a.name}'", suggestion_hint(a.name, known, fallback="declare it in attributes.yaml")))
                ra = RAttr(a.name, None, list(dict.fromkeys(a.options)), a.visible, a.variation)
            if ra.ref.lower() in seen:
                self.diags.append(loc.diag(("attributes", i, "name"), f"attribute '{a.name}' appears twice on {loc.model.sku}", "list each attribute once"))
                continue
            seen.add(ra.ref.lower())
            out.append(ra)
        return out

    # -- one product ---------------------------------------------------------------------------------------
    def _type_rules(self, loc: Loc[Product]) -> None:
        p, fs, d = loc.model, loc.model.model_fields_set, self.diags
        if "type" in loc.dropped:
            fs = set()  # the type written is invalid (reported): rules for the default type would mislead
        if p.type != "variable":
            for f in ("variation_matrix", "variations"):
                if f in fs and (p.variation_matrix is not None if f == "variation_matrix" else p.variations):
                    d.append(loc.diag((f,), f"{p.type} product {p.sku} cannot have variations", "set 'type: variable'", key=True))
        if p.type in ("variable", "grouped"):
            for f in ("regular_price", "sale_price"):
                if f in fs and getattr(p, f) is not None:
                    d.append(loc.diag((f,), f"a {p.type} product has no {f} of its own", "set prices on its variations" if p.type == "variable" else "set prices on the grouped products", key=True))
        if "grouped_products" in fs and p.type != "grouped" and p.grouped_products:
            d.append(loc.diag(("grouped_products",), f"grouped_products only apply to grouped products ({p.sku} is {p.type})", "set 'type: grouped' or remove the list", key=True))
        for f in ("external_url", "button_text"):
            if f in fs and p.type != "external" and getattr(p, f):
                d.append(loc.diag((f,), f"{f} only applies to external products ({p.sku} is {p.type})", "set 'type: external' or remove it", key=True))
        if p.type == "external" and p.manage_stock:
            d.append(loc.diag(("manage_stock",), "external products cannot manage stock", "WooCommerce refuses it: remove manage_stock", key=True))
        if p.description is not None and p.description_template is not None:
            d.append(loc.diag(("description_template",), "both description and description_template are set", "keep one of them", key=True))
        stored = encode_slug(p.slug) if p.slug is not None else None
        if p.slug is not None and (size := encoded_length(p.slug)) > 200:
            encoded = " percent-encoded" if size != len(p.slug) else ""
            d.append(loc.diag(("slug",), f"product slug is {size} characters long{encoded}", "WooCommerce cuts slugs to 200 characters (10#22): give a shorter slug"))
        elif p.slug is not None and stored is None:
            d.append(loc.diag(("slug",), f"product slug '{p.slug}' is not a valid slug", f"WooCommerce would store it as '{decode_slug(sanitize_title(p.slug))}': write that"))
        elif p.slug is not None and stored is not None:
            p.slug = stored  # the store's spelling (percent-encoded), whichever spelling the file uses
            if p.slug in self.reg.slugs:
                first = self.reg.slugs[p.slug]
                d.append(loc.diag(("slug",), f"duplicate product slug '{p.slug}' (also at {first.doc.file}:{first.line})", "WooCommerce would rename one to '-2': change one of them"))
            else:
                self.reg.slugs[p.slug] = loc

    def _description(self, loc: Loc[Product]) -> str | None:
        p = loc.model
        assert p.description_template is not None
        context = p.model_dump()
        context["product"] = dict(context)
        try:
            return self.templates.render_file(p.description_template, context)
        except TemplateProblem as exc:
            if exc.diagnostic is not None:
                self.diags.append(exc.diagnostic)
            self.diags.append(loc.diag(("description_template",), exc.message, exc.hint))
            return None

    def resolve(self, loc: Loc[Product]) -> ResolvedProduct:
        p = loc.model
        fs = p.model_fields_set
        _claim_sku(self.reg, p.sku, loc, ("sku",), self.diags)
        _claim_gtin(self.reg, p.global_unique_id, loc, ("global_unique_id",), self.diags)
        self._type_rules(loc)
        attrs = self._attributes(loc)
        fields: dict[str, Any] = {"type": p.type}
        for name in PRODUCT_FIELDS:
            if name in fs and name not in RESOLVED_FIELDS:
                fields[name] = convert_simple(name, getattr(p, name))
        if p.description_template is not None:
            desc = self._description(loc)
            if desc is not None:
                fields["description"] = desc
        if "categories" in fs:
            fields["categories"] = self._categories(loc)
        if "brands" in fs:
            fields["brands"] = self._categories(loc, Kind.BRAND)
        if "tags" in fs:
            fields["tags"] = self._refs(loc, "tags", p.tags, self.tx.tags, "tag", "declare it in tags.yaml")
        if "shipping_class" in fs:
            fields["shipping_class"] = self._shipping_class(loc, ("shipping_class",), p.shipping_class)
        if "attributes" in fs:
            fields["attributes"] = tuple(
                {"name": a.name, "slug": a.slug, "options": tuple(a.options), "visible": a.visible, "variation": a.variation} for a in attrs
            )
        if "default_attributes" in fs and "attributes" not in loc.dropped:
            defaults: dict[str, str] = {}
            for name, value in (p.default_attributes or {}).items():
                low = name.strip().lower()
                a = next((x for x in attrs if x.name.lower() == low or (x.slug and x.slug == strip_pa(low))), None)
                if a is None:
                    self.diags.append(loc.diag(("default_attributes", name), f"default_attributes names '{name}', which is not an attribute of {p.sku}", suggestion_hint(name, [x.name for x in attrs]), key=True))
                    continue
                if not a.variation and any(x.variation for x in attrs):  # (none at all: reported on its own)
                    self.diags.append(loc.diag(("default_attributes", name), f"default_attributes names '{name}', which is not a variation attribute of {p.sku}", "WooCommerce keeps defaults only for attributes with 'variation: true' and drops this one (every plan would show it again): remove it, or set 'variation: true' on the attribute", key=True))
                    continue
                opt = a.option(value)
                if opt is None:
                    self.diags.append(loc.diag(("default_attributes", name), f"default '{value}' is not an option of '{a.name}'", suggestion_hint(value, a.options, fallback="options: " + ", ".join(a.options))))
                    continue
                defaults[a.ref] = opt
            fields["default_attributes"] = defaults
        if "meta" in fs:
            fields["meta"] = check_meta(loc, ("meta",), p.meta, self.tx.meta, p.type, self.diags, lenient=self.tx.meta_unknown_ok)
        if "meta" not in loc.dropped:
            required_meta(loc, fields.get("meta", {}), self.tx.meta, p.type, self.diags, f"product {p.sku}")
        members = build_variations(loc, attrs, self.templates, self.tx.meta, self.diags, lenient=self.tx.meta_unknown_ok) if p.type == "variable" else []
        variations: list[DesiredResource] = []
        keys: set[str] = set()
        for m in members:
            if m.sku:
                _claim_sku(self.reg, m.sku, loc, (*m.sub, "sku"), self.diags)
            key = member_key(p.sku, m)
            if key in keys:
                continue
            keys.add(key)
            _claim_gtin(self.reg, m.values.get("global_unique_id"), loc, (*m.sub, "global_unique_id"), self.diags)
            sub = m.sub
            vfields = member_fields(m, lambda _n, v, _s=sub: self._shipping_class(loc, (*_s, "shipping_class"), v))
            line, col = loc.doc.pos.of((*loc.path, *m.sub))
            variations.append(
                DesiredResource(kind=Kind.VARIATION, key=key, parent_key=p.sku, fields=vfields, source=Source(file=loc.doc.file, line=line, col=col))
            )
        resource = DesiredResource(kind=Kind.PRODUCT, key=p.sku, fields=fields, protect=p.protect, source=source_of(loc))
        return ResolvedProduct(loc, resource, members, variations)

    def link(self, rp: ResolvedProduct) -> ResolvedProduct:
        """Second pass, once every SKU is known: upsells, cross-sells and grouped children by SKU."""
        p, fs = rp.loc.model, rp.loc.model.model_fields_set
        fields = dict(rp.resource.fields)
        for name in ("upsells", "cross_sells", "grouped_products"):
            if name not in fs:
                continue
            out: set[str] = set()
            for i, ref in enumerate(getattr(p, name) or []):
                hit = self.reg.skus.get(sku_key(ref))
                if hit is None and sku_key(ref) in self.unparsed_skus:
                    continue  # declared in a file with a YAML error, already reported
                if hit is not None and hit[2][:1] in (("variations",), ("variation_matrix",)):
                    parent = hit[1].model.sku
                    self.diags.append(rp.loc.diag((name, i), f"{name} names '{ref}', a variation of {parent}", f"link products, not variations: use '{parent}'"))
                    continue
                if hit is None:
                    known = [s for s, _, sub in self.reg.skus.values() if sub == ("sku",)]
                    self.diags.append(rp.loc.diag((name, i), f"{name} names unknown product SKU '{ref}'", suggestion_hint(ref, known, fallback="use the sku of a product in the catalogue")))
                    continue
                if sku_key(hit[0]) == sku_key(p.sku) and name == "grouped_products":
                    self.diags.append(rp.loc.diag((name, i), f"grouped product {p.sku} lists itself", "remove it from grouped_products"))
                    continue
                out.add(hit[0])
            fields[name] = tuple(sorted(out))
        resource = rp.resource.model_copy(update={"fields": fields})
        return ResolvedProduct(rp.loc, resource, rp.members, rp.variations)
