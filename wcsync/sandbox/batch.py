"""The ``…/batch`` endpoints: up to 100 items over ``create`` + ``update`` + ``delete`` (413 past that,
nothing applied), each item applied on its own (a failing item does not stop the others and leaves
nothing behind), answers in create/update/delete order with per-item ``{"id", "error"}`` entries, deletes
always forced, and ``[]`` for an empty batch, a non-object body or a request with ``_fields``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from wcsync.sandbox import attributes, product_write, products, terms, variations
from wcsync.sandbox.db import transaction
from wcsync.sandbox.errors import ApiError
from wcsync.sandbox.http import Ctx, Reply

LIMIT = 100

Creator = Callable[[Ctx, dict[str, Any]], dict[str, Any]]
Updater = Callable[[Ctx, int, dict[str, Any]], dict[str, Any]]
Deleter = Callable[[Ctx, int], dict[str, Any]]


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def run(ctx: Ctx, *, create: Creator, update: Updater, delete: Deleter, missing_update: ApiError,
        missing_delete: ApiError, finish: Callable[[], None] | None = None) -> Reply:
    """Apply a batch in one transaction; ``finish`` runs inside it after the last item (deferred syncs)."""
    body = ctx.body
    if not isinstance(body, dict):
        return Reply(200, [])
    lists: dict[str, list[Any]] = {}
    for key in ("create", "update", "delete"):
        value = body.get(key)
        lists[key] = value if isinstance(value, list) else []
    if sum(len(items) for items in lists.values()) > LIMIT:
        raise ApiError(413, "woocommerce_rest_request_entity_too_large",
                       f"Unable to accept more than {LIMIT} items for this request.")
    with transaction(ctx.conn):  # one transaction, one savepoint per item
        response = _apply_lists(ctx, lists, create, update, delete, missing_update, missing_delete)
        if finish is not None:
            finish()
    if "_fields" in ctx.query or not response:
        return Reply(200, [])
    return Reply(200, response)


def _apply_lists(ctx: Ctx, lists: dict[str, list[Any]], create: Creator, update: Updater, delete: Deleter,
                 missing_update: ApiError, missing_delete: ApiError) -> dict[str, list[Any]]:
    response: dict[str, list[Any]] = {}
    for item in lists["create"]:
        data: dict[str, Any] = item if isinstance(item, dict) else {}
        response.setdefault("create", []).append(_one(ctx, partial(create, ctx, data), 0))
    for item in lists["update"]:
        data = item if isinstance(item, dict) else {}
        item_id = _as_int(data.get("id"))
        if item_id is None:
            response.setdefault("update", []).append({"id": data.get("id"), "error": _error(missing_update)})
            continue
        response.setdefault("update", []).append(_one(ctx, partial(update, ctx, item_id, data), item_id))
    for item in lists["delete"]:
        raw_id = item.get("id") if isinstance(item, dict) else item
        item_id = _as_int(raw_id)
        shown = item_id if item_id is not None else raw_id
        if item_id is None:
            response.setdefault("delete", []).append({"id": shown, "error": _error(missing_delete)})
            continue
        response.setdefault("delete", []).append(_one(ctx, partial(delete, ctx, item_id), shown))
    return response


def _error(err: ApiError) -> dict[str, Any]:
    return err.body()


def _one(ctx: Ctx, action: Callable[[], dict[str, Any]], error_id: Any) -> Any:
    """Apply one item inside a savepoint: a failing item leaves nothing behind."""
    ctx.conn.execute("SAVEPOINT batch_item")
    try:
        result = action()
    except ApiError as err:
        ctx.conn.execute("ROLLBACK TO batch_item")
        ctx.conn.execute("RELEASE batch_item")
        return {"id": error_id, "error": _error(err)}
    except BaseException:
        ctx.conn.execute("ROLLBACK TO batch_item")
        ctx.conn.execute("RELEASE batch_item")
        raise
    ctx.conn.execute("RELEASE batch_item")
    return result


# --- per resource -------------------------------------------------------------------------------------


def term_batch_handler(kind: terms.TermKind) -> Callable[[Ctx], Reply]:
    def create(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
        term_id = terms.create(ctx, kind, data, batch=True)
        return _term_body(ctx, kind, term_id)

    def update(ctx: Ctx, term_id: int, data: dict[str, Any]) -> dict[str, Any]:
        terms.update(ctx, kind, term_id, data, batch=True)
        return _term_body(ctx, kind, term_id)

    def delete(ctx: Ctx, term_id: int) -> dict[str, Any]:
        return terms.delete(ctx, kind, term_id, force=True)

    def handler(ctx: Ctx) -> Reply:
        terms.taxonomy_of(ctx, kind)
        reply = run(ctx, create=create, update=update, delete=delete, missing_update=terms.not_found(),
                    missing_delete=terms.not_found())
        if kind is terms.ATTRIBUTE_TERM and isinstance(reply.body, dict):
            _raw_route_links(ctx, reply.body)
        return reply

    return handler


def _raw_route_links(ctx: Ctx, body: dict[str, Any]) -> None:
    """WooCommerce's attribute-term batch builds ``_links`` from the route pattern, not the request:
    ``…/attributes/(?P<attribute_id>[\\d]+)/terms/23``, and without ``targetHints``."""
    real = f"/products/attributes/{ctx.params['attribute_id']}/terms"
    raw = "/products/attributes/(?P<attribute_id>[\\d]+)/terms"
    for items in body.values():
        for item in items:
            for rel in item.get("_links", {}).values():
                for link in rel:
                    link["href"] = link["href"].replace(real, raw)
                    link.pop("targetHints", None)


def _term_body(ctx: Ctx, kind: terms.TermKind, term_id: int) -> dict[str, Any]:
    row = terms.get_row(ctx.conn, terms.taxonomy_of(ctx, kind), term_id)
    assert row is not None
    return terms.serialise(ctx, kind, row)


def attribute_batch_handler(ctx: Ctx) -> Reply:
    def create(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
        return _attribute_body(ctx, attributes.create(ctx, data, batch=True))

    def update(ctx: Ctx, attribute_id: int, data: dict[str, Any]) -> dict[str, Any]:
        attributes.update(ctx, attribute_id, data)
        return _attribute_body(ctx, attribute_id)

    return run(ctx, create=create, update=update, delete=attributes.delete,
               missing_update=attributes.not_found(), missing_delete=attributes.not_found())


def _attribute_body(ctx: Ctx, attribute_id: int) -> dict[str, Any]:
    row = attributes.get_row(ctx.conn, attribute_id)
    assert row is not None
    return attributes.serialise(ctx, row)


def product_batch_handler(ctx: Ctx) -> Reply:
    def create(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
        return products.body(ctx, product_write.create(ctx, data, batch=True), context="edit")

    def update(ctx: Ctx, product_id: int, data: dict[str, Any]) -> dict[str, Any]:
        product_write.update(ctx, product_id, data, batch=True)
        return products.body(ctx, product_id, context="edit")

    def delete(ctx: Ctx, product_id: int) -> dict[str, Any]:
        return product_write.delete_product(ctx, product_id, force=True)

    return run(ctx, create=create, update=update, delete=delete,
               missing_update=products.invalid_id(400), missing_delete=products.invalid_id(404))


def variation_batch_handler(ctx: Ctx) -> Reply:
    parent_id = int(ctx.params["product_id"])

    def create(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
        return variations.body(ctx, variations.create(ctx, parent_id, data, batch=True), context="edit")

    def update(ctx: Ctx, variation_id: int, data: dict[str, Any]) -> dict[str, Any]:
        variations.update(ctx, parent_id, variation_id, data, batch=True)
        return variations.body(ctx, variation_id, context="edit")

    def delete(ctx: Ctx, variation_id: int) -> dict[str, Any]:
        return variations.delete(ctx, parent_id, variation_id, force=True)

    def finish() -> None:
        for parent in sorted(ctx.deferred_parents or ()):
            variations.sync_parent(ctx.conn, parent)

    ctx.deferred_parents = set()
    reply = run(ctx, create=create, update=update, delete=delete,
                missing_update=variations.invalid_id(), missing_delete=variations.invalid_id(), finish=finish)
    if isinstance(reply.body, dict):  # WooCommerce echoes the whole delete request of a failed item
        for entry in reply.body.get("delete", []):
            if "error" in entry:
                entry["id"] = {"id": entry["id"], "product_id": parent_id, "force": True}
    return reply
