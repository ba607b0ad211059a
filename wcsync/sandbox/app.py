"""The sandbox's ASGI application: WordPress' REST server in front of the resource handlers.

``create_app(db_path)`` serves ``/wp-json/`` (REST index), ``/wp-json/wc/v3/...`` (catalogue routes, see
``routes``) and ``/?rest_route=...``. For every ``/wp-json/wc/`` request it asks
``wcsync.sandbox.auth.authenticate`` who is calling; an anonymous caller gets WooCommerce's per-route 401.
Bodies: only ``application/json`` is parsed as JSON (malformed → 400 ``rest_invalid_json``), form bodies
are parsed with PHP's nested ``a[0][b]`` keys, anything else is ignored like WordPress does.

Handlers run on the event loop, one request at a time per process (like one PHP worker); injected latency
and faults (``wcsync.sandbox.faults``) run before them, concurrently, so a client's concurrency is observable
(``max_in_flight`` in ``/__sandbox/stats``). Running handlers in a thread pool would be safe — every write is
one ``BEGIN IMMEDIATE`` transaction and connections are per thread, as for two processes sharing the file —
but measured no faster on two cores (the handlers are Python, bound by the GIL), so it is not done.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from wcsync.sandbox import misc
from wcsync.sandbox.auth import AuthFailure, authenticate, effective_method
from wcsync.sandbox.db import open_db
from wcsync.sandbox.errors import ApiError, no_route
from wcsync.sandbox.http import Ctx, Reply, require_json_ok
from wcsync.sandbox.routes import Route, anonymous_error, build_routes, match

API_LINK = 'rel="https://api.w.org/"'
logger = logging.getLogger(__name__)


class _Store:
    """One connection per thread (Starlette runs sync work in a thread pool)."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = str(db_path)
        self.local = threading.local()
        open_db(self.db_path).close()

    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self.local, "conn", None)
        if conn is None:
            conn = open_db(self.db_path)
            self.local.conn = conn
        return conn


def create_app(db_path: str | Path, *, wc_version: str = "11.0.1") -> Starlette:
    """The sandbox store as an ASGI app serving the database at ``db_path``."""
    store = _Store(db_path)
    routes = build_routes()

    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        return _handle(store.conn(), routes, request, raw, wc_version)

    app = Starlette(routes=[StarletteRoute("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "PATCH",
                                                                             "DELETE", "HEAD", "OPTIONS"])])
    app.state.db_path = str(db_path)
    app.state.wc_version = wc_version
    return app


def _base(request: Request) -> str:
    host = request.headers.get("host") or request.url.netloc
    return f"{request.url.scheme}://{host}"


def _handle(conn: sqlite3.Connection, routes: list[Route], request: Request, raw: bytes,
            wc_version: str) -> Response:
    base = _base(request)
    path = request.url.path
    query_order = parse_qsl(request.url.query, keep_blank_values=True)
    query = _query_dict(query_order)
    check_credentials = True
    if path in ("/wp-json", "/wp-json/") or (path == "/" and query.get("rest_route") in ("/", "")):
        return _json(Reply(200, misc.rest_index(base, routes, wc_version)), base)
    if path.startswith("/wp-json/"):
        rest_path = path[len("/wp-json"):]
    elif path == "/" and "rest_route" in query:
        rest_path = query.pop("rest_route")
        query_order = [(k, v) for k, v in query_order if k != "rest_route"]
        check_credentials = False
    else:
        return _json(Reply(404, no_route().body()), base)
    method = effective_method(request)  # the same method the key's permissions were checked with
    if method == "HEAD":
        method = "GET"
    if rest_path.rstrip("/") == "/wc/v3" and method == "GET":
        index = misc.rest_index(base, routes, wc_version)
        return _json(Reply(200, {"namespace": "wc/v3", "routes": index["routes"]}), base)
    principal: Any = None
    if check_credentials and rest_path.startswith("/wc/"):
        result = authenticate(conn, request, raw)
        if isinstance(result, AuthFailure):
            return _json(Reply(result.status, result.body(), dict(result.headers)), base)
        principal = result
    found = match(routes, rest_path, method, wc_version)
    if found is None:
        return _json(Reply(404, no_route().body()), base)
    route, params = found
    if principal is None:
        code, message = anonymous_error(route, method)
        return _json(Reply(401, {"code": code, "message": message, "data": {"status": 401}}), base)
    ctx = Ctx(conn, method, "/wp-json" + rest_path, query, query_order, None, base, params, wc_version)
    allow_before = route.exists_before(ctx) if route.exists_before else True
    try:
        ctx.body = _parse_body(request.headers.get("content-type", ""), raw)
        reply = route.handlers[method](ctx)
    except ApiError as err:
        reply = Reply(err.status, err.body())
    except Exception:  # a sandbox bug: answer like a crashing WordPress, keep serving
        logger.exception("sandbox store failed on %s %s", method, rest_path)
        reply = Reply(500, {"code": "internal_server_error", "message": "<p>There has been a critical error on "
                            "this website.</p>", "data": {"status": 500}})
    allowed = allow_before and (route.exists_after(ctx) if route.exists_after else True)
    if allowed and "Allow" not in reply.headers:
        reply.headers["Allow"] = route.allow
    elif not allowed:
        reply.headers.pop("Allow", None)
    if ctx.qbool("_envelope"):
        headers = {k: (int(v) if k.startswith("X-WP-") else v) for k, v in reply.headers.items()}
        reply = Reply(200, {"body": reply.body, "status": reply.status, "headers": headers})
    return _json(reply, base)


def _query_dict(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Query parameters; PHP-style lists (``include[]=1&include[]=2``) become comma lists."""
    out: dict[str, str] = {}
    for key, value in pairs:
        if key.endswith("[]"):
            name = key[:-2]
            out[name] = f"{out[name]},{value}" if name in out else value
        else:
            out[key] = value
    return out


def _json(reply: Reply, base: str) -> Response:
    headers = dict(reply.headers)
    if "Link" not in headers:
        headers["Link"] = f"<{base}/wp-json/>; {API_LINK}"
    content = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    return Response(content, status_code=reply.status, headers=headers,
                    media_type="application/json; charset=UTF-8")


def _parse_body(content_type: str, raw: bytes) -> Any:
    mime = content_type.split(";")[0].strip().lower()
    if not raw.strip():
        return {}
    if mime == "application/json":
        return require_json_ok(raw)
    if mime == "application/x-www-form-urlencoded":
        return parse_php_form(raw.decode("utf-8", "replace"))
    return {}


def parse_php_form(text: str) -> dict[str, Any]:
    """``a=1&tags[0][name]=x`` → ``{"a": "1", "tags": [{"name": "x"}]}`` (PHP's ``$_POST`` nesting)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = re.findall(r"\[([^\]]*)\]", key)
        head = key.split("[", 1)[0]
        node: Any = root
        keys = [head, *parts]
        for index, part in enumerate(keys):
            last = index == len(keys) - 1
            if isinstance(node, dict):
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, {})
    listed: dict[str, Any] = _listify(root)
    return listed


def _listify(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {k: _listify(v) for k, v in node.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return node
