"""``lenient_json`` reads UTF-8 bodies with orjson first: the value must be the one ``json.loads`` gives for every
body (the slow path is the reference), including the bodies orjson refuses or reads differently."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from wcsync.store.responses import json_or_none, lenient_json

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)


def _response(content: bytes, content_type: str = "application/json; charset=UTF-8") -> httpx.Response:
    return httpx.Response(200, content=content, headers={"Content-Type": content_type})


def _reference(content: bytes) -> Any:
    return json.loads(content.decode("utf-8", errors="replace").lstrip("\ufeff"))


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1 == 1.0`` is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.booleans(), st.sampled_from([None, 2]))
def test_the_same_value_as_json_loads(value: Any, ascii_only: bool, indent: int | None) -> None:
    content = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    assert _same(lenient_json(_response(content)), _reference(content))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2**63, max_value=2**80) | st.integers(min_value=-(2**80), max_value=-(2**63) - 1))
def test_an_integer_beyond_64_bits_stays_an_exact_integer(number: int) -> None:
    content = json.dumps({"id": 7, "value": number}).encode()
    assert _same(lenient_json(_response(content)), {"id": 7, "value": number})


def test_orjson_alone_would_read_a_huge_integer_as_a_float() -> None:
    # why the digit-run guard exists: if orjson ever keeps it exact the guard can go
    assert isinstance(orjson.loads(b"[18446744073709551616]")[0], float)


def test_what_orjson_refuses_is_read_as_before() -> None:
    cases = {
        b'{"a": NaN, "b": Infinity}': None,
        b'["\\ud800"]': ["\ud800"],  # a lone surrogate escape
        b'\xef\xbb\xbf{"a": 1}': {"a": 1},  # a byte-order mark
        b'{"a": "\xff"}': {"a": "\ufffd"},  # not UTF-8: replaced as response.text does
        b'{"a": 1e400}': {"a": math.inf},
        b'{"a": 1, "a": 2}': {"a": 2},  # a key twice: the last wins, as with json
    }
    for content, expected in cases.items():
        got = lenient_json(_response(content))
        if expected is None:
            assert math.isnan(got["a"]) and got["b"] == math.inf
        else:
            assert _same(got, expected), content


def test_php_notices_before_the_json_are_still_skipped() -> None:
    content = b"<br />\n<b>Notice</b>: Undefined index in x.php on line 3<br />\n[{\"id\": 1}]"
    assert lenient_json(_response(content)) == [{"id": 1}]
    assert json_or_none(_response(b"<html>maintenance</html>")) is None


def test_a_body_in_another_charset_is_decoded_with_it() -> None:
    # Latin-1 "é" is one byte 0xE9: not UTF-8, so orjson must not be asked; the declared charset decodes it
    content = '{"name": "Caf\u00e9"}'.encode("latin-1")
    assert lenient_json(_response(content, "application/json; charset=ISO-8859-1")) == {"name": "Café"}
