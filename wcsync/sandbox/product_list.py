"""``GET /products`` (and the store-wide ``GET /variations``): filters, ordering and pagination in SQL so
a page stays fast on a store of 50,000 products and variations."""

from __future__ import annotations

from typing import Any

from wcsync.core.canonical import sku_key
from wcsync.sandbox import products, terms
from wcsync.sandbox.errors import invalid_param, not_in_enum
from wcsync.sandbox.http import Ctx, Reply, id_list, list_reply, order_param, page_params
from wcsync.sandbox.product_fields import parse_date

ORDERBY = ["date", "id", "include", "title", "slug", "modified", "popularity", "rating", "post__in", "price",
           "sales", "menu_order", "random", "popularity", "rating", "menu_order", "price", "popularity",
           "rating"]
TYPES = ["simple", "grouped", "external", "variable"]
STATUSES = ["any", "future", "trash", "draft", "pending", "private", "publish"]


def _date(ctx: Ctx, name: str) -> str | None:
    raw = ctx.query.get(name)
    if raw is None:
        return None
    value = parse_date(raw) if "T" in raw or len(raw) == 10 else None
    if value is None:
        raise invalid_param(name, "Invalid date.", "rest_invalid_date")
    return value


def list_products(ctx: Ctx, *, variations_only: bool = False) -> Reply:
    context = ctx.context()
    page = page_params(ctx)
    order = order_param(ctx, "desc")
    orderby = ctx.query.get("orderby", "date")
    if orderby not in ORDERBY:
        raise not_in_enum("orderby", ORDERBY)
    where: list[str] = []
    args: list[Any] = []
    skus = [sku_key(s) for s in ctx.query.get("sku", "").split(",") if sku_key(s)]
    search_sku = sku_key(ctx.query.get("search_sku", ""))
    if variations_only:
        where.append("p.post_type = 'product_variation'")
    elif skus or search_sku:
        where.append("p.post_type IN ('product', 'product_variation')")
    else:
        where.append("p.post_type = 'product'")
    status = ctx.query.get("status", "any")
    if status not in STATUSES:
        raise not_in_enum("status", STATUSES)
    if status == "any":
        where.append("p.status NOT IN ('trash', 'auto-draft')")
    else:
        where.append("p.status = ?")
        args.append(status)
    if "type" in ctx.query:
        if ctx.query["type"] not in TYPES:
            raise not_in_enum("type", TYPES)
        where.append("p.type = ?")
        args.append(ctx.query["type"])
    if skus:
        where.append(f"p.sku_lower IN ({','.join('?' * len(skus))})")
        args.extend(skus)
    if search_sku:
        where.append("instr(p.sku_lower, ?) > 0")
        args.append(search_sku)
    gtins = [g.strip() for g in ctx.query.get("global_unique_id", "").split(",") if g.strip()]
    if gtins:  # products only: the variation's GTIN is not what 11#111 looked for
        where.append(f"json_extract(p.data, '$.global_unique_id') IN ({','.join('?' * len(gtins))})")
        args.extend(gtins)
    search = ctx.query.get("search", "").strip().casefold()
    if search:
        where.append("instr(p.search, ?) > 0")
        args.append(search)
    include = id_list(ctx.query.get("include"))
    if include:
        where.append(f"p.id IN ({','.join('?' * len(include))})")
        args.extend(include)
    exclude = id_list(ctx.query.get("exclude"))
    if exclude:
        where.append(f"p.id NOT IN ({','.join('?' * len(exclude))})")
        args.extend(exclude)
    if "parent" in ctx.query:
        parents = id_list(ctx.query["parent"])
        where.append(f"p.parent_id IN ({','.join('?' * len(parents)) or '0'})")
        args.extend(parents)
    for name, taxonomy in (("category", "product_cat"), ("tag", "product_tag"),
                           ("shipping_class", "product_shipping_class"), ("brand", "product_brand")):
        if name in ctx.query:
            ids: list[int] = []
            for term_id in id_list(ctx.query[name]):
                ids.extend(terms.descendants(ctx.conn, taxonomy, term_id) if name in ("category", "brand")
                           else [term_id])
            where.append("EXISTS (SELECT 1 FROM sb_term_relationships r WHERE r.post_id = p.id AND r.term_id IN "
                         f"({','.join('?' * len(ids)) or 'NULL'}))")
            args.extend(ids)
    if "attribute_term" in ctx.query and "attribute" in ctx.query:
        ids = id_list(ctx.query["attribute_term"])
        where.append("EXISTS (SELECT 1 FROM sb_term_relationships r WHERE r.post_id = p.id AND r.term_id IN "
                     f"({','.join('?' * len(ids)) or 'NULL'}))")
        args.extend(ids)
    for name, op in (("modified_after", ">"), ("modified_before", "<"), ("after", ">"), ("before", "<")):
        value = _date(ctx, name)
        if value is not None:
            column = "p.date_modified" if name.startswith("modified") else "p.date_created"
            where.append(f"{column} {op} ?")
            args.append(value)
    if "featured" in ctx.query:
        where.append("json_extract(p.data, '$.featured') = ?")
        args.append(1 if ctx.qbool("featured") else 0)
    if "stock_status" in ctx.query:
        where.append("json_extract(p.data, '$.stock_status') = ?")
        args.append(ctx.query["stock_status"])
    clause = " AND ".join(where)
    total = ctx.conn.execute(f"SELECT COUNT(*) FROM sb_posts p WHERE {clause}", args).fetchone()[0]
    direction = "DESC" if order == "desc" else "ASC"
    order_sql = _order_sql(orderby, direction, include)
    rows = ctx.conn.execute(
        f"SELECT p.id FROM sb_posts p WHERE {clause} ORDER BY {order_sql} LIMIT ? OFFSET ?",
        (*args, page.per_page, page.start),
    ).fetchall()
    items = [products.body(ctx, r["id"], context=context) if not variations_only else _variation(ctx, r["id"], context)
             for r in rows]
    return list_reply(ctx, items, int(total), page, "GET" if variations_only else "GET, POST")


def _variation(ctx: Ctx, variation_id: int, context: str) -> dict[str, Any]:
    from wcsync.sandbox import variations

    return variations.body(ctx, variation_id, context=context)


def _order_sql(orderby: str, direction: str, include: list[int]) -> str:
    if orderby in ("include", "post__in") and include:
        cases = " ".join(f"WHEN {int(i)} THEN {n}" for n, i in enumerate(include))
        return f"CASE p.id {cases} END ASC"
    columns = {
        "date": f"p.date_created {direction}, p.id {direction}",
        "id": f"p.id {direction}",
        "title": f"p.name COLLATE NOCASE {direction}, p.id {direction}",
        "slug": f"p.slug {direction}, p.id {direction}",
        "modified": f"p.date_modified {direction}, p.id {direction}",
        # products whose SKU does not fit WooCommerce's lookup table (> 100 characters) have no price there
        "price": f"CASE WHEN length(p.sku) > 100 THEN NULL ELSE COALESCE(p.price, 0) END {direction}, "
                 f"p.id {direction}",
        "menu_order": f"p.menu_order {direction}, p.name COLLATE NOCASE ASC, p.id ASC",
        "random": "RANDOM()",
    }
    return columns.get(orderby, f"p.date_created {direction}, p.id {direction}")

