"""Desired field values of a plan ``Change`` → the WooCommerce JSON to create or update it (pure).

This module is where WooCommerce's *input* rules live (see ``shared/woocommerce/README.md``):

- names are sent plain (WooCommerce entity-encodes ``&`` itself; sending ``&amp;`` would be stored as is);
- prices are strings (``"45.00"``), ``None`` clears a price as ``""``;
- categories, tags and brands only by id (``[{"id": N}]``; no brand is ``[{"id": 0}]``, as ``[]`` is ignored; names or slugs silently reset categories to
  *Uncategorized*), global attributes by id (``{"name": …}`` would create a *local* attribute), local ones by
  name; variation attributes ``{"id", "option"}`` / ``{"name", "option"}``;
- images ``{"id": N}`` for an attachment wcsync already uploaded (every ``src`` is a new download), else
  ``{"src", "alt", "name"}``;
- meta rows ``{key, value}``; a row is deleted with ``value: null``; wcsync's own mark ``_wcsync`` is a JSON
  object (objects round-trip as JSON);
- upsells, cross-sells and grouped children by product id; the shipping class by slug.

Batch items are coerced rather than validated by WooCommerce, so values are always sent well-typed.
It never performs I/O: references resolve through a ``Resolver`` the caller provides. ``ENCODER`` is the
engine's ``Encoder`` seam (``wcsync.engine.model``); apply's bookkeeping (the ``_wcsync`` mark row, a
restore's ``publish``) is the engine's (``wcsync.engine.bookkeeping``), added to these bodies there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from wcsync.core import canonical
from wcsync.core.fields import PRODUCT_LINK_FIELDS, TABLES, FieldSpec
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change
from wcsync.core.refs import is_global_ref, strip_pa
from wcsync.engine.model import Resolver, UnresolvedReference

#: Product fields whose references point at other products (set in a second pass when the target is new):
#: ``PRODUCT_LINK_FIELDS``, from the field table, as are their wire names
_LINK_WIRE = {name: TABLES[Kind.PRODUCT][name].wire for name in PRODUCT_LINK_FIELDS}


def money(value: Any) -> str:
    """``45`` / ``"45.0"`` / ``Decimal("45")`` → ``"45.00"`` (``core.canonical.money``, the one spelling);
    ``None`` → ``""``; more decimals are kept. Not a number: ValueError (never sent as a cleared price)."""
    return canonical.money(_decimal(value)) or ""


def decimal_text(value: Any) -> str:
    """Weights and dimensions: decimal as plain text (``core.canonical.decimal_str``), ``None`` → ``""``."""
    return canonical.decimal_str(_decimal(value)) or ""


def _decimal(value: Any) -> Decimal | None:
    number = canonical.to_decimal(value)
    if number is None and value is not None and str(value).strip():
        raise ValueError(f"not a decimal: {value!r}")
    return number


def _ids(field: str, kind: Kind, keys: Iterable[str] | None, resolve: Resolver) -> list[dict[str, int]]:
    return [{"id": _id(field, kind, key, resolve)} for key in (keys or ())]


def _id(field: str, kind: Kind, key: str, resolve: Resolver) -> int:
    found = resolve(kind, key)
    if found is None:
        raise UnresolvedReference(field, kind, key)
    return found


def image_payload(image: Mapping[str, Any] | None, attachments: Mapping[str, int]) -> dict[str, Any]:
    """One image: ``{"id"}`` (+ ``alt``/``name`` so an edited alt text reaches the shared attachment) for
    an attachment wcsync uploaded before, else ``{"src", "alt", "name"}``; ``None`` → ``{}`` (removes)."""
    if not image:
        return {}
    src = str(image.get("src") or "")
    out: dict[str, Any] = {}
    if src in attachments:
        out["id"] = attachments[src]
    elif image.get("id"):
        out["id"] = int(image["id"])
    else:
        out["src"] = src
    if image.get("alt") is not None:
        out["alt"] = str(image["alt"])
    if image.get("name"):
        out["name"] = str(image["name"])
    return out


def attributes_payload(attrs: Iterable[Mapping[str, Any]], resolve: Resolver) -> list[dict[str, Any]]:
    """Product attributes in order (``position`` = index); global by id, local by name."""
    out: list[dict[str, Any]] = []
    for position, attr in enumerate(attrs):
        row: dict[str, Any] = {}
        slug = attr.get("slug")
        if slug:
            row["id"] = _id("attributes", Kind.ATTRIBUTE, str(slug), resolve)
        else:
            row["name"] = str(attr["name"])
        row["options"] = [str(o) for o in attr.get("options") or ()]
        row["visible"] = bool(attr.get("visible", True))
        row["variation"] = bool(attr.get("variation", False))
        row["position"] = position
        out.append(row)
    return out


def option_refs(field: str, values: Mapping[str, Any] | None, resolve: Resolver) -> list[dict[str, Any]]:
    """``{"pa_color": "Red", "Fit": "Slim"}`` → ``[{"id": 3, "option": "Red"}, {"name": "Fit", …}]``."""
    out: list[dict[str, Any]] = []
    for ref, option in (values or {}).items():
        if is_global_ref(ref):
            out.append({"id": _id(field, Kind.ATTRIBUTE, strip_pa(ref), resolve), "option": str(option)})
        else:
            out.append({"name": ref, "option": str(option)})
    return out


def meta_rows(meta: Mapping[str, Any] | None, deletes: Iterable[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"key": k, "value": v} for k, v in (meta or {}).items()]
    rows.extend({"key": k, "value": None} for k in deletes)
    return rows


def desired(change: Change) -> dict[str, Any]:
    """The change's desired values by field (``after``)."""
    return change.desired_values()


def _int_default(spec: FieldSpec) -> int | None:
    return spec.default if isinstance(spec.default, int) and not isinstance(spec.default, bool) else None


def wire_value(spec: FieldSpec, value: Any) -> Any:
    """A scalar field's canonical value as WooCommerce takes it, by the field's canonical type: money and
    decimals as text (``""`` clears), dimensions as text per axis, a shipping class by slug (``""`` for none),
    text ``""`` for None, an int None as its default (``menu_order`` 0)."""
    ftype = spec.type
    if ftype == "money":
        return money(value)
    if ftype == "decimal":
        return decimal_text(value)
    if ftype == "dict":
        dims = value or {}
        return {k: decimal_text(dims.get(k)) for k in ("length", "width", "height")}
    if ftype == "ref" and spec.ref is Kind.SHIPPING_CLASS:
        return value or ""
    if ftype in ("text", "html"):
        return "" if value is None else str(value)
    if ftype == "int":
        return _int_default(spec) if value is None else int(value)
    return value


def _common(name: str, value: Any, kind: Kind = Kind.PRODUCT) -> Any:
    spec = TABLES[kind].get(name)
    return value if spec is None else wire_value(spec, value)


def product_payload(change: Change, resolve: Resolver, *, omit: Iterable[str] = ()) -> dict[str, Any]:
    """Create/update body of a product (``omit``: link fields deferred to the second pass)."""
    values = desired(change)
    skip = set(omit)
    body: dict[str, Any] = {}
    if change.action is Action.CREATE:
        body["sku"] = change.key
    for name, value in values.items():
        if name in skip or name == "meta":
            continue
        spec = TABLES[Kind.PRODUCT].get(name)
        if spec is not None and spec.type == "refs" and spec.ref is not None and name not in _LINK_WIRE:
            body[spec.wire] = _ids(name, spec.ref, value, resolve)  # categories, tags, brands: [{"id": N}]
            if name == "brands" and not body[spec.wire]:
                # ``brands: []`` changes nothing (11#100); an unknown id 0 is skipped by wp_set_object_terms,
                # which still replaces the product's brands: no brand left
                body[spec.wire] = [{"id": 0}]
        elif name == "images":
            body["images"] = [image_payload(img, change.attachments) for img in value or ()]
        elif name == "attributes":
            body["attributes"] = attributes_payload(value or (), resolve)
        elif name == "default_attributes":
            body["default_attributes"] = option_refs(name, value, resolve)
        elif name in _LINK_WIRE:
            body[_LINK_WIRE[name]] = [_id(name, Kind.PRODUCT, k, resolve) for k in value or ()]
        elif name == "downloads":
            body["downloads"] = downloads_payload(change)
        else:
            body[name] = _common(name, value)
    _add_meta(body, change, values)
    return body


def downloads_payload(change: Change) -> list[dict[str, str]]:
    """``[{name, file}]``; a file the live product already offers is sent with its id, which keeps it (without
    it WooCommerce makes a new UUID, 11#114-115, and customers' download permissions name the old one)."""
    fc = next(fc for fc in change.changes if fc.field == "downloads")
    ids = {str(d.get("file")): str(d["id"]) for d in fc.before or () if isinstance(d, dict) and d.get("id")}
    out = []
    for d in fc.after or ():
        item = {"name": str(d.get("name") or ""), "file": str(d.get("file") or "")}
        if item["file"] in ids:
            item = {"id": ids.pop(item["file"]), **item}
        out.append(item)
    return out


def variation_payload(change: Change, resolve: Resolver) -> dict[str, Any]:
    values = desired(change)
    body: dict[str, Any] = {}
    for name, value in values.items():
        if name == "meta":
            continue
        if name == "image":
            body["image"] = image_payload(value, change.attachments)
        elif name == "attributes":
            body["attributes"] = option_refs(name, value, resolve)
        elif name == "sku":
            body["sku"] = value or ""
        elif name == "downloads":
            body["downloads"] = downloads_payload(change)
        else:
            body[name] = _common(name, value, Kind.VARIATION)
    _add_meta(body, change, values)
    return body


def _add_meta(body: dict[str, Any], change: Change, values: Mapping[str, Any]) -> None:
    rows = meta_rows(values.get("meta"), change.meta_deletes)
    if rows:
        body["meta_data"] = rows


def term_payload(change: Change, resolve: Resolver) -> dict[str, Any]:
    """Tag, attribute term and shipping class (``name, slug, description, menu_order``)."""
    body = {name: _common(name, value, change.kind) for name, value in desired(change).items()}
    if change.action is Action.CREATE:
        body.setdefault("slug", change.key.rsplit("/", 1)[-1])
    return body


def category_payload(change: Change, resolve: Resolver) -> dict[str, Any]:
    """Category or brand (the same shape, 11#94)."""
    body: dict[str, Any] = {}
    for name, value in desired(change).items():
        if name == "parent":
            body["parent"] = 0 if not value else _id(name, change.kind, str(value), resolve)
        elif name == "image":
            body["image"] = image_payload(value, change.attachments)
        else:
            body[name] = _common(name, value, Kind.CATEGORY)
    if change.action is Action.CREATE:
        body.setdefault("slug", change.key.rsplit("/", 1)[-1])
    return body


def attribute_payload(change: Change, resolve: Resolver) -> dict[str, Any]:
    """Global attribute. The slug is always sent: renaming an attribute without it renames its slug."""
    body = {name: _common(name, value, Kind.ATTRIBUTE) for name, value in desired(change).items()}
    body.setdefault("slug", change.key)
    return body


def link_payload(links: Mapping[str, Iterable[str]], resolve: Resolver) -> dict[str, Any]:
    return {_LINK_WIRE[f]: [_id(f, Kind.PRODUCT, k, resolve) for k in keys] for f, keys in links.items()}


BUILDERS: dict[Kind, Callable[[Change, Resolver], dict[str, Any]]] = {
    Kind.ATTRIBUTE: attribute_payload,
    Kind.TERM: term_payload,
    Kind.CATEGORY: category_payload,
    Kind.BRAND: category_payload,
    Kind.TAG: term_payload,
    Kind.SHIPPING_CLASS: term_payload,
    Kind.PRODUCT: product_payload,
    Kind.VARIATION: variation_payload,
}


class WireEncoder:
    """The engine's ``Encoder`` (``wcsync.engine.model``): the request bodies above."""

    def body(self, change: Change, resolve: Resolver, omit: Iterable[str] = ()) -> dict[str, Any]:
        if change.kind is Kind.PRODUCT:
            return product_payload(change, resolve, omit=omit)
        return BUILDERS[change.kind](change, resolve)

    def links(self, links: Mapping[str, Iterable[str]], resolve: Resolver) -> dict[str, Any]:
        return link_payload(links, resolve)


#: what apply encodes with (``wcsync.engine.execute(…, encoder=ENCODER)``)
ENCODER = WireEncoder()
