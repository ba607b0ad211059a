"""wcsync.sandbox.auth: who a request is, rule for rule as WooCommerce 11 decides (captures/01-auth.json).

The requests go through httpx's ASGI transport to a one-route app that reports what ``authenticate`` said, so
the scheme (http/https), headers and query are exactly what a client sends. Expected error bodies are the
recorded ones (``01#8`` = 8th exchange of 01-auth).
"""

from __future__ import annotations

import asyncio
import base64
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from oauthlib import oauth1
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wcsync.sandbox import keys
from wcsync.sandbox.auth import AuthFailure, Principal, authenticate

# recorded error bodies (captures/01-auth.json)
SECRET_INVALID = {  # 01#8, 01#13
    "code": "woocommerce_rest_authentication_error",
    "message": "Consumer secret is invalid.",
    "data": {"status": 401},
}
NONCE_USED = {  # 01#22
    "code": "woocommerce_rest_authentication_error",
    "message": "Invalid nonce - nonce has already been used.",
    "data": {"status": 401},
}
BAD_TIMESTAMP = {  # 01#23, 01#24
    "code": "woocommerce_rest_authentication_error",
    "message": "Invalid timestamp.",
    "data": {"status": 401},
}
BAD_SIGNATURE = {  # 01#25
    "code": "woocommerce_rest_authentication_error",
    "message": "Invalid signature - provided signature does not match.",
    "data": {"status": 401},
}
BAD_METHOD = {  # 01#26
    "code": "woocommerce_rest_authentication_error",
    "message": "Invalid signature - signature method is invalid.",
    "data": {"status": 401},
}
NO_WRITE = {  # 01#31-35
    "code": "woocommerce_rest_authentication_error",
    "message": "The API key provided does not have write permissions.",
    "data": {"status": 401},
}
NO_READ = {  # 01#36
    "code": "woocommerce_rest_authentication_error",
    "message": "The API key provided does not have read permissions.",
    "data": {"status": 401},
}

PRODUCTS = "/wp-json/wc/v3/products"
CATEGORIES = "/wp-json/wc/v3/products/categories"


class Harness:
    """A store database with keys, and an app that answers with what ``authenticate`` decided."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
        keys.ensure_schema(self.conn)
        self.key, self.secret = keys.create_key(self.conn, "read_write", "rw")
        self.read_key, self.read_secret = keys.create_key(self.conn, "read", "ro")
        self.write_key, self.write_secret = keys.create_key(self.conn, "write", "wo")
        self.results: list[Principal | AuthFailure | None] = []

        async def endpoint(request: Request) -> Response:
            result = authenticate(self.conn, request, await request.body())
            self.results.append(result)
            if isinstance(result, AuthFailure):
                return result.response()
            return JSONResponse({"anonymous": result is None})

        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        self.app = Starlette(routes=[Route("/{path:path}", endpoint, methods=methods)])

    def send(self, method: str, url: str, **kw: Any) -> tuple[httpx.Response, Principal | AuthFailure | None]:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport) as client:
                return await client.request(method, url, **kw)

        response = asyncio.run(go())
        return response, self.results[-1]

    def oauth(
        self,
        method: str,
        url: str,
        *,
        key: str | None = None,
        secret: str | None = None,
        signature_method: str = "HMAC-SHA256",
        placement: str = "query",
        timestamp: int | None = None,
        nonce: str | None = None,
    ) -> tuple[str, dict[str, str]]:
        client = oauth1.Client(
            key or self.key,
            client_secret=secret or self.secret,
            signature_method=signature_method,
            signature_type=oauth1.SIGNATURE_TYPE_QUERY
            if placement == "query"
            else oauth1.SIGNATURE_TYPE_AUTH_HEADER,
            timestamp=str(timestamp) if timestamp is not None else None,
            nonce=nonce,
        )
        uri, headers, _ = client.sign(url, http_method=method)
        return uri, dict(headers)


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path / "auth.db")
    yield harness
    harness.conn.close()


def _principal(result: object) -> Principal:
    assert isinstance(result, Principal), result
    return result


# --- keys over HTTPS: Basic and query string ----------------------------------------------------------------


def test_basic_over_https_identifies_the_key(h: Harness) -> None:
    response, result = h.send("GET", f"https://shop.test{PRODUCTS}", auth=(h.key, h.secret))  # 01#1
    assert response.status_code == 200
    principal = _principal(result)
    assert (principal.method, principal.permissions, principal.user, principal.user_id) == (
        "basic",
        "read_write",
        "admin",
        1,
    )
    assert principal.key_id == keys.find_key(h.conn, h.key).key_id  # type: ignore[union-attr]


def test_basic_over_plain_http_is_ignored_not_rejected(h: Harness) -> None:
    # 01#4-5: the route then answers cannot_view/cannot_create, as for no credentials at all (01#6)
    response, result = h.send("GET", f"http://shop.test{PRODUCTS}", auth=(h.key, h.secret))
    assert result is None and response.json() == {"anonymous": True}
    _, result = h.send("POST", f"http://shop.test{CATEGORIES}", auth=(h.key, h.secret), json={"name": "x"})
    assert result is None


def test_query_string_keys_work_over_https_only(h: Harness) -> None:
    params = {"consumer_key": h.key, "consumer_secret": h.secret}
    _, result = h.send("GET", f"https://shop.test{PRODUCTS}", params=params)  # 01#10
    assert _principal(result).method == "query"
    _, result = h.send("POST", f"https://shop.test{CATEGORIES}", params=params, json={"name": "Q"})  # 01#11
    assert _principal(result).method == "query"
    _, result = h.send("GET", f"http://shop.test{PRODUCTS}", params=params)  # 01#12
    assert result is None


@pytest.mark.parametrize("how", ["basic", "query"])
def test_wrong_secret_is_401_consumer_secret_invalid(h: Harness, how: str) -> None:
    kw: dict[str, Any] = (
        {"auth": (h.key, "cs_" + "0" * 40)}
        if how == "basic"
        else {"params": {"consumer_key": h.key, "consumer_secret": "cs_" + "0" * 40}}
    )
    response, _ = h.send("GET", f"https://shop.test{PRODUCTS}", **kw)  # 01#8, 01#13
    assert response.status_code == 401
    assert response.json() == SECRET_INVALID


def test_query_keys_win_over_basic_when_both_are_sent(h: Harness) -> None:
    params = {"consumer_key": h.key, "consumer_secret": "cs_wrong"}
    response, _ = h.send("GET", f"https://shop.test{PRODUCTS}", params=params, auth=(h.key, h.secret))
    assert response.json() == SECRET_INVALID


def test_unknown_key_and_no_credentials_are_anonymous(h: Harness) -> None:
    _, result = h.send(
        "GET", f"https://shop.test{PRODUCTS}", auth=("ck_" + "1" * 40, "cs_" + "2" * 40)
    )  # 01#9
    assert result is None
    _, result = h.send("GET", f"https://shop.test{PRODUCTS}")  # 01#6
    assert result is None


def test_only_wc_routes_look_at_keys(h: Harness) -> None:
    # 01#28: /?rest_route=/wc/v3/products with valid Basic is anonymous
    _, result = h.send(
        "GET", "https://shop.test/", params={"rest_route": "/wc/v3/products"}, auth=(h.key, h.secret)
    )
    assert result is None
    _, result = h.send("GET", "https://shop.test/wp-json/wp/v2/media", auth=(h.key, h.secret))
    assert result is None


# --- OAuth 1.0a ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature_method", "placement"),
    [("HMAC-SHA256", "query"), ("HMAC-SHA1", "query"), ("HMAC-SHA256", "header"), ("HMAC-SHA1", "header")],
)
def test_oauth1_over_http(h: Harness, signature_method: str, placement: str) -> None:
    # 01#14-16
    uri, headers = h.oauth(
        "GET", f"http://127.0.0.1:8080{PRODUCTS}", signature_method=signature_method, placement=placement
    )
    response, result = h.send("GET", uri, headers=headers)
    assert response.status_code == 200
    principal = _principal(result)
    assert (principal.method, principal.permissions) == ("oauth1", "read_write")


def test_oauth1_signs_other_query_parameters(h: Harness) -> None:
    # 01#17: _fields with commas, search with a space, per_page
    url = f"http://shop.test{CATEGORIES}?_fields=id%2Cname%2Cslug&search=Query%20Keys&per_page=5"
    uri, _ = h.oauth("GET", url)
    _, result = h.send("GET", uri)
    assert _principal(result).method == "oauth1"
    tampered = uri.replace("per_page=5", "per_page=6")
    response, _ = h.send("GET", tampered)
    assert response.status_code == 401 and response.json() == BAD_SIGNATURE


def test_oauth1_does_not_sign_a_json_body(h: Harness) -> None:
    # 01#18-20: POST with a JSON body, PUT, DELETE with force=true in the (signed) query
    uri, _ = h.oauth("POST", f"http://shop.test{CATEGORIES}")
    _, result = h.send("POST", uri, json={"name": "Via OAuth"})
    assert _principal(result).method == "oauth1"
    uri, _ = h.oauth("PUT", f"http://shop.test{CATEGORIES}/21")
    _, result = h.send("PUT", uri, json={"description": "changed"})
    assert _principal(result).method == "oauth1"
    uri, _ = h.oauth("DELETE", f"http://shop.test{CATEGORIES}/21?force=true")
    _, result = h.send("DELETE", uri)
    assert _principal(result).method == "oauth1"


def test_oauth1_signs_a_form_body(h: Harness) -> None:
    client = oauth1.Client(
        h.key, client_secret=h.secret, signature_method="HMAC-SHA256", signature_type="BODY"
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    uri, headers, body = client.sign(f"http://shop.test{CATEGORIES}", "POST", "name=Form+Made", form)
    _, result = h.send("POST", uri, headers=headers, content=body)
    assert _principal(result).method == "oauth1"
    tampered = body.replace("Form+Made", "Other")
    uri, headers, body = client.sign(f"http://shop.test{CATEGORIES}", "POST", "name=Form+Made", form)
    response, _ = h.send("POST", uri, headers=headers, content=body.replace("Form+Made", "Other"))
    assert tampered != body and response.json() == BAD_SIGNATURE


def test_oauth1_also_works_over_https(h: Harness) -> None:
    uri, _ = h.oauth("GET", f"https://shop.test{PRODUCTS}")  # 01#27
    _, result = h.send("GET", uri)
    assert _principal(result).method == "oauth1"


def test_oauth1_replayed_nonce_is_refused(h: Harness) -> None:
    uri, _ = h.oauth("GET", f"http://shop.test{CATEGORIES}/15")  # 01#21-22
    first, _ = h.send("GET", uri)
    again, _ = h.send("GET", uri)
    assert first.status_code == 200
    assert again.status_code == 401 and again.json() == NONCE_USED


def test_oauth1_nonces_are_per_key(h: Harness) -> None:
    uri, _ = h.oauth("GET", f"http://shop.test{PRODUCTS}", nonce="same-nonce-1")
    other, _ = h.oauth(
        "GET", f"http://shop.test{PRODUCTS}", key=h.read_key, secret=h.read_secret, nonce="same-nonce-1"
    )
    assert h.send("GET", uri)[0].status_code == 200
    assert h.send("GET", other)[0].status_code == 200


@pytest.mark.parametrize("offset", [-1200, 1200])
def test_oauth1_timestamp_20_minutes_off_is_refused(h: Harness, offset: int) -> None:
    uri, _ = h.oauth("GET", f"http://shop.test{PRODUCTS}", timestamp=int(time.time()) + offset)  # 01#23-24
    response, _ = h.send("GET", uri)
    assert response.status_code == 401 and response.json() == BAD_TIMESTAMP


def test_oauth1_timestamp_within_15_minutes_is_accepted(h: Harness) -> None:
    uri, _ = h.oauth("GET", f"http://shop.test{PRODUCTS}", timestamp=int(time.time()) - 600)
    assert h.send("GET", uri)[0].status_code == 200


def test_oauth1_wrong_secret_is_a_signature_mismatch(h: Harness) -> None:
    uri, _ = h.oauth("GET", f"http://shop.test{PRODUCTS}", secret="cs_" + "9" * 40)  # 01#25
    response, _ = h.send("GET", uri)
    assert response.status_code == 401 and response.json() == BAD_SIGNATURE


def test_oauth1_plaintext_is_refused(h: Harness) -> None:
    uri, _ = h.oauth("GET", f"http://shop.test{PRODUCTS}", signature_method="PLAINTEXT")  # 01#26
    response, _ = h.send("GET", uri)
    assert response.status_code == 401 and response.json() == BAD_METHOD


def test_oauth1_signature_checked_against_the_host_and_port_used(h: Harness) -> None:
    uri, _ = h.oauth("GET", f"http://127.0.0.1:8080{PRODUCTS}")
    response, _ = h.send("GET", uri, headers={"Host": "127.0.0.1:8081"})
    assert response.json() == BAD_SIGNATURE


def test_oauth1_missing_parameters_and_unknown_key(h: Harness) -> None:
    response, _ = h.send("GET", f"http://shop.test{PRODUCTS}", params={"oauth_consumer_key": h.key})
    assert response.status_code == 401
    assert response.json() == {
        "code": "woocommerce_rest_authentication_missing_parameter",
        "message": "Missing OAuth parameters oauth_timestamp, oauth_nonce, oauth_signature, oauth_signature_method",
        "data": {"status": 401},
    }
    uri, _ = h.oauth("GET", f"http://shop.test{PRODUCTS}", key="ck_" + "5" * 40)
    response, _ = h.send("GET", uri)
    assert response.json() == {
        "code": "woocommerce_rest_authentication_error",
        "message": "Consumer key is invalid.",
        "data": {"status": 401},
    }


# --- key permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_read_only_key_cannot_write(h: Harness, method: str) -> None:
    response, _ = h.send(
        method, f"https://shop.test{CATEGORIES}/15", auth=(h.read_key, h.read_secret)
    )  # 01#31-34
    assert response.status_code == 401 and response.json() == NO_WRITE


def test_read_only_key_reads_and_is_refused_writes_over_oauth(h: Harness) -> None:
    _, result = h.send("GET", f"https://shop.test{CATEGORIES}", auth=(h.read_key, h.read_secret))  # 01#29
    assert _principal(result).permissions == "read"
    uri, _ = h.oauth("POST", f"http://shop.test{CATEGORIES}", key=h.read_key, secret=h.read_secret)  # 01#35
    response, _ = h.send("POST", uri, json={"name": "no"})
    assert response.json() == NO_WRITE


def test_write_only_key_cannot_read_but_writes(h: Harness) -> None:
    response, _ = h.send("GET", f"https://shop.test{CATEGORIES}", auth=(h.write_key, h.write_secret))  # 01#36
    assert response.status_code == 401 and response.json() == NO_READ
    _, result = h.send(
        "POST", f"https://shop.test{CATEGORIES}", auth=(h.write_key, h.write_secret), json={}
    )  # 01#37
    assert _principal(result).permissions == "write"


def test_method_override_is_checked_against_the_key_scope(h: Harness) -> None:
    response, _ = h.send(
        "GET",
        f"https://shop.test{CATEGORIES}/15",
        params={"_method": "DELETE"},
        auth=(h.read_key, h.read_secret),
    )
    assert response.json() == NO_WRITE


def test_successful_key_use_records_last_access(h: Harness) -> None:
    h.send("GET", f"https://shop.test{PRODUCTS}", auth=(h.key, h.secret))
    found = keys.find_key(h.conn, h.key)
    assert found is not None and found.last_access is not None
    untouched = keys.find_key(h.conn, h.read_key)
    assert untouched is not None and untouched.last_access is None


# --- application passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_application_password_works_over_https_and_local_http(h: Harness, scheme: str) -> None:
    password = keys.create_app_password(h.conn)  # 01#38-40
    _, result = h.send("GET", f"{scheme}://shop.test{CATEGORIES}", auth=("admin", password))
    principal = _principal(result)
    assert (principal.method, principal.user, principal.key_id, principal.permissions) == (
        "app_password",
        "admin",
        None,
        "read_write",
    )
    _, result = h.send(
        "POST", f"{scheme}://shop.test{CATEGORIES}", auth=("admin", password.replace(" ", "")), json={}
    )
    assert _principal(result).method == "app_password"


def test_wrong_application_password_and_unknown_user(h: Harness) -> None:
    keys.create_app_password(h.conn)
    response, _ = h.send(
        "GET", f"https://shop.test{CATEGORIES}", auth=("admin", "abcd efgh ijkl mnop qrst uvwx")
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": "incorrect_password",
        "message": "The provided password is an invalid application password.",
        "data": {"status": 401},
    }
    _, result = h.send(
        "GET", f"https://shop.test{CATEGORIES}", auth=("editor", "abcd efgh ijkl mnop qrst uvwx")
    )
    assert result is None


def test_malformed_basic_header_is_anonymous(h: Harness) -> None:
    garbage = base64.b64encode(b"no-colon-here").decode()
    _, result = h.send("GET", f"https://shop.test{PRODUCTS}", headers={"Authorization": f"Basic {garbage}"})
    assert result is None
    _, result = h.send("GET", f"https://shop.test{PRODUCTS}", headers={"Authorization": "Basic %%%"})
    assert result is None
