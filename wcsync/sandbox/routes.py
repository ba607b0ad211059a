"""The route table of the sandbox's ``wc/v3`` namespace and the matching rules of the WordPress REST
server: a path that matches no route, or a route without the method, is 404 ``rest_no_route``.

Each route names its handlers per method, its ``Allow`` header and, for routes whose ``Allow`` header
WordPress only sends while the item exists, an existence check. Resource logic lives elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from wcsync.sandbox import attributes, batch, misc, product_handlers, term_handlers, terms, variation_handlers
from wcsync.sandbox.http import Ctx, Reply

Handler = Callable[[Ctx], Reply]
Exists = Callable[[Ctx], bool]

COLLECTION = "GET, POST"
ITEM = "GET, POST, PUT, PATCH, DELETE"
BATCH = "POST, PUT, PATCH"


@dataclass
class Route:
    pattern: re.Pattern[str]
    handlers: dict[str, Handler]
    allow: str
    shape: str  # collection | item | batch | other
    exists_before: Exists | None = None
    exists_after: Exists | None = None
    min_version: tuple[int, ...] = field(default_factory=tuple)


def _r(path: str, handlers: dict[str, Handler], allow: str, shape: str, **kw: object) -> Route:
    return Route(re.compile("^/wc/v3" + path + "/?$"), handlers, allow, shape, **kw)  # type: ignore[arg-type]


def _crud(base: str, kind: terms.TermKind) -> list[Route]:
    item_exists = term_handlers.item_exists(kind)
    update = term_handlers.update_handler(kind)
    return [
        _r(base, {"GET": term_handlers.list_handler(kind), "POST": term_handlers.create_handler(kind)}, COLLECTION, "collection"),
        _r(base + r"/batch", dict.fromkeys(("POST", "PUT", "PATCH"), batch.term_batch_handler(kind)),
           BATCH, "batch"),
        _r(base + r"/(?P<id>\d+)", {
            "GET": term_handlers.get_handler(kind), "POST": update, "PUT": update, "PATCH": update,
            "DELETE": term_handlers.delete_handler(kind),
        }, ITEM, "item", exists_after=item_exists),
    ]


def _attribute_terms() -> list[Route]:
    base = r"/products/attributes/(?P<attribute_id>\d+)/terms"
    kind = terms.ATTRIBUTE_TERM
    update = term_handlers.update_handler(kind)
    has_attr = attributes.exists_from_ctx
    return [
        _r(base, {"GET": term_handlers.list_handler(kind), "POST": term_handlers.create_handler(kind)}, COLLECTION,
           "collection", exists_before=has_attr),
        _r(base + r"/batch", dict.fromkeys(("POST", "PUT", "PATCH"), batch.term_batch_handler(kind)), BATCH,
           "batch", exists_before=has_attr),
        _r(base + r"/(?P<id>\d+)", {
            "GET": term_handlers.get_handler(kind), "POST": update, "PUT": update, "PATCH": update,
            "DELETE": term_handlers.delete_handler(kind),
        }, ITEM, "item", exists_after=term_handlers.item_exists(kind)),
    ]


def build_routes() -> list[Route]:
    product_update = product_handlers.update_handler
    variation_update = variation_handlers.update_handler
    attr_update = attributes.update_handler
    routes = [
        _r(r"/products", {"GET": product_handlers.list_handler, "POST": product_handlers.create_handler}, COLLECTION,
           "collection"),
        _r(r"/products/batch", dict.fromkeys(("POST", "PUT", "PATCH"), batch.product_batch_handler), BATCH,
           "batch"),
        *_crud(r"/products/categories", terms.CATEGORY),
        *_crud(r"/products/brands", terms.BRAND),
        *_crud(r"/products/tags", terms.TAG),
        *_crud(r"/products/shipping_classes", terms.SHIPPING_CLASS),
        _r(r"/products/attributes", {"GET": attributes.list_handler, "POST": attributes.create_handler},
           COLLECTION, "collection"),
        _r(r"/products/attributes/batch", dict.fromkeys(("POST", "PUT", "PATCH"), batch.attribute_batch_handler),
           BATCH, "batch"),
        _r(r"/products/attributes/(?P<id>\d+)", {
            "GET": attributes.get_handler, "POST": attr_update, "PUT": attr_update, "PATCH": attr_update,
            "DELETE": attributes.delete_handler,
        }, ITEM, "item", exists_before=attributes.item_exists),
        *_attribute_terms(),
        _r(r"/products/(?P<id>\d+)", {
            "GET": product_handlers.get_handler, "POST": product_update, "PUT": product_update,
            "PATCH": product_update, "DELETE": product_handlers.delete_handler,
        }, ITEM, "item"),
        _r(r"/products/(?P<product_id>\d+)/variations",
           {"GET": variation_handlers.list_handler, "POST": variation_handlers.create_handler}, COLLECTION, "collection"),
        _r(r"/products/(?P<product_id>\d+)/variations/batch",
           dict.fromkeys(("POST", "PUT", "PATCH"), batch.variation_batch_handler), BATCH, "batch"),
        _r(r"/products/(?P<product_id>\d+)/variations/generate", {"POST": variation_handlers.generate_handler},
           "POST", "batch"),
        _r(r"/products/(?P<product_id>\d+)/variations/(?P<id>\d+)", {
            "GET": variation_handlers.get_handler, "POST": variation_update, "PUT": variation_update,
            "PATCH": variation_update, "DELETE": variation_handlers.delete_handler,
        }, ITEM, "item", exists_after=variation_handlers.item_exists),
        _r(r"/variations", {"GET": variation_handlers.store_list_handler}, "GET", "collection", min_version=(10, 3)),
        _r(r"/system_status", {"GET": misc.system_status_handler}, "GET", "other"),
        _r(r"/taxes/classes", {"GET": misc.tax_classes_handler}, COLLECTION, "collection"),
    ]
    return routes


def version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        parts.append(int(digits.group(0)) if digits else 0)
    return tuple(parts)


def match(routes: list[Route], path: str, method: str, wc_version: str) -> tuple[Route, dict[str, str]] | None:
    """The route and path parameters for ``path`` + ``method``, or None (→ ``rest_no_route``)."""
    version = version_tuple(wc_version)
    for route in routes:
        if route.min_version and version < route.min_version:
            continue
        found = route.pattern.match(path)
        if found and method in route.handlers:
            return route, {k: v for k, v in found.groupdict().items() if v is not None}
    return None


#: Anonymous requests: WooCommerce's permission errors per route shape and method.
ANONYMOUS = {
    ("collection", "GET"): ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    ("collection", "POST"): ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    ("item", "GET"): ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    ("item", "DELETE"): ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
    ("batch", "*"): ("woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."),
    ("other", "*"): ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
}
EDIT = ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource.")


def anonymous_error(route: Route, method: str) -> tuple[str, str]:
    return ANONYMOUS.get((route.shape, method)) or ANONYMOUS.get((route.shape, "*")) or EDIT
