"""wcsync.sandbox.text: WordPress' text rules, checked on the values the recorded store produced
(``02#10`` = 10th exchange of captures/02-categories.json)."""

from __future__ import annotations

import pytest

from wcsync.sandbox.text import (
    encode_amp,
    format_decimal,
    post_html,
    product_name,
    sanitize_title,
    term_name,
    wpautop,
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("My Slug ÄÖÜ ß Straße", "my-slug-aou-s-strase"),  # 02#10
        ("Café & Crème", "cafe-creme"),  # 02#11
        ("帽子 Hats", "%e5%b8%bd%e5%ad%90-hats"),  # 02#12
        ("T-Shirts 👕", "t-shirts-%f0%9f%91%95"),  # 02#13
        ("a&b.c_d--e", "ab-c_d-e"),  # 02#18
        ("Tom &amp; Jerry", "tom-jerry"),  # 05#65 (slug from the stored, encoded name)
        ("Dash – and — and ...", "dash-and-and"),  # 05#74
        ("a <b> c", "a-c"),  # 05#71
        ("alert(1)Clean", "alert1clean"),  # 05#67
    ],
)
def test_slugs_are_sanitised_like_wordpress(text: str, slug: str) -> None:
    assert sanitize_title(text) == slug


def test_slugs_are_cut_to_200_characters() -> None:  # 10#22
    assert sanitize_title("s" * 250) == "s" * 200


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("Clothing & Apparel", "Clothing &amp; Apparel"),  # 02#2
        ("   Padded Name   ", "Padded Name"),  # 02#14
        ("<b>Bold</b> <script>x()</script>Cat", "Bold Cat"),  # 02#15
        ('Men\'s "Best" <3 > 2', 'Men\'s "Best" 2'),  # 02#16
        ("Bags &amp; Belts", "Bags &amp; Belts"),  # 02#17: no double encoding
    ],
)
def test_term_names(name: str, stored: str) -> None:
    assert term_name(name) == stored


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("<b>Bold</b> name", "<b>Bold</b> name"),
        ("<script>alert(1)</script>Clean", "alert(1)Clean"),
        ("a < b > c", "a <b> c"),
        ("Backslash \\ path", "Backslash  path"),
        ("Already &amp; encoded", "Already &amp; encoded"),
        ("   padded   ", "padded"),
    ],
)
def test_product_names(name: str, stored: str) -> None:  # 05#65-77
    assert product_name(name) == stored


def test_descriptions_lose_scripts_iframes_and_handlers_but_keep_styles() -> None:  # 05#78
    sent = ('<p>Ok &amp; fine</p><script>x()</script><iframe src="x"></iframe>'
            '<div style="color:red" onclick="y()">styled</div> 5 < 6 & 7 > 3')
    assert post_html(sent) == '<p>Ok &amp; fine</p>x()<div style="color:red">styled</div> 5  3'


def test_view_context_wraps_paragraphs() -> None:  # 05#8
    stored = "<p>Warm \"hoodie\" &amp; soft.</p>\n\nSecond paragraph -- with 'quotes'..."
    assert wpautop(stored) == "<p>Warm \"hoodie\" &amp; soft.</p>\n<p>Second paragraph -- with 'quotes'...</p>\n"
    assert wpautop("Line1\nLine2") == "<p>Line1<br />\nLine2</p>\n"
    assert wpautop("") == ""


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("45", "45"), ("45.00", "45.00"), (" 45 ", "45"), ("12,50", "1250"), ("1,234.50", "1234.50"),
     ("1.234,50", "1.23450"), ("-5", "-5"), ("abc", ""), ("0", "0"), ("", "")],
)
def test_prices_are_kept_verbatim_with_lossy_parsing(sent: str, stored: str) -> None:  # 05#37-48
    assert format_decimal(sent) == stored


def test_ampersands_are_encoded_once() -> None:
    assert encode_amp("A & B &amp; C &#8220; &bogus") == "A &amp; B &amp; C &#8220; &amp;bogus"
