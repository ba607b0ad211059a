"""A store of 50,000 products and variations still answers correctly (speed itself is measured in
benchmarks, not asserted here): totals, deep pages, SKU lookups and the store-wide variations list."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import httpx
import pytest

from wcsync.sandbox import db, keys, store
from wcsync.sandbox.app import create_app

PARENTS, VARIATIONS_EACH, SIMPLES = 5_000, 4, 25_000


def _fill(path: Path) -> None:
    conn = db.open_db(path)
    stamp = "2031-01-01T00:00:00"
    with db.transaction(conn):
        for number in range(SIMPLES):
            props = store.load_defaults("product") | {"name": f"Simple {number}", "slug": f"simple-{number}",
                                                       "sku": f"S-{number}", "regular_price": str(number % 90 + 1)}
            store.save(conn, db.next_id(conn, "post"), "product", 0, props, created=stamp, modified=stamp,
                       price=props["regular_price"])
        for number in range(PARENTS):
            parent_id = db.next_id(conn, "post")
            props = store.load_defaults("product") | {"name": f"Tee {number}", "slug": f"tee-{number}",
                                                       "type": "variable", "sku": f"T-{number}"}
            store.save(conn, parent_id, "product", 0, props, created=stamp, modified=stamp, price="")
            for size in range(VARIATIONS_EACH):
                variation = store.load_defaults("variation") | {"sku": f"T-{number}-{size}", "regular_price": "9"}
                store.save(conn, db.next_id(conn, "post"), "product_variation", parent_id, variation,
                           created=stamp, modified=stamp, price="9")
    conn.close()


@pytest.mark.slow
def test_fifty_thousand_products_and_variations(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    _fill(path)
    conn = db.open_db(path)
    key = keys.create_key(conn, "read")
    conn.close()
    auth = {"Authorization": "Basic " + base64.b64encode(f"{key[0]}:{key[1]}".encode()).decode()}

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(path))
        async with httpx.AsyncClient(transport=transport, base_url="https://store.test", headers=auth) as client:
            return [await client.get(url) for url in (
                "/wp-json/wc/v3/products?per_page=100&orderby=id&order=asc&page=300&_fields=id,sku",
                "/wp-json/wc/v3/products?sku=T-4321-2,S-17&_fields=id,sku,type",
                "/wp-json/wc/v3/variations?per_page=100&page=200&orderby=id&order=asc&_fields=id,sku,parent_id",
                "/wp-json/wc/v3/products?per_page=100&orderby=price&order=desc&_fields=id,price",
            )]

    deep, skus, variations, by_price = asyncio.run(run())
    assert deep.headers["X-WP-Total"] == str(SIMPLES + PARENTS)
    assert deep.headers["X-WP-TotalPages"] == "300"
    assert [p["sku"] for p in deep.json()][-1] == "T-4999"
    assert sorted((p["sku"], p["type"]) for p in skus.json()) == [("S-17", "simple"), ("T-4321-2", "variation")]
    assert variations.headers["X-WP-Total"] == str(PARENTS * VARIATIONS_EACH)
    assert [v["sku"] for v in variations.json()][-1] == "T-4999-3"
    assert {p["price"] for p in by_price.json()} == {"90"}
