"""Global product attributes (``pa_*`` taxonomies): create, rename (the slug follows the name unless a
slug is sent), slug rules (≤ 28 characters, not a reserved word, unique) and delete (no ``force``
needed; its terms go and every product loses the attribute). The list ignores pagination.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from wcsync.core.refs import global_ref, strip_pa
from wcsync.sandbox.db import next_id, transaction
from wcsync.sandbox.errors import ApiError, missing_params, not_in_enum
from wcsync.sandbox.http import Ctx, Reply, body_object, links, one
from wcsync.sandbox.text import sanitize_title

ORDER_BY = ["menu_order", "name", "name_num", "id"]
RESERVED = set(
    ["attachment", "attachment_id", "author", "author_name", "calendar", "cat", "category", "category__and", "category__in", "category__not_in", "category_name", "comments_per_page", "comments_popup", "cpage", "day", "debug", "error", "exact", "feed", "hour", "link_category", "m", "minute", "monthnum", "more", "name", "nav_menu", "nopaging", "offset", "order", "orderby", "p", "page", "page_id", "paged", "pagename", "pb", "perm", "post", "post__in", "post__not_in", "post_format", "post_mime_type", "post_status", "post_tag", "post_type", "posts", "posts_per_archive_page", "posts_per_page", "preview", "robots", "s", "search", "second", "sentence", "showposts", "static", "subpost", "subpost_id", "tag", "tag__and", "tag__in", "tag__not_in", "tag_id", "tag_slug__and", "tag_slug__in", "taxonomy", "tb", "term", "type", "w", "withcomments", "withoutcomments", "year"]
)


def not_found() -> ApiError:
    return ApiError(404, "woocommerce_rest_taxonomy_invalid", "Resource does not exist.")


def get_row(conn: sqlite3.Connection, attribute_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM sb_attributes WHERE id = ?", (attribute_id,)).fetchone()
    return row


def by_slug(conn: sqlite3.Connection, slug: str) -> sqlite3.Row | None:
    """An attribute by ``pa_color`` or ``color``."""
    slug = strip_pa(slug)
    row: sqlite3.Row | None = conn.execute("SELECT * FROM sb_attributes WHERE slug = ?", (slug,)).fetchone()
    return row


def serialise(ctx: Ctx, row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "slug": global_ref(row["slug"]),
        "type": row["type"],
        "order_by": row["order_by"],
        "has_archives": bool(row["has_archives"]),
        "_links": links(ctx, f"/products/attributes/{row['id']}", "/products/attributes"),
    }


def _check_slug(conn: sqlite3.Connection, slug: str, code: str, exclude: int | None) -> None:
    if len(slug) > 28:
        raise ApiError(400, code, f'Slug "{slug}" is too long. Please use a shorter slug.')
    if slug in RESERVED:
        raise ApiError(400, code, f'Slug "{slug}" is not allowed because it is a reserved term. Change it, please.')
    row = conn.execute("SELECT id FROM sb_attributes WHERE slug = ?", (slug,)).fetchone()
    if row is not None and row["id"] != exclude:
        raise ApiError(400, code, f'Slug "{slug}" is already in use. Change it, please.')


def _slug_from(value: str) -> str:
    return strip_pa(sanitize_title(strip_pa(value)))


def create(ctx: Ctx, data: dict[str, Any], *, batch: bool = False) -> int:
    if "name" not in data and not batch:
        raise missing_params("name")
    if "order_by" in data and data["order_by"] not in ORDER_BY:
        raise not_in_enum("order_by", ORDER_BY)
    name = str(data.get("name") or "").strip()
    slug = _slug_from(str(data["slug"])) if data.get("slug") else _slug_from(name)
    _check_slug(ctx.conn, slug, "woocommerce_rest_cannot_create", None)
    attribute_id = next_id(ctx.conn, "attribute")
    ctx.conn.execute(
        "INSERT INTO sb_attributes (id, name, slug, type, order_by, has_archives) VALUES (?, ?, ?, ?, ?, ?)",
        (attribute_id, name, slug, data.get("type") or "select", data.get("order_by") or "menu_order",
         1 if data.get("has_archives") in (True, 1, "1", "true") else 0),
    )
    return attribute_id


def update(ctx: Ctx, attribute_id: int, data: dict[str, Any]) -> None:
    row = get_row(ctx.conn, attribute_id)
    if row is None:
        raise not_found()
    if "order_by" in data and data["order_by"] not in ORDER_BY:
        raise not_in_enum("order_by", ORDER_BY)
    name = str(data["name"]).strip() if data.get("name") else row["name"]
    if data.get("slug"):
        slug = _slug_from(str(data["slug"]))
    elif data.get("name"):
        slug = _slug_from(name)
    else:
        slug = row["slug"]
    if slug != row["slug"]:
        _check_slug(ctx.conn, slug, "woocommerce_rest_cannot_edit", attribute_id)
    has_archives = row["has_archives"]
    if "has_archives" in data:
        has_archives = 1 if data["has_archives"] in (True, 1, "1", "true") else 0
    ctx.conn.execute(
        "UPDATE sb_attributes SET name = ?, slug = ?, type = ?, order_by = ?, has_archives = ? WHERE id = ?",
        (name, slug, data.get("type") or row["type"], data.get("order_by") or row["order_by"], has_archives,
         attribute_id),
    )


def delete(ctx: Ctx, attribute_id: int) -> dict[str, Any]:
    row = get_row(ctx.conn, attribute_id)
    if row is None:
        raise not_found()
    body = serialise(ctx, row)
    taxonomy = f"pa:{attribute_id}"
    ctx.conn.execute(
        "DELETE FROM sb_term_relationships WHERE term_id IN (SELECT id FROM sb_terms WHERE taxonomy = ?)",
        (taxonomy,),
    )
    ctx.conn.execute("DELETE FROM sb_terms WHERE taxonomy = ?", (taxonomy,))
    ctx.conn.execute("DELETE FROM sb_attributes WHERE id = ?", (attribute_id,))
    return body


def list_handler(ctx: Ctx) -> Reply:
    ctx.context()
    rows = ctx.conn.execute("SELECT * FROM sb_attributes").fetchall()
    rows.sort(key=lambda r: (r["name"].casefold(), r["id"]))
    items = [serialise(ctx, r) for r in rows]
    from wcsync.sandbox.http import filter_fields

    headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": "1"}
    return Reply(200, [filter_fields(ctx, i, in_list=True) for i in items], headers)


def get_handler(ctx: Ctx) -> Reply:
    row = get_row(ctx.conn, int(ctx.params["id"]))
    if row is None:
        raise not_found()
    return one(ctx, serialise(ctx, row))


def create_handler(ctx: Ctx) -> Reply:
    with transaction(ctx.conn):
        attribute_id = create(ctx, body_object(ctx))
    row = get_row(ctx.conn, attribute_id)
    assert row is not None
    return one(ctx, serialise(ctx, row), 201)


def update_handler(ctx: Ctx) -> Reply:
    attribute_id = int(ctx.params["id"])
    with transaction(ctx.conn):
        update(ctx, attribute_id, body_object(ctx))
    row = get_row(ctx.conn, attribute_id)
    assert row is not None
    return one(ctx, serialise(ctx, row))


def delete_handler(ctx: Ctx) -> Reply:
    with transaction(ctx.conn):
        body = delete(ctx, int(ctx.params["id"]))
    return one(ctx, body)


def item_exists(ctx: Ctx) -> bool:
    return get_row(ctx.conn, int(ctx.params["id"])) is not None


def exists_from_ctx(ctx: Ctx) -> bool:
    return get_row(ctx.conn, int(ctx.params["attribute_id"])) is not None
