"""Slugs as WordPress makes them (``wcsync.core.slugs``): every slug a real store derived in the captures, the
rules of ``sanitize_title_with_dashes``/``remove_accents`` read from WordPress's formatting.php, and the two
spellings of a slug (decoded as a person writes it, percent-encoded as the store keeps it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wcsync.core.slugs import (
    decode_slug,
    encode_slug,
    is_slug,
    remove_accents,
    sanitize_title,
    slug_from_name,
)

_CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "slug_captures.json").read_text(encoding="utf-8")
)["cases"]
#: the store made these unique with a suffix (another term already had the slug): not a derivation
_UNIQUE_SUFFIX = {c["ref"] for c in _CASES if c["slug"].rsplit("-", 1)[-1].isdigit() and not c["text"].rstrip()[-1:].isdigit()}


@pytest.mark.parametrize("case", [c for c in _CASES if c["ref"] not in _UNIQUE_SUFFIX], ids=lambda c: c["ref"])
def test_every_slug_the_store_derived(case: dict[str, Any]) -> None:
    if case["given"] == "name":
        assert slug_from_name(case["text"], term=case["resource"] == "term") == case["slug"]
    else:
        assert sanitize_title(case["text"]) == case["slug"]


def test_the_captures_cover_the_hard_cases() -> None:
    refs = {c["ref"] for c in _CASES}
    assert {"02#10", "02#12", "02#13", "02#18", "05#69", "05#74", "05#75", "10#22"} <= refs


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("ABC", "abc"),
        ("a          t", "a-t"),
        ("fran%c3%a7%ois", "fran%c3%a7ois"),  # a stray % is dropped, octets kept
        ("Captain <strong>Awesome</strong>", "captain-awesome"),
        ("a\u00a0b", "a-b"),  # no-break space
        ("a\u2013b\u2014c", "a-b-c"),  # en and em dash
        ("one/two", "one-two"),
        ("a\u00adb", "ab"),  # soft hyphen
        ("\u201equoted\u201c", "quoted"),
        ("5\u00d74", "5x4"),  # ×
        ("zero\u200bwidth", "zerowidth"),
        ("thin\u2009space", "thin-space"),
        ("© ® ° … ™", ""),
        ("v1.2", "v1-2"),
        ("snake_case", "snake_case"),
        ("Æble Øl Œuvre", "aeble-ol-oeuvre"),
        ("Łódź", "lodz"),
        ("Tiếng Việt", "tieng-viet"),
        ("€ 5 £", "e-5"),
        ("Привет", "%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82"),  # Cyrillic is not folded: encoded
    ],
)
def test_sanitize_title_follows_formatting_php(text: str, slug: str) -> None:
    assert sanitize_title(text) == slug


def test_decomposed_input_is_normalised_first() -> None:
    assert sanitize_title("Cafe\u0301") == "cafe"  # NFD é


def test_sharp_s_depends_on_the_locale() -> None:
    assert sanitize_title("Straße") == "strase"  # en_US, as the captured store (02#10)
    assert sanitize_title("Straße Äpfel", "de_DE") == "strasse-aepfel"
    assert sanitize_title("Straße", "de_CH_informal") == "strasse"
    assert sanitize_title("Øresund Ål", "da_DK") == "oeresund-aal"
    assert sanitize_title("Đakovo", "sr_RS") == "djakovo"
    assert remove_accents("col·lecció", "ca") == "colleccio"


def test_cut_to_200_encoded_characters_without_splitting_a_character() -> None:
    assert sanitize_title("x" * 250) == "x" * 200
    cut = sanitize_title("茶" * 80)  # 9 characters encoded each
    assert len(cut) == 198 and cut == "%e8%8c%b6" * 22


def test_name_entities_and_bare_ampersands() -> None:
    assert slug_from_name("Tom & Jerry; Co") == "tom-jerry-co"  # & is &amp; before the slug is made
    assert slug_from_name("Already &amp; encoded") == "already-encoded"
    assert sanitize_title("a&b.c_d--e") == "ab-c_d-e"  # 02#18: a given slug is not escaped first


def test_two_spellings_of_a_slug() -> None:
    assert encode_slug("日本茶") == "%e6%97%a5%e6%9c%ac%e8%8c%b6"
    assert encode_slug("%e6%97%a5%e6%9c%ac%e8%8c%b6") == "%e6%97%a5%e6%9c%ac%e8%8c%b6"
    assert decode_slug("%e6%97%a5%e6%9c%ac%e8%8c%b6") == "日本茶"
    assert decode_slug("cafe-%e2%98%95") == "cafe-☕"
    assert encode_slug("t-shirts-👕") == "t-shirts-%f0%9f%91%95"
    # what WordPress would change is not a slug: the loader asks for the stored form
    for text in ("Mug Set", "café", "Hoodies", "a.b", "%E6%97%A5", ""):
        assert encode_slug(text) is None
        assert not is_slug(text)


def test_an_octet_sequence_that_is_not_utf8_stays_encoded() -> None:
    assert decode_slug("caf%e9") == "caf%e9"
    assert decode_slug("plain-slug") == "plain-slug"


@given(st.text(max_size=60))
def test_sanitize_title_is_idempotent(text: str) -> None:
    once = sanitize_title(text)
    assert sanitize_title(once) == once


@given(st.text(max_size=60))
def test_a_slug_round_trips_through_its_readable_spelling(text: str) -> None:
    stored = sanitize_title(text)
    readable = decode_slug(stored)
    assert encode_slug(readable) == (stored or None)
    assert set(stored) <= set("%abcdefghijklmnopqrstuvwxyz0123456789_-")
