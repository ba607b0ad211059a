"""Request context and response building shared by every resource: query parsing and validation,
pagination headers (``X-WP-Total``, ``X-WP-TotalPages``, ``Link``), ``_fields`` and ``_links``.

Handlers receive a :class:`Ctx` and return a :class:`Reply`; the app serialises it. No storage here.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode

from wcsync.sandbox.errors import ApiError, invalid_param, invalid_type, not_in_enum

API = "/wp-json/wc/v3"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
CREDENTIAL_PARAMS = {"consumer_key", "consumer_secret"}


@dataclass
class Ctx:
    """One request as the resource handlers see it."""

    conn: sqlite3.Connection
    method: str
    path: str
    query: dict[str, str]
    query_order: list[tuple[str, str]]
    body: Any
    base: str  # scheme://host[:port]
    params: dict[str, str] = field(default_factory=dict)
    wc_version: str = "11.0.1"
    #: inside a batch: parents whose variation sync waits until the batch's end (WooCommerce defers it too,
    #: ``wc_deferred_product_sync``), so a 100-item batch syncs each parent once, not once per item
    deferred_parents: set[int] | None = None

    def qbool(self, name: str, default: bool = False) -> bool:
        value = self.query.get(name)
        if value is None:
            return default
        return value.lower() in ("1", "true", "yes", "on")

    def context(self) -> str:
        value = self.query.get("context", "view")
        if value not in ("view", "edit"):
            raise not_in_enum("context", ["view", "edit"])
        return value

    def url(self, path: str) -> str:
        return f"{self.base}{API}{path}"


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def parse_int(ctx: Ctx, name: str, default: int | None, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    raw = ctx.query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?\d+", raw.strip()):
        raise invalid_type(name, "integer")
    value = int(raw)
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        raise invalid_param(
            name, f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)", "rest_out_of_bounds"
        )
    if minimum is not None and maximum is None and value < minimum:
        raise invalid_param(name, f"{name} must be greater than or equal to {minimum}", "rest_out_of_bounds")
    return value


def id_list(raw: str | None) -> list[int]:
    if not raw:
        return []
    out = []
    for part in re.split(r"[,\s]+", raw):
        if part.strip().lstrip("-").isdigit():
            out.append(int(part))
    return out


@dataclass
class Page:
    page: int
    per_page: int
    offset: int | None

    @property
    def start(self) -> int:
        return self.offset if self.offset is not None else (self.page - 1) * self.per_page


def page_params(ctx: Ctx) -> Page:
    per_page = parse_int(ctx, "per_page", 10, 1, 100)
    page = parse_int(ctx, "page", 1, 1)
    offset = parse_int(ctx, "offset", None)
    assert per_page is not None and page is not None
    return Page(page, per_page, offset)


def order_param(ctx: Ctx, default: str) -> str:
    value = ctx.query.get("order", default)
    if value not in ("asc", "desc"):
        raise not_in_enum("order", ["asc", "desc"])
    return value


def list_reply(ctx: Ctx, items: list[dict[str, Any]], total: int, page: Page, allow: str = "GET, POST") -> Reply:
    """A collection response: headers like WordPress (``offset`` does not change the totals)."""
    if page.offset is not None and page.offset >= total and total > 0:
        total = 0
    pages = math.ceil(total / page.per_page) if total else 0
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    links = []
    if page.page > 1 and pages > 0:
        prev_page = min(page.page - 1, pages)
        links.append(f'<{_page_url(ctx, prev_page)}>; rel="prev"')
    if page.page < pages:
        links.append(f'<{_page_url(ctx, page.page + 1)}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    headers["Allow"] = allow
    return Reply(200, [filter_fields(ctx, item, in_list=True) for item in items], headers)


def _page_url(ctx: Ctx, page: int) -> str:
    pairs: list[tuple[str, str]] = []
    replaced = False
    for key, value in ctx.query_order:
        if key in CREDENTIAL_PARAMS or key.startswith("oauth_"):
            continue  # the sandbox never echoes credentials into headers
        if key == "page":
            if not replaced:
                pairs.append(("page", str(page)))
                replaced = True
            continue
        pairs.append((key, {"true": "1", "false": ""}.get(value, value)))
    if not replaced:
        pairs.append(("page", str(page)))
    query = urlencode(pairs, quote_via=quote_plus, safe="")
    return f"{ctx.base}{ctx.path}?{query}"


def requested_fields(ctx: Ctx) -> list[str] | None:
    raw = ctx.query.get("_fields")
    if raw is None:
        return None
    return [f.strip() for f in raw.split(",") if f.strip()]


def filter_fields(ctx: Ctx, item: dict[str, Any], *, in_list: bool = False) -> dict[str, Any]:
    """``_fields``: top-level keys only; lists lose ``_links`` unless asked for."""
    wanted = requested_fields(ctx)
    if wanted is None:
        return item
    keep = {f for f in wanted if "." not in f}
    out = {k: v for k, v in item.items() if k in keep}
    if not in_list and "_links" in item:
        out["_links"] = item["_links"]
    return out


def one(ctx: Ctx, item: dict[str, Any], status: int = 200, allow: str | None = None) -> Reply:
    headers = {"Allow": allow} if allow else {}
    return Reply(status, filter_fields(ctx, item), headers)


def links(ctx: Ctx, self_path: str, collection_path: str, *, allow: bool = True,
          extra: dict[str, str] | None = None) -> dict[str, Any]:
    self_link: dict[str, Any] = {"href": ctx.url(self_path)}
    if allow:
        self_link["targetHints"] = {"allow": list(ALL_METHODS)}
    out: dict[str, Any] = {"self": [self_link], "collection": [{"href": ctx.url(collection_path)}]}
    for rel, path in (extra or {}).items():
        out[rel] = [{"href": ctx.url(path)}]
    return out


def body_object(ctx: Ctx) -> dict[str, Any]:
    """The request body when it is a JSON object / form, else ``{}`` (WordPress ignores other bodies)."""
    return ctx.body if isinstance(ctx.body, dict) else {}


def require_json_ok(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(
            400, "rest_invalid_json", "Invalid JSON body passed.",
            {"json_error_code": 4, "json_error_message": "Syntax error"},
        ) from exc
