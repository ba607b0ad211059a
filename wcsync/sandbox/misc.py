"""Small read-only endpoints: the WordPress REST index (``/wp-json/``), ``system_status`` (enough for a
client to learn the WooCommerce version) and ``taxes/classes`` (the three default tax classes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wcsync.sandbox.http import Ctx, Reply, one

if TYPE_CHECKING:
    from wcsync.sandbox.routes import Route

WORDPRESS_VERSION = "7.0.4"
TAX_CLASSES = [("standard", "Standard rate"), ("reduced-rate", "Reduced rate"), ("zero-rate", "Zero rate")]


def _route_name(route: Route) -> str:
    pattern = route.pattern.pattern.removeprefix("^").removesuffix("/?$")
    return "/" + pattern.lstrip("/").replace("(?P<", "(?P<")


def rest_index(base: str, routes: list[Route], wc_version: str) -> dict[str, Any]:
    from wcsync.sandbox.routes import version_tuple

    listed: dict[str, Any] = {
        "/wc/v3": {"namespace": "wc/v3", "methods": ["GET"], "endpoints": [{"methods": ["GET"]}]},
    }
    version = version_tuple(wc_version)
    for route in routes:
        if route.min_version and version < route.min_version:
            continue
        methods = sorted(route.handlers)
        listed[_route_name(route)] = {
            "namespace": "wc/v3",
            "methods": methods,
            "endpoints": [{"methods": methods}],
        }
    return {
        "name": "wcsync sandbox",
        "description": "An embedded WooCommerce-compatible store",
        "url": base,
        "home": base,
        "gmt_offset": "0",
        "timezone_string": "",
        "namespaces": ["oembed/1.0", "wc/store/v1", "wc/v1", "wc/v2", "wc/v3", "wp/v2"],
        "authentication": {},
        "routes": listed,
    }


def system_status_handler(ctx: Ctx) -> Reply:
    return one(ctx, {
        "environment": {
            "home_url": ctx.base,
            "site_url": ctx.base,
            "version": ctx.wc_version,
            "wp_version": WORDPRESS_VERSION,
            "wp_multisite": False,
            "language": "en_US",
        },
        "settings": {"currency": "EUR", "currency_symbol": "&euro;", "api_enabled": True},
        "active_plugins": [],
    })


def tax_classes_handler(ctx: Ctx) -> Reply:
    items = [{"slug": slug, "name": name, "_links": {"collection": [{"href": ctx.url("/taxes/classes")}]}}
             for slug, name in TAX_CLASSES]
    return Reply(200, items, {"X-WP-Total": str(len(items)), "X-WP-TotalPages": "1"})
