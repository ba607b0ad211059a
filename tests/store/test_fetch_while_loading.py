"""The store is read while the catalogue loads (``fetch_live_state(desired=<future>)``): each list page asks
for its ``_fields`` as it is sent — every field before the catalogue is known, only what it names after — and
a catalogue that fails to load stops the reads with its own error. In-process sandbox, requests recorded."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from test_store_sandbox import client_for, populate

from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredResource, DesiredState
from wcsync.errors import CatalogError
from wcsync.store.fetch import fetch_live_state
from wcsync.store.readfields import OPTIONAL_FIELDS


class Gate(httpx.AsyncBaseTransport):
    """Records product-list queries; ``on_page`` runs before a page is answered."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.pages: list[dict[str, list[str]]] = []
        self.on_page: Any = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/wc/v3/products"):
            query = parse_qs(request.url.query.decode())
            self.pages.append(query)
            if self.on_page is not None:
                await self.on_page(query)
        return await self.inner.handle_async_request(request)


def fields(query: dict[str, list[str]]) -> set[str]:
    return set(query["_fields"][0].split(","))


CATALOGUE = DesiredState(products=(DesiredResource(kind=Kind.PRODUCT, key="S-0", fields={"name": "Simple 0"}),))


def test_pages_sent_before_the_catalogue_is_known_read_every_field_the_later_ones_only_what_it_names(
        sandbox_app: Any) -> None:
    gate = Gate(sandbox_app.transport)

    async def main() -> list[dict[str, list[str]]]:
        async with client_for(sandbox_app, transport=gate, concurrency=1) as client:
            await populate(client, simple=150, variable=0)
            loading: asyncio.Future[DesiredState] = asyncio.get_running_loop().create_future()

            async def first_page_then_loaded(query: dict[str, list[str]]) -> None:
                if query.get("page") == ["1"] and query.get("status") == ["any"]:
                    loading.set_result(CATALOGUE)  # the catalogue is known once page 1 went out

            gate.pages.clear()
            gate.on_page = first_page_then_loaded
            live = await fetch_live_state(client, desired=loading)
            assert len(live.products) == 150
            return [q for q in gate.pages if q.get("status") == ["any"] and q.get("per_page") == ["100"]]

    first, second = asyncio.run(main())
    optional = OPTIONAL_FIELDS[Kind.PRODUCT]
    assert optional <= fields(first)  # sent before the catalogue was known: everything
    assert optional.isdisjoint(fields(second))  # after: nothing no entry names
    assert {"id", "sku", "meta_data", "regular_price"} <= fields(second)


def test_a_known_catalogue_reads_only_what_it_names_from_the_first_page(sandbox_app: Any) -> None:
    gate = Gate(sandbox_app.transport)

    async def main() -> list[dict[str, list[str]]]:
        async with client_for(sandbox_app, transport=gate) as client:
            await populate(client, simple=3, variable=0)
            gate.pages.clear()
            await fetch_live_state(client, desired=CATALOGUE)
            return gate.pages

    pages = asyncio.run(main())
    lists = [q for q in pages if q.get("per_page") == ["100"]]
    assert lists and all(OPTIONAL_FIELDS[Kind.PRODUCT].isdisjoint(fields(q)) for q in lists)


def test_a_catalogue_that_fails_to_load_stops_the_reads_with_its_own_error(sandbox_app: Any) -> None:
    gate = Gate(sandbox_app.transport)

    async def main() -> None:
        async with client_for(sandbox_app, transport=gate, concurrency=1) as client:
            await populate(client, simple=250, variable=0)
            await client.post("products", {"name": "Trashed", "sku": "T-1"})
            loading: asyncio.Future[DesiredState] = asyncio.get_running_loop().create_future()

            async def broken(query: dict[str, list[str]]) -> None:
                if query.get("page") == ["1"] and not loading.done():
                    loading.set_exception(CatalogError("the catalogue has 1 error(s); no plan was made", []))

            gate.pages.clear()
            gate.on_page = broken
            await fetch_live_state(client, desired=loading)

    with pytest.raises(CatalogError, match="1 error"):  # the catalogue's error, not a store error or a group
        asyncio.run(main())
    assert not any(q.get("status") == ["trash"] for q in gate.pages)  # what waits for the catalogue never ran
