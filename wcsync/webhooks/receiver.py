"""The webhook receiver: a Starlette app WooCommerce delivers to.

Every request is judged on its raw bytes before anything is parsed:

- no ``X-WC-Webhook-Signature``: WooCommerce's ping (form body ``webhook_id=N``, sent when a webhook is
  created) is answered 200; anything else unsigned is 401;
- a signature that does not match the secret (constant-time comparison) is 401;
- then the headers (``X-WC-Webhook-Topic``, ``X-WC-Webhook-Delivery-ID``) and the JSON body must be well-formed
  (else 400); topics other than ``product.*``, a product gone by delivery time (WooCommerce then sends its
  ``woocommerce_rest_product_invalid_id`` error body) and wcsync's apply lock are acknowledged and ignored (202);
- a delivery id seen before (a retry, a duplicate, another receiver got it) is acknowledged (200) and dropped;
- a product event goes to the ``Watcher`` (202) — the plan runs at the end of the coalescing window, so
  WooCommerce never waits for it.

Each refusal is one log line (what, from where, the delivery and webhook ids) — never the body or a secret.
``GET /healthz`` answers the counters.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from wcsync.core.canonical import sku_key
from wcsync.core.reserved import LOCK_SKU
from wcsync.webhooks.coalesce import Watcher
from wcsync.webhooks.signature import verify
from wcsync.webhooks.state import StateStore

Log = Callable[[str], None]
DEDUPE_TTL = 7 * 24 * 3600.0
MAX_BODY = 8 * 1024 * 1024
_PING = re.compile(rb"webhook_id=(\d{1,20})")
_DELIVERY_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_TOPIC = re.compile(r"[a-z_]+\.[A-Za-z0-9_.-]+")


def create_receiver(secret: str, state: StateStore, watcher: Watcher, log: Log, *,
                    dedupe_ttl: float = DEDUPE_TTL) -> Starlette:
    counters = {"pings": 0, "accepted": 0, "duplicates": 0, "ignored": 0, "refused": 0}

    def refuse(request: Request, status: int, problem: str, detail: str = "") -> JSONResponse:
        counters["refused"] += 1
        host = request.client.host if request.client else "unknown"
        log(f"refused a delivery from {host}: {problem}{detail}")
        return JSONResponse({"error": problem}, status_code=status)

    async def deliver(request: Request) -> JSONResponse:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            return refuse(request, 413, "body too large")
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return refuse(request, 413, "body too large")
        headers = request.headers
        ids = f" (delivery {_safe(headers.get('x-wc-webhook-delivery-id'))}, " \
              f"webhook {_safe(headers.get('x-wc-webhook-id'))})"
        signature = headers.get("x-wc-webhook-signature")
        if signature is None:
            ping = _PING.fullmatch(raw.strip())
            if ping and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                counters["pings"] += 1
                log(f"ping from WooCommerce webhook {ping.group(1).decode()}: answered")
                return JSONResponse({"ok": True, "ping": int(ping.group(1))})
            return refuse(request, 401, "no X-WC-Webhook-Signature header (unsigned request)", ids)
        if not verify(raw, signature, secret):
            return refuse(request, 401, "signature does not match the secret", ids)
        delivery_id = headers.get("x-wc-webhook-delivery-id", "")
        topic = headers.get("x-wc-webhook-topic", "")
        if not _DELIVERY_ID.fullmatch(delivery_id):
            return refuse(request, 400, "missing or malformed X-WC-Webhook-Delivery-ID", ids)
        if not _TOPIC.fullmatch(topic):
            return refuse(request, 400, "missing or malformed X-WC-Webhook-Topic", ids)
        try:
            payload: Any = json.loads(raw)
        except ValueError:
            return refuse(request, 400, "body is not JSON", ids)
        if not topic.startswith("product."):
            counters["ignored"] += 1
            return JSONResponse({"ignored": topic}, status_code=202)
        if isinstance(payload, dict) and (payload.get("code") == "woocommerce_rest_product_invalid_id"
                                          or sku_key(str(payload.get("sku") or "")) == LOCK_SKU):
            # a product gone by delivery time (WooCommerce builds the payload then: its error body), e.g. the
            # apply lock wcsync creates and deletes around every apply, or the lock itself: nothing to check
            counters["ignored"] += 1
            return JSONResponse({"ignored": topic}, status_code=202)
        resource_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(resource_id, int) or isinstance(resource_id, bool) or resource_id <= 0:
            return refuse(request, 400, "product payload without a positive integer id", ids)
        if not await asyncio.to_thread(state.claim, "delivery:" + delivery_id, dedupe_ttl):
            counters["duplicates"] += 1
            log(f"duplicate delivery {delivery_id} ({topic} {resource_id}): already handled")
            return JSONResponse({"duplicate": True})
        counters["accepted"] += 1
        await watcher.event(resource_id)
        return JSONResponse({"queued": resource_id}, status_code=202)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, **counters, **watcher.counters})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await watcher.close()

    return Starlette(routes=[
        Route("/healthz", health, methods=["GET"]),
        Route("/{path:path}", deliver, methods=["POST"]),
    ], lifespan=lifespan)


def _safe(value: str | None) -> str:
    """A header value fit for a log line (ids only; anything else is cut)."""
    if not value:
        return "-"
    return value[:64] if _DELIVERY_ID.fullmatch(value[:64]) else "?"
