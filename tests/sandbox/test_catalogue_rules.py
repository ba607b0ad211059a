"""Catalogue rules of the sandbox that the conformance replay does not pin down on its own: PHP's view of JSON
meta values, WordPress slugs beyond the recorded names, local options split by ``|``, downloads, brands in a
batch, trash and restore corners, and stock on variable parents. Each names the capture or the WooCommerce /
WordPress source it follows."""

from __future__ import annotations

from typing import Any

import pytest

from wcsync.core.canonical import php_json
from wcsync.core.slugs import php_strip_tags, remove_accents, sanitize_title, utf8_uri_encode
from wcsync.sandbox.product_fields import downloads, meta_value
from wcsync.sandbox.product_write import text_options

API = "/wp-json/wc/v3"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


# --- meta values as PHP stores them ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({}, []),  # 11#1
        ({"images": {}, "v": 1}, {"images": [], "v": 1}),  # 11#1: nested, v keeps its JSON type
        ([], []),
        ({"a": {"b": {"c": {}}}}, {"a": {"b": {"c": []}}}),  # any depth
        ([{}, {"x": {}}], [[], {"x": []}]),  # inside lists too
        ({"0": "a", "1": "b"}, ["a", "b"]),  # keys 0..n-1 in order: a PHP list
        ({"1": "a", "0": "b"}, {"1": "a", "0": "b"}),  # out of order: stays an object
        ({"1": "a"}, {"1": "a"}),  # not starting at 0
        ({"01": "a"}, {"01": "a"}),  # "01" is not an integer key in PHP
        ({"n": None, "t": True, "f": 1.5}, {"n": None, "t": True, "f": 1.5}),
    ],
)
def test_json_meta_values_round_trip_like_php(sent: Any, stored: Any) -> None:
    assert php_json(sent) == stored
    assert meta_value(sent) == stored


@pytest.mark.parametrize(("sent", "stored"), [(42, "42"), (12.5, "12.5"), (True, "1"), (False, ""), (3.0, "3")])
def test_scalar_meta_values_become_strings(sent: Any, stored: str) -> None:  # 05#7, README surprise 4
    assert meta_value(sent) == stored


def test_a_variation_stores_an_empty_object_meta_as_an_empty_list(sandbox_app: Any) -> None:
    parent = _ok(sandbox_app.call("POST", f"{API}/products", json={
        "name": "P", "type": "variable", "attributes": [{"name": "Size", "options": ["S"], "variation": True}]}), 201)
    created = _ok(sandbox_app.call("POST", f"{API}/products/{parent['id']}/variations", json={
        "attributes": [{"name": "Size", "option": "S"}],
        "meta_data": [{"key": "_wcsync", "value": {"images": {}, "v": 1}}]}), 201)
    assert created["meta_data"][0]["value"] == {"images": [], "v": 1}
    again = _ok(sandbox_app.call("GET", f"{API}/products/{parent['id']}/variations/{created['id']}"))
    assert again["meta_data"][0]["value"] == {"images": [], "v": 1}


# --- slugs (wp-includes/formatting.php) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Rot & Weiß", "rot-weis"),  # en_US store: ß → s (02#10 records Straße → strase)
        ("Preis £5 / €", "preis-5-e"),  # £ dropped, € → E, / → -
        ("ǹ", "%c7%b9"),  # not in WordPress' table: percent-encoded, not folded
        ("Cafe\u0301", "cafe"),  # decomposed input is composed (NFC) first
        ("a\u200bb", "ab"),  # zero width space dropped
        ("a\u2003b", "a-b"),  # em space becomes a hyphen
        ("a&nbsp;b", "a-b"),  # the entity too
        ("a • b", "a-b"),  # bullet dropped
        ("a < b", "a-b"),  # "<" + space is text for strip_tags, then dropped as a character
        ("<i>x</i>y", "xy"),
        ("ªº Æ Œ ŉ ſ ɑ", "ao-ae-oe-n-s-a"),
    ],
)
def test_slugs_follow_wordpress(text: str, slug: str) -> None:
    assert sanitize_title(text) == slug


def test_remove_accents_keeps_ascii_and_unknown_characters() -> None:
    assert remove_accents("plain") == "plain"
    assert remove_accents("Ḃ Ω") == "Ḃ Ω"
    assert remove_accents("Ỹ ǜ Ș") == "Y u S"


def test_long_slugs_are_cut_while_encoding_never_inside_a_character() -> None:
    assert utf8_uri_encode("é" * 100, 200) == "%c3%a9" * 33  # 34 would need 204 characters
    assert sanitize_title("a" * 199 + "帽") == "a" * 199  # its 9-character octets do not fit
    assert php_strip_tags("x <unclosed") == "x "


# --- local attribute options ------------------------------------------------------------------------------


def test_local_options_are_split_by_the_delimiter_and_decoded() -> None:
    assert text_options(["Leinen | Baumwolle", "Größe ½"]) == ["Leinen", "Baumwolle", "Größe ½"]  # 11#68
    assert text_options(["A &amp; B", " | ", "C"]) == ["A & B", "C"]  # html_entity_decode, empty parts dropped


# --- downloads (save_downloadable_files) ----------------------------------------------------------------


def test_downloads_keep_a_sent_id_and_get_a_new_one_otherwise() -> None:
    made = downloads([{"file": "https://x.test/files/manual.pdf"}, {"name": "No file"},
                      {"id": "keep-me", "name": "Kept", "file": "https://x.test/a.zip"}])
    assert [d["name"] for d in made] == ["manual.pdf", "Kept"]  # no file: dropped; no name: the base name
    assert made[1]["id"] == "keep-me"
    assert len(made[0]["id"]) == 36 and made[0]["id"].count("-") == 4
    assert downloads([{"file": "f"}])[0]["id"] != downloads([{"file": "f"}])[0]["id"]


def test_download_limits_reset_to_unlimited(sandbox_app: Any) -> None:
    product = _ok(sandbox_app.call("POST", f"{API}/products", json={
        "name": "D", "downloadable": True, "download_limit": 5, "download_expiry": 30}), 201)
    assert (product["download_limit"], product["download_expiry"]) == (5, 30)
    changed = _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={
        "download_limit": -1, "download_expiry": ""}))
    assert (changed["download_limit"], changed["download_expiry"]) == (-1, -1)


# --- brands ------------------------------------------------------------------------------------------------


def test_brands_have_a_batch_endpoint_and_a_product_batch_takes_plain_ids(sandbox_app: Any) -> None:
    made = _ok(sandbox_app.call("POST", f"{API}/products/brands/batch", json={
        "create": [{"name": "Acme & Co"}, {"name": "Globex"}]}))
    acme, globex = (b["id"] for b in made["create"])
    assert made["create"][0]["slug"] == "acme-co"
    batch = _ok(sandbox_app.call("POST", f"{API}/products/batch", json={
        "create": [{"name": "A", "brands": [{"id": acme}]}, {"name": "B", "brands": [globex]}]}))
    assert [b["id"] for b in batch["create"][0]["brands"]] == [acme]
    # a batch item is not schema-checked: WC_Brands takes plain ids there (a single PUT is 400, 11#98)
    assert [b["id"] for b in batch["create"][1]["brands"]] == [globex]
    listed = _ok(sandbox_app.call("GET", f"{API}/products", params={"brand": str(acme)}))
    assert [p["name"] for p in listed] == ["A"]


def test_unknown_brand_ids_replace_the_brands_with_nothing(sandbox_app: Any) -> None:
    brand = _ok(sandbox_app.call("POST", f"{API}/products/brands", json={"name": "Initech"}), 201)
    product = _ok(sandbox_app.call("POST", f"{API}/products", json={"name": "P", "brands": [{"id": brand["id"]}]}),
                  201)
    # wp_set_object_terms skips an unknown id and still replaces the product's brands (only [] keeps them)
    after = _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"brands": [{"id": 987654}]}))
    assert after["brands"] == []


# --- trash, restore, stock, menu order -----------------------------------------------------------------


def _variable_with_variation(sandbox: Any, sku: str) -> tuple[int, int]:
    parent = _ok(sandbox.call("POST", f"{API}/products", json={
        "name": sku, "type": "variable", "attributes": [{"name": "Size", "options": ["S"], "variation": True}]}), 201)
    variation = _ok(sandbox.call("POST", f"{API}/products/{parent['id']}/variations", json={
        "sku": sku + "-S", "regular_price": "5", "attributes": [{"name": "Size", "option": "S"}]}), 201)
    return int(parent["id"]), int(variation["id"])


def test_a_trashed_variation_is_restored_by_a_single_update_too(sandbox_app: Any) -> None:
    parent, variation = _variable_with_variation(sandbox_app, "R")
    _ok(sandbox_app.call("DELETE", f"{API}/products/{parent}/variations/{variation}"))
    assert _ok(sandbox_app.call("GET", f"{API}/products/{parent}"))["variations"] == []
    restored = _ok(sandbox_app.call("PUT", f"{API}/products/{parent}/variations/{variation}",
                                    json={"status": "publish"}))
    assert restored["status"] == "publish"
    assert {m["key"] for m in restored["meta_data"]} == {"_wp_trash_meta_status", "_wp_trash_meta_time"}
    assert _ok(sandbox_app.call("GET", f"{API}/products/{parent}"))["variations"] == [variation]


def test_a_trashed_variation_sku_still_blocks_a_new_product_but_not_a_new_variation(sandbox_app: Any) -> None:
    parent, variation = _variable_with_variation(sandbox_app, "T")
    _ok(sandbox_app.call("DELETE", f"{API}/products/{parent}/variations/{variation}"))
    refused = sandbox_app.call("POST", f"{API}/products", json={"name": "X", "sku": "T-S"})
    assert refused.json()["code"] == "woocommerce_rest_product_not_created"  # 11#13 (lookup table)
    other, _ = _variable_with_variation(sandbox_app, "U")
    _ok(sandbox_app.call("POST", f"{API}/products/{other}/variations", json={
        "sku": "T-S", "attributes": [{"name": "Size", "option": "S"}]}), 201)  # any parent: no SKU lock


def test_a_product_menu_order_of_zero_is_stored_unlike_a_variation(sandbox_app: Any) -> None:
    product = _ok(sandbox_app.call("POST", f"{API}/products", json={"name": "M", "menu_order": 4}), 201)
    again = _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"menu_order": 0}))
    assert again["menu_order"] == 0
    parent, variation = _variable_with_variation(sandbox_app, "V")
    path = f"{API}/products/{parent}/variations/{variation}"
    _ok(sandbox_app.call("PUT", path, json={"menu_order": 2}))
    assert _ok(sandbox_app.call("PUT", path, json={"menu_order": "0"}))["menu_order"] == 2  # 11#41


def test_a_variable_parent_managing_its_stock_reads_its_own_status(sandbox_app: Any) -> None:
    base = {"name": "S", "type": "variable", "attributes": [{"name": "Size", "options": ["S"], "variation": True}]}
    managed = _ok(sandbox_app.call("POST", f"{API}/products", json={**base, "manage_stock": True,
                                                                     "stock_quantity": 0, "backorders": "yes"}), 201)
    assert managed["stock_status"] == "onbackorder"
    unmanaged = _ok(sandbox_app.call("POST", f"{API}/products", json=base), 201)
    assert unmanaged["stock_status"] == "outofstock"  # no variation in stock (11#17)


def test_gtin_filter_takes_a_comma_list(sandbox_app: Any) -> None:
    for name, gtin in (("A", "111"), ("B", "222"), ("C", "333")):
        _ok(sandbox_app.call("POST", f"{API}/products", json={"name": name, "global_unique_id": gtin}), 201)
    found = _ok(sandbox_app.call("GET", f"{API}/products", params={"global_unique_id": "111, 333"}))
    assert sorted(p["name"] for p in found) == ["A", "C"]
