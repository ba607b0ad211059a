"""HTTP handlers of the variation routes: ``/products/{id}/variations`` (list with filters, single CRUD),
``…/variations/generate`` and the store-wide ``/variations`` (WooCommerce ≥ 10.3). The rules live in
``variations``."""

from __future__ import annotations

import itertools
import re
from typing import Any

from wcsync.core.canonical import sku_key
from wcsync.core.refs import is_global_ref, strip_pa
from wcsync.sandbox import product_fields, store, variations
from wcsync.sandbox.db import iso, next_id, now, transaction
from wcsync.sandbox.errors import invalid_param
from wcsync.sandbox.http import Ctx, Reply, body_object, id_list, list_reply, one, order_param, page_params
from wcsync.sandbox.product_list import list_products


def list_handler(ctx: Ctx) -> Reply:
    context = ctx.context()
    page = page_params(ctx)
    order = order_param(ctx, "desc")
    parent_id = int(ctx.params["product_id"])
    rows = store.children(ctx.conn, parent_id, include_trash=True)
    status = ctx.query.get("status", "any")
    # trashed variations (a trashed parent's included) show only with status=trash (11#8-10)
    rows = [r for r in rows if r["status"] == status or (status == "any" and r["status"] != "trash")]
    rows = _attribute_filter(ctx, rows)
    skus = {sku_key(s) for s in ctx.query.get("sku", "").split(",") if sku_key(s)}
    if skus:
        rows = [r for r in rows if r["sku_lower"] in skus]
    include, exclude = id_list(ctx.query.get("include")), id_list(ctx.query.get("exclude"))
    rows = [r for r in rows if (not include or r["id"] in include) and r["id"] not in exclude]
    for name, column, after in (("modified_after", "date_modified", True), ("modified_before", "date_modified", False),
                                ("after", "date_created", True), ("before", "date_created", False)):
        if name in ctx.query:
            moment = product_fields.parse_date(ctx.query[name])
            if moment is None:
                raise invalid_param(name, "Invalid date.", "rest_invalid_date")
            rows = [r for r in rows if (r[column] > moment if after else r[column] < moment)]
    orderby = ctx.query.get("orderby", "date")
    key = {"id": lambda r: r["id"], "menu_order": lambda r: (r["menu_order"], r["id"])}.get(
        orderby, lambda r: (r["date_created"], r["id"]))
    rows = sorted(rows, key=key, reverse=order == "desc")
    chunk = rows[page.start: page.start + page.per_page]
    return list_reply(ctx, [variations.body(ctx, r["id"], context=context) for r in chunk], len(rows), page)


def _attribute_filter(ctx: Ctx, rows: list[Any]) -> list[Any]:
    """``attributes[i][attribute]`` + ``attributes[i][term]``: the stored value must equal the term as sent
    (a global attribute stores the term slug, so its name finds nothing, 11#74-76)."""
    wanted: dict[str, dict[str, str]] = {}
    for key, value in ctx.query.items():
        match = re.fullmatch(r"attributes\[(\d+)\]\[(attribute|term)\]", key)
        if match:
            wanted.setdefault(match.group(1), {})[match.group(2)] = value
    pairs = [(w["attribute"], w["term"]) for w in wanted.values() if "attribute" in w and "term" in w]
    if not pairs:
        return rows
    out = []
    for row in rows:
        values = store.props_of(row).get("attributes", {})
        if all(_stored_value(ctx, values, attribute).casefold() == term.casefold() for attribute, term in pairs):
            out.append(row)
    return out


def _stored_value(ctx: Ctx, values: dict[str, Any], attribute: str) -> str:
    key = attribute
    if is_global_ref(attribute):
        found = ctx.conn.execute("SELECT id FROM sb_attributes WHERE slug = ?", (strip_pa(attribute),)).fetchone()
        key = f"pa:{found['id']}" if found else attribute
    return str(values.get(key, ""))


def store_list_handler(ctx: Ctx) -> Reply:
    return list_products(ctx, variations_only=True)


def get_handler(ctx: Ctx) -> Reply:
    context = ctx.context()
    variations.get_loaded(ctx, int(ctx.params["product_id"]), int(ctx.params["id"]))
    return one(ctx, variations.body(ctx, int(ctx.params["id"]), context=context))


def create_handler(ctx: Ctx) -> Reply:
    with transaction(ctx.conn):
        variation_id = variations.create(ctx, int(ctx.params["product_id"]), body_object(ctx))
    return one(ctx, variations.body(ctx, variation_id, context="edit"), 201)


def update_handler(ctx: Ctx) -> Reply:
    variation_id = int(ctx.params["id"])
    with transaction(ctx.conn):
        variations.update(ctx, int(ctx.params["product_id"]), variation_id, body_object(ctx))
    return one(ctx, variations.body(ctx, variation_id, context="edit"))


def delete_handler(ctx: Ctx) -> Reply:
    with transaction(ctx.conn):
        result = variations.delete(ctx, int(ctx.params["product_id"]), int(ctx.params["id"]), force=ctx.qbool("force"))
    return one(ctx, result)


def item_exists(ctx: Ctx) -> bool:
    row = ctx.conn.execute("SELECT parent_id, post_type FROM sb_posts WHERE id = ?", (int(ctx.params["id"]),)).fetchone()
    return row is not None and row["post_type"] == "product_variation" and row["parent_id"] == int(
        ctx.params["product_id"])


def generate_handler(ctx: Ctx) -> Reply:
    """Create every missing combination of the parent's variation attributes (optionally deleting others)."""
    parent_id = int(ctx.params["product_id"])
    data = body_object(ctx)
    ctx.deferred_parents = set()  # one parent sync after all combinations, not one per new variation
    with transaction(ctx.conn):
        parent = variations.load_parent(ctx.conn, parent_id)
        attrs = variations.parent_attributes(ctx.conn, parent)
        existing = [store.load(ctx.conn, r["id"]) for r in store.children(ctx.conn, parent_id)]
        result: dict[str, int] = {}
        if data.get("delete") in (True, 1, "1", "true"):
            deleted = 0
            for loaded in existing:
                assert loaded is not None
                values = loaded[1].get("attributes", {})
                if any(values.get(a["key"], "") not in ("", *a["options"]) for a in attrs):
                    ctx.conn.execute("DELETE FROM sb_posts WHERE id = ?", (loaded[0]["id"],))
                    deleted += 1
            existing = [store.load(ctx.conn, r["id"]) for r in store.children(ctx.conn, parent_id)]
            result["deleted_count"] = deleted
        seen = [tuple(e[1].get("attributes", {}).get(a["key"], "") for a in attrs) for e in existing if e]
        raw_defaults = data.get("default_values")
        defaults: dict[str, Any] = raw_defaults if isinstance(raw_defaults, dict) else {}
        created = 0
        for combo in itertools.product(*(a["options"] for a in attrs)) if attrs else []:
            if combo in seen:
                continue
            props = store.load_defaults("variation")
            variation_id = next_id(ctx.conn, "post")
            variations.apply(ctx, parent_id, props, dict(defaults), variation_id, creating=True)
            props["attributes"] = {a["key"]: value for a, value in zip(attrs, combo, strict=True)}
            variations.save(ctx, variation_id, parent_id, props, iso(now()) or "")
            created += 1
        for synced in sorted(ctx.deferred_parents):
            variations.sync_parent(ctx.conn, synced)
        result = {"count": created, **result}
    return Reply(200, result)
