"""HTTP handlers of ``/wc/v3/products`` and ``/wc/v3/products/{id}`` (single requests; the batch route is
in ``batch``): each write runs in one transaction and answers the product in edit context."""

from __future__ import annotations

from wcsync.sandbox import product_write, products
from wcsync.sandbox.db import transaction
from wcsync.sandbox.http import Ctx, Reply, body_object, one
from wcsync.sandbox.product_list import list_products


def get_handler(ctx: Ctx) -> Reply:
    context = ctx.context()
    product_id = int(ctx.params["id"])
    row = ctx.conn.execute("SELECT post_type FROM sb_posts WHERE id = ?", (product_id,)).fetchone()
    if row is None or row["post_type"] not in ("product", "product_variation"):
        raise products.invalid_id(404)
    return one(ctx, products.body(ctx, product_id, context=context))


def list_handler(ctx: Ctx) -> Reply:
    return list_products(ctx)


def create_handler(ctx: Ctx) -> Reply:
    with transaction(ctx.conn):
        product_id = product_write.create(ctx, body_object(ctx))
    return one(ctx, products.body(ctx, product_id, context="edit"), 201)


def update_handler(ctx: Ctx) -> Reply:
    product_id = int(ctx.params["id"])
    with transaction(ctx.conn):
        product_write.update(ctx, product_id, body_object(ctx))
    return one(ctx, products.body(ctx, product_id, context="edit"))


def delete_handler(ctx: Ctx) -> Reply:
    with transaction(ctx.conn):
        result = product_write.delete_product(ctx, int(ctx.params["id"]), force=ctx.qbool("force"))
    return one(ctx, result)
