"""WooCommerce's webhook signature: ``X-WC-Webhook-Signature`` is the base64 HMAC-SHA256 of the raw request
body with the webhook's secret (``WC_Webhook::generate_signature``). Verify on the bytes as received, before
parsing anything: re-serialised JSON would not match (WordPress escapes ``/`` and non-ASCII)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    """The signature WooCommerce sends for ``body``."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def verify(body: bytes, signature: str | None, secret: str) -> bool:
    """True when ``signature`` is the signature of ``body``; compared in constant time."""
    if not signature:
        return False
    expected = sign(body, secret).encode("ascii")
    try:
        given = signature.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
