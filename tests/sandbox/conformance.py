"""Replaying the recorded WooCommerce exchanges against the sandbox, and the normaliser that compares them.

Each capture file (``tests/sandbox/captures/NN-*.json``, copied from ``shared/woocommerce/captures``) is one
scenario that starts from a freshly reset store. Requests are rebuilt exactly as the capture README says:
``{name}`` placeholders take values bound (by JSON pointer) from *the sandbox's* earlier responses,
``{base}`` is the sandbox host, ``{"$repeat", "$times"}`` expands, ``auth``/``key`` choose the credentials
(keys made through ``wcsync.sandbox.keys``; OAuth 1.0a signed with oauthlib). The store clock advances one
second per exchange so that "later" modifications are later, as they were on the recorded store.

What the normaliser treats as equal (everything else must be identical):

* ids: compared through a bijection per id space (posts — products, variations, attachments —, terms,
  global attributes, meta rows) learnt as ids first appear; numbers inside ``_links``/permalink URLs and the
  ``#N is an invalid image ID.`` message go through the same maps;
* dates: ``date_created``/``date_modified`` (and ``_gmt``) of products, variations, images only need to be
  present (both strings, or both null); date-times inside URLs (the ``modified_before=…`` of a ``Link``)
  and the value of ``_wp_trash_meta_time`` are volatile; every other date (sale dates…) must be equal;
* hosts: ``{base}`` in the capture is the sandbox host; the upload month in ``/wp-content/uploads/YYYY/MM/``
  is the clock's;
* download ids (``downloads[].id``, random UUIDs made by the store, ``wp_generate_uuid4``) go through a
  bijection of their own: the sandbox's UUIDs differ from the capture's, but a download must keep its id
  exactly where the store kept it and get a new one exactly where the store made a new one (11#112-117);
* ``related_ids`` (random on the real store) and an image's ``sizes`` (derived from its pixel width,
  which the sandbox does not know) are not compared;
* tie order: in the exchanges of ``TIE_ORDER`` (items with equal names, returned in arbitrary order by the
  real store) lists are compared after ordering the sandbox's items like the capture's.

Headers compared: ``X-WP-Total``, ``X-WP-TotalPages``, ``Link``, ``Allow`` and the ``Content-Type``.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from oauthlib import oauth1

CAPTURES = Path(__file__).parent / "captures"
HOST = "store.test"

#: (capture number, exchange number) → why the sandbox knowingly answers differently
EXCEPTIONS: dict[tuple[str, int], str] = {
    ("03", 13): "the real store returned one of two equally named tags on page 2 and page 3 (MySQL tie order); "
    "the sandbox pages deterministically (name, then id)",
}

#: Requests to WordPress's own ``/wp-json/wp/v2/`` namespace (the "evidence" steps of 08 that count media
#: attachments) are not WooCommerce API: the capture README says an emulator need not serve them. They are
#: replayed (and listed by the developer tool) but not scored: they count neither for nor against a capture.
NOT_SCORED_PREFIX = "/wp-json/wp/v2/"

#: exchanges whose lists contain items that tie under the sort key (capture README "What varies")
TIE_ORDER = {("02", 26), ("02", 29), ("02", 30), ("03", 12), ("03", 13), ("03", 16), ("03", 18)}

HEADERS = ("X-WP-Total", "X-WP-TotalPages", "Link", "Allow")
DATE_KEYS = {"date_created", "date_created_gmt", "date_modified", "date_modified_gmt"}
IGNORED_KEYS = {"related_ids", "sizes"}
_DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}(?::|%3A)\d{2}(?::|%3A)\d{2}")
_UPLOAD_MONTH = re.compile(r"/wp-content/uploads/\d{4}/\d{2}/")
_ID_IN_TEXT = re.compile(
    r"(/products/attributes/|/(?:products|variations)/|/(?:categories|tags|shipping_classes|terms|brands)/|[?&]p=|^#)(\d+)"
)


def load_captures() -> list[tuple[str, dict[str, Any]]]:
    return [(path.name[:2], json.loads(path.read_text())) for path in sorted(CAPTURES.glob("[0-9][0-9]-*.json"))]


# --- ids ----------------------------------------------------------------------------------------------


@dataclass
class IdMap:
    """Bijections capture id → sandbox id, one per id space."""

    forward: dict[tuple[str, Any], Any] = field(default_factory=dict)
    backward: dict[tuple[str, Any], Any] = field(default_factory=dict)

    def same(self, space: str, expected: Any, actual: Any) -> bool:
        if space == "download":
            if not isinstance(expected, str) or not isinstance(actual, str) or not expected or not actual:
                return bool(expected == actual)
            return self._pair(space, expected, actual)
        if not isinstance(expected, int) or not isinstance(actual, int) or isinstance(expected, bool):
            return bool(expected == actual)
        if expected in (0, 999999, 999998) or expected >= 900000:  # "no id" and deliberately unknown ids
            return bool(expected == actual)
        return self._pair(space, expected, actual)

    def _pair(self, space: str, expected: Any, actual: Any) -> bool:
        known = self.forward.get((space, expected))
        if known is not None:
            return known == actual
        if (space, actual) in self.backward:
            return False
        self.forward[(space, expected)] = actual
        self.backward[(space, actual)] = expected
        return True

    def translate(self, space: str, expected: int) -> int | None:
        found = self.forward.get((space, expected))
        return found if isinstance(found, int) else None


def _space_of_prefix(prefix: str) -> str:
    if prefix == "/products/attributes/":
        return "attr"
    if prefix in ("/products/", "/variations/", "?p=", "&p=", "#"):
        return "post"
    return "term"


CHILD_SPACE = {
    "images": "post", "image": "post", "categories": "term", "tags": "term", "brands": "term",
    "attributes": "attr", "default_attributes": "attr", "meta_data": "meta", "downloads": "download",
}
ID_LISTS = {"variations": "post", "grouped_products": "post", "upsell_ids": "post", "cross_sell_ids": "post",
            "gallery_image_ids": "post"}
ID_KEYS = {"parent_id": "post", "product_id": "post", "shipping_class_id": "term"}


@dataclass
class Comparison:
    ids: IdMap
    diffs: list[str] = field(default_factory=list)

    def fail(self, path: str, expected: Any, actual: Any) -> None:
        if len(self.diffs) < 8:
            self.diffs.append(f"{path}: expected {_short(expected)}, got {_short(actual)}")

    def text(self, path: str, expected: str, actual: str) -> None:
        expected, actual = _volatile_in_url(expected), _volatile_in_url(actual)
        e_parts, a_parts = _ID_IN_TEXT.split(expected), _ID_IN_TEXT.split(actual)
        if len(e_parts) != len(a_parts):
            self.fail(path, expected, actual)
            return
        for index, (e_part, a_part) in enumerate(zip(e_parts, a_parts, strict=True)):
            if index % 3 == 2:
                space = _space_of_prefix(e_parts[index - 1])
                if not self.ids.same(space, int(e_part), int(a_part)):
                    self.fail(path, expected, actual)
                    return
            elif e_part != a_part:
                self.fail(path, expected, actual)
                return

    def value(self, path: str, expected: Any, actual: Any, space: str) -> None:
        if isinstance(expected, dict):
            if not isinstance(actual, dict):
                self.fail(path, expected, actual)
                return
            missing = [k for k in expected if k not in actual]
            extra = [k for k in actual if k not in expected]
            if missing or extra:
                self.fail(path, f"keys {sorted(expected)}", f"missing {missing}, extra {extra}")
            volatile_value = space == "meta" and expected.get("key") == "_wp_trash_meta_time"
            for key in expected:
                if key not in actual or key in IGNORED_KEYS:
                    continue
                e_val, a_val = expected[key], actual[key]
                sub = f"{path}/{key}"
                if key in DATE_KEYS and (isinstance(e_val, str) or e_val is None):
                    if (e_val is None) != (a_val is None) or (e_val is not None and not isinstance(a_val, str)):
                        self.fail(sub, e_val, a_val)
                elif key == "value" and volatile_value:
                    continue
                elif key in ("id", "resource_id") and not isinstance(e_val, dict | list):
                    if not self.ids.same(space, e_val, a_val):
                        self.fail(sub, e_val, a_val)
                elif key == "parent" and space == "term":
                    if not self.ids.same("term", e_val, a_val):
                        self.fail(sub, e_val, a_val)
                elif key in ID_KEYS:
                    if not self.ids.same(ID_KEYS[key], e_val, a_val):
                        self.fail(sub, e_val, a_val)
                elif key in ID_LISTS and isinstance(e_val, list):
                    if not isinstance(a_val, list) or len(e_val) != len(a_val) or not all(
                        self.ids.same(ID_LISTS[key], e, a) for e, a in zip(e_val, a_val, strict=False)
                    ):
                        self.fail(sub, e_val, a_val)
                else:
                    self.value(sub, e_val, a_val, CHILD_SPACE.get(key, space))
            return
        if isinstance(expected, list):
            if not isinstance(actual, list) or len(expected) != len(actual):
                self.fail(path, expected, actual)
                return
            for index, (e_item, a_item) in enumerate(zip(expected, actual, strict=True)):
                self.value(f"{path}/{index}", e_item, a_item, space)
            return
        if isinstance(expected, str) and isinstance(actual, str):
            self.text(path, expected, actual)
            return
        if type(expected) is not type(actual) or expected != actual:
            self.fail(path, expected, actual)


def _volatile_in_url(text: str) -> str:
    """Inside URLs only: the upload month and date-times bound from earlier responses."""
    if "://" not in text:
        return text
    return _UPLOAD_MONTH.sub("/wp-content/uploads/YYYY/MM/", _DATE_IN_TEXT.sub("<date>", text))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) < 300 else text[:297] + "..."


def top_space(path: str) -> str:
    if re.search(r"/attributes/\d+/terms|/categories|/tags|/shipping_classes|/brands", path):
        return "term"
    if re.search(r"/products/attributes", path):
        return "attr"
    return "post"


def substitute_base(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("{base}", HOST)
    if isinstance(value, list):
        return [substitute_base(v) for v in value]
    if isinstance(value, dict):
        return {k: substitute_base(v) for k, v in value.items()}
    return value


def reorder_ties(expected: list[Any], actual: list[Any], ids: IdMap, space: str) -> list[Any]:
    """The sandbox's items in the capture's order where ids identify them (equal names tie)."""
    by_id = {item.get("id"): item for item in actual if isinstance(item, dict)}
    out: list[Any] = []
    for item in expected:
        wanted = ids.translate(space, item.get("id")) if isinstance(item, dict) else None
        if wanted in by_id:
            out.append(by_id.pop(wanted))
    rest = [item for item in actual if not isinstance(item, dict) or item.get("id") in by_id]
    return out + rest if len(out) + len(rest) == len(actual) else actual


# --- replay -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    capture: str
    number: int
    step: str
    ok: bool
    excepted: str | None = None
    diffs: list[str] = field(default_factory=list)
    scored: bool = True


class FakeClock:
    """The store clock during a replay: one second later at each exchange, starting mid-month (so a replay
    never straddles two upload folders ``/uploads/YYYY/MM/``)."""

    def __init__(self) -> None:
        self.moment = dt.datetime.now(dt.UTC).replace(day=15, hour=12, minute=0, second=0, microsecond=0)

    def tick(self) -> None:
        self.moment += dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        return self.moment


class Replayer:
    def __init__(self, number: str, capture: dict[str, Any], client: httpx.AsyncClient,
                 credentials: dict[str, tuple[str, str]], app_password: str | None, clock: FakeClock) -> None:
        self.number = number
        self.capture = capture
        self.client = client
        self.credentials = credentials
        self.app_password = app_password
        self.clock = clock
        self.binds: dict[str, Any] = {}
        self.ids = IdMap()
        self.last_request: httpx.Request | None = None

    # request building
    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = re.fullmatch(r"\{(\w+)\}", value)
            if whole and whole.group(1) in self.binds:
                return self.binds[whole.group(1)]
            return re.sub(r"\{(\w+)\}", lambda m: str(self.binds.get(m.group(1), HOST if m.group(1) == "base"
                                                                    else m.group(0))), value)
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"$repeat", "$times"}:
                return str(value["$repeat"]) * int(value["$times"])
            return {k: self.fill(v) for k, v in value.items()}
        return value

    def build(self, request: dict[str, Any]) -> httpx.Request:
        method = request["method"]
        scheme = request.get("scheme", "https")
        path = self.fill(request["path"])
        query: list[tuple[str, str]] = []
        for key, raw in (request.get("query") or {}).items():
            value = self.fill(raw)
            text = "true" if value is True else "false" if value is False else str(value)
            query.append((key, text))
        headers: dict[str, str] = {}
        content: bytes | None = None
        if "body_raw" in request:
            content = str(self.fill(request["body_raw"])).encode()
            headers["Content-Type"] = request.get("content_type", "application/json")
        elif "body" in request:
            content = json.dumps(self.fill(request["body"])).encode()
            headers["Content-Type"] = "application/json"
        auth = request.get("auth", "none")
        key, secret = self.credentials.get(request.get("key", "read_write"), ("", ""))
        if auth == "query":
            query += [("consumer_key", key), ("consumer_secret", secret)]
        elif auth == "basic":
            headers["Authorization"] = _basic(key, secret)
        elif auth == "bad":
            detail = request.get("auth_detail", "")
            bad_key = "ck_" + secrets.token_hex(20) if "unknown" in detail else key
            bad_secret = "cs_" + secrets.token_hex(20)
            if "query" in detail:
                query += [("consumer_key", bad_key), ("consumer_secret", bad_secret)]
            else:
                headers["Authorization"] = _basic(bad_key, bad_secret)
        elif auth == "app_password" and self.app_password:
            headers["Authorization"] = _basic("admin", self.app_password)
        url = f"{scheme}://{HOST}{path}"
        if query:
            url += "?" + urlencode(query)
        if auth == "oauth1":
            oauth = request.get("oauth", {})
            if oauth.get("replay") and self.last_request is not None:
                return self.last_request
            url, headers = self.sign(url, method, key, secret, oauth, headers)
        built = self.client.build_request(method, url, content=content, headers=headers)
        self.last_request = built
        return built

    def sign(self, url: str, method: str, key: str, secret: str, oauth: dict[str, Any],
             headers: dict[str, str]) -> tuple[str, dict[str, str]]:
        methods = {"HMAC-SHA1": oauth1.SIGNATURE_HMAC_SHA1, "HMAC-SHA256": oauth1.SIGNATURE_HMAC_SHA256,
                   "PLAINTEXT": oauth1.SIGNATURE_PLAINTEXT}
        placement = oauth1.SIGNATURE_TYPE_AUTH_HEADER if oauth.get("placement") == "header" else \
            oauth1.SIGNATURE_TYPE_QUERY
        client = oauth1.Client(
            key, client_secret="cs_wrong" + secret[8:] if oauth.get("wrong_secret") else secret,
            signature_method=methods[oauth.get("signature_method", "HMAC-SHA256")], signature_type=placement,
            timestamp=str(int(time.time()) + int(oauth.get("timestamp_offset", 0))),
        )
        signed_url, signed_headers, _ = client.sign(url, http_method=method)
        return signed_url, {**headers, **signed_headers}

    async def run(self) -> list[Outcome]:
        outcomes = []
        for number, exchange in enumerate(self.capture["exchanges"], 1):
            self.clock.tick()
            outcomes.append(await self.exchange(number, exchange))
        return outcomes

    async def exchange(self, number: int, exchange: dict[str, Any]) -> Outcome:
        request = exchange["request"]
        step = exchange.get("step", "")
        reason = EXCEPTIONS.get((self.number, number))
        response = await self.client.send(self.build(request))
        try:
            body = response.json()
        except ValueError:
            body = response.text
        for name, pointer in (exchange.get("bind") or {}).items():
            value = _pointer(body, pointer)
            if value is not None:
                self.binds[name] = value
        expected = exchange["response"]
        check = Comparison(self.ids)
        if response.status_code != expected["status"]:
            check.fail("status", expected["status"], response.status_code)
        expected_headers = substitute_base(expected.get("headers") or {})
        for name in HEADERS:
            if expected_headers.get(name) != response.headers.get(name):
                if name in expected_headers and name in response.headers:
                    check.text(f"header {name}", expected_headers[name], response.headers[name])
                else:
                    check.fail(f"header {name}", expected_headers.get(name), response.headers.get(name))
        content_type = expected_headers.get("Content-Type", "")
        if content_type.split(";")[0] != response.headers.get("content-type", "").split(";")[0]:
            check.fail("header Content-Type", content_type, response.headers.get("content-type"))
        space = top_space(request["path"])
        wanted = substitute_base(expected.get("body"))
        if (self.number, number) in TIE_ORDER and isinstance(wanted, list) and isinstance(body, list):
            body = reorder_ties(wanted, copy.deepcopy(body), self.ids, space)
        check.value("body", wanted, body, space)
        scored = not request["path"].startswith(NOT_SCORED_PREFIX)
        return Outcome(self.number, number, step, not check.diffs, reason, check.diffs, scored)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node
