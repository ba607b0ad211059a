"""The store layer against the sandbox, in-process: request counts of a full fetch, retries under injected
faults (counted by the sandbox's own stats), unknown outcomes, the concurrency bound."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from store_helpers import Sleeps, fast_retry

from wcsync.core.kinds import Kind
from wcsync.engine.model import Op, WriteOp
from wcsync.settings import StoreSettings
from wcsync.store.client import WooClient
from wcsync.store.errors import UnknownOutcome
from wcsync.store.fetch import fetch_live_state
from wcsync.store.reread import reread

API = "GET /wp-json/wc/v3/"


def client_for(store: Any, *, transport: Any = None, sleeps: Sleeps | None = None, **kw: Any) -> WooClient:
    settings = StoreSettings(url=store.base_url, consumer_key=SecretStr(store.consumer_key),
                             consumer_secret=SecretStr(store.consumer_secret), **kw)
    return WooClient(settings, transport=transport or store.transport, base_url=store.base_url,
                     retry=fast_retry(sleeps))


def run(store: Any, body: Callable[[WooClient], Awaitable[Any]], **kw: Any) -> Any:
    async def main() -> Any:
        async with client_for(store, **kw) as client:
            return await body(client)

    return asyncio.run(main())


async def populate(client: WooClient, *, simple: int, variable: int, per_variable: int = 4) -> None:
    color = await client.post("products/attributes", {"name": "Color", "slug": "color"})
    await client.batch(f"products/attributes/{color['id']}/terms/batch", create=[{"name": f"C{i}"} for i in range(8)])
    await client.post("products/categories", {"name": "Hoodies & Co"})
    await client.post("products/tags", {"name": "Winter"})
    for start in range(0, simple, 100):
        result = await client.batch("products/batch", create=[
            {"name": f"Simple {n}", "sku": f"S-{n}", "regular_price": "10.00"}
            for n in range(start, min(simple, start + 100))
        ])
        assert all(item.ok for item in result.create)
    for start in range(0, variable, 100):
        result = await client.batch("products/batch", create=[
            {"name": f"Variable {n}", "sku": f"V-{n}", "type": "variable",
             "attributes": [{"id": color["id"], "options": [f"C{i}" for i in range(per_variable)],
                             "variation": True}]}
            for n in range(start, min(variable, start + 100))
        ])
        assert all(item.ok for item in result.create)
        for item in result.create:
            assert item.id is not None and item.body is not None
            created = await client.batch(f"products/{item.id}/variations/batch", create=[
                {"sku": f"{item.body['sku']}-{i}", "regular_price": "12.50",
                 "attributes": [{"id": color["id"], "option": f"C{i}"}]}
                for i in range(per_variable)
            ])
            assert all(v.ok for v in created.create)


def list_counts(stats: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in stats["counts"].items() if k.startswith("GET ")}


def test_fetching_a_2000_product_store_uses_exactly_the_minimum_list_requests(sandbox_app: Any) -> None:
    run(sandbox_app, lambda c: populate(c, simple=1950, variable=50))
    sandbox_app.reset_stats()
    state = run(sandbox_app, fetch_live_state)
    assert len(state.products) == 2000 and len(state.variations) == 200
    assert state.wc_version == "11.0.1"
    assert list_counts(sandbox_app.stats()) == {
        API + "system_status": 1,
        API + "products/categories": 1,
        API + "products/brands": 1,
        API + "products/tags": 1,
        API + "products/shipping_classes": 1,
        API + "products/attributes": 1,
        API + "products/attributes/{id}/terms": 1,
        API + "products": 1 + 20 + 1,  # the store check (per_page=1), status=any: ⌈2000/100⌉, status=trash: 1
        API + "variations": 2,  # ⌈200/100⌉ through the store-wide list
    }
    assert sandbox_app.stats()["total"] == 31
    variation = next(v for v in state.variations if v.key == "V-0-1")
    assert variation.fields["attributes"] == {"pa_color": "C1"}
    assert str(variation.fields["regular_price"]) == "12.50"


def test_an_older_store_lists_variations_per_variable_product(sandbox_app: Any) -> None:
    from wcsync.sandbox.server import asgi_transport

    old = asgi_transport(sandbox_app.db_path, wc_version="9.8.0")
    run(sandbox_app, lambda c: populate(c, simple=5, variable=3), transport=old)
    old.app.stats.reset()
    state = run(sandbox_app, fetch_live_state, transport=old)
    counts = list_counts(old.app.stats.snapshot())
    assert counts[API + "products/{id}/variations"] == 3 and counts[API + "variations"] == 1  # its first page (404)
    assert len(state.variations) == 12 and state.wc_version == "9.8.0"


def test_max_in_flight_stays_at_the_concurrency_limit(sandbox_app: Any) -> None:
    run(sandbox_app, lambda c: populate(c, simple=500, variable=0))
    sandbox_app.set_faults(latency_ms=20)

    async def body(client: WooClient) -> int:
        items = await client.list_all("products", fields=["sku"])
        assert len(items) == 500
        return client.max_in_flight

    def measured(concurrency: int) -> tuple[int, int]:
        sandbox_app.reset_stats()
        client_side = run(sandbox_app, body, concurrency=concurrency)
        return client_side, sandbox_app.stats()["max_in_flight"]  # as the store saw it

    assert measured(3) == (3, 3)
    assert measured(2) == (2, 2)


def test_pushback_lowers_the_concurrency_the_store_sees(sandbox_app: Any) -> None:
    run(sandbox_app, lambda c: populate(c, simple=1000, variable=0))

    async def body(client: WooClient) -> int:
        items = await client.list_all("products", fields=["sku"])
        assert len(items) == 1000
        return client.limiter.limit

    sandbox_app.set_faults(latency_ms=20)
    sandbox_app.reset_stats()
    assert run(sandbox_app, body, concurrency=4) == 4
    assert sandbox_app.stats()["max_in_flight"] == 4
    # the first page is answered 429 once: the limit halves (4 → 2) and recovers by one after 8 successes
    sandbox_app.set_faults(latency_ms=20, rate_429=1.0, retry_after=0, max_faults=1)
    sandbox_app.reset_stats()
    assert run(sandbox_app, body, concurrency=4) == 3
    stats = sandbox_app.stats()
    assert stats["faults"] == {"429": 1} and stats["counts"] == {API + "products": 11}
    assert 2 <= stats["max_in_flight"] <= 3


def test_429_with_retry_after_is_honoured(sandbox_app: Any) -> None:
    sandbox_app.set_faults(rate_429=1.0, retry_after=3, max_faults=2)
    sleeps = Sleeps()
    tags = run(sandbox_app, lambda c: c.get("products/tags"), sleeps=sleeps)
    assert tags == []
    stats = sandbox_app.stats()
    assert stats["counts"] == {API + "products/tags": 3} and stats["faults"] == {"429": 2}
    assert sleeps.calls == [3.0, 3.0]


def test_503_on_a_write_is_retried_because_it_was_not_processed(sandbox_app: Any) -> None:
    sandbox_app.set_faults(rate_503=1.0, max_faults=1, methods=["POST"])
    created = run(sandbox_app, lambda c: c.post("products/tags", {"name": "Once"}))
    assert created["slug"] == "once"
    assert sandbox_app.stats()["counts"] == {"POST /wp-json/wc/v3/products/tags": 2}
    sandbox_app.set_faults()
    assert [t["name"] for t in run(sandbox_app, lambda c: c.list_all("products/tags"))] == ["Once"]


@pytest.mark.parametrize("lost_as", ["502", "drop"])
def test_a_write_whose_answer_is_lost_is_reported_unknown_and_resolved_by_reread(
        sandbox_app: Any, lost_as: str) -> None:
    sandbox_app.set_faults(rate_fail_after_commit=1.0, fail_after_commit_as=lost_as, max_faults=1)

    async def write(client: WooClient) -> Any:
        return await client.batch("products/batch", create=[{"name": "Lost", "sku": "LOST-1",
                                                              "regular_price": "5"}])

    with pytest.raises(UnknownOutcome) as err:
        run(sandbox_app, write)
    assert err.value.request.json == {"create": [{"name": "Lost", "sku": "LOST-1", "regular_price": "5"}]}
    assert sandbox_app.stats()["counts"] == {"POST /wp-json/wc/v3/products/batch": 1}  # never repeated
    lost = WriteOp(kind=Kind.PRODUCT, op=Op.CREATE, key="LOST-1", payload={"sku": "LOST-1"})
    found = run(sandbox_app, lambda c: reread(c, Kind.PRODUCT, [lost]))
    assert list(found) == ["LOST-1"] and found["LOST-1"].body["name"] == "Lost"  # the write did happen


def test_hung_and_dropped_reads_are_retried(sandbox_app: Any) -> None:
    sandbox_app.set_faults(rate_hang=0.5, rate_drop=0.5, max_faults=3)
    assert run(sandbox_app, lambda c: c.get("products")) == []
    stats = sandbox_app.stats()
    assert stats["counts"] == {API + "products": 4} and sum(stats["faults"].values()) == 3


def test_a_hung_write_is_not_repeated(sandbox_app: Any) -> None:
    sandbox_app.set_faults(rate_hang=1.0, methods=["POST"])
    with pytest.raises(UnknownOutcome):
        run(sandbox_app, lambda c: c.post("products", {"name": "x"}))
    assert sandbox_app.stats()["counts"] == {"POST /wp-json/wc/v3/products": 1}


def test_open_client_for_a_sandbox_url(tmp_path: Path) -> None:
    from wcsync.cli.connect import open_client

    settings = StoreSettings(url=f"sandbox:{tmp_path / 'quick.db'}")

    async def body() -> Any:
        async with open_client(settings) as client:
            assert client.base_url == "https://sandbox.invalid"
            await client.post("products/tags", {"name": "Quick & Start"})
            return await fetch_live_state(client)

    state = asyncio.run(body())
    assert [t.fields["name"] for t in state.tags] == ["Quick & Start"]
    assert [c.key for c in state.categories] == ["uncategorized"]


def test_wcsync_plan_reads_a_2000_product_store_with_the_minimum_list_requests(
        sandbox_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from wcsync.cli import connect
    from wcsync.cli.main import cli

    run(sandbox_app, lambda c: populate(c, simple=1990, variable=10))
    project = tmp_path / "project"
    (project / "catalog" / "products").mkdir(parents=True)
    (project / "wcsync.yaml").write_text(
        f"default_store: sandbox\nstores:\n  sandbox:\n    url: sandbox:{sandbox_app.db_path}\n", encoding="utf-8")
    (project / "catalog" / "products" / "one.yaml").write_text(
        "sku: S-0\nname: Simple 0\nregular_price: '10.00'\n", encoding="utf-8")
    monkeypatch.setattr(connect, "_sandbox_transport", lambda path: sandbox_app.transport)
    sandbox_app.reset_stats()
    result = CliRunner().invoke(cli, ["plan", "--project", str(project), "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = list_counts(sandbox_app.stats())
    lists = {k: v for k, v in counts.items() if k not in ("GET /wp-json/", API + "system_status")}
    assert lists == {
        API + "products/categories": 1,
        API + "products/brands": 1,
        API + "products/tags": 1,
        API + "products/shipping_classes": 1,
        API + "products/attributes": 1,
        API + "products/attributes/{id}/terms": 1,
        API + "products": 1 + 20,  # the store check (per_page=1); the catalogue's SKU is live: the trash
        # cannot change the plan, not read
        API + "variations": 1,  # the store-wide list
    }
    assert sum(lists.values()) == 28 and sandbox_app.stats()["total"] == 29
