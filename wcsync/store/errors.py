"""Errors of the store layer: what went wrong talking to a WooCommerce store, said so a newcomer can act.

Every message names the store URL and the request (method + path; never a credential, never a query secret)
and says what to do next::

    StoreError (wcsync.errors)
    ├── StoreUnreachable         DNS failure, connection refused, dropped connection on a read
    │   ├── CertificateError     TLS verification failed (suggests WCSYNC_CA_BUNDLE / ca_bundle)
    │   └── NotTlsError          https:// URL, but the port answered without TLS (suggests http:// + oauth1)
    ├── StoreTimeout             connect or read timeout, stating the timeout that was used
    ├── NotWordPressError        the URL does not serve the WordPress REST API
    ├── PermalinksOffError       WordPress answers only ?rest_route= (plain permalinks): /wp-json/ is 404
    ├── WooCommerceNotActive     the REST index has no wc/v3 namespace
    ├── PlainHttpAuthError       Basic / query keys over plain http:// (WooCommerce ignores them there)
    ├── UnknownOutcome           a write was sent but its result was lost: re-read before deciding
    └── RequestFailed            the store answered an error status (carries status, code, body)
        ├── AuthenticationFailed wrong key or secret, bad OAuth signature/timestamp, key without read rights
        ├── ReadOnlyKeyError     a write with a read-only key
        ├── PermissionDenied     403: the key's user lacks the WordPress capability
        └── RetriesExhausted     429/5xx kept coming after every retry
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from wcsync.errors import StoreError

#: query parameters never shown in messages
SECRET_PARAMS = frozenset({"consumer_key", "consumer_secret", "oauth_signature", "oauth_consumer_key"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RequestInfo:
    """A request as wcsync meant it (before authentication): enough to describe it and to resolve it.

    ``path`` is relative to ``/wp-json/wc/v3/`` for API calls (``products/batch``) or absolute (``/wp-json/``)
    for probes; ``params`` never holds credentials.
    """

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None

    @property
    def is_write(self) -> bool:
        return self.method.upper() in WRITE_METHODS

    def describe(self, *, query: bool = True) -> str:
        """``METHOD /path?query`` without credentials (``query=False``: without the query string)."""
        shown = self.path if self.path.startswith("/") else f"/wp-json/wc/v3/{self.path}"
        safe = {k: v for k, v in self.params.items() if k not in SECRET_PARAMS and not k.startswith("oauth_")}
        if safe and query:
            shown += "?" + "&".join(f"{k}={v}" for k, v in safe.items())
        return f"{self.method.upper()} {shown}"


def redact_url(url: str) -> str:
    """The store URL without user info, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}".rstrip("/")


def set_credentials(source: str | None) -> str:
    """``set …`` naming where this store's credentials come from (both ways when that is unknown)."""
    if source:
        return f"set {source}"
    return (
        "set them where this store's credentials come from: consumer_key / consumer_secret in wcsync.yaml "
        "(e.g. ${WC_CONSUMER_KEY}), or WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET with --store-url / WCSYNC_URL"
    )


class StoreUnreachable(StoreError):
    """The store could not be reached (or a read's connection dropped)."""


class NotTlsError(StoreUnreachable):
    """An ``https://`` URL points at a port that does not speak TLS (usually a plain-HTTP port)."""


class CertificateError(StoreUnreachable):
    """The store's TLS certificate could not be verified."""


class StoreTimeout(StoreError):
    """A request took longer than the configured timeout."""

    def __init__(self, message: str, *, timeout: float, phase: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.timeout = timeout
        self.phase = phase


class NotWordPressError(StoreError):
    """The URL does not serve the WordPress REST API."""


class PermalinksOffError(StoreError):
    """WordPress is there, but /wp-json/ is not routed (plain permalinks)."""


class WooCommerceNotActive(StoreError):
    """WordPress is there, WooCommerce's REST API (wc/v3) is not."""


class PlainHttpAuthError(StoreError):
    """Consumer key/secret would travel over plain HTTP, where WooCommerce ignores them."""


class UnknownOutcome(StoreError):
    """A write was sent and its outcome is unknown (read timeout, dropped connection, 5xx after sending).

    Never retried blindly: the caller re-reads the store (``wcsync.store.reread``) and decides.
    """

    def __init__(self, message: str, *, request: RequestInfo, hint: str | None = None, reason: str = "") -> None:
        super().__init__(message, hint=hint)
        self.request = request
        #: what happened, in a few words ("the connection dropped after sending")
        self.reason = reason or "the answer was lost"


class RequestFailed(StoreError):
    """The store answered an error status. ``code``/``data`` come from WooCommerce's error body."""

    def __init__(
        self,
        message: str,
        *,
        request: RequestInfo,
        status: int,
        code: str | None = None,
        body: Any = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.request = request
        self.status = status
        self.code = code
        self.body = body


class AuthenticationFailed(RequestFailed):
    """The store did not accept the credentials."""


class ReadOnlyKeyError(RequestFailed):
    """The API key may read but not write."""


class PermissionDenied(RequestFailed):
    """Authenticated, but the key's WordPress user lacks the capability."""


class RetriesExhausted(RequestFailed):
    """The store kept answering 429/5xx."""


def error_body(body: Any) -> tuple[str | None, str]:
    """``(code, message)`` of a WordPress/WooCommerce error body (message entity-decoded)."""
    import html

    if isinstance(body, dict):
        code = body.get("code")
        message = body.get("message")
        return (code if isinstance(code, str) else None, html.unescape(message) if isinstance(message, str) else "")
    return None, ""


def classify_error(
    *,
    store: str,
    request: RequestInfo,
    status: int,
    body: Any,
    auth: str,
    attempts: int = 1,
    location: str | None = None,
    credentials: str | None = None,
    history: Any = None,
) -> RequestFailed:
    """Map an error response to the most helpful error class and message. ``credentials`` says where the
    store's credentials came from (``StoreSettings.credentials_source``), so a hint names the right place;
    ``history`` (``wcsync.store.retry.Attempts``) what happened to each attempt, said when retries ran out."""
    code, text = error_body(body)
    where = f"{request.describe()} on {store}"
    if 300 <= status < 400:
        target = location or "another address"
        return RequestFailed(
            f"{where} was redirected (HTTP {status}) to {target}",
            hint="set the store URL to the address the site redirects to (scheme and www. included); wcsync "
            "does not follow redirects, so credentials never go to another host",
            request=request, status=status, body=body,
        )
    said = f"{status} {code}: {text}" if code else f"HTTP {status}"
    plain_http = store.startswith("http://")
    kw: dict[str, Any] = {"request": request, "status": status, "code": code, "body": body}
    if status == 401:
        lowered = text.lower()
        if code == "woocommerce_rest_authentication_error" and "write permission" in lowered:
            return ReadOnlyKeyError(
                f"{where} was refused: the API key is read-only ({said})",
                hint="create a key with Read/Write permissions in WooCommerce → Settings → Advanced → REST API "
                "and use it for apply",
                **kw,
            )
        if code == "woocommerce_rest_authentication_error" and "read permission" in lowered:
            return AuthenticationFailed(
                f"{where} was refused: the API key is write-only ({said})",
                hint="wcsync must read the store: give the key Read/Write permissions",
                **kw,
            )
        if code == "woocommerce_rest_authentication_error" and "timestamp" in lowered:
            return AuthenticationFailed(
                f"{where} was refused: the OAuth timestamp is too far from the store's clock ({said})",
                hint="WooCommerce allows 15 minutes of clock difference: fix this machine's clock (NTP) "
                "or the server's",
                **kw,
            )
        if code == "woocommerce_rest_authentication_error" and "signature" in lowered:
            return AuthenticationFailed(
                f"{where} was refused: the OAuth 1.0a signature does not match ({said})",
                hint="check the consumer secret, and that the store URL is exactly the WordPress site address "
                "(same scheme, host — with or without www. — and path)",
                **kw,
            )
        if code == "woocommerce_rest_authentication_error":
            return AuthenticationFailed(
                f"{where} was refused: wrong consumer key or secret ({said})",
                hint="copy both from WooCommerce → Settings → Advanced → REST API (secrets are shown once; "
                f"create a new key if lost) and {set_credentials(credentials)}",
                **kw,
            )
        if plain_http and auth in {"basic", "query"}:
            return AuthenticationFailed(
                f"{where} was treated as anonymous: WooCommerce ignores consumer keys sent as Basic auth or "
                f"query parameters over plain HTTP ({said})",
                hint="use the https:// URL of the store, or set `auth: oauth1` for a store without HTTPS",
                **kw,
            )
        if code and code.startswith("woocommerce_rest_cannot_"):
            hint = (
                "the consumer key is unknown to this store, or a proxy stripped the Authorization header or "
                "did not tell WordPress the request was HTTPS: check the key, or try `auth: query`"
            )
            if auth == "app_password":
                hint = "check the WordPress user name and application password (Users → Profile)"
            return AuthenticationFailed(
                f"{where} was treated as anonymous: the store did not recognise the credentials ({said})",
                hint=hint,
                **kw,
            )
        return AuthenticationFailed(
            f"{where} was refused ({said})", hint="check the store credentials", **kw
        )
    if status == 403:
        return PermissionDenied(
            f"{where} is not allowed for the key's WordPress user ({said})",
            hint="create the API key for an Administrator or Shop manager",
            **kw,
        )
    if status == 404 and code == "rest_no_route":
        return RequestFailed(
            f"{where}: the store has no such route ({said})",
            hint="check that WooCommerce is active and up to date (wcsync needs the wc/v3 REST API)",
            **kw,
        )
    if status in {429, 500, 502, 503, 504} and attempts > 1:
        if history is not None:
            each = f"; attempts: {history.summary()}" if history.mixed else ""
            return RetriesExhausted(f"{where} still failed after {attempts} attempts ({said}{each})",
                                    hint=history.hint(), **kw)
        limited = status == 429
        return RetriesExhausted(
            f"{where} still failed after {attempts} attempts ({said})",
            hint="the store is rate-limiting wcsync: lower `concurrency` in wcsync.yaml, or try again later"
            if limited else "the store or its host is overloaded or failing: try again later, or lower "
            "`concurrency` in wcsync.yaml",
            **kw,
        )
    return RequestFailed(f"{where} failed ({said})", **kw)
