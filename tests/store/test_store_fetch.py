"""fetch_live_state against an in-memory WooCommerce: what is read, with how many requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from store_fake import FakeStore
from store_helpers import fast_retry, settings

from wcsync.store.client import WooClient
from wcsync.store.fetch import fetch_live_state

API = "GET /wp-json/wc/v3/"


def run(store: FakeStore, body: Callable[[WooClient], Awaitable[Any]], **kw: Any) -> Any:
    async def main() -> Any:
        async with WooClient(settings(**kw), transport=httpx.MockTransport(store), retry=fast_retry()) as client:
            return await body(client)

    return asyncio.run(main())


def big_store(*, store_variations: bool, products: int = 2000, variable_every: int = 8) -> FakeStore:
    store = FakeStore(store_variations=store_variations)
    color = store.add_attribute("Color", "color", ["Red", "Blue"])
    store.add_attribute("Size", "size", ["S", "M", "L"])
    for n in range(products):
        if n % variable_every == 0:
            pid = store.add_product(f"VAR-{n}", type_="variable")
            for v in range(4):
                store.add_variation(pid, f"VAR-{n}-{v}", [{"id": color, "name": "Color", "slug": "pa_color",
                                                           "option": "Red" if v % 2 else "Blue"}])
        else:
            store.add_product(f"SIMPLE-{n}")
    for n in range(3):
        store.add_product(f"TRASHED-{n}", status="trash")
    return store


def test_2000_products_on_woocommerce_10_3_use_the_minimum_list_requests() -> None:
    store = big_store(store_variations=True)
    state = run(store, fetch_live_state)
    assert len(state.products) == 2000 and len(state.variations) == 1000 and len(state.trashed_products) == 3
    assert dict(store.counts) == {
        API + "system_status": 1,
        API + "products/categories": 1,
        API + "products/brands": 1,
        API + "products/tags": 1,
        API + "products/shipping_classes": 1,
        API + "products/attributes": 1,
        API + "products/attributes/{id}/terms": 2,
        API + "products": 1 + 20 + 1,  # the store check (per_page=1: counts them), status=any: 2000/100, trash: 1
        API + "variations": 10,  # 1000 variations / 100
    }
    assert state.wc_version == "11.0.1"


def test_older_store_reads_variations_per_variable_product() -> None:
    store = big_store(store_variations=False, products=400)
    state = run(store, fetch_live_state)
    assert store.counts[API + "products/{id}/variations"] == 50  # one per variable product
    assert store.counts[API + "variations"] == 1  # its first page only (no such route: 404)
    assert len(state.variations) == 200
    by_id = {p.id: p.key for p in state.products}
    assert all(by_id[v.parent_id] == v.key.rsplit("-", 1)[0] for v in state.variations if v.key)
    assert state.wc_version == "9.8.0"


def test_lists_ask_for_sync_parameters_and_only_compared_fields() -> None:
    store = big_store(store_variations=True, products=10)
    run(store, fetch_live_state)
    products = [r for r in store.requests if r.url.path == "/wp-json/wc/v3/products" and r.url.params["per_page"] != "1"]
    assert {r.url.params["status"] for r in products} == {"any", "trash"}
    for request in products:
        params = request.url.params
        assert (params["per_page"], params["orderby"], params["order"], params["context"]) == (
            "100", "id", "asc", "edit")
        fields = params["_fields"].split(",")
        assert fields[0] == "id" and "sku" in fields and "meta_data" in fields and "upsell_ids" in fields
        assert "price_html" not in fields and "related_ids" not in fields


def test_state_is_mapped_with_inherited_variation_skus_and_attribute_refs() -> None:
    store = FakeStore()
    color = store.add_attribute("Color", "colour", ["Red"])
    pid = store.add_product("HOODIE", type_="variable", meta_data=[
        {"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": ["a"], "images": {}}}])
    store.add_variation(pid, "HOODIE", [{"id": color, "name": "Color", "slug": "pa_colour", "option": "Red"}])
    store.add_variation(pid, "HOODIE-RED", [{"id": 0, "name": "Fit", "slug": "fit", "option": "Slim"}])
    store.add_product("OLD", status="trash")
    state = run(store, fetch_live_state)
    [product] = state.products
    assert product.key == "HOODIE" and product.fields["name"] == "Product HOODIE & Co"
    assert product.mark is not None and product.mark.meta_keys == ("a",)
    inherited, own = state.variations
    assert (inherited.key, inherited.fields["sku"], inherited.parent_id) == (None, None, pid)
    assert inherited.fields["attributes"] == {"pa_colour": "Red"}
    assert (own.key, own.fields["attributes"]) == ("HOODIE-RED", {"Fit": "Slim"})
    assert [p.key for p in state.trashed_products] == ["OLD"] and state.trashed_products[0].status == "trash"
    assert [c.key for c in state.categories] == ["uncategorized"]
    assert [(t.key, t.parent_id) for t in state.terms] == [("red", color)]
    assert [a.key for a in state.attributes] == ["colour"]


def test_progress_names_each_list_and_counts_parents_on_older_stores() -> None:
    store = big_store(store_variations=False, products=250)
    seen: list[tuple[str, int, int]] = []

    async def body(client: WooClient) -> Any:
        return await fetch_live_state(client, progress=lambda path, done, total: seen.append((path, done, total)))

    run(store, body)
    finished = {path: total for path, done, total in seen if done == total}
    assert finished == {
        "products/categories": 1, "products/tags": 1, "products/shipping_classes": 1,
        "products/attributes/1/terms": 1, "products/attributes/2/terms": 1,
        "products": 3, "products (trash)": 1, "variations (one list per variable product)": 32,
    }
    parents = [done for path, done, _ in seen if path.startswith("variations")]
    assert parents == list(range(1, 33))


@pytest.mark.slow
def test_10000_products_and_40000_variations_take_100_plus_400_list_requests() -> None:
    """Issue 4's sizing: a store of 10,000 products (2,000 of them variable, 20 variations each) reads its
    products in ⌈10,000/100⌉ pages and its variations in ⌈40,000/100⌉ pages of the store-wide list."""
    store = FakeStore(store_variations=True)
    color = store.add_attribute("Color", "color", ["Red", "Blue"])
    ref = [{"id": color, "name": "Color", "slug": "pa_color", "option": "Red"}]
    for n in range(10_000):
        if n % 5 == 0:
            pid = store.add_product(f"VAR-{n}", type_="variable")
            for v in range(20):
                store.add_variation(pid, f"VAR-{n}-{v}", ref)
        else:
            store.add_product(f"SIMPLE-{n}")
    state = run(store, fetch_live_state)
    assert len(state.products) == 10_000 and len(state.variations) == 40_000
    assert store.counts[API + "products"] == 1 + 100 + 1  # the store check, status=any pages, the trash list
    assert store.counts[API + "variations"] == 400
    assert sum(store.counts.values()) == 1 + 4 + 1 + 1 + 101 + 401  # version, taxonomies, attrs, terms, …
