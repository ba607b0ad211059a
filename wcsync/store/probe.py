"""What kind of site is behind the URL: WordPress? WooCommerce active? which routes and version?

The WordPress REST index (``GET /wp-json/``) is public and is fetched WITHOUT credentials: WooCommerce only
authenticates ``/wp-json/wc/…`` URLs, and on other routes WordPress would try consumer-key Basic credentials
as an application password and answer 401. The index lists the namespaces (``wc/v3`` = WooCommerce active)
and the routes (``/wc/v3/variations`` = WooCommerce ≥ 10.3's store-wide variations list). The WooCommerce
version comes from ``system_status`` (needs a manager's key; None when refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from wcsync.store import endpoints
from wcsync.store.client import WooClient
from wcsync.store.errors import (
    NotWordPressError,
    PermalinksOffError,
    PermissionDenied,
    RequestFailed,
    WooCommerceNotActive,
    redact_url,
)
from wcsync.store.responses import lenient_json

STORE_VARIATIONS_ROUTE = endpoints.route(endpoints.STORE_VARIATIONS)


@dataclass(frozen=True)
class StoreInfo:
    namespaces: tuple[str, ...]
    #: the store has ``GET /wc/v3/variations`` (every variation of the store, paginated); None: not asked yet
    #: (the first page of that list tells: ``wcsync.store.fetch``)
    has_store_variations: bool | None
    wc_version: str | None = None
    #: products of any status (``X-WP-Total`` of the quick probe); None: not counted
    products: int | None = None


async def _index(client: WooClient) -> dict[str, Any] | None:
    """The REST index; None when WordPress refuses it to anonymous callers (security plugins do)."""
    response = await client.raw("GET", "/wp-json/")
    body = _json(response)
    if response.status_code == 200 and isinstance(body, dict) and "namespaces" in body:
        return body
    if response.status_code in {401, 403} and isinstance(body, dict) and isinstance(body.get("code"), str):
        return None
    where = f"GET /wp-json/ on {client.store}"
    if 300 <= response.status_code < 400:
        raw = response.headers.get("Location")
        target = redact_url(str(response.url.join(raw))) if raw else "another address"
        raise NotWordPressError(
            f"{where} was redirected (HTTP {response.status_code}) to {target}",
            hint="set the store URL to the WordPress site address the redirect points to (scheme and www. "
            "included); wcsync does not follow redirects, so credentials never go to another host",
        )
    if response.status_code == 404:
        fallback = await client.raw("GET", "/", params={"rest_route": "/"})
        fallback_body = _json(fallback)
        if isinstance(fallback_body, dict) and "namespaces" in fallback_body:
            raise PermalinksOffError(
                f"{where} answered 404: this WordPress site uses plain permalinks, so its REST API is only "
                "reachable as ?rest_route=…, which WooCommerce does not authenticate (wcsync does not support it)",
                hint="in wp-admin open Settings → Permalinks, choose any structure other than “Plain” (e.g. "
                "“Post name”) and save; then /wp-json/ works",
            )
    raise NotWordPressError(
        f"{where} answered HTTP {response.status_code} "
        f"({response.headers.get('Content-Type', 'no content type')}), not the WordPress REST API index: "
        f"{client.store} does not look like a WordPress site",
        hint="give the WordPress site address (the “Site Address (URL)” in Settings → General), e.g. "
        "https://shop.example.com, not a page or the wp-admin URL",
    )


def _json(response: httpx.Response) -> Any:
    try:
        return lenient_json(response)
    except ValueError:
        return None


async def probe_store(client: WooClient, *, version: bool = True) -> StoreInfo:
    """Check that the URL is a WordPress site with WooCommerce's REST API; learn its routes and (unless
    ``version=False``, for callers that ask ``wc_version`` concurrently with other reads) its version.

    First the cheap probe ``GET /wc/v3/products?status=any&per_page=1&_fields=id`` (~90 ms; the REST index is
    1.2 MiB and more with plugins): a JSON list proves WordPress, WooCommerce's REST API and working
    credentials at once, and its ``X-WP-Total`` counts the products, so a full read can ask for every page
    at once. Whether the store has the store-wide variations list is then left to its first page. Anything
    else (no WooCommerce, not WordPress, refused credentials…) falls back to the REST index, which says
    precisely what is wrong.
    """
    quick = await client.request("GET", endpoints.PRODUCTS, params={"status": "any", "per_page": 1, "_fields": "id"},
                                 raise_for_status=False)
    if quick.status_code == 200 and isinstance(_json(quick), list):
        return StoreInfo(namespaces=("wc/v3",), has_store_variations=None, products=_total(quick),
                         wc_version=await wc_version(client) if version else None)
    index = await _index(client)
    if index is None:
        return StoreInfo(namespaces=(), has_store_variations=await _has_store_variations(client),
                         wc_version=await wc_version(client) if version else None)
    namespaces = tuple(n for n in index.get("namespaces") or () if isinstance(n, str))
    if "wc/v3" not in namespaces:
        raise WooCommerceNotActive(
            f"GET /wp-json/ on {client.store}: this is a WordPress site, but its REST API has no wc/v3 "
            "namespace: WooCommerce is not active (or older than 3.5)",
            hint="install and activate WooCommerce in wp-admin → Plugins, then run wcsync again",
        )
    routes = index.get("routes")
    has_variations = isinstance(routes, dict) and STORE_VARIATIONS_ROUTE in routes
    return StoreInfo(namespaces=namespaces, has_store_variations=has_variations,
                     wc_version=await wc_version(client) if version else None)


def _total(response: httpx.Response) -> int | None:
    raw = response.headers.get("X-WP-Total", "")
    return int(raw) if raw.strip().isdigit() else None


async def _has_store_variations(client: WooClient) -> bool:
    """Without the index: ask the route itself (404 ``rest_no_route`` on WooCommerce < 10.3)."""
    try:
        await client.get(endpoints.STORE_VARIATIONS, {"per_page": 1, "_fields": "id"})
    except RequestFailed as exc:
        if exc.status == 404 and exc.code == "rest_no_route":
            return False
        raise
    return True


async def wc_version(client: WooClient) -> str | None:
    """WooCommerce's version from ``system_status`` (None when the key's user may not read it)."""
    try:
        body = await client.get(endpoints.SYSTEM_STATUS, {"_fields": "environment"})
    except PermissionDenied:
        return None
    except RequestFailed as exc:
        if exc.status in {403, 404, 500}:
            return None
        raise
    environment = body.get("environment") if isinstance(body, dict) else None
    version = environment.get("version") if isinstance(environment, dict) else None
    return version if isinstance(version, str) and version else None
