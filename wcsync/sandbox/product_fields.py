"""Input rules shared by products and variations: the schema checks of single requests (400
``rest_invalid_param`` bodies as captured), the looser coercion of batch items, prices, stock, dates,
``meta_data`` merging and SKU uniqueness."""

from __future__ import annotations

import datetime as _dt
import re
import sqlite3
import uuid
from typing import Any

from wcsync.core.canonical import meta_value, sku_key
from wcsync.core.fields import TABLES
from wcsync.core.kinds import Kind
from wcsync.sandbox import store
from wcsync.sandbox.db import iso, next_id, now, unix
from wcsync.sandbox.errors import ApiError, invalid_type, not_in_enum
from wcsync.sandbox.text import format_decimal, post_html, sanitize_sku, to_float

_PRODUCT = TABLES[Kind.PRODUCT]
STATUSES = ["draft", "pending", "private", "publish", "future", "auto-draft", "trash"]
TYPES = ["simple", "grouped", "external", "variable"]
# the enums and the product fields of each wire type, from wcsync's field table (the REST schema's)
BACKORDERS = list(_PRODUCT["backorders"].choices)
VISIBILITY = list(_PRODUCT["catalog_visibility"].choices)
TAX_STATUS = list(_PRODUCT["tax_status"].choices)
TAX_CLASSES = {"": "", "standard": "", "reduced-rate": "reduced-rate", "zero-rate": "zero-rate"}
BOOLEANS = tuple(s.wire for s in _PRODUCT.values() if s.type == "bool")
STRINGS = (*(s.wire for s in _PRODUCT.values() if s.type in ("money", "html", "text") and s.name != "name"),
           "sku", "shipping_class", "slug", "post_password")
#: internal meta keys WooCommerce routes to setters instead of storing a row
META_SETTERS = {"_regular_price": "regular_price", "_sale_price": "sale_price", "_sku": "sku",
                "_weight": "weight", "_stock_status": "stock_status", "_tax_class": "tax_class",
                "_tax_status": "tax_status", "_purchase_note": "purchase_note", "_backorders": "backorders"}


def _bool_ok(value: Any) -> bool:
    return value in (True, False, 0, 1, "0", "1", "true", "false", "")


def to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def validate(data: dict[str, Any], *, variation: bool = False) -> None:
    """The schema checks of a single POST/PUT (batch items skip them)."""
    for name in ("regular_price", "sale_price", "sku", "description", "short_description"):
        if name in data and data[name] is not None and not isinstance(data[name], str):
            raise invalid_type(name, "string")
    if "status" in data:
        allowed = ["draft", "pending", "private", "publish"] if variation else STATUSES
        if data["status"] not in allowed:
            raise not_in_enum("status", allowed)
    if not variation and "type" in data and data["type"] not in TYPES:
        raise not_in_enum("type", TYPES)
    if "stock_quantity" in data and data["stock_quantity"] is not None:
        value = data["stock_quantity"]
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value) is not None)
        if not ok:
            raise invalid_type("stock_quantity", "integer")
    for name in ("meta_data", "images", "downloads", "brands", "upsell_ids", "cross_sell_ids", "categories", "tags", "attributes",
                 "default_attributes", "grouped_products"):
        if name in data and not isinstance(data[name], list):
            raise invalid_type(name, "array")
    for name in BOOLEANS:
        if name in data and not _bool_ok(data[name]):
            raise invalid_type(name, "boolean")
    for name, values in (("backorders", BACKORDERS), ("catalog_visibility", VISIBILITY),
                         ("tax_status", TAX_STATUS)):
        if name in data and data[name] not in values:
            raise not_in_enum(name, values)
    if "weight" in data and data["weight"] is not None and not isinstance(data["weight"], str):
        raise invalid_type("weight", "string")
    if "dimensions" in data:
        dims = data["dimensions"]
        if not isinstance(dims, dict):
            raise invalid_type("dimensions", "object")
        for key, value in dims.items():
            if not isinstance(value, str):
                message = f"dimensions[{key}] is not of type string."
                raise ApiError(400, "rest_invalid_param", "Invalid parameter(s): dimensions", {
                    "params": {"dimensions": message},
                    "details": {"dimensions": {"code": "rest_invalid_type", "message": message,
                                               "data": {"param": f"dimensions[{key}]"}}}})
    if "menu_order" in data and not isinstance(data["menu_order"], int | str):
        raise invalid_type("menu_order", "integer")
    if not variation and isinstance(data.get("brands"), list):
        for index, entry in enumerate(data["brands"]):
            if not isinstance(entry, dict):
                message = f"brands[{index}] is not of type object."
                raise ApiError(400, "rest_invalid_param", "Invalid parameter(s): brands", {
                    "params": {"brands": message},
                    "details": {"brands": {"code": "rest_invalid_type", "message": message,
                                           "data": {"param": f"brands[{index}]"}}}})


def as_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def as_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def parse_date(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return text + "T00:00:00"
        moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def apply_common(props: dict[str, Any], data: dict[str, Any], conn: sqlite3.Connection) -> None:
    """Fields products and variations share (prices, stock, shipping, tax, dates, texts)."""
    for name in ("regular_price", "sale_price"):
        if name in data:
            props[name] = format_decimal(as_str(data[name]))
    if props.get("sale_price"):  # WC_Product::validate_props: a sale price must be below the regular one
        sale, regular = to_float(props["sale_price"]), to_float(props.get("regular_price") or "0")
        if sale is not None and (regular or 0.0) <= sale:
            props["sale_price"] = ""
    for name in ("date_on_sale_from", "date_on_sale_to"):
        if name in data:
            props[name] = parse_date(data[name])
    for name in ("virtual", "downloadable", "manage_stock"):
        if name in data:
            props[name] = to_bool(data[name])
    if "description" in data:
        props["description"] = post_html(as_str(data["description"]))
    if "tax_status" in data and data["tax_status"] in TAX_STATUS:
        props["tax_status"] = data["tax_status"]
    if "tax_class" in data:
        value = as_str(data["tax_class"])
        if value == "parent" and "image_id" in props:  # variations inherit the parent's class
            props["tax_class"] = "parent"
        else:
            props["tax_class"] = TAX_CLASSES.get(value, "")
    if "backorders" in data and data["backorders"] in BACKORDERS:
        props["backorders"] = data["backorders"]
    if "low_stock_amount" in data:
        props["low_stock_amount"] = as_int(data["low_stock_amount"])
    if "weight" in data:
        props["weight"] = as_str(data["weight"])
    if isinstance(data.get("dimensions"), dict):
        dims = dict(props.get("dimensions") or {"length": "", "width": "", "height": ""})
        for key in ("length", "width", "height"):
            if key in data["dimensions"]:
                dims[key] = as_str(data["dimensions"][key])
        props["dimensions"] = dims
    if "shipping_class" in data:
        row = conn.execute("SELECT id FROM sb_terms WHERE taxonomy = 'product_shipping_class' AND slug = ?",
                           (as_str(data["shipping_class"]),)).fetchone()
        props["shipping_class_id"] = int(row["id"]) if row else 0
    if "menu_order" in data and (as_int(data["menu_order"]) or "image_id" not in props):
        # the variations controller sets menu_order only when truthy: 0 leaves it as it was (11#39-42)
        props["menu_order"] = as_int(data["menu_order"]) or 0
    if "stock_status" in data and data["stock_status"] in ("instock", "outofstock", "onbackorder"):
        props["stock_status"] = data["stock_status"]
    if isinstance(data.get("downloads"), list):
        props["downloads"] = downloads(data["downloads"])
    for name in ("download_limit", "download_expiry"):
        if name in data:  # WC_Product::set_download_limit / set_download_expiry
            number = as_int(data[name])
            props[name] = -1 if number is None or number == -1 else abs(number)


def downloads(entries: list[Any]) -> list[dict[str, str]]:
    """``WC_REST_Products_Controller::save_downloadable_files``: entries without a file are dropped, a sent
    ``id`` is kept, a missing one gets a new UUID (so re-sending a download without its id renews it,
    11#112-115); the name defaults to the file's base name."""
    out = []
    for entry in entries:
        if not isinstance(entry, dict) or not as_str(entry.get("file")).strip():
            continue
        file = as_str(entry["file"]).strip()
        name = as_str(entry.get("name")) or file.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        out.append({"id": as_str(entry.get("id")) or str(uuid.uuid4()), "name": name, "file": file})
    return out


def apply_stock(props: dict[str, Any], data: dict[str, Any]) -> None:
    if props.get("manage_stock"):
        if "stock_quantity" in data:
            props["stock_quantity"] = as_int(data["stock_quantity"])
        if "inventory_delta" in data and as_int(data["inventory_delta"]) is not None:
            props["stock_quantity"] = int(props.get("stock_quantity") or 0) + int(as_int(data["inventory_delta"]) or 0)
        # WC_Product::validate_props stores the status of a managed stock (a quantity never sent stays null
        # and counts as 0, 11#46); an unmanaged product keeps the status it had (11#50)
        above = int(props.get("stock_quantity") or 0) > 0
        props["stock_status"] = "instock" if above else (
            "onbackorder" if props.get("backorders", "no") != "no" else "outofstock")
    else:  # WC_Product::validate_props
        props["stock_quantity"] = None
        props["backorders"] = "no"
        props["low_stock_amount"] = None


def merge_meta(conn: sqlite3.Connection, props: dict[str, Any], entries: list[Any]) -> None:
    """WooCommerce's ``update_meta_data`` loop: by id, or by key (first row updated, other rows with the key
    removed), an unknown id adds the key uniquely, a null or missing value deletes."""
    meta: list[dict[str, Any]] = props.setdefault("meta", [])
    for entry in entries:
        if not isinstance(entry, dict) or "key" not in entry:
            continue
        key = as_str(entry["key"])
        value = entry.get("value")
        if key in META_SETTERS:
            if value is not None:
                props[META_SETTERS[key]] = format_decimal(as_str(value)) if "price" in key else as_str(value)
            continue
        meta_id = entry.get("id")
        target = next((m for m in meta if m.get("id") == meta_id), None) if meta_id else None
        if target is None:
            # by key (or an unknown id): the first row with the key is kept and updated, the others go
            same_key = [m for m in meta if m["key"] == key]
            if same_key and not meta_id:
                target = same_key[0]
            for extra in same_key[0 if meta_id else 1:]:
                meta.remove(extra)
        if target is not None:
            target["key"] = key
            target["value"] = value
        else:
            meta.append({"id": None, "key": key, "value": value})
    kept = []
    for item in meta:
        if item["value"] is None:
            continue
        # what a meta value reads back as (scalars as strings, arrays and objects through PHP, 05#7, 11#1-4): the
        # planner's canonical form, one implementation (a null value was dropped above: it deletes the row)
        item["value"] = meta_value(item["value"])
        if item["id"] is None:
            item["id"] = next_id(conn, "meta")
        kept.append(item)
    props["meta"] = kept


def add_meta(conn: sqlite3.Connection, props: dict[str, Any], key: str, value: str) -> None:
    props.setdefault("meta", []).append({"id": next_id(conn, "meta"), "key": key, "value": value})


def check_sku(conn: sqlite3.Connection, props: dict[str, Any], data: dict[str, Any], post_id: int | None) -> None:
    """Set ``sku`` from ``data``: sanitised, unique (case-insensitive) among live products and variations."""
    if "sku" not in data:
        return
    sku = sanitize_sku(as_str(data["sku"]))
    if sku and len(sku) <= 100 and sku_key(sku) != sku_key(str(props.get("sku", ""))):
        holder = store.sku_holder(conn, sku, post_id, include_trash=False)
        if holder is not None:
            number = 1
            while store.sku_holder(conn, f"{sku}-{number}", None, include_trash=False) is not None:
                number += 1
            raise ApiError(400, "product_invalid_sku", "Invalid or duplicated SKU.",
                           {"resource_id": holder, "unique_sku": f"{sku}-{number}"})
    props["sku"] = sku


def check_gtin(conn: sqlite3.Connection, props: dict[str, Any], data: dict[str, Any], post_id: int | None) -> None:
    """``global_unique_id`` (GTIN/UPC/EAN/ISBN), as ``WC_Product::set_global_unique_id`` sets it: characters
    other than digits, ``-`` and ``X``/``x`` are dropped, an ``X`` anywhere but last is refused
    (``product_invalid_global_unique_id_format``); unique among live products and variations, like the SKU
    (11#108-111, API notes §5.5)."""
    if "global_unique_id" not in data:
        return
    value = re.sub(r"[^0-9Xx-]", "", as_str(data["global_unique_id"]))
    if value and not re.fullmatch(r"[0-9-]*[0-9Xx]?", value):
        raise ApiError(400, "product_invalid_global_unique_id_format", "Invalid GTIN, UPC, EAN, or ISBN. The letter X "
                       "is only valid as the final ISBN-10 check digit.")
    if value:
        row = conn.execute(
            "SELECT id FROM sb_posts WHERE json_extract(data, '$.global_unique_id') = ? AND status != 'trash' "
            "AND post_type IN ('product', 'product_variation') AND id != ? ORDER BY id LIMIT 1",
            (value, post_id or 0),
        ).fetchone()
        if row is not None:
            raise ApiError(400, "product_invalid_global_unique_id", "Invalid or duplicated GTIN, UPC, EAN or ISBN.",
                           {"resource_id": int(row[0])})
    props["global_unique_id"] = value


def check_lookup(conn: sqlite3.Connection, sku: str) -> None:
    """A new product may not take the SKU of a trashed one (WooCommerce's product lookup table)."""
    if not sku or len(sku) > 100:
        return
    row = conn.execute(
        "SELECT id FROM sb_posts WHERE sku_lower = ? AND status = 'trash' AND post_type IN ('product', "
        "'product_variation') LIMIT 1", (sku_key(sku),)
    ).fetchone()
    if row is not None:
        raise ApiError(400, "woocommerce_rest_product_not_created",
                       f"The product with SKU ({sku}) you are trying to insert is already present in the lookup "
                       "table")


def trash(conn: sqlite3.Connection, post_id: int, props: dict[str, Any], row: sqlite3.Row) -> None:
    """WordPress ``wp_trash_post``: status ``trash``, the ``_wp_trash_meta_*`` rows, and for a post with a slug
    ``_wp_desired_post_slug`` + the ``__trashed`` suffix (products 05#125; variations 11#27)."""
    add_meta(conn, props, "_wp_trash_meta_status", str(props.get("status", "publish")))
    add_meta(conn, props, "_wp_trash_meta_time", str(unix(now())))
    if props.get("slug"):
        add_meta(conn, props, "_wp_desired_post_slug", props["slug"])
        props["slug"] = props["slug"] + "__trashed"
    props["status"] = "trash"
    store.save(conn, post_id, row["post_type"], row["parent_id"], props, created=row["date_created"],
               modified=iso(now()) or "", price=str(row["price"] or ""))
