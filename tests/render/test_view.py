"""Value formatting for readers: money, decimals, lists, images, attributes, long text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wcsync.core.kinds import Kind
from wcsync.render.values import format_money, format_value
from wcsync.render.view import short_version


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("45", "45.00"),
        ("45.0", "45.00"),
        ("45.00", "45.00"),
        (45, "45.00"),
        (Decimal("45.5"), "45.50"),
        ("45.125", "45.125"),
        ("", "(none)"),
        (None, "(none)"),
        ("abc", "abc"),
    ],
)
def test_money(value: object, expected: str) -> None:
    assert format_money(value) == expected


@pytest.mark.parametrize(
    ("kind", "field", "value", "expected"),
    [
        (Kind.PRODUCT, "regular_price", "9.9", "9.90"),
        (Kind.VARIATION, "sale_price", None, "(none)"),
        (Kind.PRODUCT, "weight", "0.250", "0.25"),
        (Kind.PRODUCT, "featured", True, "true"),
        (Kind.PRODUCT, "status", "draft", "draft"),
        (Kind.PRODUCT, "name", 'Hoodie "Pro" & Co', '"Hoodie \\"Pro\\" & Co"'),
        (Kind.PRODUCT, "categories", ("clothing", "clothing/hoodies"), "[clothing, clothing/hoodies]"),
        (Kind.PRODUCT, "categories", (), "[]"),
        (Kind.PRODUCT, "images", ({"src": "https://x/a.jpg", "alt": ""}, {"id": 7}), "[a.jpg, #7]"),
        (Kind.VARIATION, "image", {"src": "https://x/a.jpg"}, "a.jpg"),
        # image changes name files, not whole URLs (the JSON plan keeps the URL)
        (Kind.VARIATION, "image", {"src": "https://x/p/b.jpg?v=2"}, "b.jpg"),
        (Kind.PRODUCT, "attributes", ({"name": "Size", "options": ("S", "M")},), "[Size (S, M)]"),
        (Kind.VARIATION, "attributes", {"pa_size": "M"}, '{pa_size: "M"}'),
        (Kind.PRODUCT, "dimensions", {"length": "10", "width": "2"}, '{length: "10", width: "2"}'),
        (Kind.PRODUCT, "meta.custom_key", "x", '"x"'),
        (Kind.PRODUCT, "menu_order", 3, "3"),
        (Kind.PRODUCT, "unknown_field", {"a": [1, True]}, "{a: [1, true]}"),
        (Kind.CATEGORY, "parent", None, "(none)"),
    ],
)
def test_format_value(kind: Kind, field: str, value: object, expected: str) -> None:
    assert format_value(kind, field, value) == expected


def test_long_text_limit() -> None:
    assert format_value(Kind.PRODUCT, "description", "a" * 20, limit=10) == '"aaaaaaaaa…"'
    assert format_value(Kind.PRODUCT, "description", "a" * 20, limit=None) == '"' + "a" * 20 + '"'


def test_short_version() -> None:
    assert short_version("0123456789abcdef0123") == "0123456"
    assert short_version("3f2a1c9") == "3f2a1c9"
    assert short_version("v1.2-not-a-hash-at-all") == "v1.2-not-a-hash-at-all"
