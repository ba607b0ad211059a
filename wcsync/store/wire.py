"""WooCommerce JSON → ``LiveResource``: pure mapping into the field vocabulary of ``wcsync.core.fields``.

What the wire does and what the records want (see ../shared/woocommerce/README.md):

- names come back entity-encoded (``Hoodies &amp; Co``): decoded with ``html.unescape``; HTML fields
  (descriptions, purchase note) stay as stored (``context=edit``);
- prices, weights and dimensions are strings: ``""`` → None, else ``Decimal`` (``"45"`` and ``"45.00"`` are
  equal decimals; ``core.canonical.to_decimal``, the one money reader);
- dates have no offset (``2031-01-01T00:00:00``); normalised to ``YYYY-MM-DDTHH:MM:SS``;
- ``meta_data`` rows → ``{key: value}`` (first row per key); meta ``_wcsync`` → ``Mark``;
- references → live ids (categories, tags, brands (``[{id, name, slug}]``), ``upsell_ids``, ``cross_sell_ids``, ``grouped_products``, category
  and brand ``parent``); ``shipping_class`` stays the slug WooCommerce returns;
- default and variation attributes → ``{attr-ref: option}`` with attr-ref ``pa_<slug>`` for a global attribute
  (resolved from its id through the attributes list) or the local attribute's name;
- a variation without its own SKU reports its parent's: that SKU is not the variation's key.

No I/O here: ``wcsync.store.fetch`` feeds it bodies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from wcsync.core.canonical import sku_key, to_decimal
from wcsync.core.fields import MARK_META_KEY, TABLES, WIRE_NAMES
from wcsync.core.kinds import Kind
from wcsync.core.records import LiveResource, Mark
from wcsync.core.refs import global_ref, is_global_ref, strip_pa
from wcsync.store.wirevalues import (
    CONVERTERS,
    AttributeSlugs,
    Converter,
    boolean,
    date_time,
    dimensions,
    downloads,
    image,
    images,
    integer,
    meta_map,
    php_empty,
    ref,
    refs,
    stock_managed,
    text,
)

__all__ = [
    "WIRE_NAMES",  # record field name -> WooCommerce wire name where they differ (from the field table)
    # the readers, in wcsync.store.wirevalues
    "AttributeSlugs", "boolean", "date_time", "dimensions", "downloads", "image", "images", "integer", "meta_map",
    "php_empty", "ref", "refs", "stock_managed", "text", "to_decimal",
]


def wire_fields(kind: Kind) -> tuple[str, ...]:
    """The top-level wire fields to request (``_fields``) to build a complete record of ``kind``."""
    names = [spec.wire for spec in TABLES[kind].values()]
    extra: tuple[str, ...] = ()
    if kind is Kind.PRODUCT:
        extra = ("sku", "status", "date_modified_gmt")
    elif kind is Kind.VARIATION:
        extra = ("parent_id", "status", "date_modified_gmt")
    return tuple(dict.fromkeys(["id", *names, *extra]))


def _mark_json(raw: Any) -> tuple[Any, str | None]:
    """The mark's JSON value, or why it is not one."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None, "it is not JSON"
    raw = php_empty(raw, mapping=True)
    if not isinstance(raw, dict):
        what = "a list" if isinstance(raw, list) else "empty" if raw in (None, "") else "not a JSON object"
        return None, f"it is {what}, not a JSON object"
    return raw, None


def parse_mark(meta: Mapping[str, Any]) -> Mark | None:
    """The ``_wcsync`` bookkeeping meta (a JSON object, or a JSON string), read whether each map-valued part
    comes back as ``{}`` or as PHP's ``[]``. None when absent. A mark that is present but unreadable (not JSON,
    a part of the wrong shape) still marks the resource as managed, with no bookkeeping at all (a part that
    reads cannot be trusted beside one that does not); ``Mark.unreadable`` says why."""
    if MARK_META_KEY not in meta:
        return None
    raw, problem = _mark_json(meta[MARK_META_KEY])
    if raw is None:
        return Mark(unreadable=problem)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, info in Mark.model_fields.items():
        if name == "unreadable" or name not in raw:
            continue
        value = php_empty(raw[name], mapping=info.default_factory is dict)
        try:
            Mark.model_validate({name: value})
        except ValidationError:
            problems.append(f"its {name!r} has the wrong shape")
            continue
        values[name] = value
    if problems:
        return Mark(unreadable="; ".join(problems))
    return Mark.model_validate(values)


# -- attributes -------------------------------------------------------------------------------------------


def attr_ref(item: Mapping[str, Any], slugs: AttributeSlugs) -> str:
    """``pa_<slug>`` for a global attribute (id > 0), else the local attribute's name."""
    attr_id = integer(item.get("id")) or 0
    if attr_id:
        slug = slugs.get(attr_id)
        if slug is None:
            raw = item.get("slug")
            slug = strip_pa(raw) if isinstance(raw, str) and is_global_ref(raw) else text(item.get("name")).lower()
        return global_ref(slug)
    return text(item.get("name"))


def product_attributes(value: Any, slugs: AttributeSlugs) -> tuple[dict[str, Any], ...]:
    out = []
    items = [v for v in (value if isinstance(value, list) else ()) if isinstance(v, dict)]
    for item in sorted(items, key=lambda v: integer(v.get("position")) or 0):
        attr_id = integer(item.get("id")) or 0
        out.append(
            {
                "id": attr_id,
                "name": text(item.get("name")),
                "slug": strip_pa(attr_ref(item, slugs)) if attr_id else None,
                "options": tuple(text(o) for o in item.get("options") or ()),
                "visible": boolean(item.get("visible")),
                "variation": boolean(item.get("variation")),
            }
        )
    return tuple(out)


def default_attributes(value: Any, slugs: AttributeSlugs) -> dict[str, str]:
    """Global options stay the term slug WooCommerce returns; local ones the text."""
    out: dict[str, str] = {}
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            out.setdefault(attr_ref(item, slugs), text(item.get("option")))
    return out


def combo(value: Any, slugs: AttributeSlugs) -> dict[str, str]:
    """Variation attributes: ``{attr-ref: option}`` (term name for global attributes, text for local)."""
    return default_attributes(value, slugs)


# -- records ----------------------------------------------------------------------------------------------

#: the converter of each field type (``wirevalues`` has the scalar ones)
_CONVERT: dict[str, Converter] = {
    **CONVERTERS,
    "attrs": product_attributes,
    "defaults": default_attributes,
    "combo": combo,
}


#: per kind: (field, wire name, converter) of its vocabulary, derived once from the tables above (a fetch
#: converts every field of tens of thousands of records)
_PLANS: dict[Kind, tuple[tuple[str, str, Converter], ...]] = {}


def _plan(kind: Kind) -> tuple[tuple[str, str, Converter], ...]:
    plan = _PLANS.get(kind)
    if plan is None:
        plan = tuple((spec.name, spec.wire, _CONVERT[spec.type]) for spec in TABLES[kind].values())
        _PLANS[kind] = plan
    return plan


_ABSENT = object()


def record_fields(kind: Kind, body: Mapping[str, Any], slugs: AttributeSlugs | None = None) -> dict[str, Any]:
    """Every field of ``kind``'s vocabulary that the body carries, converted to its canonical type."""
    out: dict[str, Any] = {}
    known = slugs or {}
    for name, wire, convert in _PLANS.get(kind) or _plan(kind):
        value = body.get(wire, _ABSENT)
        if value is not _ABSENT:
            out[name] = convert(value, known)
    if "manage_stock" in out:
        out["manage_stock"] = stock_managed(body.get("manage_stock"))
    return out


#: LiveResource's fields in their declared order (the order of its ``__dict__``)
_LIVE_FIELDS = tuple(LiveResource.model_fields)


def _construct(values: dict[str, Any]) -> LiveResource:
    """What ``LiveResource.model_construct(**values)`` builds (``tests/store/test_wire_fast.py`` compares them),
    in a third of its time: every field present, in order, defaults filled in; the fields given as the set ones."""
    state = {name: values.get(name) for name in _LIVE_FIELDS}
    resource = LiveResource.__new__(LiveResource)
    object.__setattr__(resource, "__dict__", state)
    object.__setattr__(resource, "__pydantic_fields_set__", set(values))
    object.__setattr__(resource, "__pydantic_extra__", None)
    object.__setattr__(resource, "__pydantic_private__", None)
    return resource


#: the fast build is model_construct's only for a model without post-init, extra fields, or a default other than
#: None for a field the wire may leave out (it always gives ``fields``)
_FAST_CONSTRUCT = (
    LiveResource.__pydantic_post_init__ is None
    and LiveResource.model_config.get("extra") != "allow"
    and all(f.is_required() or f.default is None or name == "fields" for name, f in LiveResource.model_fields.items())
)


def _resource(values: dict[str, Any]) -> LiveResource:
    """``LiveResource(**values)``; built without re-validation when every value already has its field's type
    (as the wire's values do), else validated as the constructor does (coercing or refusing the same way)."""
    parent_id, status, date_modified = values.get("parent_id"), values["status"], values["date_modified"]
    if (
        (parent_id is None or type(parent_id) is int)
        and (status is None or type(status) is str)
        and (date_modified is None or type(date_modified) is str)
    ):
        return _construct(values) if _FAST_CONSTRUCT else LiveResource.model_construct(**values)
    return LiveResource(**values)


def _sku(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def product(body: Mapping[str, Any], slugs: AttributeSlugs | None = None) -> LiveResource:
    fields = record_fields(Kind.PRODUCT, body, slugs)
    meta = fields.get("meta") or meta_map(body.get("meta_data"))
    return _resource({"kind": Kind.PRODUCT, "id": int(body["id"]), "key": _sku(body.get("sku")), "fields": fields,
                      "status": body.get("status"), "mark": parse_mark(meta),
                      "date_modified": body.get("date_modified_gmt")})


def variation(
    body: Mapping[str, Any],
    slugs: AttributeSlugs | None = None,
    *,
    parent_id: int | None = None,
    parent_sku: str | None = None,
) -> LiveResource:
    """A variation; ``parent_sku`` lets an inherited SKU (the parent's, reported as the variation's) be told
    apart from an own SKU."""
    fields = record_fields(Kind.VARIATION, body, slugs)
    sku = _sku(body.get("sku"))
    if sku is not None and parent_sku is not None and sku_key(sku) == sku_key(parent_sku):
        sku = None
    if "sku" in fields:
        fields["sku"] = sku
    meta = fields.get("meta") or meta_map(body.get("meta_data"))
    return _resource({"kind": Kind.VARIATION, "id": int(body["id"]), "key": sku,
                      "parent_id": integer(body.get("parent_id")) or parent_id, "fields": fields,
                      "status": body.get("status"), "mark": parse_mark(meta),
                      "date_modified": body.get("date_modified_gmt")})


def category(body: Mapping[str, Any]) -> LiveResource:
    return LiveResource(kind=Kind.CATEGORY, id=int(body["id"]), key=body.get("slug"),
                        fields=record_fields(Kind.CATEGORY, body))


def brand(body: Mapping[str, Any]) -> LiveResource:
    return LiveResource(kind=Kind.BRAND, id=int(body["id"]), key=body.get("slug"), fields=record_fields(Kind.BRAND, body))


def tag(body: Mapping[str, Any]) -> LiveResource:
    return LiveResource(kind=Kind.TAG, id=int(body["id"]), key=body.get("slug"), fields=record_fields(Kind.TAG, body))


def shipping_class(body: Mapping[str, Any]) -> LiveResource:
    return LiveResource(kind=Kind.SHIPPING_CLASS, id=int(body["id"]), key=body.get("slug"),
                        fields=record_fields(Kind.SHIPPING_CLASS, body))


def attribute_slug(value: Any) -> str | None:
    """``pa_color`` → ``color``."""
    if not isinstance(value, str) or not value:
        return None
    return strip_pa(value)


def attribute(body: Mapping[str, Any]) -> LiveResource:
    fields = record_fields(Kind.ATTRIBUTE, body)
    slug = attribute_slug(body.get("slug"))
    if "slug" in fields:
        fields["slug"] = slug
    return LiveResource(kind=Kind.ATTRIBUTE, id=int(body["id"]), key=slug, fields=fields)


def term(body: Mapping[str, Any], attribute_id: int) -> LiveResource:
    return LiveResource(kind=Kind.TERM, id=int(body["id"]), key=body.get("slug"), parent_id=attribute_id,
                        fields=record_fields(Kind.TERM, body))


def attribute_slugs(attributes: list[LiveResource]) -> dict[int, str]:
    """id → slug (without ``pa_``) of the global attributes, for resolving attribute references."""
    return {a.id: a.key for a in attributes if a.key}
