"""The sandbox store's own contract beyond the captures: version switch, REST index, system_status, the
image download rule, credentials never echoed in ``Link``, reset keeping keys, and two apps (two server
processes) sharing one database file."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wcsync.sandbox import db, keys
from wcsync.sandbox.app import create_app

HOST = "store.test"


def _basic(key: tuple[str, str]) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key[0]}:{key[1]}".encode()).decode()}


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, tuple[str, str]]:
    path = tmp_path / "store.db"
    conn = db.open_db(path)
    key = keys.create_key(conn, "read_write")
    conn.close()
    return path, key


def call(path: Path, key: tuple[str, str] | None, requests: list[tuple[str, str, Any]], *,
         wc_version: str = "11.0.1", scheme: str = "https") -> list[httpx.Response]:
    app = create_app(path, wc_version=wc_version)

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://{HOST}",
                                     headers=_basic(key) if key else {}) as client:
            out = []
            for method, url, body in requests:
                out.append(await client.request(method, url, json=body))
            return out

    return asyncio.run(run())


@pytest.fixture
def fixed_clock() -> Iterator[None]:
    db.set_clock(lambda: dt.datetime(2031, 2, 3, 4, 5, 6, tzinfo=dt.UTC))
    yield
    db.set_clock(None)


def test_store_wide_variations_exist_only_from_woocommerce_10_3(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    new, index_new = call(path, key, [("GET", "/wp-json/wc/v3/variations", None), ("GET", "/wp-json/", None)])
    old, index_old = call(path, key, [("GET", "/wp-json/wc/v3/variations", None), ("GET", "/wp-json/", None)],
                          wc_version="9.8.5")
    assert new.status_code == 200 and new.json() == [] and new.headers["X-WP-Total"] == "0"
    assert old.status_code == 404 and old.json()["code"] == "rest_no_route"
    assert "/wc/v3/variations" in index_new.json()["routes"]
    assert "/wc/v3/variations" not in index_old.json()["routes"]
    assert "wc/v3" in index_old.json()["namespaces"]


def test_system_status_reports_the_woocommerce_version(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    (reply,) = call(path, key, [("GET", "/wp-json/wc/v3/system_status?_fields=environment", None)],
                    wc_version="9.8.5")
    assert reply.status_code == 200
    assert reply.json()["environment"]["version"] == "9.8.5"
    assert "settings" not in reply.json()


def test_anonymous_requests_get_woocommerce_401s(store: tuple[Path, tuple[str, str]]) -> None:
    path, _ = store
    replies = call(path, None, [("GET", "/wp-json/wc/v3/products", None),
                                ("PUT", "/wp-json/wc/v3/products/15", {}),
                                ("POST", "/wp-json/wc/v3/products/batch", {}),
                                ("GET", "/wp-json/wc/v3/nope", None)])
    assert [(r.status_code, r.json()["code"]) for r in replies] == [
        (401, "woocommerce_rest_cannot_view"), (401, "woocommerce_rest_cannot_edit"),
        (401, "woocommerce_rest_cannot_batch"), (404, "rest_no_route")]


@pytest.mark.usefixtures("fixed_clock")
def test_image_downloads_follow_the_documented_rule(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    products = "/wp-json/wc/v3/products"
    ok, again, blocked, missing, not_image, not_url = call(path, key, [
        ("POST", products, {"name": "A", "images": [{"src": "https://cdn.shop.test/img/shirt.webp?v=3"}]}),
        ("POST", products, {"name": "B", "images": [{"src": "https://cdn.shop.test/img/shirt.webp"}]}),
        ("POST", products, {"name": "C", "images": [{"src": "https://example.com/shirt.jpg"}]}),
        ("POST", products, {"name": "D", "images": [{"src": "https://cdn.shop.test/missing-shirt.jpg"}]}),
        ("POST", products, {"name": "E", "images": [{"src": "https://cdn.shop.test/sheet.pdf"}]}),
        ("POST", products, {"name": "F", "images": [{"src": "not a url"}]}),
    ])
    assert ok.status_code == 201
    image = ok.json()["images"][0]
    assert image["src"] == f"https://{HOST}/wp-content/uploads/2031/02/shirt.webp"
    assert image["name"] == "shirt.webp" and image["alt"] == ""
    assert again.json()["images"][0]["src"] == f"https://{HOST}/wp-content/uploads/2031/02/shirt-1.webp"
    assert again.json()["images"][0]["id"] != image["id"]
    assert [r.status_code for r in (blocked, missing, not_image, not_url)] == [400, 400, 400, 400]
    assert blocked.json()["message"] == (
        "Error getting remote image https://example.com/shirt.jpg. Error: A valid URL was not provided.")
    assert missing.json()["message"].endswith("Error: Not Found")
    assert not_image.json()["message"] == "Invalid image: Sorry, you are not allowed to upload this file type."
    assert not_url.json()["message"] == (
        "Error getting remote image http://not%20a%20url. Error: A valid URL was not provided.")


def test_pagination_links_never_carry_credentials(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    query = f"consumer_key={key[0]}&consumer_secret={key[1]}"
    replies = call(path, None, [
        ("POST", f"/wp-json/wc/v3/products/batch?{query}", {"create": [{"name": f"P{i}"} for i in range(3)]}),
        ("GET", f"/wp-json/wc/v3/products?per_page=2&{query}", None),
    ])
    link = replies[1].headers["Link"]
    assert link == f'<https://{HOST}/wp-json/wc/v3/products?per_page=2&page=2>; rel="next"'


def test_reset_empties_the_catalogue_and_keeps_the_keys(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    call(path, key, [("POST", "/wp-json/wc/v3/products", {"name": "Gone soon"}),
                     ("POST", "/wp-json/wc/v3/products/tags", {"name": "Gone too"})])
    conn = db.open_db(path)
    db.reset_store(conn)
    conn.close()
    listed, categories, tags = call(path, key, [("GET", "/wp-json/wc/v3/products", None),
                                                ("GET", "/wp-json/wc/v3/products/categories", None),
                                                ("GET", "/wp-json/wc/v3/products/tags", None)])
    assert listed.status_code == 200 and listed.json() == []
    assert [(c["id"], c["slug"]) for c in categories.json()] == [(db.DEFAULT_CATEGORY_ID, "uncategorized")]
    assert tags.json() == []


def test_two_apps_share_one_database_file(store: tuple[Path, tuple[str, str]]) -> None:
    """Like ``sandbox serve --tls`` and a plain server on one file: both see and make the same store."""
    path, key = store
    first, second = create_app(path), create_app(path)

    async def run() -> tuple[list[int], list[dict[str, Any]]]:
        clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url=f"https://{HOST}",
                                     headers=_basic(key)) for a in (first, second)]
        try:
            creates = [clients[i % 2].post("/wp-json/wc/v3/products", json={"name": f"P{i}", "sku": f"SKU-{i}"})
                       for i in range(20)]
            made = await asyncio.gather(*creates)
            listed = await clients[1].get("/wp-json/wc/v3/products", params={"per_page": 100})
            return [r.json()["id"] for r in made], listed.json()
        finally:
            for client in clients:
                await client.aclose()

    ids, listed = asyncio.run(run())
    assert len(set(ids)) == 20
    assert sorted(p["id"] for p in listed) == sorted(ids)
    assert {p["sku"] for p in listed} == {f"SKU-{i}" for i in range(20)}


def test_variations_inherit_weight_dimensions_and_shipping_class(store: tuple[Path, tuple[str, str]]) -> None:
    """WooCommerce API notes §6.3: a variation without its own values shows the parent's (even in edit)."""
    path, key = store
    shipping, parent = call(path, key, [
        ("POST", "/wp-json/wc/v3/products/shipping_classes", {"name": "Bulky"}),
        ("POST", "/wp-json/wc/v3/products", {"name": "Tee", "type": "variable", "weight": "0.3",
                                              "dimensions": {"length": "30", "width": "20", "height": "2"},
                                              "shipping_class": "bulky",
                                              "attributes": [{"name": "Size", "options": ["S"], "variation": True}]}),
    ])
    parent_id = parent.json()["id"]
    created, read = call(path, key, [
        ("POST", f"/wp-json/wc/v3/products/{parent_id}/variations",
         {"regular_price": "5", "dimensions": {"height": "4"}, "attributes": [{"name": "Size", "option": "S"}]}),
        ("GET", f"/wp-json/wc/v3/products/{parent_id}/variations?context=edit", None),
    ])
    variation = read.json()[0]
    assert created.status_code == 201
    assert variation["weight"] == "0.3"
    assert variation["dimensions"] == {"length": "30", "width": "20", "height": "4"}
    assert (variation["shipping_class"], variation["shipping_class_id"]) == ("bulky", shipping.json()["id"])
    assert variation["sku"] == "" and variation["name"] == "S"


def test_saving_a_variation_touches_its_parent(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    moments = iter([dt.datetime(2031, 1, 1, 0, 0, s, tzinfo=dt.UTC) for s in range(60)])
    db.set_clock(lambda: next(moments))
    try:
        (parent,) = call(path, key, [("POST", "/wp-json/wc/v3/products", {
            "name": "Cap", "type": "variable", "attributes": [{"name": "Size", "options": ["S"], "variation": True}]})])
        parent_id = parent.json()["id"]
        _, after = call(path, key, [
            ("POST", f"/wp-json/wc/v3/products/{parent_id}/variations", {"regular_price": "7.50"}),
            ("GET", f"/wp-json/wc/v3/products/{parent_id}", None),
        ])
    finally:
        db.set_clock(None)
    assert after.json()["date_modified_gmt"] > parent.json()["date_modified_gmt"]
    assert after.json()["price"] == "7.50"


def test_namespace_index_lists_the_routes_without_credentials(store: tuple[Path, tuple[str, str]]) -> None:
    path, _ = store
    (reply,) = call(path, None, [("GET", "/wp-json/wc/v3", None)])
    assert reply.status_code == 200
    assert reply.json()["namespace"] == "wc/v3"
    assert {"/wc/v3/products", "/wc/v3/products/batch", "/wc/v3/variations"} <= set(reply.json()["routes"])


def test_unmanaged_stock_clears_quantity_backorders_and_low_stock(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    created, updated = call(path, key, [
        ("POST", "/wp-json/wc/v3/products", {"name": "Mug", "manage_stock": True, "stock_quantity": 3,
                                              "backorders": "notify", "low_stock_amount": 1}),
        ("PUT", "/wp-json/wc/v3/products/429", {"manage_stock": False, "stock_status": "outofstock"}),
    ])
    assert created.json()["id"] == 429
    assert (created.json()["stock_quantity"], created.json()["backorders"]) == (3, "notify")
    body = updated.json()
    assert (body["manage_stock"], body["stock_quantity"], body["backorders"], body["low_stock_amount"],
            body["stock_status"]) == (False, None, "no", None, "outofstock")


def test_gtins_are_cleaned_and_unique_among_live_products(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    first, duplicate, other = call(path, key, [
        ("POST", "/wp-json/wc/v3/products", {"name": "A", "global_unique_id": " 4006-381 333931 "}),
        ("POST", "/wp-json/wc/v3/products", {"name": "B", "global_unique_id": "4006-381333931"}),
        ("POST", "/wp-json/wc/v3/products", {"name": "C", "global_unique_id": "978-0-306-40615-X"}),
    ])
    assert first.json()["global_unique_id"] == "4006-381333931"
    assert duplicate.status_code == 400
    assert duplicate.json() == {"code": "product_invalid_global_unique_id",
                                "message": "Invalid or duplicated GTIN, UPC, EAN or ISBN.",
                                "data": {"status": 400, "resource_id": first.json()["id"]}}
    assert other.json()["global_unique_id"] == "978-0-306-40615-X"


def test_variations_of_a_stock_managing_parent_report_its_stock(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    (parent,) = call(path, key, [("POST", "/wp-json/wc/v3/products", {
        "name": "Sock", "type": "variable", "manage_stock": True, "stock_quantity": 0, "backorders": "notify",
        "attributes": [{"name": "Size", "options": ["S"], "variation": True}]})])
    pid = parent.json()["id"]
    (variation,) = call(path, key, [("POST", f"/wp-json/wc/v3/products/{pid}/variations",
                                     {"regular_price": "3", "attributes": [{"name": "Size", "option": "S"}]})])
    body = variation.json()
    assert (body["manage_stock"], body["stock_quantity"], body["backorders"], body["stock_status"]) == (
        "parent", 0, "notify", "onbackorder")


def test_a_failing_handler_answers_like_a_crashing_wordpress(store: tuple[Path, tuple[str, str]],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from wcsync.sandbox import misc

    def broken(ctx: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(misc, "system_status_handler", broken)
    path, key = store
    failed, still_up = call(path, key, [("GET", "/wp-json/wc/v3/system_status", None),
                                        ("GET", "/wp-json/wc/v3/products", None)])
    assert failed.status_code == 500
    assert failed.json()["code"] == "internal_server_error"
    assert still_up.status_code == 200


def test_meta_by_key_collapses_duplicate_rows(store: tuple[Path, tuple[str, str]]) -> None:
    """API notes §10.2: by key the first row is updated and the other rows with that key are deleted."""
    import json

    path, key = store
    (created,) = call(path, key, [("POST", "/wp-json/wc/v3/products", {
        "name": "M", "meta_data": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]})])
    first_a = created.json()["meta_data"][0]
    conn = db.open_db(path)  # a second "a" row, as a plugin writing post meta directly would leave
    data = json.loads(conn.execute("SELECT data FROM sb_posts WHERE id = 429").fetchone()["data"])
    data["meta"].append({"id": 99999, "key": "a", "value": "plugin"})
    conn.execute("UPDATE sb_posts SET data = ? WHERE id = 429", (json.dumps(data),))
    conn.close()
    (updated,) = call(path, key, [("PUT", "/wp-json/wc/v3/products/429?_fields=meta_data",
                                   {"meta_data": [{"key": "a", "value": "3"}]})])
    assert updated.json()["meta_data"] == [first_a | {"value": "3"}, created.json()["meta_data"][1]]


def test_a_variable_product_changing_type_loses_its_variations(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    (parent,) = call(path, key, [("POST", "/wp-json/wc/v3/products", {
        "name": "V", "type": "variable", "attributes": [{"name": "Size", "options": ["S"], "variation": True}]})])
    pid = parent.json()["id"]
    variation, changed, gone = call(path, key, [
        ("POST", f"/wp-json/wc/v3/products/{pid}/variations", {"regular_price": "1"}),
        ("PUT", f"/wp-json/wc/v3/products/{pid}", {"type": "simple", "regular_price": "4"}),
        ("GET", f"/wp-json/wc/v3/products/{pid}/variations/{pid + 1}", None),
    ])
    assert variation.json()["id"] == pid + 1
    assert (changed.json()["type"], changed.json()["price"], changed.json()["variations"]) == ("simple", "4", [])
    assert gone.status_code == 404


def test_default_attributes_keep_only_variation_attributes_as_term_slugs(
        store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    attribute, _term, product = call(path, key, [
        ("POST", "/wp-json/wc/v3/products/attributes", {"name": "Color"}),
        ("POST", "/wp-json/wc/v3/products/attributes/1/terms", {"name": "Off White", "slug": "offwhite"}),
        ("POST", "/wp-json/wc/v3/products", {
            "name": "Tee", "type": "variable",
            "attributes": [{"id": 1, "options": ["Off White"], "variation": True},
                           {"name": "Fit", "options": ["Slim"], "variation": True},
                           {"name": "Care", "options": ["Wash"], "variation": False}],
            "default_attributes": [{"id": 1, "option": "off white"}, {"name": "Fit", "option": "Slim"},
                                   {"name": "Care", "option": "Wash"}, {"id": 99, "option": "x"}]}),
    ])
    assert attribute.json()["id"] == 1
    assert product.json()["default_attributes"] == [{"id": 1, "name": "Color", "option": "offwhite"},
                                                    {"id": 0, "name": "Fit", "option": "Slim"}]


def test_a_tag_name_wins_over_its_id(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    tag, product = call(path, key, [
        ("POST", "/wp-json/wc/v3/products/tags", {"name": "Old"}),
        ("POST", "/wp-json/wc/v3/products", {"name": "P", "tags": [{"id": 18, "name": "Fresh"}]}),
    ])
    assert tag.json()["id"] == 18
    assert [t["name"] for t in product.json()["tags"]] == ["Fresh"]


def test_variation_lists_filter_by_modification_time_and_ids(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    moments = iter([dt.datetime(2031, 1, 1, 0, 0, s, tzinfo=dt.UTC) for s in range(60)])
    db.set_clock(lambda: next(moments))
    try:
        (parent,) = call(path, key, [("POST", "/wp-json/wc/v3/products", {
            "name": "V", "type": "variable", "attributes": [{"name": "Size", "options": ["S", "M"],
                                                             "variation": True}]})])
        pid = parent.json()["id"]
        first, second = call(path, key, [("POST", f"/wp-json/wc/v3/products/{pid}/variations", {"sku": "V-S"}),
                                         ("POST", f"/wp-json/wc/v3/products/{pid}/variations", {"sku": "V-M"})])
        base = f"/wp-json/wc/v3/products/{pid}/variations"
        later, by_id, bad = call(path, key, [
            ("GET", f"{base}?modified_after={first.json()['date_modified_gmt']}&dates_are_gmt=true", None),
            ("GET", f"{base}?include={first.json()['id']}", None),
            ("GET", f"{base}?modified_after=yesterday", None),
        ])
    finally:
        db.set_clock(None)
    assert [v["sku"] for v in later.json()] == ["V-M"]
    assert [v["sku"] for v in by_id.json()] == ["V-S"]
    assert bad.status_code == 400 and bad.json()["data"]["details"]["modified_after"]["code"] == "rest_invalid_date"
    assert second.status_code == 201


def test_global_options_follow_the_attribute_term_order(store: tuple[Path, tuple[str, str]]) -> None:
    path, key = store
    replies = call(path, key, [
        ("POST", "/wp-json/wc/v3/products/attributes", {"name": "Size", "order_by": "name_num"}),
        ("POST", "/wp-json/wc/v3/products/attributes", {"name": "Color", "order_by": "id"}),
        ("POST", "/wp-json/wc/v3/products", {"name": "P", "attributes": [
            {"id": 1, "options": ["10", "9", "100"]}, {"id": 2, "options": ["Red", "Blue"]}]}),
    ])
    options = [a["options"] for a in replies[2].json()["attributes"]]
    assert options == [["9", "10", "100"], ["Red", "Blue"]]
