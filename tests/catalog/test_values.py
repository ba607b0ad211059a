from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wcsync.catalog.values import parse_datetime, parse_price
from wcsync.core.slugs import slug_from_name as slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café & Crème", "cafe-creme"),
        ("Größe", "grose"),
        ("Fit Type", "fit-type"),
        ("Hoodies & Sweatshirts", "hoodies-sweatshirts"),
        ("Hoodies &amp; Sweatshirts", "hoodies-sweatshirts"),
        ("v1.2 Tents", "v1-2-tents"),
        ("  Trachten -- Loden  ", "trachten-loden"),
        ("Æble Øl", "aeble-ol"),
        ("帽子", "%e5%b8%bd%e5%ad%90"),
        ("snake_case", "snake_case"),
        ("Men's \"Best\"", "mens-best"),
    ],
)
def test_slugify_follows_woocommerce(name: str, slug: str) -> None:
    assert slugify(name) == slug


@given(st.text(max_size=40))
def test_slugify_is_idempotent(text: str) -> None:
    once = slugify(text)
    assert slugify(once) == once


@pytest.mark.parametrize("value", [45, 45.0, "45", "45.0", "45.00", " 45.00 "])
def test_same_price_in_every_spelling(value: object) -> None:
    assert parse_price(value) == Decimal("45")


def test_empty_and_null_prices_clear() -> None:
    assert parse_price(None) is None
    assert parse_price("") is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12,50", "price '12,50' contains a comma — use a dot for decimals and no thousands separator, like \"12.50\" (WooCommerce would read '12,50' as a different number)"),
        ("1.250,00", "price '1.250,00' contains a comma — use a dot for decimals and no thousands separator, like \"45.00\" (WooCommerce would read '1.250,00' as a different number)"),
        ("-5", "price cannot be negative ('-5') — use 0 or a positive amount"),
        (-5, "price cannot be negative (-5) — use 0 or a positive amount"),
        ("abc", "price 'abc' is not a number — write it like \"45.00\""),
        ("4e3", "price '4e3' is not a number — write it like \"45.00\""),
        (True, "price must be a number, not true — write it like \"45.00\""),
        ([1], "price must be a number — write it like \"45.00\""),
    ],
)
def test_bad_prices_are_rejected_with_a_hint(value: object, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_price(value)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,5 kg", "weight '1,5 kg' contains a comma — use a dot for decimals and no thousands separator, like \"1.5\" (WooCommerce would read '1,5 kg' as a different number)"),
        ("heavy", "weight 'heavy' is not a number — write it like \"1.5\""),
    ],
)
def test_a_weight_error_shows_a_measure_not_a_price(value: object, message: str) -> None:
    from wcsync.catalog.values import parse_decimal

    with pytest.raises(ValueError) as exc:
        parse_decimal(value, what="weight")
    assert str(exc.value) == message


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_price_spellings_agree(d: Decimal) -> None:
    as_text = parse_price(f"{d:.2f}")
    assert as_text == d
    assert parse_price(str(d)) == d
    assert parse_price(float(f"{d:.2f}")) == as_text
    if d == d.to_integral_value():
        assert parse_price(int(d)) == d


@given(st.text(alphabet="0123456789.,-abc ", max_size=12))
def test_price_parse_never_misreads(text: str) -> None:
    """Either the exact decimal the text spells, or a ValueError — never a silent reinterpretation."""
    try:
        result = parse_price(text)
    except ValueError:
        assert "," in text or text.strip().startswith("-") or (text.strip() != "" and not _is_plain_number(text.strip()))
        return
    if result is None:
        assert text.strip() == ""
    else:
        assert _is_plain_number(text.strip())
        assert result == Decimal(text.strip())


def _is_plain_number(text: str) -> bool:
    import re

    return re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) is not None


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("2024-11-29", "2024-11-29T00:00:00"),
        ("2024-11-29T08:30", "2024-11-29T08:30:00"),
        ("2024-11-29 08:30:15", "2024-11-29T08:30:15"),
        (None, None),
    ],
)
def test_dates(value: object, canonical: str | None) -> None:
    assert parse_datetime(value) == canonical


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("29.11.2024", "date '29.11.2024' is not a date — write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (store-local time)"),
        ("2024-02-30", "date '2024-02-30' is not a valid date (day is out of range for month) — write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (store-local time)"),
    ],
)
def test_malformed_dates(value: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_datetime(value)
    assert str(exc.value) == message
