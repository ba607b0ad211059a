"""Live variations of a variable product → its explicit ``variations:`` list.

A variation is written with its own SKU when it has one (a variation without one reports its parent's, 06#54),
else it is identified by its attribute combination. Options are written as the parent lists them (term names
for global attributes). Variations the catalogue cannot express — no attribute values at all ("any" for every
attribute), a combination another variation already has, a SKU taken elsewhere — are skipped and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from wcsync.core import canonical as c
from wcsync.core.fields import NO_DEFAULT, TABLES
from wcsync.core.kinds import Kind
from wcsync.core.records import LiveResource
from wcsync.core.slugs import decode_slug
from wcsync.export.metatypes import as_number
from wcsync.export.model import Skipped, decimal_str, dimensions, image, left_out_fields, money_str

if TYPE_CHECKING:
    from wcsync.export.products import Exporter


def html_value(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def text_value(value: Any) -> str:
    return c.plain_text(value)


def same(value: Any) -> Any:
    return value


def number_value(value: Any) -> Any:
    """A weight or length as a number (``0.62``, not ``'0.62'``) where it reads back the same."""
    text = decimal_str(value)
    number = as_number(text)
    return text if number is None else number


def number_dimensions(value: Any) -> dict[str, Any]:
    return {axis: number_value(v) for axis, v in dimensions(value).items()}


def slug_value(value: Any) -> Any:
    """A slug as a person writes it (``日本茶``, not its percent-encoded form)."""
    return decode_slug(value) if isinstance(value, str) else value


def unwrap_paragraph(text: str) -> str:
    """WooCommerce returns a variation description wrapped by ``wpautop`` (06#8): one ``<p>…</p>`` around
    plain text is unwrapped (the planner does not compare paragraph tags)."""
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1 and text.count("</p>") == 1:
        return text[3:-4].strip()
    return text


#: how a canonical live value of each scalar type is written (fields of other types are written by their own code)
_WRITE_BY_TYPE: dict[str, Callable[[Any], Any]] = {
    "html": html_value, "text": text_value, "money": money_str, "decimal": number_value, "dict": number_dimensions,
    "ref": slug_value, "int": same, "bool": same, "enum": same, "datetime": same,
}

Scalar = tuple[str, Any, Callable[[Any], Any]]


def downloads_value(value: Any) -> list[dict[str, str]]:
    """Downloadable files as the catalogue writes them: name and file URL (the store's ids are not written; a
    download without a name is named after its file)."""
    out = []
    for d in value or ():
        if isinstance(d, dict) and d.get("file"):
            file = str(d["file"])
            out.append({"name": c.plain_text(d.get("name")) or file.rstrip("/").rsplit("/", 1)[-1] or file, "file": file})
    return out


def scalars(kind: Kind, leave: Iterable[str], write: Mapping[str, Callable[[Any], Any]] | None = None) -> tuple[Scalar, ...]:
    """(field, the value a file holds for WooCommerce's default — None for "no value", ``{}`` for no
    dimensions —, conversion to the written value) of ``kind``'s scalar fields, in the field table's order
    (the order in the file), except ``leave`` (written by their own code)."""
    out: list[Scalar] = []
    for spec in TABLES[kind].values():
        if spec.type not in _WRITE_BY_TYPE or spec.name in leave:
            continue
        default = {} if spec.type == "dict" else None if spec.default in (None, "", NO_DEFAULT) else spec.default
        out.append((spec.name, default, (write or {}).get(spec.name, _WRITE_BY_TYPE[spec.type])))
    return tuple(out)


VARIATION_SCALARS: tuple[Scalar, ...] = scalars(Kind.VARIATION, ("sku",), {
    "description": lambda v: unwrap_paragraph(html_value(v)),
    "manage_stock": lambda v: v is True,  # "parent": the variation does not manage its own (11#36)
})


def export_variations(ex: Exporter, p: LiveResource, sku: str, claimed: set[str]) -> list[dict[str, Any]]:
    """The explicit ``variations:`` list of a variable product: SKU (when the variation has its own), the
    attribute combination by display name and option, and the fields that differ from the defaults."""
    refs = ex.refs_by_product.get(p.id, {})
    live_vars = sorted(ex.index.variations_by_parent.get(p.id, []), key=lambda v: (v.fields.get("menu_order") or 0, v.id))
    out: list[dict[str, Any]] = []
    combos: set[tuple[tuple[str, str], ...]] = set()
    #: (attr-ref, option) -> ex.option(refs, …): the product's variations repeat the same few options
    shown_of: dict[tuple[str, str], tuple[str, str] | None] = {}
    for v in live_vars:
        own = (v.fields.get("sku", v.key) or "").strip()
        if own and c.sku_key(own) == c.sku_key(sku):
            own = ""
        what = f"variation {own or f'#{v.id}'} of {sku}"
        combo: dict[str, str] = {}
        bad = None
        for ref, option in dict(v.fields.get("attributes") or {}).items():
            if not str(option):
                continue
            pair = (str(ref), str(option))
            if pair in shown_of:
                shown = shown_of[pair]
            else:
                shown = shown_of[pair] = ex.option(refs, *pair)
            if shown is None:
                bad = f"its attribute {ref}={option!r} names no variation option of the product"
                break
            combo[shown[0]] = shown[1]
        key = tuple(sorted((k.casefold(), val.casefold()) for k, val in combo.items()))
        if bad is None and not combo:
            bad = "it has no attribute values (\"any\" for every attribute), which the catalogue cannot express"
        elif bad is None and key in combos:
            bad = "another variation of the product has the same attributes"
        elif bad is None and own and c.sku_key(own) in claimed:
            bad = f"its SKU {own!r} is used by another product or variation"
        if bad is not None:
            ex.result.skipped.append(Skipped(what, f"{bad}; `wcsync plan` lists it as a delete — fix it in wp-admin"))
            continue
        combos.add(key)
        item: dict[str, Any] = {}
        if own:
            claimed.add(c.sku_key(own))
            item["sku"] = own
        item["attributes"] = combo
        skip = left_out_fields("variation", v.fields, all_fields=ex.opts.all_fields)
        # a variation that sets none of them reports its parent's weight, dimensions and shipping class (11#36-38):
        # written, they would stop following the parent
        skip |= {n for n in ("weight", "dimensions", "shipping_class")
                 if v.fields.get(n) not in (None, "", {}) and v.fields.get(n) == p.fields.get(n)}
        ex.put_scalars(item, v.fields, VARIATION_SCALARS, skip)
        if "image" in v.fields:
            img = image(v.fields.get("image"))
            if img is not None or ex.opts.all_fields:
                item["image"] = img
        if v.fields.get("downloads") or (ex.opts.all_fields and "downloads" in v.fields):
            item["downloads"] = downloads_value(v.fields.get("downloads"))
        meta = ex.meta(v, "variation")
        if meta:
            item["meta"] = meta
        out.append(item)
        ex.result.variations += 1
    return out
