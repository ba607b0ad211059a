"""A tiny in-memory WooCommerce read API for fetch tests (httpx handler), counting requests per route.

Only what ``fetch_live_state``/``reread`` read: lists with ``per_page``/``page``/``_fields``/``status``/``sku``/
``slug``, the REST index and ``system_status``. The real-server tests use the sandbox instead.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx

_NUMERIC = re.compile(r"/\d+(?=/|$)")


def _trim(item: dict[str, Any], fields: str | None) -> dict[str, Any]:
    if not fields:
        return item
    keep = set(fields.split(","))
    return {k: v for k, v in item.items() if k in keep}


class FakeStore:
    def __init__(self, *, store_variations: bool = True) -> None:
        self.store_variations = store_variations
        self.categories: list[dict[str, Any]] = [
            {"id": 15, "name": "Uncategorized", "slug": "uncategorized", "parent": 0, "description": "",
             "display": "default", "image": None, "menu_order": 0}
        ]
        self.tags: list[dict[str, Any]] = []
        self.shipping_classes: list[dict[str, Any]] = []
        self.attributes: list[dict[str, Any]] = []
        self.terms: dict[int, list[dict[str, Any]]] = {}
        self.products: list[dict[str, Any]] = []
        self.variations: list[dict[str, Any]] = []
        self.counts: Counter[str] = Counter()
        self.requests: list[httpx.Request] = []
        self._next = 100

    def next_id(self) -> int:
        self._next += 1
        return self._next

    # -- building ------------------------------------------------------------------------------------------

    def add_attribute(self, name: str, slug: str, terms: list[str]) -> int:
        attr_id = len(self.attributes) + 1
        self.attributes.append({"id": attr_id, "name": name, "slug": f"pa_{slug}", "type": "select",
                                "order_by": "menu_order", "has_archives": False})
        self.terms[attr_id] = [{"id": self.next_id(), "name": t, "slug": t.lower(), "description": "",
                                "menu_order": 0, "count": 0} for t in terms]
        return attr_id

    def add_product(self, sku: str, *, type_: str = "simple", status: str = "publish", **extra: Any) -> int:
        pid = self.next_id()
        self.products.append({"id": pid, "name": f"Product {sku} &amp; Co", "sku": sku, "type": type_,
                              "status": status, "regular_price": "10.00", "sale_price": "", "categories": [
                                  {"id": 15, "name": "Uncategorized", "slug": "uncategorized"}],
                              "meta_data": [], "date_modified_gmt": "2026-11-28T10:00:00",
                              "price_html": "<span>10</span>", **extra})
        return pid

    def add_variation(self, parent: int, sku: str, attributes: list[dict[str, Any]]) -> int:
        vid = self.next_id()
        self.variations.append({"id": vid, "parent_id": parent, "sku": sku, "regular_price": "5",
                                "attributes": attributes, "status": "publish", "image": None, "meta_data": [],
                                "date_modified_gmt": "2026-11-28T10:00:00"})
        return vid

    # -- serving ---------------------------------------------------------------------------------------------

    def _page(self, items: list[dict[str, Any]], request: httpx.Request) -> httpx.Response:
        params = request.url.params
        per_page = int(params.get("per_page", "10"))
        assert 1 <= per_page <= 100
        page = int(params.get("page", "1"))
        ordered = sorted(items, key=lambda i: i["id"]) if params.get("orderby") == "id" else items
        chunk = ordered[(page - 1) * per_page : page * per_page]
        total = len(items)
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(-(-total // per_page))}
        return httpx.Response(200, json=[_trim(i, params.get("_fields")) for i in chunk], headers=headers)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        self.counts[request.method + " " + _NUMERIC.sub("/{id}", path)] += 1
        params = request.url.params
        if path == "/wp-json/":
            routes = {"/wc/v3": {}, "/wc/v3/products": {}}
            if self.store_variations:
                routes["/wc/v3/variations"] = {}
            return httpx.Response(200, json={"namespaces": ["wp/v2", "wc/v3"], "routes": routes})
        api = path.removeprefix("/wp-json/wc/v3/")
        if api == "system_status":
            return httpx.Response(200, json={"environment": {"version": "11.0.1" if self.store_variations
                                                             else "9.8.0"}})
        if api == "products/categories":
            return self._page(self._slug_filter(self.categories, params), request)
        if api == "products/tags":
            return self._page(self._slug_filter(self.tags, params), request)
        if api == "products/shipping_classes":
            return self._page(self._slug_filter(self.shipping_classes, params), request)
        if api == "products/attributes":
            fields = params.get("_fields")
            return httpx.Response(200, json=[_trim(a, fields) for a in self.attributes],
                                  headers={"X-WP-TotalPages": "1"})
        if m := re.fullmatch(r"products/attributes/(\d+)/terms", api):
            return self._page(self.terms.get(int(m[1]), []), request)
        if api == "variations" and self.store_variations:
            return self._page(self.variations, request)
        if m := re.fullmatch(r"products/(\d+)/variations", api):
            return self._page([v for v in self.variations if v["parent_id"] == int(m[1])], request)
        if m := re.fullmatch(r"products/(\d+)", api):
            found = [p for p in self.products if p["id"] == int(m[1])]
            return httpx.Response(200, json=_trim(found[0], params.get("_fields")))
        if api == "products":
            return self._page(self._products(params), request)
        return httpx.Response(404, json={"code": "rest_no_route", "message": "No route", "data": {"status": 404}})

    @staticmethod
    def _slug_filter(items: list[dict[str, Any]], params: httpx.QueryParams) -> list[dict[str, Any]]:
        slug = params.get("slug")
        return [i for i in items if i["slug"] == slug] if slug else items

    def _products(self, params: httpx.QueryParams) -> list[dict[str, Any]]:
        status = params.get("status", "any")
        if "sku" in params:
            wanted = {s.lower() for s in params["sku"].split(",")}
            found = [p for p in self.products if p["sku"].lower() in wanted and p["status"] != "trash"]
            variations = [dict(v, type="variation") for v in self.variations if v["sku"].lower() in wanted]
            return found + variations
        if status == "trash":
            return [p for p in self.products if p["status"] == "trash"]
        return [p for p in self.products if p["status"] != "trash"]
