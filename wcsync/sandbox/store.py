"""Loading and saving products, variations and their term relationships (the ``sb_posts`` rows and their
JSON ``data``). Shared by the product and variation modules; no wire format here."""

from __future__ import annotations

import copy
import json
import sqlite3
from typing import Any

from wcsync.core.canonical import sku_key
from wcsync.sandbox.db import dumps
from wcsync.sandbox.text import decode_entities, to_float

PRODUCT_DEFAULTS: dict[str, Any] = {
    "name": "", "slug": "", "type": "simple", "status": "publish", "featured": False,
    "catalog_visibility": "visible", "description": "", "short_description": "", "sku": "",
    "global_unique_id": "", "regular_price": "", "sale_price": "", "date_on_sale_from": None,
    "date_on_sale_to": None, "virtual": False, "downloadable": False, "downloads": [], "download_limit": -1,
    "download_expiry": -1, "external_url": "", "button_text": "", "tax_status": "taxable", "tax_class": "",
    "manage_stock": False, "stock_quantity": None, "stock_status": "instock", "backorders": "no",
    "low_stock_amount": None, "sold_individually": False, "weight": "",
    "dimensions": {"length": "", "width": "", "height": ""}, "shipping_class_id": 0, "reviews_allowed": True,
    "upsell_ids": [], "cross_sell_ids": [], "purchase_note": "", "image_ids": [], "attributes": [],
    "default_attributes": [], "grouped_products": [], "grouped_price": "", "menu_order": 0, "meta": [],
    "post_password": "", "total_sales": 0,
}

VARIATION_DEFAULTS: dict[str, Any] = {
    "description": "", "sku": "", "global_unique_id": "", "regular_price": "", "sale_price": "",
    "date_on_sale_from": None, "date_on_sale_to": None, "status": "publish", "virtual": False,
    "downloadable": False, "downloads": [], "download_limit": -1, "download_expiry": -1,
    "tax_status": "taxable", "tax_class": "parent", "manage_stock": False, "stock_quantity": None,
    "stock_status": "instock", "backorders": "no", "low_stock_amount": None, "weight": "",
    "dimensions": {"length": "", "width": "", "height": ""}, "shipping_class_id": 0, "image_id": 0,
    "attributes": {}, "menu_order": 0, "meta": [], "name": "", "slug": "",
}


def load(conn: sqlite3.Connection, post_id: int) -> tuple[sqlite3.Row, dict[str, Any]] | None:
    row = conn.execute("SELECT * FROM sb_posts WHERE id = ?", (post_id,)).fetchone()
    if row is None:
        return None
    return row, props_of(row)


def props_of(row: sqlite3.Row) -> dict[str, Any]:
    """A post row's stored fields over the defaults of its kind."""
    defaults = VARIATION_DEFAULTS if row["post_type"] == "product_variation" else PRODUCT_DEFAULTS
    props: dict[str, Any] = json.loads(row["data"])
    for key, value in defaults.items():  # rows are saved complete; this only fills fields added later
        if key not in props:
            props[key] = copy.deepcopy(value)
    return props


def save(conn: sqlite3.Connection, post_id: int, post_type: str, parent_id: int, props: dict[str, Any],
         *, created: str, modified: str, price: str) -> None:
    search = " ".join(
        decode_entities(str(props.get(key, ""))).casefold() for key in ("name", "description", "short_description")
    )
    sku = str(props.get("sku", ""))
    conn.execute(
        "INSERT OR REPLACE INTO sb_posts (id, post_type, parent_id, status, type, sku, sku_lower, slug, name, "
        "menu_order, price, date_created, date_modified, search, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        (post_id, post_type, parent_id, props.get("status", "publish"), props.get("type", "variation"), sku,
         sku_key(sku), props.get("slug", ""), props.get("name", ""), int(props.get("menu_order") or 0),
         to_float(price), created, modified, search, dumps(props)),
    )


def term_ids(conn: sqlite3.Connection, post_id: int, taxonomy: str) -> list[int]:
    rows = conn.execute(
        "SELECT t.id FROM sb_term_relationships r JOIN sb_terms t ON t.id = r.term_id "
        "WHERE r.post_id = ? AND t.taxonomy = ?",
        (post_id, taxonomy),
    ).fetchall()
    return [int(r[0]) for r in rows]


def set_terms(conn: sqlite3.Connection, post_id: int, taxonomy_like: str, ids: list[int]) -> None:
    """Replace the post's terms of taxonomies matching ``taxonomy_like`` (SQL LIKE) by ``ids``."""
    conn.execute(
        "DELETE FROM sb_term_relationships WHERE post_id = ? AND term_id IN "
        "(SELECT id FROM sb_terms WHERE taxonomy LIKE ?)",
        (post_id, taxonomy_like),
    )
    conn.executemany("INSERT OR IGNORE INTO sb_term_relationships (post_id, term_id) VALUES (?, ?)",
                     [(post_id, term_id) for term_id in ids])


def term_refs(conn: sqlite3.Connection, post_id: int, taxonomy: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT t.id, t.name, t.slug FROM sb_term_relationships r JOIN sb_terms t ON t.id = r.term_id "
        "WHERE r.post_id = ? AND t.taxonomy = ?",
        (post_id, taxonomy),
    ).fetchall()
    refs = [{"id": r["id"], "name": r["name"], "slug": r["slug"]} for r in rows]
    refs.sort(key=lambda t: (decode_entities(t["name"]).casefold(), t["id"]))
    return refs


def sku_holder(conn: sqlite3.Connection, sku: str, exclude: int | None, *, include_trash: bool) -> int | None:
    """The id of a product/variation that owns ``sku`` (case-insensitive), ignoring ``exclude``."""
    sql = ("SELECT id FROM sb_posts WHERE sku_lower = ? AND post_type IN ('product', 'product_variation') "
           "AND id != ?")
    if not include_trash:
        sql += " AND status != 'trash'"
    row = conn.execute(sql + " ORDER BY id LIMIT 1", (sku_key(sku), exclude or 0)).fetchone()
    return int(row[0]) if row else None


def children(conn: sqlite3.Connection, parent_id: int, *, include_trash: bool = False) -> list[sqlite3.Row]:
    sql = "SELECT * FROM sb_posts WHERE parent_id = ? AND post_type = 'product_variation'"
    if not include_trash:
        sql += " AND status != 'trash'"
    rows: list[sqlite3.Row] = conn.execute(sql + " ORDER BY menu_order, id", (parent_id,)).fetchall()
    return rows


def load_defaults(kind: str) -> dict[str, Any]:
    """A fresh copy of the stored defaults of a product or variation."""
    fresh: dict[str, Any] = json.loads(json.dumps(VARIATION_DEFAULTS if kind == "variation" else PRODUCT_DEFAULTS))
    return fresh


def unique_post_slug(conn: sqlite3.Connection, slug: str, post_id: int | None, post_type: str = "product") -> str:
    """WordPress ``wp_unique_post_slug`` for non-hierarchical posts: ``-2``, ``-3``, … when taken."""
    if not slug:
        return slug

    def taken(candidate: str) -> bool:
        return conn.execute("SELECT 1 FROM sb_posts WHERE slug = ? AND post_type = ? AND id != ?",
                            (candidate, post_type, post_id or 0)).fetchone() is not None

    if not taken(slug):
        return slug
    number = 2
    while taken(f"{slug[:200 - len(str(number)) - 1]}-{number}"):
        number += 1
    return f"{slug[:200 - len(str(number)) - 1]}-{number}"
