"""Webhooks of the sandbox store: the ``/wc/v3/webhooks`` routes and the hook the product and variation
writes call (``product_event``), which queues deliveries like WooCommerce's Action Scheduler does.

What WooCommerce does (``includes/class-wc-webhook.php``, ``wc-webhook-functions.php``, the v1 webhooks REST
controller; the "Webhooks" section of ``shared/woocommerce/README.md``):

- topics map to hooks: ``product.created`` ← new product/variation, ``product.updated`` ← update of a
  product or variation, ``product.deleted`` ← ``wp_trash_post`` only (a permanent delete sends nothing),
  ``product.restored`` ← ``untrashed_post``;
- a delivery is queued (``woocommerce_deliver_webhook_async``) at the end of the request, once per
  (webhook, resource id) while one is pending; the payload is built when the queue runs, not at the write;
- creating a webhook through REST pings its URL at once (form body ``webhook_id=N``, no signature);
- ``DELETE`` without ``force`` is 501 ``woocommerce_rest_trash_not_supported``; the secret is never shown.

Delivery itself (payload, signature, retries, faults) is in ``webhook_delivery``. The hook never raises: a
failure to queue is logged and the write goes on.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import time
from typing import Any
from urllib.parse import urlsplit

from wcsync.sandbox.db import iso, now
from wcsync.sandbox.errors import ApiError
from wcsync.sandbox.http import Ctx, Reply, body_object, list_reply, one, page_params

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sb_webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, status TEXT NOT NULL, topic TEXT NOT NULL,
  delivery_url TEXT NOT NULL, secret TEXT NOT NULL, failure_count INTEGER NOT NULL DEFAULT 0,
  date_created TEXT NOT NULL, date_modified TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sb_webhook_queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT, webhook_id INTEGER NOT NULL, kind TEXT NOT NULL, arg INTEGER NOT NULL,
  base TEXT NOT NULL, due REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, delivery_id TEXT,
  state TEXT NOT NULL DEFAULT 'pending');
CREATE TABLE IF NOT EXISTS sb_webhook_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT, queue_id INTEGER, webhook_id INTEGER, kind TEXT, topic TEXT,
  arg INTEGER, delivery_id TEXT, status INTEGER, error TEXT, fault TEXT, attempt INTEGER);
CREATE TABLE IF NOT EXISTS sb_webhook_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")
STATUSES = ("active", "paused", "disabled")
#: hooks WooCommerce lists for each product topic (the ``hooks`` field of a webhook)
PRODUCT_HOOKS = {
    "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product",
                        "woocommerce_new_product_variation"],
    "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product",
                        "woocommerce_update_product_variation"],
    "product.deleted": ["wp_trash_post"],
    "product.restored": ["untrashed_post"],
}


def ensure_schema(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


# --- the hook ------------------------------------------------------------------------------------------------


def product_event(ctx: Ctx, post_id: int, event: str) -> None:
    """A product or variation was created/updated/trashed/restored: queue one delivery per active webhook of
    ``product.<event>`` (none while one for the same resource is still pending). Never raises."""
    try:
        queued = _enqueue(ctx.conn, post_id, f"product.{event}", ctx.base)
    except Exception:  # a webhook problem must never break the store's write
        logger.exception("sandbox store could not queue the product.%s webhook of %s", event, post_id)
        return
    if queued:
        from wcsync.sandbox import webhook_delivery

        webhook_delivery.notify(ctx.conn)


def _enqueue(conn: sqlite3.Connection, arg: int, topic: str, base: str) -> int:
    try:
        hooks = conn.execute("SELECT id FROM sb_webhooks WHERE status = 'active' AND topic = ?", (topic,)).fetchall()
    except sqlite3.OperationalError as err:
        if "no such table" in str(err):
            return 0  # no webhook was ever created in this store: one failed lookup, nothing to queue
        raise
    queued = 0
    for (webhook_id,) in hooks:
        pending = conn.execute(
            "SELECT 1 FROM sb_webhook_queue WHERE webhook_id = ? AND arg = ? AND kind = 'deliver' "
            "AND state = 'pending' AND attempts = 0", (webhook_id, arg)).fetchone()
        if pending is None:
            conn.execute("INSERT INTO sb_webhook_queue (webhook_id, kind, arg, base, due) VALUES (?, 'deliver', ?, ?, ?)",
                         (webhook_id, arg, base, time.time()))
            queued += 1
    return queued


# --- REST routes ---------------------------------------------------------------------------------------------


def valid_topic(topic: str) -> bool:
    resource, _, event = topic.partition(".")
    if resource == "action":
        return bool(event)
    return resource in RESOURCES and event in EVENTS


def _valid_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _invalid_id(status: int, message: str = "Invalid ID.") -> ApiError:
    return ApiError(status, "woocommerce_rest_webhook_invalid_id", message)


def item(ctx: Ctx, row: sqlite3.Row) -> dict[str, Any]:
    topic = row["topic"]
    resource, _, event = topic.partition(".")
    hooks = [event] if resource == "action" else PRODUCT_HOOKS.get(topic, [])
    return {
        "id": row["id"], "name": row["name"], "status": row["status"], "topic": topic, "resource": resource,
        "event": event, "hooks": hooks, "delivery_url": row["delivery_url"],
        "date_created": row["date_created"], "date_created_gmt": row["date_created"],
        "date_modified": row["date_modified"], "date_modified_gmt": row["date_modified"],
        "_links": {"self": [{"href": ctx.url(f"/webhooks/{row['id']}")}],
                   "collection": [{"href": ctx.url("/webhooks")}]},
    }


def _load(conn: sqlite3.Connection, webhook_id: int) -> sqlite3.Row | None:
    ensure_schema(conn)
    row: sqlite3.Row | None = conn.execute("SELECT * FROM sb_webhooks WHERE id = ?", (webhook_id,)).fetchone()
    return row


def list_handler(ctx: Ctx) -> Reply:
    ensure_schema(ctx.conn)
    page = page_params(ctx)
    status = ctx.query.get("status", "all")
    if status not in ("all", *STATUSES):
        raise ApiError(400, "rest_invalid_param", "Invalid parameter(s): status",
                       {"params": {"status": "status is not one of all, active, paused, disabled."}})
    sql, args = "SELECT * FROM sb_webhooks", []
    if status != "all":
        sql, args = sql + " WHERE status = ?", [status]
    rows = ctx.conn.execute(sql + " ORDER BY date_created DESC, id DESC", args).fetchall()
    chunk = rows[page.start: page.start + page.per_page]
    return list_reply(ctx, [item(ctx, r) for r in chunk], len(rows), page)


def create_handler(ctx: Ctx) -> Reply:
    data = body_object(ctx)
    if data.get("id"):
        raise ApiError(400, "woocommerce_rest_webhook_exists", "Cannot create existing webhook.")
    topic = str(data.get("topic") or "").strip().lower()
    if not valid_topic(topic):
        raise ApiError(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid.")
    if not _valid_url(data.get("delivery_url")):
        raise ApiError(400, "woocommerce_rest_webhook_invalid_delivery_url",
                       "Webhook delivery URL must be a valid URL starting with http:// or https://.")
    stamp = iso(now()) or ""
    name = str(data.get("name") or f"Webhook created on {stamp}")
    status = str(data.get("status") or "active")
    status = status if status in STATUSES else "disabled"
    secret = str(data.get("secret") or secrets.token_urlsafe(37)[:50])
    ensure_schema(ctx.conn)
    cursor = ctx.conn.execute(
        "INSERT INTO sb_webhooks (name, status, topic, delivery_url, secret, date_created, date_modified) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (name, status, topic, str(data["delivery_url"]).strip(), secret, stamp, stamp))
    webhook_id = int(cursor.lastrowid or 0)
    # the ping WooCommerce sends from the creating request; here it waits for the queue runner (never blocks)
    ctx.conn.execute("INSERT INTO sb_webhook_queue (webhook_id, kind, arg, base, due) VALUES (?, 'ping', ?, ?, ?)",
                     (webhook_id, webhook_id, ctx.base, time.time()))
    row = _load(ctx.conn, webhook_id)
    assert row is not None
    reply = one(ctx, item(ctx, row), 201)
    reply.headers["Location"] = ctx.url(f"/webhooks/{webhook_id}")
    from wcsync.sandbox import webhook_delivery

    webhook_delivery.notify(ctx.conn)
    return reply


def get_handler(ctx: Ctx) -> Reply:
    row = _load(ctx.conn, int(ctx.params["id"]))
    if row is None:
        raise _invalid_id(404)
    return one(ctx, item(ctx, row))


def update_handler(ctx: Ctx) -> Reply:
    webhook_id = int(ctx.params["id"])
    row = _load(ctx.conn, webhook_id)
    if row is None:
        raise _invalid_id(400, "ID is invalid.")
    data = body_object(ctx)
    changes: dict[str, Any] = {}
    if data.get("topic"):
        topic = str(data["topic"]).strip().lower()
        if not valid_topic(topic):
            raise ApiError(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic must be valid.")
        changes["topic"] = topic
    if data.get("delivery_url"):
        if not _valid_url(data["delivery_url"]):
            raise ApiError(400, "woocommerce_rest_webhook_invalid_delivery_url",
                           "Webhook delivery URL must be a valid URL starting with http:// or https://.")
        changes["delivery_url"] = str(data["delivery_url"]).strip()
    if data.get("secret"):
        changes["secret"] = str(data["secret"])
    if data.get("status"):
        status = str(data["status"]).strip().lower()
        if status not in STATUSES:
            raise ApiError(400, "woocommerce_rest_webhook_invalid_status", "Webhook status must be valid.")
        changes["status"] = status
    if data.get("name"):
        changes["name"] = str(data["name"])
    changes["date_modified"] = iso(now()) or ""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    ctx.conn.execute(f"UPDATE sb_webhooks SET {assignments} WHERE id = ?", (*changes.values(), webhook_id))
    updated = _load(ctx.conn, webhook_id)
    assert updated is not None
    return one(ctx, item(ctx, updated))


def delete_handler(ctx: Ctx) -> Reply:
    if not ctx.qbool("force"):
        raise ApiError(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.")
    webhook_id = int(ctx.params["id"])
    row = _load(ctx.conn, webhook_id)
    if row is None:
        raise _invalid_id(404)
    body = item(ctx, row)
    ctx.conn.execute("DELETE FROM sb_webhooks WHERE id = ?", (webhook_id,))
    ctx.conn.execute("DELETE FROM sb_webhook_queue WHERE webhook_id = ? AND state = 'pending'", (webhook_id,))
    return one(ctx, body)


def item_exists(ctx: Ctx) -> bool:
    return _load(ctx.conn, int(ctx.params["id"])) is not None


def routes() -> list[Any]:
    """The ``/wc/v3/webhooks`` routes, for ``wcsync.sandbox.routes``."""
    from wcsync.sandbox.routes import COLLECTION, ITEM, _r

    update = update_handler
    return [
        _r(r"/webhooks", {"GET": list_handler, "POST": create_handler}, COLLECTION, "collection"),
        _r(r"/webhooks/(?P<id>\d+)", {"GET": get_handler, "POST": update, "PUT": update, "PATCH": update,
                                       "DELETE": delete_handler}, ITEM, "item", exists_after=item_exists),
    ]
