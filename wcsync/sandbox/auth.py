"""Who is calling the sandbox store: WooCommerce's REST authentication, rule for rule.

Mirrors ``WC_REST_Authentication`` (WooCommerce 11) plus WordPress application passwords, as recorded in
``captures/01-auth.json``:

- Only URIs containing ``/wp-json/wc/`` (or ``/wp-json/wc-``) look at WooCommerce keys.
- Over HTTPS, ``consumer_key``/``consumer_secret`` query parameters (when both are present), else HTTP Basic
  with the key as user name. Over plain HTTP these are *ignored*: the request is anonymous and the route
  answers ``woocommerce_rest_cannot_view``. An unknown key is anonymous too; a known key with the wrong secret
  is 401 "Consumer secret is invalid.".
- When Basic did not identify a key: OAuth 1.0a one-legged, parameters from the query string, a
  form-encoded body or an ``Authorization: OAuth …`` header. Checked in WooCommerce's order: all five
  parameters present, known key, HMAC-SHA1/HMAC-SHA256 only, signature (base string = method, the request's
  own ``scheme://host/path``, every query and form parameter; a JSON body is not signed), timestamp within
  ±15 minutes, nonce not used by that key before.
- A key's permission is checked against the method: GET/HEAD need read, POST/PUT/PATCH/DELETE need write.
- WordPress application passwords: Basic ``admin:<password>``, on any REST route, over HTTPS and — the sandbox
  being a ``local`` environment like the recorded store (01#40) — over plain HTTP too.

The request's scheme comes from the ASGI scope: ``https`` under uvicorn with TLS, or for an in-process
``httpx.ASGITransport`` the scheme of the URL the client used.

Role: identify the caller and refuse bad credentials. Whether an anonymous caller may use a route, and the
``cannot_view``/``cannot_create`` answers, belong to the routes (``wcsync.sandbox.app``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import sqlite3
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, unquote_plus

from oauthlib.oauth1.rfc5849 import signature as oauth_signature
from starlette.requests import Request
from starlette.responses import JSONResponse

from wcsync.sandbox import keys

AuthMethodName = Literal["basic", "query", "oauth1", "app_password"]

#: WooCommerce accepts OAuth timestamps this far from its clock, either way
TIMESTAMP_WINDOW_SECONDS = 15 * 60

_OAUTH_REQUIRED = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_OAUTH_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')
_READ_METHODS = frozenset({"GET", "HEAD"})
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``permissions`` is the key's scope (application passwords act as the user,
    so they have ``read_write``)."""

    user_id: int
    user: str
    method: AuthMethodName
    permissions: keys.Permissions = "read_write"
    key_id: int | None = None

    @property
    def can_write(self) -> bool:
        return self.permissions in ("write", "read_write")


@dataclass(frozen=True)
class AuthFailure:
    """A refused request: always 401 in WooCommerce (no 403 was ever recorded)."""

    code: str
    message: str
    status: int = 401
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The WordPress REST error body ``{"code", "message", "data": {"status"}}``."""
        return {"code": self.code, "message": self.message, "data": {"status": self.status}}

    def response(self) -> JSONResponse:
        """The error as a response (routes may add WordPress's usual ``Link`` header)."""
        return JSONResponse(
            self.body(),
            status_code=self.status,
            headers={"Content-Type": "application/json; charset=UTF-8", **self.headers},
        )


def _wc_error(message: str, code: str = "woocommerce_rest_authentication_error") -> AuthFailure:
    return AuthFailure(code=code, message=message)


def is_request_to_wc_api(path: str) -> bool:
    """WooCommerce's ``is_request_to_rest_api``: only ``/wp-json/wc/…`` and ``/wp-json/wc-…`` URIs."""
    return "/wp-json/wc/" in path or "/wp-json/wc-" in path


def authenticate(
    conn: sqlite3.Connection, request: Request, body: bytes, *, now: float | None = None
) -> Principal | AuthFailure | None:
    """Identify the caller of ``request`` (whose body has been read into ``body``).

    Returns a ``Principal``, an ``AuthFailure`` to send as is, or None for an anonymous request.
    """
    clock = time.time() if now is None else now
    scheme = request.url.scheme
    query = _php_params(request.url.query)
    basic = _basic_credentials(request.headers.get("authorization", ""))

    key: keys.ApiKey | None = None
    key_method: AuthMethodName = "basic"
    error: AuthFailure | None = None
    if is_request_to_wc_api(request.url.path):
        if scheme == "https":
            key, key_method, error = _perform_basic(conn, query, basic)
        if key is None:
            key, oauth_error = _perform_oauth(conn, request, body, query, clock)
            key_method = "oauth1"
            if oauth_error is not None:
                error = oauth_error
    if key is not None and error is None:
        refusal = _check_permissions(key.permissions, effective_method(request))
        if refusal is not None:
            return refusal
        keys.touch_key(conn, key, now=clock)
        return Principal(
            user_id=key.user_id,
            user=keys.ADMIN_LOGIN,
            method=key_method,
            permissions=key.permissions,
            key_id=key.key_id,
        )
    if error is not None:
        return error
    if basic is not None:
        return _application_password(conn, *basic)
    return None


# --- consumer key/secret over HTTPS ----------------------------------------------------------------------


def _perform_basic(
    conn: sqlite3.Connection, query: dict[str, str], basic: tuple[str, str] | None
) -> tuple[keys.ApiKey | None, AuthMethodName, AuthFailure | None]:
    method: AuthMethodName = "query"
    consumer_key, consumer_secret = "", ""
    if query.get("consumer_key") and query.get("consumer_secret"):
        consumer_key, consumer_secret = query["consumer_key"], query["consumer_secret"]
    if not consumer_key and basic is not None and basic[0] and basic[1]:
        consumer_key, consumer_secret = basic
        method = "basic"
    if not consumer_key or not consumer_secret:
        return None, method, None
    key = keys.find_key(conn, consumer_key)
    if key is None:
        return None, method, None
    if not hmac.compare_digest(key.consumer_secret.encode(), consumer_secret.encode()):
        return None, method, _wc_error("Consumer secret is invalid.")
    return key, method, None


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


# --- OAuth 1.0a one-legged -------------------------------------------------------------------------------


def _perform_oauth(
    conn: sqlite3.Connection, request: Request, body: bytes, query: dict[str, str], now: float
) -> tuple[keys.ApiKey | None, AuthFailure | None]:
    params = dict(query)
    if _is_form(request):
        params.update(_php_params(body.decode("utf-8", errors="replace")))
    params.update(_oauth_header_params(request.headers.get("authorization", "")))

    missing = [name for name in _OAUTH_REQUIRED if not params.get(name)]
    if len(missing) == len(_OAUTH_REQUIRED):
        return None, None  # not even trying OAuth
    if missing:
        noun = "parameter" if len(missing) == 1 else "parameters"
        return None, _wc_error(
            f"Missing OAuth {noun} {', '.join(missing)}", "woocommerce_rest_authentication_missing_parameter"
        )
    key = keys.find_key(conn, params["oauth_consumer_key"])
    if key is None:
        return None, _wc_error("Consumer key is invalid.")
    bad_signature = _check_signature(request, params, key.consumer_secret)
    if bad_signature is not None:
        return None, bad_signature
    try:
        timestamp = int(params["oauth_timestamp"])
    except ValueError:
        return None, _wc_error("Invalid timestamp.")
    if timestamp < now - TIMESTAMP_WINDOW_SECONDS or timestamp > now + TIMESTAMP_WINDOW_SECONDS:
        return None, _wc_error("Invalid timestamp.")
    if not keys.use_nonce(conn, key.key_id, timestamp, params["oauth_nonce"], now=now):
        return None, _wc_error("Invalid nonce - nonce has already been used.")
    return key, None


def _check_signature(request: Request, params: dict[str, str], consumer_secret: str) -> AuthFailure | None:
    # PHP decoded '+' in the query as a space; WooCommerce turns it back before its own rawurldecode
    provided = unquote(params["oauth_signature"].replace(" ", "+"))
    signed = sorted((k, v) for k, v in params.items() if k != "oauth_signature")
    method = params["oauth_signature_method"]
    if method not in ("HMAC-SHA1", "HMAC-SHA256"):
        return _wc_error("Invalid signature - signature method is invalid.")
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if isinstance(raw_path, bytes | bytearray) else request.url.path
    host = request.headers.get("host") or request.url.netloc
    try:
        base_uri = oauth_signature.base_string_uri(f"{request.url.scheme}://{host}{path}")
        base_string = oauth_signature.signature_base_string(
            request.method.upper(), base_uri, oauth_signature.normalize_parameters(signed)
        )
    except ValueError:
        return _wc_error("Invalid signature - provided signature does not match.")
    sign = (
        oauth_signature.sign_hmac_sha1_with_client
        if method == "HMAC-SHA1"
        else oauth_signature.sign_hmac_sha256_with_client
    )
    # one-legged: no token, so the signing key is "consumer_secret&"
    expected = str(
        sign(base_string, SimpleNamespace(client_secret=consumer_secret, resource_owner_secret=""))
    )
    if not hmac.compare_digest(expected.encode(), provided.encode()):
        return _wc_error("Invalid signature - provided signature does not match.")
    return None


def _oauth_header_params(header: str) -> dict[str, str]:
    header = header.strip()
    if not header.startswith("OAuth "):
        return {}
    return {
        match.group(1): unquote_plus(match.group(3) or match.group(4) or "")
        for match in _OAUTH_HEADER_PARAM.finditer(header)
    }


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return content_type == "application/x-www-form-urlencoded"


def _php_params(raw: str) -> dict[str, str]:
    """Query or form parameters as PHP's ``$_GET`` holds them: one value per name, the last one wins."""
    return dict(parse_qsl(raw, keep_blank_values=True))


# --- permissions and application passwords ---------------------------------------------------------------


def effective_method(request: Request) -> str:
    """The one method a request is both checked and routed with, as WordPress decides it.

    ``WP_REST_Server::serve_request`` builds the request with ``$_SERVER['REQUEST_METHOD']``, then
    ``if ( isset( $_GET['_method'] ) ) set_method( $_GET['_method'] ) elseif ( isset(
    $_SERVER['HTTP_X_HTTP_METHOD_OVERRIDE'] ) ) set_method( … )`` — the query parameter first, then the header
    (``set_method`` upper-cases). Routing (``dispatch``) and WooCommerce's key-scope check
    (``WC_REST_Authentication::check_user_permissions``: ``check_permissions( $request->get_method() )``) both
    use that method, so a read-only key can never write, whichever way the method is spelt.
    (The OAuth 1.0a signature base string still uses the real request method, as WooCommerce does.)"""
    query = _php_params(request.url.query)
    if "_method" in query:
        return query["_method"].upper()
    header = request.headers.get("x-http-method-override")
    if header is not None:
        return header.upper()
    return request.method.upper()


def _check_permissions(permissions: str, method: str) -> AuthFailure | None:
    if method in _READ_METHODS:
        if permissions not in ("read", "read_write"):
            return _wc_error("The API key provided does not have read permissions.")
        return None
    if method in _WRITE_METHODS:
        if permissions not in ("write", "read_write"):
            return _wc_error("The API key provided does not have write permissions.")
        return None
    if method == "OPTIONS":
        return None
    return _wc_error("Unknown request method.")


def _application_password(
    conn: sqlite3.Connection, login: str, password: str
) -> Principal | AuthFailure | None:
    user_id = keys.user_id_for_login(login)
    if user_id is None:
        # e.g. a consumer key sent as Basic user over plain HTTP: anonymous, as recorded (01#4, 01#9)
        return None
    if keys.check_app_password(conn, user_id, password):
        return Principal(user_id=user_id, user=keys.ADMIN_LOGIN, method="app_password")
    return AuthFailure(
        code="incorrect_password", message="The provided password is an invalid application password."
    )
