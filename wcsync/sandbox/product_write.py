"""Creating, updating, trashing and deleting products, with WooCommerce's rules: single requests are
schema-checked while batch items are coerced; names/slugs/HTML sanitised; categories by id only (else
Uncategorized), tags by id or name; global attributes by id (options become terms); images sideloaded;
SKU uniqueness and the trashed-SKU lookup refusal; trash (``__trashed`` slug, trash meta) and restore.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote

from wcsync.sandbox import images, pricing, products, store, terms
from wcsync.sandbox.db import DEFAULT_CATEGORY_ID, iso, next_id, now
from wcsync.sandbox.errors import ApiError
from wcsync.sandbox.http import Ctx
from wcsync.sandbox.product_fields import (
    STATUSES,
    TYPES,
    apply_common,
    apply_stock,
    as_int,
    as_str,
    check_gtin,
    check_lookup,
    check_sku,
    merge_meta,
    to_bool,
    trash,
    validate,
)
from wcsync.sandbox.text import (
    decode_entities,
    post_html,
    product_name,
    sanitize_text_field,
    sanitize_title,
    term_name,
    to_float,
)

DRAFTS = ("draft", "pending", "auto-draft")


def _coerce_batch(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "status" in data and data["status"] not in STATUSES:
        data["status"] = "draft"
    if "type" in data and data["type"] not in TYPES:
        data["type"] = "simple"
    return data


def _ids(values: Any) -> list[int]:
    out = []
    for value in values if isinstance(values, list) else []:
        number = as_int(value.get("id") if isinstance(value, dict) else value)
        if number is not None:
            out.append(number)
    return out


def _apply_images(ctx: Ctx, props: dict[str, Any], value: Any, parent_id: int) -> None:
    ids = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict):
            continue
        image_id = as_int(entry.get("id")) or 0
        if image_id:
            if not images.is_attachment(ctx.conn, image_id):
                raise ApiError(400, "woocommerce_product_invalid_image_id", f"#{image_id} is an invalid image ID.")
            images.edit(ctx.conn, image_id, name=entry.get("name") or None, alt=entry.get("alt") or None)
            ids.append(image_id)
            continue
        src = entry.get("src")
        if not src:
            continue
        try:
            ids.append(images.sideload(ctx.conn, as_str(src), parent_id=parent_id, name=entry.get("name") or None,
                                       alt=entry.get("alt")))
        except images.ImageError as err:
            raise ApiError(400, "woocommerce_product_image_upload_error", str(err)) from err
    props["image_ids"] = ids


def _attribute_options(ctx: Ctx, attribute_id: int, options: list[Any]) -> list[int]:
    taxonomy = f"pa:{attribute_id}"
    out: list[int] = []
    for option in options:
        text = term_name(as_str(option))
        if not text:
            continue
        slug = sanitize_title(text)
        row = ctx.conn.execute("SELECT id FROM sb_terms WHERE taxonomy = ? AND slug = ?", (taxonomy, slug)).fetchone()
        term_id = int(row["id"]) if row else terms.find_or_create_by_name(ctx, taxonomy, as_str(option))
        if term_id not in out:
            out.append(term_id)
    return out


def _apply_attributes(ctx: Ctx, props: dict[str, Any], value: Any) -> None:
    stored = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict):
            continue
        attribute_id = as_int(entry.get("id")) or 0
        common = {"position": as_int(entry.get("position")) or 0,
                  "visible": to_bool(entry.get("visible", False)),
                  "variation": to_bool(entry.get("variation", False))}
        options = entry.get("options", [])
        if isinstance(options, str):
            options = [o.strip() for o in options.split("|")]
        if attribute_id:
            if ctx.conn.execute("SELECT 1 FROM sb_attributes WHERE id = ?", (attribute_id,)).fetchone() is None:
                continue
            term_ids = _attribute_options(ctx, attribute_id, [o for o in options if as_str(o).strip()])
            if term_ids:
                stored.append({"id": attribute_id, "name": "", "options": term_ids, **common})
        elif entry.get("name") and "options" in entry:
            name = sanitize_text_field(as_str(entry["name"]))
            stored.append({"id": 0, "name": name, "options": text_options([as_str(o) for o in options]), **common})
    props["attributes"] = stored


def text_options(options: list[str]) -> list[str]:
    """A local attribute's options as WooCommerce reads them back: stored joined by ``" | "``
    (``wc_implode_text_attributes``) and split again by ``wc_get_text_attributes`` (entities decoded, parts
    trimmed, empty parts dropped), so an option containing ``|`` becomes two (11#68)."""
    joined = decode_entities(" | ".join(options))
    return [part.strip() for part in joined.split("|") if part.strip() != ""]


def _apply_default_attributes(ctx: Ctx, props: dict[str, Any], value: Any) -> None:
    """Only attributes the product has with ``variation: true`` are kept; a global option (a term name)
    is stored as the term's slug (falling back to the sanitised option)."""
    variation_ids = {a["id"] for a in props.get("attributes", []) if a.get("id") and a.get("variation")}
    variation_names = {sanitize_title(a["name"]) for a in props.get("attributes", [])
                       if not a.get("id") and a.get("variation")}
    stored = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict):
            continue
        attribute_id = as_int(entry.get("id")) or 0
        option = as_str(entry.get("option", ""))
        if attribute_id:
            if attribute_id not in variation_ids:
                continue
            row = ctx.conn.execute("SELECT slug, name FROM sb_terms WHERE taxonomy = ?", (f"pa:{attribute_id}",))
            slug = next((t["slug"] for t in row.fetchall() if t["name"].casefold() == option.casefold()), None)
            stored.append({"id": attribute_id, "option": slug or sanitize_title(option)})
        elif entry.get("name") and sanitize_title(as_str(entry["name"])) in variation_names:
            stored.append({"id": 0, "name": as_str(entry["name"]), "option": option})
    props["default_attributes"] = stored


def _apply(ctx: Ctx, props: dict[str, Any], data: dict[str, Any], post_id: int, *, creating: bool) -> None:
    conn = ctx.conn
    if "type" in data:
        new_type = data["type"]
        if props.get("type") == "variable" and new_type != "variable" and not creating:
            for child in store.children(conn, post_id, include_trash=True):  # WooCommerce deletes them
                _purge(conn, child["id"])
        props["type"] = new_type
    if "name" in data:
        props["name"] = product_name(as_str(data["name"]))
    if "status" in data:
        props["status"] = data["status"]
    if "featured" in data:
        props["featured"] = to_bool(data["featured"])
    for key in ("catalog_visibility",):
        if key in data:
            props[key] = data[key]
    for key in ("short_description", "purchase_note"):
        if key in data:
            props[key] = post_html(as_str(data[key]))
    for key in ("sold_individually", "reviews_allowed"):
        if key in data:
            props[key] = to_bool(data[key])
    if "post_password" in data:
        props["post_password"] = as_str(data["post_password"])
    apply_common(props, data, conn)
    kind = props["type"]
    if kind in ("variable", "grouped"):  # every save blanks a parent's own prices and sale dates
        props["regular_price"] = props["sale_price"] = ""
        props["date_on_sale_from"] = props["date_on_sale_to"] = None
    if kind == "grouped":
        props["manage_stock"] = False
    if kind == "variable":
        props["virtual"] = props["downloadable"] = False
    if kind == "external":
        if to_bool(data.get("manage_stock", False)):
            raise ApiError(400, "product_external_invalid_manage_stock", "External products cannot be stock managed.")
        if "external_url" in data:
            props["external_url"] = _esc_url(as_str(data["external_url"]))
        if "button_text" in data:
            props["button_text"] = sanitize_text_field(as_str(data["button_text"]))
        props["manage_stock"] = False
    apply_stock(props, data)
    if kind == "grouped" and "grouped_products" in data:
        props["grouped_products"] = _ids(data["grouped_products"])
    for key in ("upsell_ids", "cross_sell_ids"):
        if key in data:
            props[key] = [i for i in _ids(data[key]) if i > 0]
    check_sku(conn, props, data, None if creating else post_id)
    check_gtin(conn, props, data, None if creating else post_id)
    if "attributes" in data:
        _apply_attributes(ctx, props, data["attributes"])
    if "default_attributes" in data:
        _apply_default_attributes(ctx, props, data["default_attributes"])
    if "images" in data:
        _apply_images(ctx, props, data["images"], 0 if creating else post_id)
    if isinstance(data.get("meta_data"), list):
        merge_meta(conn, props, data["meta_data"])


def _brand_ids(conn: sqlite3.Connection, brands: list[Any]) -> list[int]:
    """``WC_Brands::rest_api_add_brands_to_product``: ``[{"id": N}, …]`` or (a batch item, not schema-checked)
    plain ids, then ``wp_set_object_terms`` replaces the product's brands, skipping unknown ids."""
    by_object = isinstance(brands[0], dict) and "id" in brands[0]
    ids = [abs(as_int(b.get("id") if isinstance(b, dict) else None if by_object else b) or 0) for b in brands]
    return [i for i in ids if i and conn.execute(
        "SELECT 1 FROM sb_terms WHERE id = ? AND taxonomy = 'product_brand'", (i,)).fetchone()]


def _esc_url(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = "http://" + value
    return quote(value, safe="/:?&=#%+~@!$'()*,;[]")


def _slug(ctx: Ctx, props: dict[str, Any], data: dict[str, Any], post_id: int, old_status: str | None) -> None:
    if data.get("slug"):
        props["slug"] = sanitize_title(as_str(data["slug"]))
    status = props.get("status")
    if status in DRAFTS:
        if not data.get("slug") and old_status in (None, *DRAFTS):
            props["slug"] = props.get("slug", "") if old_status else ""
        return
    if status == "trash":
        return
    if not props.get("slug"):
        props["slug"] = sanitize_title(str(props.get("name", "")))
    props["slug"] = store.unique_post_slug(ctx.conn, props["slug"], post_id)


def _save(ctx: Ctx, post_id: int, props: dict[str, Any], data: dict[str, Any], created: str,
          categories_sent: bool) -> None:
    conn = ctx.conn
    if categories_sent:
        ids = [i for i in _ids(data.get("categories")) if conn.execute(
            "SELECT 1 FROM sb_terms WHERE id = ? AND taxonomy = 'product_cat'", (i,)).fetchone()]
        store.set_terms(conn, post_id, "product_cat", ids)
    if not store.term_ids(conn, post_id, "product_cat"):
        store.set_terms(conn, post_id, "product_cat", [DEFAULT_CATEGORY_ID])
    if "tags" in data:
        tag_ids: list[int] = []
        for entry in data["tags"] if isinstance(data["tags"], list) else []:
            if not isinstance(entry, dict):
                continue
            number = as_int(entry.get("id"))
            if entry.get("name"):  # a name wins over an id (and creates the tag when missing)
                tag_ids.append(terms.find_or_create_by_name(ctx, "product_tag", as_str(entry["name"])))
            elif number and conn.execute("SELECT 1 FROM sb_terms WHERE id = ? AND taxonomy = 'product_tag'",
                                         (number,)).fetchone():
                tag_ids.append(number)
        store.set_terms(conn, post_id, "product_tag", tag_ids)
    brands = data.get("brands")
    if isinstance(brands, list) and brands:  # brands: [] leaves the brands alone (11#100)
        store.set_terms(conn, post_id, "product_brand", _brand_ids(conn, brands))
    option_ids = [t for attr in props.get("attributes", []) if attr.get("id") for t in attr["options"]]
    store.set_terms(conn, post_id, "pa:%", option_ids)
    store.set_terms(conn, post_id, "product_shipping_class",
                    [props["shipping_class_id"]] if props.get("shipping_class_id") else [])
    price = _order_price(ctx, post_id, props)
    store.save(conn, post_id, "product", 0, props, created=created, modified=iso(now()) or "", price=price)


def _order_price(ctx: Ctx, post_id: int, props: dict[str, Any]) -> str:
    if props["type"] == "grouped":
        return str(props.get("grouped_price", ""))
    if props["type"] == "variable":
        return ""
    return pricing.active_price(props, now())


def _grouped_price(ctx: Ctx, post_id: int, props: dict[str, Any]) -> None:
    """Lowest stored price among ``grouped_products`` (WooCommerce reads each child's ``_price``, the group's
    own included when it lists itself); not recomputed when a child changes later."""
    prices: list[tuple[float, str]] = []
    for child_id in props.get("grouped_products", []):
        if child_id == post_id:
            price = str(props.get("grouped_price", ""))
        else:
            loaded = store.load(ctx.conn, child_id)
            if loaded is None or loaded[0]["post_type"] != "product":
                continue
            price = str(products.computed(ctx, loaded[0], loaded[1])["price"])
        value = to_float(price)
        if value is not None:
            prices.append((value, price))
    props["grouped_price"] = min(prices)[1] if prices else ""


def create(ctx: Ctx, data: dict[str, Any], *, batch: bool = False) -> int:
    if batch:
        data = _coerce_batch(data)
    else:
        validate(data)
    props = store.load_defaults("product")
    post_id = next_id(ctx.conn, "post")
    _apply(ctx, props, data, post_id, creating=True)
    if not props.get("name"):
        props["name"] = "Product"
    _slug(ctx, props, data, post_id, None)
    if props["type"] == "grouped":
        _grouped_price(ctx, post_id, props)
    check_lookup(ctx.conn, props.get("sku", ""))
    stamp = iso(now()) or ""
    _save(ctx, post_id, props, data, stamp, True)
    return post_id


def update(ctx: Ctx, product_id: int, data: dict[str, Any], *, batch: bool = False) -> None:
    loaded = store.load(ctx.conn, product_id)
    if loaded is None or loaded[0]["post_type"] not in ("product", "product_variation"):
        raise products.invalid_id(400)
    row, props = loaded
    if row["post_type"] == "product_variation":
        raise ApiError(404, "woocommerce_rest_invalid_product_id",
                       "To manipulate product variations you should use the "
                       "/products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint.")
    if batch:
        data = _coerce_batch(data)
    else:
        validate(data)
    old_status = props.get("status")
    _apply(ctx, props, data, product_id, creating=False)
    if old_status == "trash" and props.get("status") not in ("trash", None):
        _restore(props)
    _slug(ctx, props, data, product_id, old_status)
    if props["type"] == "grouped":
        _grouped_price(ctx, product_id, props)
    _save(ctx, product_id, props, data, row["date_created"], "categories" in data)


def _restore(props: dict[str, Any]) -> None:
    desired = next((m["value"] for m in props.get("meta", []) if m["key"] == "_wp_desired_post_slug"), None)
    props["meta"] = [m for m in props.get("meta", []) if m["key"] != "_wp_desired_post_slug"]
    if desired is not None:
        props["slug"] = desired


def delete_product(ctx: Ctx, product_id: int, *, force: bool) -> dict[str, Any]:
    loaded = store.load(ctx.conn, product_id)
    if loaded is None or loaded[0]["post_type"] not in ("product", "product_variation"):
        raise products.invalid_id(404)
    row, props = loaded
    if row["post_type"] == "product_variation":
        raise ApiError(404, "woocommerce_rest_invalid_product_id",
                       "To manipulate product variations you should use the "
                       "/products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint.")
    body = products.body(ctx, product_id, context="edit")
    if force:
        for child in store.children(ctx.conn, product_id, include_trash=True):
            _purge(ctx.conn, child["id"])
        _purge(ctx.conn, product_id)
        return body
    if props.get("status") == "trash":
        raise ApiError(410, "woocommerce_rest_already_trashed", "The product has already been deleted.")
    trash(ctx.conn, product_id, props, row)
    for child in store.children(ctx.conn, product_id):
        loaded_child = store.load(ctx.conn, child["id"])
        assert loaded_child is not None
        trash(ctx.conn, child["id"], loaded_child[1], loaded_child[0])
    return body


def _purge(conn: sqlite3.Connection, post_id: int) -> None:
    conn.execute("DELETE FROM sb_term_relationships WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM sb_posts WHERE id = ?", (post_id,))
