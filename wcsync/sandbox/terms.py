"""Product categories, tags, shipping classes and global-attribute terms (WordPress terms).

Rules from the captures: names are stored through ``sanitize_text_field`` and entity-encoded; a duplicate
name (case- and entity-insensitive) among siblings is 400 ``term_exists`` unless an unused slug is sent;
taken slugs get the parent's slug or ``-2``, ``-3`` (``wp_unique_term_slug``); a taken slug on update is
500 ``duplicate_term_slug``; deleting needs ``force`` (501 otherwise); the default category cannot go.
Attribute terms live in taxonomy ``pa:<attribute id>`` so that renaming an attribute keeps them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from wcsync.sandbox import images
from wcsync.sandbox.db import DEFAULT_CATEGORY_ID, next_id
from wcsync.sandbox.errors import ApiError, invalid_type, missing_params, not_in_enum
from wcsync.sandbox.http import (
    Ctx,
    links,
)
from wcsync.sandbox.text import decode_entities, sanitize_title, term_description, term_name

DISPLAY = ["default", "products", "subcategories", "both"]


@dataclass(frozen=True)
class TermKind:
    key: str
    taxonomy: str  # "" for attribute terms (per attribute)
    base: str
    hierarchical: bool = False


CATEGORY = TermKind("category", "product_cat", "/products/categories", True)
#: WooCommerce brands (``product_brand``): shaped like categories (11#93-103)
BRAND = TermKind("brand", "product_brand", "/products/brands", True)
CATEGORY_LIKE = (CATEGORY, BRAND)
TAG = TermKind("tag", "product_tag", "/products/tags")
SHIPPING_CLASS = TermKind("shipping_class", "product_shipping_class", "/products/shipping_classes")
ATTRIBUTE_TERM = TermKind("attribute_term", "", "/products/attributes/{attribute_id}/terms")


def not_found() -> ApiError:
    return ApiError(404, "woocommerce_rest_term_invalid", "Resource does not exist.")


def taxonomy_missing() -> ApiError:
    return ApiError(404, "woocommerce_rest_taxonomy_invalid", "Taxonomy does not exist.")


def taxonomy_of(ctx: Ctx, kind: TermKind) -> str:
    if kind.taxonomy:
        return kind.taxonomy
    attribute_id = int(ctx.params["attribute_id"])
    if ctx.conn.execute("SELECT 1 FROM sb_attributes WHERE id = ?", (attribute_id,)).fetchone() is None:
        raise taxonomy_missing()
    return f"pa:{attribute_id}"


def base_path(ctx: Ctx, kind: TermKind) -> str:
    return kind.base.format(attribute_id=ctx.params.get("attribute_id", ""))


def get_row(conn: sqlite3.Connection, taxonomy: str, term_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM sb_terms WHERE id = ? AND taxonomy = ?", (term_id, taxonomy)
    ).fetchone()
    return row


def descendants(conn: sqlite3.Connection, taxonomy: str, term_id: int) -> list[int]:
    found = [term_id]
    frontier = [term_id]
    while frontier:
        marks = ",".join("?" * len(frontier))
        rows = conn.execute(f"SELECT id FROM sb_terms WHERE taxonomy = ? AND parent IN ({marks})",
                            (taxonomy, *frontier)).fetchall()
        frontier = [r["id"] for r in rows if r["id"] not in found]
        found.extend(frontier)
    return found


def count(conn: sqlite3.Connection, row: sqlite3.Row, *, padded: bool = False) -> int:
    """Published products with the term (``padded``: or with one of its descendants, as ``hide_empty``
    lists of categories show)."""
    ids = descendants(conn, row["taxonomy"], row["id"]) if padded and row["taxonomy"] in ("product_cat", "product_brand") else [row["id"]]
    marks = ",".join("?" * len(ids))
    value = conn.execute(
        f"SELECT COUNT(DISTINCT r.post_id) FROM sb_term_relationships r JOIN sb_posts p ON p.id = r.post_id "
        f"WHERE r.term_id IN ({marks}) AND p.status = 'publish' AND p.post_type = 'product'",
        ids,
    ).fetchone()[0]
    return int(value)


def serialise(ctx: Ctx, kind: TermKind, row: sqlite3.Row, *, deleted: bool = False,
              padded: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"id": row["id"], "name": row["name"], "slug": row["slug"]}
    if kind in CATEGORY_LIKE:
        image = images.image_body(ctx.conn, ctx.base, row["image_id"], full=False) if row["image_id"] else None
        body.update({"parent": row["parent"], "description": row["description"], "display": row["display"],
                     "image": image, "menu_order": row["menu_order"],
                     "count": count(ctx.conn, row, padded=padded)})
    elif kind is ATTRIBUTE_TERM:
        body.update({"description": row["description"], "menu_order": row["menu_order"],
                     "count": count(ctx.conn, row)})
    else:
        body.update({"description": row["description"], "count": count(ctx.conn, row)})
    base = base_path(ctx, kind)
    extra = {"up": f"{base}/{row['parent']}"} if kind in CATEGORY_LIKE and row["parent"] else None
    body["_links"] = links(ctx, f"{base}/{row['id']}", base, allow=not deleted, extra=extra)
    return body


# --- writing ------------------------------------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return decode_entities(a).casefold() == decode_entities(b).casefold()


def _slug_taken(conn: sqlite3.Connection, slug: str, taxonomy: str | None, exclude: int | None = None) -> bool:
    sql = "SELECT 1 FROM sb_terms WHERE slug = ?"
    args: list[Any] = [slug]
    if taxonomy is not None:
        sql += " AND taxonomy = ?"
        args.append(taxonomy)
    if exclude is not None:
        sql += " AND id != ?"
        args.append(exclude)
    return conn.execute(sql, args).fetchone() is not None


def unique_slug(conn: sqlite3.Connection, slug: str, taxonomy: str, parent: int, exclude: int | None = None) -> str:
    """WordPress ``wp_unique_term_slug``."""
    if not _slug_taken(conn, slug, taxonomy, exclude):
        return slug
    suffix = ""
    if taxonomy in ("product_cat", "product_brand") and parent:
        current = parent
        while current:
            parent_row = get_row(conn, taxonomy, current)
            if parent_row is None:
                break
            suffix += "-" + str(parent_row["slug"])
            if not _slug_taken(conn, slug + suffix, None):
                return slug + suffix
            current = parent_row["parent"]
    slug = slug + str(suffix)
    if _slug_taken(conn, slug, None, exclude):
        number = 2
        while _slug_taken(conn, f"{slug}-{number}", None):
            number += 1
        slug = f"{slug}-{number}"
    return slug


def _int(value: Any, name: str, *, strict: bool) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if strict:
        raise invalid_type(name, "integer")
    return 0


def _set_image(ctx: Ctx, term_id: int | None, value: Any) -> int | None:
    if not isinstance(value, dict) or not value:
        return None
    image_id = _int(value.get("id", 0), "image", strict=False)
    if image_id:
        images.edit(ctx.conn, image_id, name=value.get("name") or None, alt=value.get("alt") or None)
        return image_id
    src = value.get("src")
    if not src:
        return None
    try:
        return images.sideload(ctx.conn, str(src), parent_id=0, name=value.get("name"), alt=value.get("alt"))
    except images.ImageError as err:
        raise ApiError(400, "woocommerce_rest_invalid_remote_image_url", str(err)) from err


def create(ctx: Ctx, kind: TermKind, data: dict[str, Any], *, batch: bool = False) -> int:
    """Insert a term from request ``data`` (raises ApiError like WordPress)."""
    conn = ctx.conn
    taxonomy = taxonomy_of(ctx, kind)
    if "name" not in data:
        if batch:
            raise ApiError(400, "empty_term_name", "A name is required for this term.")
        raise missing_params("name")
    if kind in CATEGORY_LIKE and "display" in data and data["display"] not in DISPLAY:
        raise not_in_enum("display", DISPLAY)
    name = term_name(str(data.get("name") or ""))
    if not name:
        raise ApiError(400, "empty_term_name", "A name is required for this term.")
    parent = _int(data.get("parent", 0), "parent", strict=not batch) if kind.hierarchical else 0
    if parent and get_row(conn, taxonomy, parent) is None:
        raise ApiError(400, "missing_parent", "Parent term does not exist.")
    slug_given = bool(data.get("slug"))
    slug = sanitize_title(str(data["slug"])) if slug_given else sanitize_title(decode_entities(name))
    siblings = conn.execute("SELECT id, name, slug, parent FROM sb_terms WHERE taxonomy = ?", (taxonomy,)).fetchall()
    matches = [r for r in siblings if _same_name(r["name"], name)]
    if matches:
        slug_match = [r for r in siblings if r["slug"] == slug]
        if not slug_given or any(r["slug"] == slug for r in matches) or slug_match:
            if kind.hierarchical:
                same_parent = [r for r in matches if r["parent"] == parent]
                clash = same_parent if (not slug_given or any(r["slug"] == slug for r in matches)) else [
                    r for r in slug_match if r["parent"] == parent]
                if clash:
                    raise ApiError(400, "term_exists", "A term with the name provided already exists with this "
                                   "parent.", {"resource_id": clash[0]["id"]})
            else:
                raise ApiError(400, "term_exists", "A term with the name provided already exists in this "
                               "taxonomy.", {"resource_id": matches[0]["id"]})
    slug = unique_slug(conn, slug, taxonomy, parent)
    term_id = next_id(conn, "term")
    image_id = _set_image(ctx, None, data.get("image")) if kind in CATEGORY_LIKE else None
    conn.execute(
        "INSERT INTO sb_terms (id, taxonomy, name, slug, parent, description, menu_order, display, image_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (term_id, taxonomy, name, slug, parent, term_description(str(data.get("description") or "")),
         _int(data.get("menu_order", 0), "menu_order", strict=not batch), data.get("display") or "default",
         image_id),
    )
    return term_id


def update(ctx: Ctx, kind: TermKind, term_id: int, data: dict[str, Any], *, batch: bool = False) -> None:
    conn = ctx.conn
    taxonomy = taxonomy_of(ctx, kind)
    row = get_row(conn, taxonomy, term_id)
    if row is None:
        raise not_found()
    if kind in CATEGORY_LIKE and "display" in data and data["display"] not in DISPLAY:
        raise not_in_enum("display", DISPLAY)
    values: dict[str, Any] = {}
    if "name" in data and data["name"] is not None:
        values["name"] = term_name(str(data["name"]))
    if data.get("slug"):
        slug = sanitize_title(str(data["slug"]))
        if slug != row["slug"] and _slug_taken(conn, slug, taxonomy, term_id):
            raise ApiError(500, "duplicate_term_slug",
                           f"The slug &#8220;{slug}&#8221; is already in use by another term.", None)
        values["slug"] = slug
    if kind.hierarchical and "parent" in data:
        parent = _int(data["parent"], "parent", strict=not batch)
        if parent and get_row(conn, taxonomy, parent) is None:
            raise ApiError(400, "missing_parent", "Parent term does not exist.")
        if parent == term_id or parent in descendants(conn, taxonomy, term_id):
            parent = 0
        values["parent"] = parent
    if "description" in data:
        values["description"] = term_description(str(data["description"] or ""))
    if "menu_order" in data:
        values["menu_order"] = _int(data["menu_order"], "menu_order", strict=not batch)
    if "display" in data and kind in CATEGORY_LIKE:
        values["display"] = data["display"]
    if "image" in data and kind in CATEGORY_LIKE:
        values["image_id"] = _set_image(ctx, term_id, data["image"])
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE sb_terms SET {sets} WHERE id = ?", (*values.values(), term_id))


def delete(ctx: Ctx, kind: TermKind, term_id: int, *, force: bool) -> dict[str, Any]:
    conn = ctx.conn
    taxonomy = taxonomy_of(ctx, kind)
    row = get_row(conn, taxonomy, term_id)
    if row is None:
        raise not_found()
    if not force:
        raise ApiError(501, "woocommerce_rest_trash_not_supported", "Resource does not support trashing.")
    if kind is CATEGORY and term_id == DEFAULT_CATEGORY_ID:
        raise ApiError(500, "woocommerce_rest_cannot_delete", "Default product category cannot be deleted.")
    body = serialise(ctx, kind, row, deleted=True)
    conn.execute("UPDATE sb_terms SET parent = ? WHERE taxonomy = ? AND parent = ?", (row["parent"], taxonomy, term_id))
    conn.execute("DELETE FROM sb_term_relationships WHERE term_id = ?", (term_id,))
    conn.execute("DELETE FROM sb_terms WHERE id = ?", (term_id,))
    return body


def find_or_create_by_name(ctx: Ctx, taxonomy: str, name: str) -> int:
    """Product tags / attribute options given by name: an existing term (entity-insensitive) or a new one."""
    stored = term_name(name)
    for row in ctx.conn.execute("SELECT id, name FROM sb_terms WHERE taxonomy = ?", (taxonomy,)).fetchall():
        if _same_name(row["name"], stored):
            return int(row["id"])
    slug = unique_slug(ctx.conn, sanitize_title(decode_entities(stored)), taxonomy, 0)
    term_id = next_id(ctx.conn, "term")
    ctx.conn.execute("INSERT INTO sb_terms (id, taxonomy, name, slug) VALUES (?, ?, ?, ?)",
                     (term_id, taxonomy, stored, slug))
    return term_id
