"""Shared helpers of the store tests: settings, a recording sleep, WooCommerce's OAuth check."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
from pydantic import SecretStr

from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.retry import RetryPolicy

KEY = "ck_" + "1" * 40
SECRET = "cs_" + "2" * 40


def settings(url: str = "https://shop.example", **kw: Any) -> StoreSettings:
    base: dict[str, Any] = {"url": url, "consumer_key": SecretStr(KEY), "consumer_secret": SecretStr(SECRET)}
    base.update(kw)
    if isinstance(base.get("auth"), str):
        base["auth"] = AuthMethod(base["auth"])
    return StoreSettings(**base)


class Sleeps:
    """A RetryPolicy sleep that records and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def fast_retry(sleeps: Sleeps | None = None) -> RetryPolicy:
    return RetryPolicy(base=0.001, cap=0.001, sleep=sleeps or Sleeps(), rng=random.Random(1))


def _rfc3986(text: str) -> str:
    return quote(text, safe="~-._")


def woocommerce_oauth_valid(request: httpx.Request, secret: str) -> bool:
    """WooCommerce's ``check_oauth_signature``, rewritten in Python: query params minus the signature, keys
    and values RFC 3986-encoded, sorted, each ``k=v`` encoded again (``join_with_equals_sign``), joined with
    ``%26``; the JSON body is not part of it."""
    params = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
    signature = params.pop("oauth_signature")
    if params.get("oauth_signature_method") != "HMAC-SHA256":
        return False
    pairs = sorted((_rfc3986(k), _rfc3986(v)) for k, v in params.items())
    query = "%26".join(_rfc3986(f"{k}={v}") for k, v in pairs)
    base_url = f"{request.url.scheme}://{request.url.host}{request.url.path}"
    to_sign = f"{request.method}&{_rfc3986(base_url)}&{query}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature)
