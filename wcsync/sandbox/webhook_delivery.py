"""The sandbox's webhook queue runner: builds each payload when the queue runs (the product in view context,
``{"id": N}`` for ``product.deleted``), signs it and POSTs it like WooCommerce's ``WC_Webhook::deliver``.

WooCommerce's rules (``includes/class-wc-webhook.php``): the body is ``wp_json_encode`` of the payload (``/``
escaped as ``\\/``, non-ASCII as ``\\uXXXX``); headers ``X-WC-Webhook-Source`` (site URL + ``/``), ``-Topic``,
``-Resource``, ``-Event``, ``-Signature`` (base64 HMAC-SHA256 of the body with the secret), ``-ID`` and
``-Delivery-ID`` (32 hex); user agent ``WooCommerce/<version> Hookshot (WordPress/<version>)``. A 2xx, 301 or
302 answer resets the webhook's failure count; anything else adds one, and a failure while the count is
already above ``woocommerce_max_webhook_delivery_failures`` (5) sets the webhook's status to ``disabled``.

The sandbox adds what a test needs: retries of a failed delivery with growing delays (the same delivery id;
WooCommerce itself does not retry, a retrying queue or proxy in front of it does), a delivery log, a queue
that runs by itself (``queue: auto``, a background thread, like WP-Cron) or only when asked (``queue:
manual``, ``POST /__sandbox/webhooks/run``), and faults: ``duplicate`` (sent twice), ``late`` (held back for
``late_seconds``), ``bad_signature`` (signed with the wrong secret), each for the next N deliveries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from wcsync.sandbox.db import open_db
from wcsync.sandbox.http import Ctx
from wcsync.sandbox.webhooks import ensure_schema

logger = logging.getLogger(__name__)

MAX_FAILURES = 5  # woocommerce_max_webhook_delivery_failures
DEFAULT_SETTINGS: dict[str, Any] = {
    "queue": "auto",
    "retries": 5,
    "retry_delays": [2, 4, 8, 16, 32],
    "late_seconds": 5,
    "faults": {"duplicate": 0, "late": 0, "bad_signature": 0},
    "timeout": 10.0,
}
USER_AGENT = "WooCommerce/{wc} Hookshot (WordPress/7.0.4)"


def settings(conn: sqlite3.Connection) -> dict[str, Any]:
    ensure_schema(conn)
    row = conn.execute("SELECT value FROM sb_webhook_settings WHERE key = 'settings'").fetchone()
    stored = json.loads(row[0]) if row else {}
    merged = {**DEFAULT_SETTINGS, **stored}
    merged["faults"] = {**DEFAULT_SETTINGS["faults"], **stored.get("faults", {})}
    return merged


def save_settings(conn: sqlite3.Connection, values: dict[str, Any]) -> dict[str, Any]:
    current = settings(conn)
    for key, value in values.items():
        if key == "faults" and isinstance(value, dict):
            current["faults"] = {**current["faults"], **value}
        elif key in DEFAULT_SETTINGS:
            current[key] = value
    conn.execute("INSERT OR REPLACE INTO sb_webhook_settings (key, value) VALUES ('settings', ?)",
                 (json.dumps(current),))
    return current


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def wp_json_encode(payload: Any) -> bytes:
    """``wp_json_encode`` with WordPress' default flags: ASCII only and escaped slashes."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()


# --- runners ---------------------------------------------------------------------------------------------------

_RUNNERS: dict[str, Runner] = {}
_LOCK = threading.Lock()


def _db_file(conn: sqlite3.Connection) -> str:
    for row in conn.execute("PRAGMA database_list"):
        if row[1] == "main":
            return str(Path(row[2]).resolve()) if row[2] else ""
    return ""


def register(db_path: str | Path, wc_version: str) -> Runner:
    """The runner of a served store (one per database file in this process); its thread starts on demand."""
    key = str(Path(db_path).resolve())
    with _LOCK:
        runner = _RUNNERS.get(key)
        if runner is None:
            runner = _RUNNERS[key] = Runner(key, wc_version)
    return runner


def notify(conn: sqlite3.Connection) -> None:
    """Something was queued: wake this database's runner, if this process serves it (else it waits in the
    queue until a served store runs it, like an Action Scheduler queue without a cron)."""
    runner = _RUNNERS.get(_db_file(conn))
    if runner is not None:
        runner.wake()


class Runner:
    """Delivers the queue of one store database."""

    def __init__(self, db_path: str, wc_version: str) -> None:
        self.db_path = db_path
        self.wc_version = wc_version
        self._event = threading.Event()
        self._thread: threading.Thread | None = None
        self._run_lock = threading.Lock()

    def wake(self) -> None:
        if self._thread is None:
            with _LOCK:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="sandbox-webhooks", daemon=True)
                    self._thread.start()
        self._event.set()

    def _loop(self) -> None:
        conn = open_db(self.db_path)
        while True:
            self._event.wait(timeout=1.0)
            self._event.clear()
            try:
                if settings(conn)["queue"] == "auto":
                    self.run(conn)
            except Exception:  # keep the runner alive whatever one delivery did
                logger.exception("sandbox webhook runner failed")

    def run(self, conn: sqlite3.Connection | None = None, *, everything: bool = False) -> list[dict[str, Any]]:
        """Deliver every due queue item (``everything``: also those waiting for a retry or held back late);
        returns the log entries written."""
        own = conn is None
        conn = conn or open_db(self.db_path)
        try:
            with self._run_lock:
                return self._run(conn, everything)
        finally:
            if own:
                conn.close()

    def _run(self, conn: sqlite3.Connection, everything: bool) -> list[dict[str, Any]]:
        ensure_schema(conn)
        done: list[dict[str, Any]] = []
        with httpx.Client(timeout=float(settings(conn)["timeout"]), follow_redirects=False) as client:
            while True:
                sql = "SELECT * FROM sb_webhook_queue WHERE state = 'pending'"
                args: tuple[Any, ...] = ()
                if not everything:
                    sql, args = sql + " AND due <= ?", (time.time(),)
                row = conn.execute(sql + " ORDER BY due, id LIMIT 1", args).fetchone()
                if row is None:
                    return done
                done.extend(self._deliver(conn, client, row))


    def _deliver(self, conn: sqlite3.Connection, client: httpx.Client, row: sqlite3.Row) -> list[dict[str, Any]]:
        hook = conn.execute("SELECT * FROM sb_webhooks WHERE id = ?", (row["webhook_id"],)).fetchone()
        if hook is None or (row["kind"] == "deliver" and hook["status"] != "active"):
            conn.execute("UPDATE sb_webhook_queue SET state = 'cancelled' WHERE id = ?", (row["id"],))
            return []
        config = settings(conn)
        agent = USER_AGENT.format(wc=self.wc_version)
        if row["kind"] == "ping":
            conn.execute("UPDATE sb_webhook_queue SET state = 'done', attempts = 1 WHERE id = ?", (row["id"],))
            status, error = _post(client, hook["delivery_url"], f"webhook_id={hook['id']}".encode(),
                                  {"User-Agent": agent, "Content-Type": "application/x-www-form-urlencoded"})
            return [_log(conn, row, hook, None, status, error, None, 1)]
        faults = config["faults"]
        fault = next((name for name in ("late", "duplicate", "bad_signature") if faults.get(name, 0) > 0), None)
        if fault == "late" and row["attempts"] == 0 and not row["delivery_id"]:
            _use_fault(conn, fault)
            conn.execute("UPDATE sb_webhook_queue SET due = ?, delivery_id = ? WHERE id = ?",
                         (time.time() + float(config["late_seconds"]), _delivery_id(hook["id"], row["id"]), row["id"]))
            return []
        if fault in ("duplicate", "bad_signature"):
            _use_fault(conn, fault)
        else:
            fault = "late" if row["delivery_id"] and row["attempts"] == 0 else None
        delivery_id = row["delivery_id"] or _delivery_id(hook["id"], row["id"])
        body = wp_json_encode(self._payload(conn, row, hook))
        secret = hook["secret"] if fault != "bad_signature" else hook["secret"] + "-forged"
        headers = {
            "User-Agent": agent, "Content-Type": "application/json",
            "X-WC-Webhook-Source": row["base"].rstrip("/") + "/",
            "X-WC-Webhook-Topic": hook["topic"],
            "X-WC-Webhook-Resource": hook["topic"].partition(".")[0],
            "X-WC-Webhook-Event": hook["topic"].partition(".")[2],
            "X-WC-Webhook-Signature": sign(body, secret),
            "X-WC-Webhook-ID": str(hook["id"]),
            "X-WC-Webhook-Delivery-ID": delivery_id,
        }
        attempt = row["attempts"] + 1
        conn.execute("UPDATE sb_webhook_queue SET attempts = ?, delivery_id = ?, state = 'running' WHERE id = ?",
                     (attempt, delivery_id, row["id"]))
        status, error = _post(client, hook["delivery_url"], body, headers)
        logged = [_log(conn, row, hook, delivery_id, status, error, fault, attempt)]
        if fault == "duplicate":
            status, error = _post(client, hook["delivery_url"], body, headers)
            logged.append(_log(conn, row, hook, delivery_id, status, error, fault, attempt))
        ok = status is not None and 200 <= status < 303
        _count(conn, hook["id"], ok)
        still_active = conn.execute("SELECT status FROM sb_webhooks WHERE id = ?", (hook["id"],)).fetchone()
        if ok:
            state, due = "done", row["due"]
        elif attempt <= int(config["retries"]) and still_active and still_active[0] == "active":
            delays = list(config["retry_delays"]) or [0]
            state, due = "pending", time.time() + float(delays[min(attempt - 1, len(delays) - 1)])
        else:
            state, due = "failed", row["due"]
        conn.execute("UPDATE sb_webhook_queue SET state = ?, due = ? WHERE id = ?", (state, due, row["id"]))
        return logged

    def _payload(self, conn: sqlite3.Connection, row: sqlite3.Row, hook: sqlite3.Row) -> Any:
        if hook["topic"].endswith(".deleted"):
            return {"id": row["arg"]}
        from wcsync.sandbox import products

        exists = conn.execute("SELECT post_type FROM sb_posts WHERE id = ?", (row["arg"],)).fetchone()
        if exists is None or exists[0] not in ("product", "product_variation"):
            return {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
        ctx = Ctx(conn, "GET", f"/wp-json/wc/v3/products/{row['arg']}", {}, [], None, row["base"], {},
                  self.wc_version)
        return products.body(ctx, row["arg"], context="view")


def _delivery_id(webhook_id: int, queue_id: int) -> str:
    return hashlib.md5(f"{webhook_id}:{queue_id}:{time.time_ns()}".encode()).hexdigest()


def _use_fault(conn: sqlite3.Connection, name: str) -> None:
    faults = settings(conn)["faults"]
    faults[name] = max(0, int(faults.get(name, 0)) - 1)
    save_settings(conn, {"faults": faults})


def _count(conn: sqlite3.Connection, webhook_id: int, ok: bool) -> None:
    if ok:
        conn.execute("UPDATE sb_webhooks SET failure_count = 0 WHERE id = ?", (webhook_id,))
        return
    failures = conn.execute("SELECT failure_count FROM sb_webhooks WHERE id = ?", (webhook_id,)).fetchone()[0]
    if failures > MAX_FAILURES:
        conn.execute("UPDATE sb_webhooks SET status = 'disabled' WHERE id = ?", (webhook_id,))
    else:
        conn.execute("UPDATE sb_webhooks SET failure_count = ? WHERE id = ?", (failures + 1, webhook_id))


def _post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return response.status_code, None


def _log(conn: sqlite3.Connection, row: sqlite3.Row, hook: sqlite3.Row, delivery_id: str | None, status: int | None,
         error: str | None, fault: str | None, attempt: int) -> dict[str, Any]:
    entry = {"queue_id": row["id"], "webhook_id": hook["id"], "kind": row["kind"], "topic": hook["topic"],
             "arg": row["arg"], "delivery_id": delivery_id, "status": status, "error": error, "fault": fault,
             "attempt": attempt}
    conn.execute("INSERT INTO sb_webhook_log (queue_id, webhook_id, kind, topic, arg, delivery_id, status, error, "
                 "fault, attempt) VALUES (:queue_id, :webhook_id, :kind, :topic, :arg, :delivery_id, :status, "
                 ":error, :fault, :attempt)", entry)
    return entry


def snapshot(conn: sqlite3.Connection) -> dict[str, Any]:
    """What ``GET /__sandbox/webhooks`` shows: settings, webhooks (with failure counts), queue and log."""
    ensure_schema(conn)
    hooks = [{k: v for k, v in dict(r).items() if k != "secret"} for r in conn.execute("SELECT * FROM sb_webhooks")]
    queue = [dict(r) for r in conn.execute("SELECT * FROM sb_webhook_queue ORDER BY id")]
    log = [dict(r) for r in conn.execute("SELECT * FROM sb_webhook_log ORDER BY id")]
    return {"settings": settings(conn), "webhooks": hooks, "queue": queue, "log": log}


# --- control endpoints (``/__sandbox/webhooks``) ---------------------------------------------------------------


def control_routes(prefix: str, db_path: str | Path, wc_version: str, *, serve: bool) -> list[Any]:
    """``GET /__sandbox/webhooks`` (settings, webhooks, queue, log), ``POST /__sandbox/webhooks`` (settings:
    ``queue`` auto|manual, ``retries``, ``retry_delays``, ``late_seconds``, ``faults``), ``POST
    /__sandbox/webhooks/run`` (``{"all": true}`` also runs what waits for a retry; answers the log entries).
    ``serve``: this process delivers (a served store), so its runner is registered."""
    import asyncio

    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    runner = register(db_path, wc_version) if serve else Runner(str(Path(db_path).resolve()), wc_version)

    def _with_conn(fn: Any) -> Any:
        conn = open_db(db_path)
        try:
            return fn(conn)
        finally:
            conn.close()

    async def get(request: Request) -> JSONResponse:
        return JSONResponse(await asyncio.to_thread(_with_conn, snapshot))

    async def post(request: Request) -> JSONResponse:
        try:
            values = json.loads(await request.body() or b"{}")
        except ValueError:
            values = None
        if not isinstance(values, dict):
            return JSONResponse({"error": "send a JSON object of settings"}, status_code=400)
        saved = await asyncio.to_thread(_with_conn, lambda conn: save_settings(conn, values))
        if serve:
            runner.wake()
        return JSONResponse(saved)

    async def run(request: Request) -> JSONResponse:
        try:
            values = json.loads(await request.body() or b"{}")
        except ValueError:
            values = {}
        everything = bool(isinstance(values, dict) and values.get("all"))
        return JSONResponse({"delivered": await asyncio.to_thread(runner.run, everything=everything)})

    return [
        Route(prefix + "webhooks", get, methods=["GET"]),
        Route(prefix + "webhooks", post, methods=["POST"]),
        Route(prefix + "webhooks/run", run, methods=["POST"]),
    ]
