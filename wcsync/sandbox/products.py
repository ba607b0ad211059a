"""Products (``/wc/v3/products``): how a stored product reads back (computed price, on_sale, stock status,
variable/grouped prices, view vs edit context, permalinks, ``_links``). Writing lives in ``product_write``,
the list in ``product_list``, the HTTP handlers in ``product_handlers``.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from wcsync.core.refs import global_ref
from wcsync.sandbox import images, pricing, store
from wcsync.sandbox.db import now
from wcsync.sandbox.errors import ApiError
from wcsync.sandbox.http import Ctx, links
from wcsync.sandbox.text import sanitize_title, to_float, wpautop


def invalid_id(status: int) -> ApiError:
    return ApiError(status, "woocommerce_rest_product_invalid_id", "Invalid ID.")


def stock_status(props: dict[str, Any]) -> str:
    if props.get("type") == "external":
        return "instock"
    if props.get("manage_stock"):
        if int(props.get("stock_quantity") or 0) > 0:
            return "instock"
        return "onbackorder" if props.get("backorders", "no") != "no" else "outofstock"
    return str(props.get("stock_status") or "instock")


def backordered(props: dict[str, Any]) -> bool:
    return bool(props.get("manage_stock")) and props.get("backorders", "no") != "no" and (
        props.get("stock_quantity") is not None and int(props["stock_quantity"]) <= 0)


def permalink(ctx: Ctx, row: sqlite3.Row, props: dict[str, Any]) -> str:
    if props.get("status") not in ("draft", "pending", "auto-draft", "future", "trash") and props.get("slug"):
        return f"{ctx.base}/product/{props['slug']}/"
    return f"{ctx.base}/?post_type=product&p={row['id']}"


def meta_body(ctx: Ctx, meta: list[dict[str, Any]]) -> list[dict[str, Any]]:
    include = [k for k in ctx.query.get("include_meta", "").split(",") if k]
    exclude = [k for k in ctx.query.get("exclude_meta", "").split(",") if k]
    out = []
    for entry in meta:
        if include and entry["key"] not in include:
            continue
        if entry["key"] in exclude:
            continue
        out.append({"id": entry["id"], "key": entry["key"], "value": entry["value"]})
    return out


def attribute_terms(conn: sqlite3.Connection, attribute_id: int, term_ids: list[int]) -> list[sqlite3.Row]:
    """The terms of a product's global attribute in the attribute's ``order_by`` order."""
    if not term_ids:
        return []
    marks = ",".join("?" * len(term_ids))
    rows = conn.execute(f"SELECT * FROM sb_terms WHERE taxonomy = ? AND id IN ({marks})",
                        (f"pa:{attribute_id}", *term_ids)).fetchall()
    attribute = conn.execute("SELECT order_by FROM sb_attributes WHERE id = ?", (attribute_id,)).fetchone()
    order_by = attribute["order_by"] if attribute else "menu_order"
    if order_by == "id":
        rows.sort(key=lambda r: r["id"])
    elif order_by in ("name", "name_num"):
        rows.sort(key=lambda r: (_natural(r["name"]) if order_by == "name_num" else r["name"].casefold(), r["id"]))
    else:  # the attribute's custom term order
        rows.sort(key=lambda r: (r["menu_order"], r["name"].casefold(), r["id"]))
    return rows


def _natural(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def attributes_body(conn: sqlite3.Connection, props: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for attr in props.get("attributes", []):
        if attr.get("id"):
            row = conn.execute("SELECT * FROM sb_attributes WHERE id = ?", (attr["id"],)).fetchone()
            if row is None:
                continue
            options = [t["name"] for t in attribute_terms(conn, attr["id"], attr.get("options", []))]
            if not options:
                continue
            name, slug = row["name"], global_ref(row["slug"])
        else:
            name, slug, options = attr["name"], attr["name"], list(attr.get("options", []))
        out.append({"id": attr.get("id", 0), "name": name, "slug": slug, "position": attr.get("position", 0),
                    "visible": attr.get("visible", False), "variation": attr.get("variation", False),
                    "options": options})
    return out


def default_attributes_body(conn: sqlite3.Connection, props: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for entry in props.get("default_attributes", []):
        if entry.get("id"):
            row = conn.execute("SELECT name FROM sb_attributes WHERE id = ?", (entry["id"],)).fetchone()
            if row is None:
                continue
            out.append({"id": entry["id"], "name": row["name"], "option": entry["option"]})
        else:
            out.append({"id": 0, "name": entry["name"], "option": entry["option"]})
    return out


def child_props(conn: sqlite3.Connection, parent_id: int) -> list[dict[str, Any]]:
    """The stored props of a product's published variations, in one query."""
    out = []
    for child in store.children(conn, parent_id):
        if child["status"] == "publish":
            out.append(store.props_of(child))
    return out


def children_prices(ctx: Ctx, props: dict[str, Any], row: sqlite3.Row) -> list[tuple[str, str, bool]]:
    """(price, regular price, on sale) of a variable product's variations / a grouped product's children."""
    moment = now()
    kids: list[dict[str, Any]] = []
    if props["type"] == "variable":
        kids = child_props(ctx.conn, row["id"])
    elif props["type"] == "grouped":
        for child_id in props.get("grouped_products", []):
            loaded = store.load(ctx.conn, int(child_id))
            if loaded is None or loaded[0]["post_type"] != "product" or loaded[0]["id"] == row["id"]:
                continue
            if loaded[1].get("type") not in ("grouped", "variable"):
                kids.append(loaded[1])
    return [(pricing.active_price(k, moment), str(k.get("regular_price", "")), pricing.on_sale(k, moment))
            for k in kids]


def lowest(prices: list[str]) -> str:
    """The lowest of price strings, as stored (WooCommerce keeps the child's ``_price`` verbatim)."""
    numbered = [(value, text) for text in prices if (value := to_float(text)) is not None]
    return min(numbered, key=lambda pair: pair[0])[1] if numbered else ""


def computed(ctx: Ctx, row: sqlite3.Row, props: dict[str, Any]) -> dict[str, Any]:
    """price, regular/sale price, on_sale, purchasable, price_html, stock_status as WooCommerce reads them."""
    moment = now()
    kind = props["type"]
    if kind in ("variable", "grouped"):
        kids = children_prices(ctx, props, row)
        if kind == "variable":
            # with no live variation the parent keeps the price of its last sync (a restored parent whose
            # variations are still in the trash, 11#17); a parent managing its stock has its own status (11#35)
            price = lowest([p for p, _, _ in kids]) if kids else str(props.get("synced_price", ""))
            status = stock_status(props) if props.get("manage_stock") else (
                _variable_stock(ctx, row) if kids else "outofstock")
        else:
            price = str(props.get("grouped_price", ""))
            status = stock_status(props)
        return {"price": price, "regular_price": "", "sale_price": "", "on_sale": any(s for _, _, s in kids),
                "purchasable": kind == "variable" and price != "", "price_html": pricing.children_html(kids),
                "stock_status": status}
    price = pricing.active_price(props, moment)
    sale = pricing.on_sale(props, moment)
    return {"price": price, "regular_price": props.get("regular_price", ""),
            "sale_price": props.get("sale_price", ""), "on_sale": sale,
            "purchasable": kind != "external" and price != "",
            "price_html": pricing.simple_html(props, price, sale), "stock_status": stock_status(props)}


def _variable_stock(ctx: Ctx, row: sqlite3.Row) -> str:
    statuses = {stock_status(k) for k in child_props(ctx.conn, row["id"])}
    for wanted in ("instock", "onbackorder"):
        if wanted in statuses:
            return wanted
    return "outofstock"


def body(ctx: Ctx, product_id: int, *, context: str | None = None) -> dict[str, Any]:
    loaded = store.load(ctx.conn, product_id)
    assert loaded is not None
    row, props = loaded
    if row["post_type"] == "product_variation":
        from wcsync.sandbox import variations

        return variations.as_product(ctx, row, props, context or ctx.context())
    return serialise(ctx, row, props, context or ctx.context())


def serialise(ctx: Ctx, row: sqlite3.Row, props: dict[str, Any], context: str) -> dict[str, Any]:
    conn = ctx.conn
    view = context == "view"
    calc = computed(ctx, row, props)
    shipping = conn.execute("SELECT slug FROM sb_terms WHERE id = ? AND taxonomy = 'product_shipping_class'",
                            (props.get("shipping_class_id") or 0,)).fetchone()
    image_list = [images.image_body(conn, ctx.base, i, full=True) for i in props.get("image_ids", [])]
    kind = props["type"]
    virtual = bool(props.get("virtual"))

    def html(field: str) -> str:
        value = str(props.get(field, ""))
        return wpautop(value) if view else value

    out: dict[str, Any] = {
        "id": row["id"], "name": props.get("name", ""), "slug": props.get("slug", ""),
        "permalink": permalink(ctx, row, props),
        "date_created": row["date_created"], "date_created_gmt": row["date_created"],
        "date_modified": row["date_modified"], "date_modified_gmt": row["date_modified"],
        "type": kind, "status": props.get("status"), "featured": bool(props.get("featured")),
        "catalog_visibility": props.get("catalog_visibility"), "description": html("description"),
        "short_description": html("short_description"), "sku": props.get("sku", ""),
        "price": calc["price"], "regular_price": calc["regular_price"], "sale_price": calc["sale_price"],
        "date_on_sale_from": props.get("date_on_sale_from"), "date_on_sale_from_gmt": props.get("date_on_sale_from"),
        "date_on_sale_to": props.get("date_on_sale_to"), "date_on_sale_to_gmt": props.get("date_on_sale_to"),
        "on_sale": calc["on_sale"], "purchasable": calc["purchasable"], "total_sales": props.get("total_sales", 0),
        "virtual": virtual, "downloadable": bool(props.get("downloadable")), "downloads": props.get("downloads", []),
        "download_limit": props.get("download_limit", -1), "download_expiry": props.get("download_expiry", -1),
        "external_url": props.get("external_url", "") if kind == "external" else "",
        "button_text": props.get("button_text", "") if kind == "external" else "",
        "tax_status": props.get("tax_status"), "tax_class": props.get("tax_class", ""),
        "manage_stock": bool(props.get("manage_stock")), "stock_quantity": props.get("stock_quantity"),
        "backorders": props.get("backorders"), "backorders_allowed": props.get("backorders") != "no",
        "backordered": backordered(props), "low_stock_amount": props.get("low_stock_amount"),
        "sold_individually": bool(props.get("sold_individually")), "weight": props.get("weight", ""),
        "dimensions": props.get("dimensions"), "shipping_required": not virtual,
        "shipping_taxable": not virtual and props.get("tax_status") in ("taxable", "shipping"),
        "shipping_class": shipping["slug"] if shipping else "",
        "shipping_class_id": props.get("shipping_class_id", 0) if shipping else 0,
        "reviews_allowed": bool(props.get("reviews_allowed")), "average_rating": "0.00" if view else "0",
        "rating_count": 0, "upsell_ids": props.get("upsell_ids", []), "cross_sell_ids": props.get("cross_sell_ids", []),
        "parent_id": row["parent_id"], "purchase_note": html("purchase_note"),
        "categories": store.term_refs(conn, row["id"], "product_cat"), "brands": store.term_refs(conn, row["id"], "product_brand"),
        "tags": store.term_refs(conn, row["id"], "product_tag"),
        "images": [i for i in image_list if i is not None],
        "attributes": attributes_body(conn, props), "default_attributes": default_attributes_body(conn, props),
        "variations": [c["id"] for c in store.children(conn, row["id"])] if kind == "variable" else [],
        "grouped_products": props.get("grouped_products", []) if kind == "grouped" else [],
        "menu_order": props.get("menu_order", 0), "price_html": calc["price_html"], "related_ids": [],
        "meta_data": meta_body(ctx, props.get("meta", [])), "stock_status": calc["stock_status"],
        "has_options": kind == "variable", "post_password": props.get("post_password", ""),
        "global_unique_id": props.get("global_unique_id", ""),
    }
    if not view:
        out["permalink_template"] = f"{ctx.base}/product/%pagename%/"
        out["generated_slug"] = generated_slug(conn, row["id"], props)
    out["_links"] = links(ctx, f"/products/{row['id']}", "/products")
    return out


def generated_slug(conn: sqlite3.Connection, post_id: int, props: dict[str, Any]) -> str:
    return store.unique_post_slug(conn, sanitize_title(str(props.get("name", ""))) or str(post_id), post_id)
