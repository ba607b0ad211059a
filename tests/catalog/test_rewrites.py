"""``wcsync validate`` refuses values WooCommerce rewrites on save (names losing tag-shaped text, a local option
split at '|', HTML the post filter removes), at file:line with what the store would keep. What the store keeps
is checked against the captures first."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.catalog.conftest import edit, errors, warnings
from tests.core.captures import answered, sent
from wcsync.core.canonical import removed_by_post_filter, stored_product_name, stored_term_name

M = "catalog/products/mugs.yaml"
H = "catalog/products/clothing/hoodie.yaml"


@pytest.mark.parametrize("ref", ["05#65", "05#66", "05#67", "05#68", "05#69", "05#70", "05#71", "05#72",
                                 "05#73", "05#74", "11#68"])
def test_stored_product_names_match_the_captures(ref: str) -> None:
    assert stored_product_name(sent(ref)["name"]) == html.unescape(answered(ref)["name"])


@pytest.mark.parametrize("ref", ["02#15", "02#16", "11#64", "11#65", "11#67"])
def test_stored_term_names_match_the_captures(ref: str) -> None:
    assert stored_term_name(sent(ref)["name"]) == html.unescape(answered(ref)["name"])


def test_removed_html_matches_the_captures() -> None:
    assert removed_by_post_filter(sent("11#68")["description"]) == ["<script>", "</script>"]
    assert removed_by_post_filter(answered("11#70")["description"]) == []  # what the store kept passes
    assert removed_by_post_filter(sent("05#78")["description"]) == [
        "<script>", "</script>", '<iframe src="x">', "</iframe>", '<div style="color:red" onclick="y()">', "< 6 & 7 >"]


def test_names_with_tag_shaped_text_are_refused_with_what_the_store_keeps(shop: Path) -> None:
    edit(shop, M, "    name: Mug\n", '    name: Tom & Jerry <Limited> "Best"\n')
    edit(shop, M, "    name: Mug set\n", "    name: <b>Bold</b> set\n")  # <b> is kept in a product name
    edit(shop, "catalog/categories.yaml", "      - name: Café & Crème\n", "      - name: A <b>bold</b> & B\n")
    edit(shop, "catalog/tags.yaml", "- name: Winter\n", "- name: Winter\n- name: Tag <i>x</i>\n")
    edit(shop, "catalog/attributes.yaml", "      - name: Blue\n", "      - name: Blue\n      - name: Rot <neu>\n")
    edit(shop, "catalog/shipping-classes.yaml", "- name: Bulky\n", "- name: Bulky\n- name: Sperrig <XXL>\n")
    hint = ("WooCommerce removes text shaped like an HTML tag (and, from product names, backslashes) when it saves "
            "a name, so every plan would show it again: write the name without '<…>' (e.g. 'Mug (Limited)')")
    assert errors(shop) == [
        f"catalog/attributes.yaml:6:15: term name 'Rot <neu>' is not what WooCommerce would keep: it stores 'Rot' — {hint}",
        f"catalog/categories.yaml:8:15: category name 'A <b>bold</b> & B' is not what WooCommerce would keep: it "
        f"stores 'A bold & B' — {hint}",
        f"catalog/products/mugs.yaml:3:11: product MUG-1: name 'Tom & Jerry <Limited> \"Best\"' is not what "
        f"WooCommerce would keep: it stores 'Tom & Jerry  \"Best\"' — {hint}",
        f"catalog/shipping-classes.yaml:2:9: shipping class name 'Sperrig <XXL>' is not what WooCommerce would "
        f"keep: it stores 'Sperrig' — {hint}",
        f"catalog/tags.yaml:2:9: tag name 'Tag <i>x</i>' is not what WooCommerce would keep: it stores 'Tag x' — {hint}",
    ]


def test_a_local_option_with_the_delimiter_is_refused(shop: Path) -> None:
    edit(shop, H, "    options: [Regular]\n", "    options: [Regular, \"Leinen | Baumwolle\"]\n")
    assert errors(shop) == [
        "catalog/products/clothing/hoodie.yaml:19:24: option 'Leinen | Baumwolle' of the local attribute 'Fit' "
        "contains '|': WooCommerce splits it into 2 options ('Leinen', 'Baumwolle') — '|' separates options in "
        "WooCommerce: use another character, such as '/' or '+'",
    ]


def test_html_the_post_filter_removes_is_refused_unless_lowered(shop: Path) -> None:
    edit(shop, M, "    short_description: A mug.\n", "    short_description: A mug. <script>alert(1)</script>\n")
    found = ("catalog/products/mugs.yaml:4:24: product MUG-1: WooCommerce removes <script>, </script> from the "
             "short_description when it saves it [html-removed-by-woocommerce] — WordPress's post filter keeps the "
             "text but drops such tags and on* attributes: remove them (or set "
             "'lint: {html-removed-by-woocommerce: warning}' to accept what the store keeps)")
    assert errors(shop) == [found]
    edit(shop, "wcsync.yaml", "ownership: marked\n", "ownership: marked\nlint:\n  html-removed-by-woocommerce: warning\n")
    assert errors(shop) == [] and warnings(shop) == [found]


def test_a_default_for_a_non_variation_attribute_is_refused(shop: Path) -> None:
    # WooCommerce keeps only the entry for the variation attribute (11#62-63)
    edit(shop, H, "default_attributes: {Color: Red, Größe: M}\n", "default_attributes: {Color: Red, Größe: M, Fit: Regular}\n")
    assert errors(shop) == [
        "catalog/products/clothing/hoodie.yaml:20:44: default_attributes names 'Fit', which is not a variation "
        "attribute of HOODIE — WooCommerce keeps defaults only for attributes with 'variation: true' and drops this "
        "one (every plan would show it again): remove it, or set 'variation: true' on the attribute",
    ]


def test_a_slug_longer_than_200_characters_is_refused(shop: Path) -> None:
    # WooCommerce cuts it to 200 (10#22). A slug derived from a long name is cut the same way by the catalogue
    # (wcsync.core.slugs, whole characters in their %-encoded form), so it converges and is no error
    edit(shop, M, "    name: Mug\n", "    name: Mug\n    slug: " + "m" * 250 + "\n")
    edit(shop, "catalog/tags.yaml", "- name: Winter\n", "- name: Winter\n- name: " + "帽" * 30 + "\n")
    found = [e for e in errors(shop) if "cuts slugs to 200" in e]
    assert [e.split(": ", 1)[0] for e in found] == ["catalog/products/mugs.yaml:4:11"]
