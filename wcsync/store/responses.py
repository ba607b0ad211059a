"""Reading what a store answered, and writing query parameters the way WordPress reads them.

Pure helpers of the client: lenient JSON decoding (shared hosts print PHP notices before the JSON), telling a
WooCommerce refusal from a crash, redirect targets without secrets, parameter encoding.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import orjson

from wcsync.store.errors import redact_url

#: charsets whose bytes orjson reads as they are (it reads UTF-8 only)
_UTF8 = frozenset({None, "utf-8", "utf8"})
#: every digit as ``0``: a run of 19 digits in a body may be an integer orjson would read as a float (it keeps
#: integers in [-2**63, 2**64) exact; ``json`` keeps every integer exact). PHP's ``json_encode`` never writes one
#: beyond 64 bits, so a WooCommerce body has none, but a proxy's could
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19


def lenient_json(response: httpx.Response) -> Any:
    """The JSON body; tolerates a byte-order mark and PHP notices printed before the JSON (shared hosts
    with ``display_errors`` on do that). Raises ``ValueError`` when there is no JSON at all.

    A UTF-8 body is read by orjson first (a page of 100 products decodes twice as fast as with ``json``, and a
    full read is hundreds of pages). What orjson refuses or might read differently — a byte-order mark or text
    before the JSON, ``NaN``, a lone surrogate escape, bytes that are not UTF-8, 19 digits in a row — is read as
    before by ``json`` from the decoded text: the value is ``json.loads``'s (``tests/store/test_json_fast.py``)."""
    charset = response.charset_encoding
    content = response.content
    if (charset if charset is None else charset.lower()) in _UTF8 and content.translate(_DIGITS).find(_LONG_RUN) < 0:
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    text = response.text.lstrip("\ufeff")
    try:
        return json.loads(text)
    except ValueError:
        pass
    decoder = json.JSONDecoder()
    for start in (i for i, ch in enumerate(text) if ch in "[{" and (i == 0 or text[i - 1] in "\n>")):
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if not text[end:].strip():
            return value
    raise ValueError("no JSON in the response body")


def json_or_none(response: httpx.Response) -> Any:
    try:
        return lenient_json(response)
    except ValueError:
        return None


def application_error(status: int, body: Any) -> bool:
    """A 5xx that WooCommerce answered on purpose (``duplicate_term_slug``, ``woocommerce_rest_cannot_delete``
    for the default category …): a decided refusal, neither retried nor "unknown". WordPress's fatal-error
    answer (``internal_server_error``) is a crash, whose outcome is unknown."""
    if status < 500 or not isinstance(body, dict):
        return False
    code = body.get("code")
    return isinstance(code, str) and bool(code) and code != "internal_server_error"


def location(response: httpx.Response) -> str | None:
    raw = response.headers.get("Location")
    return redact_url(str(response.url.join(raw))) if raw else None


def wire_params(params: dict[str, Any]) -> dict[str, Any]:
    """JSON-ish params as WordPress reads them: booleans as ``true``/``false``."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = value
    return out
