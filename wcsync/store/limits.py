"""Bounds on what a store's answers can make wcsync do: no real WooCommerce store reaches them, and a hostile
or broken one (or a proxy in front of it) fails with an error naming the response instead of exhausting memory.

- a response body is streamed and read up to ``MAX_RESPONSE_BYTES`` (after content decoding, so a gzip bomb
  is bounded too); a ``Content-Length`` above it is refused before reading;
- ``X-WP-TotalPages`` must agree with ``X-WP-Total`` and stay under ``MAX_PAGES``; pages are then fetched in
  windows of ``PAGE_WINDOW``, never as a million requests created up front;
- without ``X-WP-TotalPages``, walking page by page stops at ``MAX_PAGES`` too.
"""

from __future__ import annotations

import math
from typing import Any

import httpx

from wcsync.errors import StoreError

#: a page of 100 products in ``context=edit`` is about 0.5 MB; a batch answer about the same
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: 2,000,000 items at 100 per page (the largest stores have some hundred thousand products and variations)
MAX_PAGES = 20_000
#: pages requested at once (each still waits for a slot of the client's concurrency limiter)
PAGE_WINDOW = 64


class ResponseTooLarge(StoreError):
    """A store answer larger than ``MAX_RESPONSE_BYTES``."""


class MalformedAnswer(StoreError):
    """A list item whose ``id`` (or ``parent_id``) is not a whole number: not a WooCommerce answer."""


class ImplausiblePaging(StoreError):
    """Paging headers no real store sends (a million pages, or pages that disagree with the item count)."""


def _mib(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB"


async def send_capped(http: httpx.AsyncClient, request: httpx.Request, auth: Any, *, store: str) -> httpx.Response:
    """Send ``request`` and read its body, refusing more than ``MAX_RESPONSE_BYTES``."""
    response = await http.send(request, auth=auth, stream=True)
    try:
        where = f"{request.method} {request.url.path} on {store}"
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > MAX_RESPONSE_BYTES:
            raise _too_large(where, f"announced {int(declared):,} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise _too_large(where, f"sent more than {_mib(MAX_RESPONSE_BYTES)}")
            chunks.append(chunk)
        # what ``Response.aread()`` does once the stream is consumed: the body, for ``.content`` / ``.json()``
        response._content = b"".join(chunks)
    finally:
        await response.aclose()
    return response


def _too_large(where: str, what: str) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{where} {what}: more than the {_mib(MAX_RESPONSE_BYTES)} wcsync reads from one answer, far more than "
        "any WooCommerce response",
        hint="check that the store URL is the WordPress site address and that no proxy rewrites REST API answers",
    )


def checked_total_pages(response: httpx.Response, per_page: int, *, store: str) -> int | None:
    """``X-WP-TotalPages`` of a list answer (None when absent), checked against ``X-WP-Total`` and ``MAX_PAGES``."""
    raw = response.headers.get("X-WP-TotalPages")
    if raw is None or not raw.strip().isdigit():
        return None
    pages = int(raw)
    where = f"{response.request.method} {response.request.url.path} on {store}"
    total_raw = response.headers.get("X-WP-Total", "")
    if total_raw.strip().isdigit():
        expected = math.ceil(int(total_raw) / per_page)
        if abs(pages - expected) > 1:
            raise ImplausiblePaging(
                f"{where} answered X-WP-TotalPages: {pages} but X-WP-Total: {int(total_raw)}, which is "
                f"{expected} page(s) of {per_page}: the headers disagree",
                hint="a cache or proxy in front of the store may be rewriting headers; try again, or read the "
                "store without it",
            )
    if pages > MAX_PAGES:
        raise ImplausiblePaging(
            f"{where} answered X-WP-TotalPages: {pages}: more than the {MAX_PAGES:,} pages "
            f"({MAX_PAGES * per_page:,} items) wcsync reads from one collection",
            hint="check the store URL; no WooCommerce store wcsync can manage has that many items",
        )
    return pages


def too_many_pages(path: str, store: str, per_page: int, pages: int = MAX_PAGES) -> ImplausiblePaging:
    """Walking pages without ``X-WP-TotalPages`` went past ``pages`` full pages."""
    return ImplausiblePaging(
        f"GET {path} on {store} kept answering full pages past page {pages:,} ({pages * per_page:,} "
        "items) without X-WP-TotalPages",
        hint="check the store URL, and that no proxy strips the X-WP-* headers and repeats the same page",
    )


_ID_FIELDS = ("id", "parent_id")


def checked_items(items: list[dict[str, Any]], response: httpx.Response, *, store: str) -> list[dict[str, Any]]:
    """``items`` of a list answer, refused when an ``id`` or ``parent_id`` is not a whole number (WooCommerce
    always sends numbers; a string id would otherwise fail deep inside wcsync)."""
    for item in items:
        for name in _ID_FIELDS:
            value = item.get(name)
            if name in item and (isinstance(value, bool) or not isinstance(value, int)) and not (name == "parent_id" and value is None):
                shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
                request = response.request
                raise MalformedAnswer(
                    f"{request.method} {request.url.path} on {store} answered an item whose {name} is {shown} "
                    f"({type(value).__name__}), not a whole number: WooCommerce never sends that",
                    hint="check that the store URL is the WordPress site address and that no plugin or proxy "
                    "rewrites REST API answers",
                )
    return items
