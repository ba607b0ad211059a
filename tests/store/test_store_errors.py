"""Every failure a newcomer can meet, with the exact message: the store and request are named, no secret shown.

Error bodies are the ones recorded from WooCommerce 11.0.1 (01-auth, 10-errors)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from store_helpers import KEY, SECRET, fast_retry, settings

from wcsync.store.client import WooClient
from wcsync.store.errors import (
    AuthenticationFailed,
    NotWordPressError,
    PermalinksOffError,
    PermissionDenied,
    ReadOnlyKeyError,
    RequestFailed,
    WooCommerceNotActive,
)
from wcsync.store.probe import probe_store

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def run(handler: Handler, body: Callable[[WooClient], Awaitable[Any]], **kw: Any) -> Any:
    url = kw.pop("url", "https://shop.example")

    async def main() -> Any:
        async with WooClient(settings(url, **kw), transport=httpx.MockTransport(handler),
                             retry=fast_retry()) as client:
            return await body(client)

    return asyncio.run(main())


def answer(status: int, code: str, message: str) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"code": code, "message": message, "data": {"status": status}})

    return handler


def fail(handler: Handler, body: Callable[[WooClient], Awaitable[Any]], **kw: Any) -> Exception:
    with pytest.raises(RequestFailed) as err:
        run(handler, body, **kw)
    text = str(err.value)
    assert KEY not in text and SECRET not in text
    return err.value


def test_wrong_secret_01_8() -> None:
    err = fail(answer(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid."),
               lambda c: c.get("products"))
    assert isinstance(err, AuthenticationFailed)
    assert str(err) == (
        "GET /wp-json/wc/v3/products on https://shop.example was refused: wrong consumer key or secret (401 "
        "woocommerce_rest_authentication_error: Consumer secret is invalid.) — copy both from WooCommerce → "
        "Settings → Advanced → REST API (secrets are shown once; create a new key if lost) and set them where "
        "this store's credentials come from: consumer_key / consumer_secret in wcsync.yaml (e.g. "
        "${WC_CONSUMER_KEY}), or WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET with --store-url / WCSYNC_URL"
    )


def test_wrong_secret_names_where_the_credentials_came_from() -> None:
    err = fail(answer(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid."),
               lambda c: c.get("products"),
               credentials_source="WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET in the environment")
    assert str(err).endswith(
        "(secrets are shown once; create a new key if lost) and set WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET "
        "in the environment"
    )


def test_unknown_key_over_https_01_9() -> None:
    err = fail(answer(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
               lambda c: c.get("products"))
    assert isinstance(err, AuthenticationFailed)
    assert str(err) == (
        "GET /wp-json/wc/v3/products on https://shop.example was treated as anonymous: the store did not "
        "recognise the credentials (401 woocommerce_rest_cannot_view: Sorry, you cannot list resources.) — the "
        "consumer key is unknown to this store, or a proxy stripped the Authorization header or did not tell "
        "WordPress the request was HTTPS: check the key, or try `auth: query`"
    )


def test_read_only_key_used_for_a_write_01_31() -> None:
    err = fail(answer(401, "woocommerce_rest_authentication_error",
                      "The API key provided does not have write permissions."),
               lambda c: c.batch("products/categories/batch", create=[{"name": "x"}]))
    assert isinstance(err, ReadOnlyKeyError)
    assert str(err) == (
        "POST /wp-json/wc/v3/products/categories/batch on https://shop.example was refused: the API key is "
        "read-only (401 woocommerce_rest_authentication_error: The API key provided does not have write "
        "permissions.) — create a key with Read/Write permissions in WooCommerce → Settings → Advanced → REST "
        "API and use it for apply"
    )
    assert err.status == 401 and err.code == "woocommerce_rest_authentication_error"


def test_write_only_key_01_36() -> None:
    err = fail(answer(401, "woocommerce_rest_authentication_error",
                      "The API key provided does not have read permissions."), lambda c: c.get("products/tags"))
    assert str(err).startswith("GET /wp-json/wc/v3/products/tags on https://shop.example was refused: the API "
                               "key is write-only")


def test_oauth_signature_and_clock_01_23_25() -> None:
    err = fail(answer(401, "woocommerce_rest_authentication_error",
                      "Invalid signature - provided signature does not match."),
               lambda c: c.get("products"), url="http://shop.example", auth="oauth1")
    assert "the OAuth 1.0a signature does not match" in str(err)
    assert "exactly the WordPress site address" in str(err)
    err = fail(answer(401, "woocommerce_rest_authentication_error", "Invalid timestamp."),
               lambda c: c.get("products"), url="http://shop.example", auth="oauth1")
    assert "the OAuth timestamp is too far from the store's clock" in str(err)


def test_anonymous_over_plain_http_with_oauth_is_not_blamed_on_basic() -> None:
    err = fail(answer(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
               lambda c: c.get("products"), url="http://shop.example", auth="oauth1")
    assert "treated as anonymous" in str(err) and "plain HTTP" not in str(err)


def test_forbidden_capability() -> None:
    err = fail(answer(403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
               lambda c: c.get("products"))
    assert isinstance(err, PermissionDenied)
    assert str(err).endswith("— create the API key for an Administrator or Shop manager")


def test_unknown_route() -> None:
    err = fail(answer(404, "rest_no_route", "No route was found matching the URL and request method."),
               lambda c: c.get("nope"))
    assert str(err) == (
        "GET /wp-json/wc/v3/nope on https://shop.example: the store has no such route (404 rest_no_route: No "
        "route was found matching the URL and request method.) — check that WooCommerce is active and up to "
        "date (wcsync needs the wc/v3 REST API)"
    )


def test_query_secrets_never_shown() -> None:
    err = fail(answer(400, "rest_invalid_param", "Invalid parameter(s): per_page"),
               lambda c: c.get("products", {"per_page": 101}), auth="query")
    assert str(err) == ("GET /wp-json/wc/v3/products?per_page=101 on https://shop.example failed (400 "
                        "rest_invalid_param: Invalid parameter(s): per_page)")


def test_entities_in_error_messages_are_decoded_06_26() -> None:
    err = fail(answer(400, "x", "Use &lt;product_id&gt;"), lambda c: c.post("products", {}))
    assert str(err).endswith("failed (400 x: Use <product_id>)")


# -- probing the site ---------------------------------------------------------------------------------------


INDEX = {"name": "Shop", "namespaces": ["wp/v2", "wc/v3"], "routes": {"/wc/v3/variations": {}, "/wc/v3": {}}}


def site(index: Any = INDEX, *, index_status: int = 200, rest_route: Any = None,
         log: list[httpx.Request] | None = None) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        path = request.url.path
        if path == "/wp-json/":
            if isinstance(index, str):
                return httpx.Response(index_status, text=index, headers={"Content-Type": "text/html"})
            return httpx.Response(index_status, json=index)
        if path == "/" and request.url.params.get("rest_route") == "/":
            if rest_route is None:
                return httpx.Response(200, text="<html>home</html>", headers={"Content-Type": "text/html"})
            return httpx.Response(200, json=rest_route)
        if path == "/wp-json/wc/v3/system_status":
            return httpx.Response(200, json={"environment": {"version": "11.0.1"}})
        return httpx.Response(404, text="<html>not found</html>")

    return handler


def test_probe_reads_the_index_without_credentials_when_the_quick_probe_fails() -> None:
    log: list[httpx.Request] = []
    info = run(site(log=log), probe_store)
    assert info.has_store_variations is True and info.wc_version == "11.0.1"
    assert [r.url.path for r in log] == ["/wp-json/wc/v3/products", "/wp-json/", "/wp-json/wc/v3/system_status"]
    assert "Authorization" not in log[1].headers and "Authorization" in log[2].headers
    assert log[2].url.params["_fields"] == "environment"


def test_probe_without_the_rest_index_when_the_products_count_answers() -> None:
    """Issue 14: the 1.2 MiB REST index is not read when ``products?status=any&per_page=1`` answers a list; its
    ``X-WP-Total`` counts the products (so a full read asks for all their pages at once), and whether the store
    has the store-wide variations list is left to that list's first page (None: not asked)."""
    log: list[httpx.Request] = []
    inner = site(log=log)

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/wc/v3/products":
            log.append(request)
            return httpx.Response(200, json=[{"id": 7}], headers={"X-WP-Total": "1234", "X-WP-TotalPages": "1234"})
        return await inner(request)

    info = run(handler, probe_store)
    assert (info.has_store_variations, info.products, info.wc_version) == (None, 1234, "11.0.1")
    assert [r.url.path for r in log] == ["/wp-json/wc/v3/products", "/wp-json/wc/v3/system_status"]
    assert dict(log[0].url.params) == {"status": "any", "per_page": "1", "_fields": "id"}
    assert "Authorization" in log[0].headers


def test_probe_older_store_without_store_wide_variations() -> None:
    index = {"namespaces": ["wc/v3"], "routes": {"/wc/v3/products": {}}}
    assert run(site(index), probe_store).has_store_variations is False


def test_not_a_wordpress_site() -> None:
    with pytest.raises(NotWordPressError) as err:
        run(site("<html>Welcome to nginx</html>"), probe_store)
    assert str(err.value) == (
        "GET /wp-json/ on https://shop.example answered HTTP 200 (text/html), not the WordPress REST API index: "
        "https://shop.example does not look like a WordPress site — give the WordPress site address (the “Site "
        "Address (URL)” in Settings → General), e.g. https://shop.example.com, not a page or the wp-admin URL"
    )


def test_pretty_permalinks_off() -> None:
    with pytest.raises(PermalinksOffError) as err:
        run(site("<html>404</html>", index_status=404, rest_route=INDEX), probe_store)
    assert str(err.value) == (
        "GET /wp-json/ on https://shop.example answered 404: this WordPress site uses plain permalinks, so its "
        "REST API is only reachable as ?rest_route=…, which WooCommerce does not authenticate (wcsync does not "
        "support it) — in wp-admin open Settings → Permalinks, choose any structure other than “Plain” (e.g. "
        "“Post name”) and save; then /wp-json/ works"
    )


def test_404_without_rest_route_is_not_wordpress() -> None:
    with pytest.raises(NotWordPressError):
        run(site("<html>404</html>", index_status=404), probe_store)


def test_woocommerce_not_active() -> None:
    with pytest.raises(WooCommerceNotActive) as err:
        run(site({"namespaces": ["oembed/1.0", "wp/v2"], "routes": {}}), probe_store)
    assert str(err.value) == (
        "GET /wp-json/ on https://shop.example: this is a WordPress site, but its REST API has no wc/v3 "
        "namespace: WooCommerce is not active (or older than 3.5) — install and activate WooCommerce in wp-admin → Plugins, then run wcsync "
        "again"
    )


def test_version_unknown_when_system_status_is_forbidden() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/":
            return httpx.Response(200, json=INDEX)
        return httpx.Response(403, json={"code": "woocommerce_rest_cannot_view", "message": "no",
                                         "data": {"status": 403}})

    assert run(handler, probe_store).wc_version is None


def test_index_closed_to_anonymous_callers_falls_back_to_asking_the_route() -> None:
    log: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        if request.url.path == "/wp-json/":
            return httpx.Response(401, json={"code": "rest_cannot_access", "message": "Only authenticated users",
                                             "data": {"status": 401}})
        if request.url.path == "/wp-json/wc/v3/variations":
            return httpx.Response(404, json={"code": "rest_no_route", "message": "No route", "data": {"status": 404}})
        return httpx.Response(200, json={"environment": {"version": "9.9.0"}})

    info = run(handler, probe_store)
    assert (info.has_store_variations, info.wc_version) == (False, "9.9.0")
    assert [r.url.path for r in log] == ["/wp-json/wc/v3/products", "/wp-json/", "/wp-json/wc/v3/variations",
                                         "/wp-json/wc/v3/system_status"]
