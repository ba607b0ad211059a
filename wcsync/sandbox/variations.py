"""Variations (``/products/{id}/variations`` and the store-wide ``/variations``): attributes matched to the
parent's variation attributes (global ones by id or ``pa_`` name, options stored as term slugs and read
back as term names), the parent's SKU when a variation has none, trash vs force delete, names and
permalinks built from the options, and ``…/generate``."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote_plus

from wcsync.core.refs import global_ref
from wcsync.sandbox import images, pricing, product_fields, products, store
from wcsync.sandbox.db import iso, next_id, now
from wcsync.sandbox.errors import ApiError
from wcsync.sandbox.http import (
    Ctx,
    links,
)
from wcsync.sandbox.text import sanitize_text_field, sanitize_title, term_name, to_float, wpautop
from wcsync.sandbox.webhooks import product_event


def invalid_id() -> ApiError:
    return ApiError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")


def parent_attributes(conn: sqlite3.Connection, parent: dict[str, Any]) -> list[dict[str, Any]]:
    """The parent's variation attributes: key (``pa:<id>`` or sanitised name), id, name, slug, options."""
    out = []
    for attr in parent.get("attributes", []):
        if not attr.get("variation"):
            continue
        if attr.get("id"):
            row = conn.execute("SELECT * FROM sb_attributes WHERE id = ?", (attr["id"],)).fetchone()
            if row is None:
                continue
            terms = products.attribute_terms(conn, attr["id"], attr.get("options", []))
            out.append({"key": f"pa:{attr['id']}", "id": attr["id"], "name": row["name"], "slug": global_ref(row["slug"]),
                        "query": global_ref(row["slug"]), "options": [t["slug"] for t in terms]})
        else:
            key = sanitize_title(attr["name"])
            out.append({"key": key, "id": 0, "name": attr["name"], "slug": key, "query": key,
                        "options": list(attr.get("options", []))})
    return out


def load_parent(conn: sqlite3.Connection, parent_id: int) -> dict[str, Any]:
    loaded = store.load(conn, parent_id)
    return loaded[1] if loaded and loaded[0]["post_type"] == "product" else store.load_defaults("product")


def _term_name(conn: sqlite3.Connection, key: str, slug: str) -> str:
    row = conn.execute("SELECT name FROM sb_terms WHERE taxonomy = ? AND slug = ?", (key, slug)).fetchone()
    return str(row["name"]) if row else slug


def attributes_body(conn: sqlite3.Connection, props: dict[str, Any], parent: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for attr in parent_attributes(conn, parent):
        value = props.get("attributes", {}).get(attr["key"], "")
        if value == "":
            continue
        option = _term_name(conn, attr["key"], value) if attr["id"] else value
        out.append({"id": attr["id"], "name": attr["name"], "slug": attr["slug"], "option": option})
    return out


def _permalink(ctx: Ctx, parent_row: sqlite3.Row | None, parent: dict[str, Any], props: dict[str, Any]) -> str:
    base = products.permalink(ctx, parent_row, parent) if parent_row is not None else f"{ctx.base}/"
    pairs = [(f"attribute_{a['query']}", props.get("attributes", {}).get(a["key"], ""))
             for a in parent_attributes(ctx.conn, parent)]
    pairs = [(k, v) for k, v in pairs if v != ""]
    if not pairs:
        return base
    return base + "?" + "&".join(f"{k}={quote_plus(v)}" for k, v in pairs)


def _calc(props: dict[str, Any]) -> dict[str, Any]:
    moment = now()
    price = pricing.active_price(props, moment)
    return {"price": price, "on_sale": pricing.on_sale(props, moment),
            "purchasable": price != "" and props.get("status") == "publish"}


def body(ctx: Ctx, variation_id: int, *, context: str | None = None, deleted: bool = False) -> dict[str, Any]:
    loaded = store.load(ctx.conn, variation_id)
    assert loaded is not None
    row, props = loaded
    context = context or ctx.context()
    parent_loaded = store.load(ctx.conn, row["parent_id"])
    parent_row, parent = parent_loaded if parent_loaded else (None, store.load_defaults("product"))
    calc = _calc(props)
    # WC_Product_Variation getters fall back to the parent (even in edit context, see the API notes §6.3)
    shipping_class_id = props.get("shipping_class_id") or parent.get("shipping_class_id") or 0
    shipping = ctx.conn.execute("SELECT slug FROM sb_terms WHERE id = ? AND taxonomy = 'product_shipping_class'",
                                (shipping_class_id,)).fetchone()
    parent_dims = parent.get("dimensions") or {}
    dimensions = {k: v or parent_dims.get(k, "") for k, v in (props["dimensions"] or {}).items()}
    attrs = attributes_body(ctx.conn, props, parent)
    base = f"/products/{row['parent_id']}/variations"
    return {
        "id": row["id"], "type": "variation", "date_created": row["date_created"],
        "date_created_gmt": row["date_created"], "date_modified": row["date_modified"],
        "date_modified_gmt": row["date_modified"],
        "description": wpautop(props["description"]),  # the variations controller always formats it
        "permalink": _permalink(ctx, parent_row, parent, props), "sku": props["sku"] or parent.get("sku", ""),
        "global_unique_id": props.get("global_unique_id", ""), "price": calc["price"],
        "regular_price": props["regular_price"], "sale_price": props["sale_price"],
        "date_on_sale_from": props["date_on_sale_from"], "date_on_sale_from_gmt": props["date_on_sale_from"],
        "date_on_sale_to": props["date_on_sale_to"], "date_on_sale_to_gmt": props["date_on_sale_to"],
        "on_sale": calc["on_sale"], "status": props["status"], "purchasable": calc["purchasable"],
        "virtual": props["virtual"], "downloadable": props["downloadable"], "downloads": props["downloads"],
        "download_limit": props["download_limit"], "download_expiry": props["download_expiry"],
        "tax_status": props["tax_status"],
        "tax_class": ("" if props["tax_class"] == "parent" else props["tax_class"]) if context == "view"
        else props["tax_class"],
        **_stock(props, parent),
        "low_stock_amount": props["low_stock_amount"], "weight": props["weight"] or parent.get("weight", ""),
        "dimensions": dimensions, "shipping_class": shipping["slug"] if shipping else "",
        "shipping_class_id": shipping_class_id if shipping else 0,
        "image": images.image_body(ctx.conn, ctx.base, props["image_id"], full=False) if props["image_id"] else None,
        "gallery_image_ids": [], "attributes": attrs, "menu_order": props["menu_order"],
        "meta_data": products.meta_body(ctx, props["meta"]), "name": ", ".join(a["option"] for a in attrs),
        "parent_id": row["parent_id"],
        "_links": links(ctx, f"{base}/{row['id']}", base, allow=not deleted,
                        extra={"up": f"/products/{row['parent_id']}"}),
    }


def _stock(props: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
    """A variation that does not manage its stock reports ``manage_stock: "parent"`` and the parent's stock
    when the parent manages it (API notes §6.3)."""
    source = props
    manage: bool | str = bool(props["manage_stock"])
    if not props["manage_stock"] and parent.get("manage_stock"):
        source = {**props, "manage_stock": True, "stock_quantity": parent.get("stock_quantity"),
                  "backorders": parent.get("backorders", "no")}
        manage = "parent"
    return {"manage_stock": manage, "stock_quantity": source["stock_quantity"],
            "stock_status": products.stock_status(source), "backorders": source["backorders"],
            "backorders_allowed": source["backorders"] != "no", "backordered": products.backordered(source)}


def as_product(ctx: Ctx, row: sqlite3.Row, props: dict[str, Any], context: str) -> dict[str, Any]:
    """A variation read through ``/products/{id}`` (product-shaped, ``type: variation``)."""
    var = body(ctx, row["id"], context=context)
    parent_loaded = store.load(ctx.conn, row["parent_id"])
    parent_name = parent_loaded[1].get("name", "") if parent_loaded else ""
    name = f"{parent_name} - {var['name']}" if var["name"] else parent_name
    image = images.image_body(ctx.conn, ctx.base, props["image_id"], full=True) if props["image_id"] else None
    return {
        "id": row["id"], "name": name, "slug": sanitize_title(name), "permalink": var["permalink"],
        "date_created": var["date_created"], "date_created_gmt": var["date_created_gmt"],
        "date_modified": var["date_modified"], "date_modified_gmt": var["date_modified_gmt"], "type": "variation",
        "status": var["status"], "featured": False, "catalog_visibility": "visible", "description": var["description"],
        "short_description": "", "sku": var["sku"], "price": var["price"], "regular_price": var["regular_price"],
        "sale_price": var["sale_price"], "date_on_sale_from": var["date_on_sale_from"],
        "date_on_sale_from_gmt": var["date_on_sale_from_gmt"], "date_on_sale_to": var["date_on_sale_to"],
        "date_on_sale_to_gmt": var["date_on_sale_to_gmt"], "on_sale": var["on_sale"],
        "purchasable": var["purchasable"], "total_sales": "0", "virtual": var["virtual"],
        "downloadable": var["downloadable"], "downloads": var["downloads"], "download_limit": var["download_limit"],
        "download_expiry": var["download_expiry"], "external_url": "", "button_text": "",
        "tax_status": var["tax_status"], "tax_class": "" if props["tax_class"] == "parent" else props["tax_class"],
        "manage_stock": var["manage_stock"], "stock_quantity": var["stock_quantity"], "backorders": var["backorders"],
        "backorders_allowed": var["backorders_allowed"], "backordered": var["backordered"],
        "low_stock_amount": var["low_stock_amount"], "sold_individually": False, "weight": var["weight"],
        "dimensions": var["dimensions"], "shipping_required": not var["virtual"],
        "shipping_taxable": not var["virtual"] and var["tax_status"] in ("taxable", "shipping"),
        "shipping_class": var["shipping_class"], "shipping_class_id": var["shipping_class_id"],
        "reviews_allowed": False, "average_rating": "0.00" if context == "view" else "0", "rating_count": 0,
        "upsell_ids": [], "cross_sell_ids": [], "parent_id": row["parent_id"], "purchase_note": "",
        "categories": [], "brands": [], "tags": [], "images": [image] if image else [], "attributes": var["attributes"],
        "default_attributes": [], "variations": [], "grouped_products": [], "menu_order": var["menu_order"],
        "price_html": pricing.simple_html(props, var["price"], var["on_sale"]), "related_ids": [],
        "meta_data": var["meta_data"], "stock_status": var["stock_status"], "has_options": False,
        "post_password": "", "global_unique_id": var["global_unique_id"],
        "_links": links(ctx, f"/products/{row['id']}", "/products", extra={"up": f"/products/{row['parent_id']}"}),
    }


# --- writing ------------------------------------------------------------------------------------------


def apply(ctx: Ctx, parent_id: int, props: dict[str, Any], data: dict[str, Any], variation_id: int,
           *, creating: bool) -> None:
    conn = ctx.conn
    parent = load_parent(conn, parent_id)
    if "status" in data:
        props["status"] = data["status"] if data["status"] in ("draft", "pending", "private", "publish") else "publish"
    product_fields.apply_common(props, data, conn)
    product_fields.apply_stock(props, data)
    product_fields.check_sku(conn, props, data, None if creating else variation_id)
    product_fields.check_gtin(conn, props, data, None if creating else variation_id)
    if isinstance(data.get("attributes"), list):
        by_key = {}
        known = {a["query"]: a for a in parent_attributes(conn, parent)}
        for entry in data["attributes"]:
            if not isinstance(entry, dict):
                continue
            attribute_id = product_fields.as_int(entry.get("id")) or 0
            if attribute_id:
                row = conn.execute("SELECT slug FROM sb_attributes WHERE id = ?", (attribute_id,)).fetchone()
                query = global_ref(row["slug"]) if row else ""
            else:
                query = sanitize_title(product_fields.as_str(entry.get("name", "")))
            attr = known.get(query)
            if attr is None:
                continue
            value = sanitize_text_field(product_fields.as_str(entry.get("option", "")))  # wc_clean
            if attr["id"]:
                # get_term_by('name'): the name as WordPress stores it (entities encoded), compared by the
                # database's case-insensitive collation; the term's slug is stored (11#69-75)
                stored_name = term_name(value).casefold()
                found = conn.execute("SELECT slug, name FROM sb_terms WHERE taxonomy = ?", (attr["key"],)).fetchall()
                match = next((t["slug"] for t in found if t["name"].casefold() == stored_name), None)
                value = match or sanitize_title(value)
            by_key[attr["key"]] = value
        props["attributes"] = by_key
    if "image" in data:
        props["image_id"] = _image(ctx, data["image"], 0 if creating else variation_id)
    if isinstance(data.get("meta_data"), list):
        product_fields.merge_meta(conn, props, data["meta_data"])


def _image(ctx: Ctx, value: Any, parent_id: int) -> int:
    if not isinstance(value, dict) or not value:
        return 0
    image_id = product_fields.as_int(value.get("id")) or 0
    if image_id:
        if not images.is_attachment(ctx.conn, image_id):
            raise ApiError(400, "woocommerce_variation_invalid_image_id", f"#{image_id} is an invalid image ID.")
        images.edit(ctx.conn, image_id, name=value.get("name") or None, alt=value.get("alt") or None)
        return image_id
    if not value.get("src"):
        return 0
    try:
        return images.sideload(ctx.conn, str(value["src"]), parent_id=parent_id, name=value.get("name") or None,
                               alt=value.get("alt"))
    except images.ImageError as err:
        raise ApiError(400, "woocommerce_variation_image_upload_error", str(err)) from err


def save(ctx: Ctx, variation_id: int, parent_id: int, props: dict[str, Any], created: str) -> None:
    parent = load_parent(ctx.conn, parent_id)
    attrs = attributes_body(ctx.conn, props, parent)
    props["name"] = ", ".join(a["option"] for a in attrs)
    store.save(ctx.conn, variation_id, "product_variation", parent_id, props, created=created,
               modified=iso(now()) or "", price=pricing.active_price(props, now()))
    sync_or_defer(ctx, parent_id)


def sync_or_defer(ctx: Ctx, parent_id: int) -> None:
    """Sync the parent now, or at the end of the batch this request is (``Ctx.deferred_parents``)."""
    if ctx.deferred_parents is not None:
        ctx.deferred_parents.add(parent_id)
    else:
        sync_parent(ctx.conn, parent_id)


def sync_parent(conn: sqlite3.Connection, parent_id: int) -> None:
    """A variation save re-syncs (and so re-saves) its parent: new modified time, new lowest price."""
    prices = [pricing.active_price(p, now()) for p in products.child_props(conn, parent_id)]
    price = products.lowest(prices)
    conn.execute("UPDATE sb_posts SET date_modified = ?, price = ?, data = json_set(data, '$.synced_price', ?) "
                 "WHERE id = ? AND post_type = 'product'", (iso(now()), to_float(price), price, parent_id))


def create(ctx: Ctx, parent_id: int, data: dict[str, Any], *, batch: bool = False) -> int:
    if not batch:
        product_fields.validate(data, variation=True)
    if store.load(ctx.conn, parent_id) is None:
        raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    props = store.load_defaults("variation")
    variation_id = next_id(ctx.conn, "post")
    # no lookup-table refusal here: WooCommerce's variation data store creates without the SKU lock of
    # ``WC_Product_Data_Store_CPT::create`` (a trashed variation's SKU is reusable, 11#30-33)
    apply(ctx, parent_id, props, data, variation_id, creating=True)
    save(ctx, variation_id, parent_id, props, iso(now()) or "")
    product_event(ctx, variation_id, "created")
    return variation_id


def get_loaded(ctx: Ctx, parent_id: int, variation_id: int) -> tuple[sqlite3.Row, dict[str, Any]]:
    loaded = store.load(ctx.conn, variation_id)
    if loaded is None or loaded[0]["post_type"] != "product_variation" or loaded[0]["parent_id"] != parent_id:
        raise invalid_id()
    return loaded


def update(ctx: Ctx, parent_id: int, variation_id: int, data: dict[str, Any], *, batch: bool = False) -> None:
    row, props = get_loaded(ctx, parent_id, variation_id)
    if not batch:
        product_fields.validate(data, variation=True)
    apply(ctx, parent_id, props, data, variation_id, creating=False)
    save(ctx, variation_id, parent_id, props, row["date_created"])
    product_event(ctx, variation_id, "updated")


def delete(ctx: Ctx, parent_id: int, variation_id: int, *, force: bool) -> dict[str, Any]:
    row, props = get_loaded(ctx, parent_id, variation_id)
    if not force and props.get("status") == "trash":
        raise ApiError(410, "woocommerce_rest_already_trashed", "The product_variation has already been deleted.")
    result = body(ctx, variation_id, context="edit", deleted=force)
    if force:
        ctx.conn.execute("DELETE FROM sb_posts WHERE id = ?", (variation_id,))
    else:
        product_fields.trash(ctx.conn, variation_id, props, row)
        product_event(ctx, variation_id, "deleted")
    sync_or_defer(ctx, parent_id)
    return result
