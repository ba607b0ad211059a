"""HTTP handlers of the term routes (categories, tags, shipping classes, attribute terms): list with
WordPress' filters and ordering (``name`` by default; equal names tie), get, create, update, delete. The
rules themselves live in ``terms``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from wcsync.sandbox.db import transaction
from wcsync.sandbox.errors import ApiError, not_in_enum
from wcsync.sandbox.http import Ctx, Reply, body_object, id_list, list_reply, one, order_param, page_params
from wcsync.sandbox.terms import (
    TermKind,
    count,
    create,
    delete,
    get_row,
    not_found,
    serialise,
    taxonomy_of,
    update,
)
from wcsync.sandbox.text import decode_entities, remove_accents

ORDERBY = ["id", "include", "name", "slug", "include_slugs", "term_group", "description", "count"]


def _sort_key(orderby: str, include: list[int]) -> Callable[[sqlite3.Row], Any]:
    if orderby == "id":
        return lambda r: r["id"]
    if orderby == "slug":
        return lambda r: (r["slug"], r["id"])
    if orderby == "include":
        return lambda r: include.index(r["id"]) if r["id"] in include else len(include)
    if orderby == "description":
        return lambda r: (r["description"].casefold(), r["id"])
    return lambda r: (remove_accents(decode_entities(r["name"])).casefold(), r["id"])


def list_handler(kind: TermKind) -> Callable[[Ctx], Reply]:
    def handler(ctx: Ctx) -> Reply:
        taxonomy = taxonomy_of(ctx, kind)
        ctx.context()
        page = page_params(ctx)
        order = order_param(ctx, "asc")
        orderby = ctx.query.get("orderby", "name")
        if orderby not in ORDERBY:
            raise not_in_enum("orderby", ORDERBY)
        rows = ctx.conn.execute("SELECT * FROM sb_terms WHERE taxonomy = ?", (taxonomy,)).fetchall()
        include = id_list(ctx.query.get("include"))
        exclude = id_list(ctx.query.get("exclude"))
        if include:
            rows = [r for r in rows if r["id"] in include]
        if exclude:
            rows = [r for r in rows if r["id"] not in exclude]
        if "parent" in ctx.query and kind.hierarchical:
            parent = int(ctx.query["parent"]) if ctx.query["parent"].isdigit() else 0
            rows = [r for r in rows if r["parent"] == parent]
        if "slug" in ctx.query:
            rows = [r for r in rows if r["slug"] == ctx.query["slug"]]
        search = ctx.query.get("search")
        if search:
            needle = search.casefold()
            rows = [r for r in rows if needle in decode_entities(r["name"]).casefold() or needle in r["slug"]]
        hide_empty = ctx.qbool("hide_empty")
        total_rows = rows
        if hide_empty:
            # WordPress counts the non-empty terms by their own count but lists padded counts
            total_rows = [r for r in rows if count(ctx.conn, r) > 0]
            rows = [r for r in rows if count(ctx.conn, r, padded=True) > 0]
        if "product" in ctx.query and ctx.query["product"].isdigit():
            linked = {r[0] for r in ctx.conn.execute(
                "SELECT term_id FROM sb_term_relationships WHERE post_id = ?", (int(ctx.query["product"]),))}
            rows = [r for r in rows if r["id"] in linked]
        if orderby == "count":
            rows.sort(key=lambda r: (count(ctx.conn, r), r["id"]), reverse=order == "desc")
        else:
            rows.sort(key=_sort_key(orderby, include), reverse=order == "desc")
        chunk = rows[page.start: page.start + page.per_page]
        items = [serialise(ctx, kind, r, padded=hide_empty) for r in chunk]
        return list_reply(ctx, items, len(total_rows) if hide_empty else len(rows), page)

    return handler


def get_handler(kind: TermKind) -> Callable[[Ctx], Reply]:
    def handler(ctx: Ctx) -> Reply:
        ctx.context()
        row = get_row(ctx.conn, taxonomy_of(ctx, kind), int(ctx.params["id"]))
        if row is None:
            raise not_found()
        return one(ctx, serialise(ctx, kind, row))

    return handler


def create_handler(kind: TermKind) -> Callable[[Ctx], Reply]:
    def handler(ctx: Ctx) -> Reply:
        with transaction(ctx.conn):
            term_id = create(ctx, kind, body_object(ctx))
        row = get_row(ctx.conn, taxonomy_of(ctx, kind), term_id)
        assert row is not None
        return one(ctx, serialise(ctx, kind, row), 201)

    return handler


def update_handler(kind: TermKind) -> Callable[[Ctx], Reply]:
    def handler(ctx: Ctx) -> Reply:
        term_id = int(ctx.params["id"])
        with transaction(ctx.conn):
            update(ctx, kind, term_id, body_object(ctx))
        row = get_row(ctx.conn, taxonomy_of(ctx, kind), term_id)
        assert row is not None
        return one(ctx, serialise(ctx, kind, row))

    return handler


def delete_handler(kind: TermKind) -> Callable[[Ctx], Reply]:
    def handler(ctx: Ctx) -> Reply:
        with transaction(ctx.conn):
            body = delete(ctx, kind, int(ctx.params["id"]), force=ctx.qbool("force"))
        return one(ctx, body)

    return handler


def item_exists(kind: TermKind) -> Callable[[Ctx], bool]:
    def check(ctx: Ctx) -> bool:
        try:
            taxonomy = taxonomy_of(ctx, kind)
        except ApiError:
            return False
        return get_row(ctx.conn, taxonomy, int(ctx.params["id"])) is not None

    return check
