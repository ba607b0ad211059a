"""Authentication for the WooCommerce REST API, as httpx ``Auth`` flows.

- ``basic``: consumer key/secret as HTTP Basic — HTTPS only (WooCommerce ignores it over plain HTTP);
- ``query``: ``consumer_key``/``consumer_secret`` query parameters — HTTPS only, for hosts that drop the
  ``Authorization`` header;
- ``oauth1``: OAuth 1.0a one-legged, HMAC-SHA256, signed (as oauthlib signs) with the parameters in the query string
  (query parameters are signed, a JSON body is not — as WooCommerce verifies it); a fresh nonce and timestamp
  per attempt, so a retry is never a replay;
- ``app_password``: a WordPress application password (Basic ``user:password``) — HTTPS only, like WordPress
  itself (``wp_is_application_passwords_supported()``: ``is_ssl() || 'local' === wp_get_environment_type()``);
  over plain HTTP only with the store's explicit ``allow_insecure_app_password: true``, warned on every run.

Only ``/wp-json/wc/…`` URLs are authenticated by WooCommerce; probes of ``/wp-json/`` go unauthenticated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sys
import time
from collections.abc import Generator
from urllib.parse import quote

import httpx

from wcsync.errors import ConfigError
from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.errors import PlainHttpAuthError, redact_url, set_credentials


class QueryAuth(httpx.Auth):
    """Consumer key and secret as query parameters."""

    def __init__(self, key: str, secret: str) -> None:
        self._key = key
        self._secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.url = request.url.copy_merge_params({"consumer_key": self._key, "consumer_secret": self._secret})
        yield request


def _escape(text: str) -> str:
    """RFC 5849 3.6 percent-encoding (oauthlib's ``utils.escape``): UTF-8, only unreserved characters kept."""
    return quote(text, safe="~")


def _oauth_nonce(timestamp: str) -> str:
    """64 random bits then the timestamp, in digits (oauthlib's ``generate_nonce``)."""
    return str(secrets.randbits(64)) + timestamp


class OAuth1Auth(httpx.Auth):
    """OAuth 1.0a one-legged (no token), HMAC-SHA256, parameters in the query string.

    The signature is RFC 5849's as oauthlib computes it (``Client(..., SIGNATURE_HMAC_SHA256,
    SIGNATURE_TYPE_QUERY).sign(url, method)``, pinned by ``tests/store/test_oauth_signer.py``), computed here in a
    few string operations: oauthlib re-parsed and re-encoded the whole URL on every request (0.6 ms each, a
    third of a second over a full read of 10,000 products). The request's query stays as httpx encoded it; the
    ``oauth_*`` parameters follow it, in oauthlib's order."""

    def __init__(self, key: str, secret: str) -> None:
        self._key = key
        self._signing_key = (_escape(secret) + "&").encode()  # one-legged: no token secret after the "&"

    def oauth_params(self, method: str, url: httpx.URL, *, nonce: str, timestamp: str) -> list[tuple[str, str]]:
        """The ``oauth_*`` parameters (signature last) that sign ``method url`` (its query included)."""
        oauth = [
            ("oauth_nonce", nonce),
            ("oauth_timestamp", timestamp),
            ("oauth_version", "1.0"),
            ("oauth_signature_method", "HMAC-SHA256"),
            ("oauth_consumer_key", self._key),
        ]
        pairs = sorted((_escape(k), _escape(v)) for k, v in [*url.params.multi_items(), *oauth])
        normalized = "&".join(f"{k}={v}" for k, v in pairs)
        path = url.raw_path.partition(b"?")[0].decode("ascii") or "/"
        host = url.host.lower()
        port = f":{url.port}" if url.port is not None else ""  # httpx drops a scheme's default port
        base_uri = f"{url.scheme}://{f'[{host}]' if ':' in host else host}{port}{path}"
        base_string = f"{_escape(method.upper())}&{_escape(base_uri)}&{_escape(normalized)}"
        digest = hmac.new(self._signing_key, base_string.encode(), hashlib.sha256).digest()
        return [*oauth, ("oauth_signature", base64.b64encode(digest).decode("ascii"))]

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # each attempt is signed afresh (new nonce and timestamp), so a retry is never a replay
        timestamp = str(int(time.time()))
        # The JSON body is deliberately not signed: WooCommerce signs only query (and form) parameters.
        oauth = self.oauth_params(request.method, request.url, nonce=_oauth_nonce(timestamp), timestamp=timestamp)
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in oauth).encode("ascii")
        request.url = request.url.copy_with(query=request.url.query + b"&" + query if request.url.query else query)
        yield request


def _secret(value: object) -> str | None:
    getter = getattr(value, "get_secret_value", None)
    if getter is None:
        return None
    result = getter()
    return result if isinstance(result, str) and result else None


def build_auth(settings: StoreSettings, base_url: str) -> httpx.Auth:
    """The auth flow for ``settings``; refuses consumer keys over plain HTTP and missing credentials."""
    method = settings.auth
    store = redact_url(base_url)
    if method is AuthMethod.APP_PASSWORD:
        password = _secret(settings.app_password)
        if not settings.username or not password:
            raise ConfigError(
                f"store {settings.name!r} ({store}) uses `auth: app_password` but the user name or application "
                "password is missing",
                hint="set `username` in wcsync.yaml and the password in the environment variable it names",
            )
        if base_url.lower().startswith("http://"):
            if not settings.allow_insecure_app_password:
                raise PlainHttpAuthError(
                    f"refusing to send the application password of store {settings.name!r} over plain HTTP "
                    f"({store}): it would travel unencrypted, and WordPress accepts application passwords without "
                    "HTTPS only on a site whose environment type is 'local'",
                    hint="use the store's https:// URL; for a local development site (WP_ENVIRONMENT_TYPE 'local') "
                    "set `allow_insecure_app_password: true` for the store in wcsync.yaml (with --store-url, add "
                    "--store NAME naming that store)",
                )
            sys.stderr.write(
                f"WARNING: the application password of store {settings.name!r} is sent UNENCRYPTED over plain "
                f"HTTP ({store}) because `allow_insecure_app_password: true` is set. Anyone on the network path "
                "can read it. Only use this for a WordPress site on your own machine.\n"
            )
        return httpx.BasicAuth(settings.username, password)
    key = _secret(settings.consumer_key)
    secret = _secret(settings.consumer_secret)
    if not key or not secret:
        raise ConfigError(
            f"store {settings.name!r} ({store}) has no consumer key/secret",
            hint="create a Read/Write key in WooCommerce → Settings → Advanced → REST API and "
            + set_credentials(settings.credentials_source),
        )
    if method is AuthMethod.OAUTH1:
        return OAuth1Auth(key, secret)
    if base_url.lower().startswith("http://"):
        how = "HTTP Basic auth" if method is AuthMethod.BASIC else "query-string keys"
        raise PlainHttpAuthError(
            f"refusing to send the consumer key and secret of store {settings.name!r} as {how} over plain "
            f"HTTP ({store}): they would travel unencrypted, and WooCommerce ignores them there anyway "
            "(every request would fail with 401)",
            hint="use the store's https:// URL, or set `auth: oauth1` in wcsync.yaml for a store without HTTPS",
        )
    if method is AuthMethod.QUERY:
        return QueryAuth(key, secret)
    return httpx.BasicAuth(key, secret)
