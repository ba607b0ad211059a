"""Values WooCommerce rewrites when it saves them (captures 02#15-16, 05#65-79, 11#64-71): written anyway, the
store would keep something else than the catalogue says — a name that silently loses part of itself, or an
option split in two. ``wcsync validate`` refuses them at file:line and says what the store would keep.

- names of products (``wp_filter_post_kses``: tags outside the post allowlist removed, backslashes dropped) and of
  categories, tags, attribute terms and shipping classes (``sanitize_text_field`` + ``wp_filter_kses``: every
  tag removed, whitespace collapsed) — errors;
- a category, tag, term or shipping class slug (given or derived from the name) longer than 200 characters
  (10#22; a product's own slug is checked where it is read) — an error;
- a local attribute option containing ``|``: WooCommerce's delimiter splits it into two options on the product
  (11#68, 11#70) while a variation keeps it whole (11#69) — an error;
- HTML that WordPress's post filter removes from descriptions, short descriptions and purchase notes
  (``<script>``, ``<iframe>``, unknown tags, ``on*`` attributes, ``< … >`` fragments; 05#78, 11#70) — the lint
  rule ``html-removed-by-woocommerce`` (an error unless ``wcsync.yaml`` lowers it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wcsync.catalog.lintrules import RULES
from wcsync.catalog.loader import Loc, ParsedCatalog
from wcsync.catalog.products import ResolvedProduct
from wcsync.catalog.taxonomy import Taxonomy
from wcsync.catalog.values import plain_text
from wcsync.catalog.yamlio import PathT
from wcsync.core.canonical import removed_by_post_filter, stored_product_name, stored_term_name
from wcsync.core.refs import strip_pa
from wcsync.core.slugs import encoded_length, slug_from_name
from wcsync.diagnostics import Diagnostic, Severity

#: WooCommerce's delimiter of local attribute options (``WC_DELIMITER``)
DELIMITER = "|"
_HTML_FIELDS = ("description", "short_description", "purchase_note")
_MAX_SHOWN = 3
#: WordPress cuts a slug to 200 characters (``sanitize_title`` → ``utf8_uri_encode``, 10#22)
MAX_SLUG = 200


def _name(loc: Loc[Any], sub: PathT, what: str, written: str, kept: str) -> Diagnostic | None:
    if kept == plain_text(written):
        return None
    return loc.diag(
        sub,
        f"{what} name {written!r} is not what WooCommerce would keep: it stores {kept!r}",
        "WooCommerce removes text shaped like an HTML tag (and, from product names, backslashes) when it saves a "
        "name, so every plan would show it again: write the name without '<…>' (e.g. 'Mug (Limited)')",
    )


def _slug(loc: Loc[Any], sub: PathT, what: str, given: str | None, name: str) -> Diagnostic | None:
    slug = given if given is not None else slug_from_name(plain_text(name), term=True)
    length = encoded_length(slug)
    if length <= MAX_SLUG:
        return None
    where = (*sub, "slug") if given is not None else (*sub, "name")
    return loc.diag(
        where,
        f"{what} slug {slug[:40]!r}… is {length} characters long: WooCommerce cuts slugs to {MAX_SLUG} (10#22)",
        "the store would keep another slug than the catalogue, so every plan would show it again: give a shorter "
        "'slug:' (non-Latin letters count as their %-encoded form)",
    )


def _term_names(pc: ParsedCatalog, tx: Taxonomy) -> list[Diagnostic]:
    out: list[Diagnostic | None] = []
    for loc in tx.category_locs:
        out.append(_name(loc, ("name",), "category", loc.model.name, stored_term_name(loc.model.name)))
        out.append(_slug(loc, (), "category", loc.model.slug, loc.model.name))
    for bloc in tx.brand_locs:
        out.append(_name(bloc, ("name",), "brand", bloc.model.name, stored_term_name(bloc.model.name)))
        out.append(_slug(bloc, (), "brand", bloc.model.slug, bloc.model.name))
    for what, locs in (("tag", pc.tags), ("shipping class", pc.shipping_classes)):
        for tloc in locs:
            out.append(_name(tloc, ("name",), what, tloc.model.name, stored_term_name(tloc.model.name)))
            out.append(_slug(tloc, (), what, tloc.model.slug, tloc.model.name))
    for aloc in pc.attributes:
        for i, term in enumerate(aloc.model.terms):
            out.append(_name(aloc, ("terms", i, "name"), "term", term.name, stored_term_name(term.name)))
            out.append(_slug(aloc, ("terms", i), "term", term.slug, term.name))
    return [d for d in out if d is not None]


def _is_global(tx: Taxonomy, name: str) -> bool:
    key = name.strip().lower()
    return key in tx.attributes or strip_pa(key) in tx.attributes


def _options(rp: ResolvedProduct, tx: Taxonomy) -> list[Diagnostic]:
    loc = rp.loc
    out: list[Diagnostic] = []
    for i, attr in enumerate(loc.model.attributes or []):
        if _is_global(tx, attr.name):
            continue  # terms are sent by name and looked up, never split
        for j, option in enumerate(attr.options):
            text = str(option)
            if DELIMITER not in text:
                continue
            parts = [p.strip() for p in text.split(DELIMITER) if p.strip()]
            out.append(loc.diag(
                ("attributes", i, "options", j),
                f"option {text!r} of the local attribute {attr.name!r} contains '|': WooCommerce splits it into "
                f"{len(parts)} options ({', '.join(repr(p) for p in parts)})",
                "'|' separates options in WooCommerce: use another character, such as '/' or '+'",
            ))
    return out


class _Html:
    def __init__(self, levels: Mapping[str, str]) -> None:
        self.level = levels.get("html-removed-by-woocommerce", RULES["html-removed-by-woocommerce"][0].value)
        self.out: list[Diagnostic] = []

    def check(self, loc: Loc[Any], sub: PathT, what: str, name: str, value: Any, *, at: str | None = None) -> None:
        if self.level == "off" or not isinstance(value, str):
            return
        removed = removed_by_post_filter(value)
        if not removed:
            return
        shown = ", ".join(removed[:_MAX_SHOWN]) + (f" and {len(removed) - _MAX_SHOWN} more" if len(removed) > _MAX_SHOWN
                                                   else "")
        line, col = loc.doc.pos.of((*loc.path, *sub, at or name))
        self.out.append(Diagnostic(
            loc.doc.file, line, col,
            f"{what}: WooCommerce removes {shown} from the {name} when it saves it [html-removed-by-woocommerce]",
            "WordPress's post filter keeps the text but drops such tags and on* attributes: remove them (or set "
            "'lint: {html-removed-by-woocommerce: warning}' to accept what the store keeps)",
            Severity(self.level), "html-removed-by-woocommerce",
        ))


def check_rewrites(
    pc: ParsedCatalog, tx: Taxonomy, products: list[ResolvedProduct], levels: Mapping[str, str]
) -> list[Diagnostic]:
    """Every catalogue value WooCommerce would rewrite on save."""
    out = _term_names(pc, tx)
    html = _Html(levels)
    for rp in products:
        loc, p = rp.loc, rp.loc.model
        name = rp.resource.fields.get("name", p.name)
        if isinstance(name, str) and "name" not in loc.dropped:
            found = _name(loc, ("name",), f"product {p.sku}:", name, stored_product_name(name))
            if found is not None:
                out.append(found)
        out.extend(_options(rp, tx))
        for field in _HTML_FIELDS:
            # a rendered description_template is checked as rendered, reported at the template's key
            at = "description_template" if field == "description" and p.description_template else field
            html.check(loc, (), f"product {p.sku}", field, rp.resource.fields.get(field), at=at)
        for m in rp.members:
            html.check(loc, m.sub, f"variation {m.sku or m.combo} of {p.sku}", "description",
                       m.values.get("description"))
    return [*out, *html.out]
