"""Benchmark: the sandbox store is not a bottleneck (issue 3, item 7).

Run on demand, never by the test suite (its smoke test runs it at a tiny size)::

    python benchmarks/bench_sandbox.py [--big-simple 25000] [--big-parents 5000] [--big-variations-each 4]
                                       [--repeat 20]

The sandbox is served over real HTTP (uvicorn in a child process on 127.0.0.1, no latency, see
``netbench.py``) and called one request at a time through wcsync's ``WooClient`` (OAuth 1.0a). Each
operation runs ``--repeat`` times; the best and the median are printed in milliseconds for information, and
the result is the ratio of the best time to the best time of a **baseline of the same run against the same
store**: a trivial authenticated request (``GET products/shipping_classes``, an empty list). A ratio says
how much store work an operation adds to the fixed cost of one request (HTTP, OAuth 1.0a check, routing).

Two stores are measured:

- a small one: 100-item product batches (create, then update), a 100-item variation batch (into a parent
  without variations, a fresh one each round), and 100-item list pages of products and of the store-wide variations, with the ``_fields`` wcsync asks for;
- a big one, filled directly into SQLite (not timed): ``--big-simple`` simple products plus ``--big-parents``
  variable products with ``--big-variations-each`` variations each (default 50,000 posts): the first and a
  deep products page, the last store-wide variations page, a SKU lookup and the ``status=any`` total.

Every answer is checked (100 items created/listed, ``X-WP-Total`` right) and the server must have counted
exactly the requests sent: the run exits 1 otherwise. Times are reported, never judged.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from netbench import SandboxServer, ceil_div, store_settings, table  # noqa: E402

from wcsync.core.kinds import Kind  # noqa: E402
from wcsync.store import wire  # noqa: E402
from wcsync.store.client import WooClient  # noqa: E402

BASELINE = "baseline: GET products/shipping_classes (empty list)"


def product_fields() -> str:
    return ",".join(["id", *wire.wire_fields(Kind.PRODUCT)])


def variation_fields() -> str:
    return ",".join(["id", *wire.wire_fields(Kind.VARIATION)])


def list_params(fields: str, page: int = 1, **extra: Any) -> dict[str, Any]:
    return {"per_page": 100, "page": page, "orderby": "id", "order": "asc", "context": "edit", "_fields": fields,
            **extra}


@dataclass
class Timing:
    name: str
    times: list[float]

    @property
    def best_ms(self) -> float:
        return min(self.times) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


class Bench:
    """Times operations against one store; counts the requests it sends and checks the answers."""

    def __init__(self, client: WooClient, repeat: int) -> None:
        self.client = client
        self.repeat = repeat
        self.sent = 0
        self.problems: list[str] = []
        self.timings: list[Timing] = []

    async def time(self, name: str, op: Callable[[int], Awaitable[str | None]], *, requests: int = 1) -> None:
        """Run ``op(round)`` ``repeat`` times; ``op`` returns a problem or None; ``requests`` it sends each."""
        await op(-1)  # warm-up, untimed (the first call of an endpoint pays for imports and caches)
        self.sent += requests
        times = []
        for n in range(self.repeat):
            start = time.perf_counter()
            problem = await op(n)
            times.append(time.perf_counter() - start)
            self.sent += requests
            if problem:
                self.problems.append(f"{name}: {problem}")
        self.timings.append(Timing(name, times))

    async def get(self, path: str, params: dict[str, Any]) -> tuple[list[Any], int]:
        response = await self.client.request("GET", path, params=params)
        body = response.json()
        return (body if isinstance(body, list) else []), int(response.headers.get("X-WP-Total", "-1"))


def _expect(got: Any, want: Any, what: str) -> str | None:
    return None if got == want else f"{what}: got {got}, expected {want}"


async def small_store(bench: Bench) -> None:
    client = bench.client

    async def baseline(_: int) -> str | None:
        items, _total = await bench.get("products/shipping_classes", {"per_page": 1})
        return _expect(len(items), 0, "items")

    rounds = iter(range(1_000_000))

    async def create(_: int) -> str | None:
        r = next(rounds)
        body = {"create": [{"name": f"Batch product {r}-{i}", "sku": f"BENCH-{r}-{i}", "type": "simple",
                            "regular_price": f"{10 + i}.00", "description": f"<p>Product {i}</p>",
                            "meta_data": [{"key": "gtin", "value": str(i)}]} for i in range(100)]}
        answer = await client.post("products/batch", json=body)
        ids = [c.get("id") for c in answer.get("create", [])]
        return _expect(sum(1 for i in ids if i), 100, "products created")

    await bench.time(BASELINE, baseline)
    await bench.time("products/batch: create 100 simple products", create)
    listed, _ = await bench.get("products", list_params("id", per_page=100))
    ids = [p["id"] for p in listed]
    bench.sent += 1

    async def update(n: int) -> str | None:
        body = {"update": [{"id": pid, "regular_price": f"{20 + n + 1}.00"} for pid in ids]}
        answer = await client.post("products/batch", json=body)
        return _expect(sum(1 for u in answer.get("update", []) if u.get("id")), 100, "products updated")

    await bench.time("products/batch: update 100 prices", update)
    # a fresh parent per round: a 100-item batch into a parent that has no variations yet
    created = await client.post("products/batch", json={"create": [
        {"name": f"Variable {n}", "type": "variable", "sku": f"BENCH-VAR-{n}"} for n in range(bench.repeat + 1)]})
    parents = [c["id"] for c in created["create"]]
    bench.sent += 1

    async def variations(n: int) -> str | None:
        r = next(rounds)
        body = {"create": [{"sku": f"BENCH-VAR-{r}-{i}", "regular_price": "9.00"} for i in range(100)]}
        answer = await client.post(f"products/{parents[n + 1]}/variations/batch", json=body)
        return _expect(sum(1 for c in answer.get("create", []) if c.get("id")), 100, "variations created")

    await bench.time("products/{id}/variations/batch: create 100", variations)

    async def products_page(_: int) -> str | None:
        items, _total = await bench.get("products", list_params(product_fields(), status="any"))
        return _expect(len(items), 100, "products listed")

    async def variations_page(_: int) -> str | None:
        items, _total = await bench.get("variations", list_params(variation_fields()))
        return _expect(len(items), 100, "variations listed")

    await bench.time("GET products: 100-item page (wcsync's _fields)", products_page)
    await bench.time("GET variations: 100-item page (wcsync's _fields)", variations_page)


def fill_big_store(db_path: Path, simple: int, parents: int, each: int) -> None:
    """Write the big store straight into SQLite (what the sandbox's own scale test does)."""
    from wcsync.sandbox import db, store

    conn = db.open_db(db_path)
    stamp = "2031-01-01T00:00:00"
    with db.transaction(conn):
        for number in range(simple):
            props = store.load_defaults("product") | {"name": f"Simple {number}", "slug": f"simple-{number}",
                                                       "sku": f"S-{number}", "regular_price": str(number % 90 + 1)}
            store.save(conn, db.next_id(conn, "post"), "product", 0, props, created=stamp, modified=stamp,
                       price=props["regular_price"])
        for number in range(parents):
            parent_id = db.next_id(conn, "post")
            props = store.load_defaults("product") | {"name": f"Tee {number}", "slug": f"tee-{number}",
                                                       "type": "variable", "sku": f"T-{number}"}
            store.save(conn, parent_id, "product", 0, props, created=stamp, modified=stamp, price="")
            for size in range(each):
                variation = store.load_defaults("variation") | {"sku": f"T-{number}-{size}", "regular_price": "9"}
                store.save(conn, db.next_id(conn, "post"), "product_variation", parent_id, variation,
                           created=stamp, modified=stamp, price="9")
    conn.close()


async def big_store(bench: Bench, simple: int, parents: int, each: int) -> None:
    products, variations = simple + parents, parents * each
    deep = max(1, ceil_div(products, 100) // 2)
    last = max(1, ceil_div(variations, 100))

    async def baseline(_: int) -> str | None:
        items, _total = await bench.get("products/shipping_classes", {"per_page": 1})
        return _expect(len(items), 0, "items")

    async def first(_: int) -> str | None:
        items, total = await bench.get("products", list_params(product_fields(), status="any"))
        return _expect((len(items), total), (min(100, products), products), "(items, X-WP-Total)")

    async def deep_page(_: int) -> str | None:
        items, total = await bench.get("products", list_params(product_fields(), deep, status="any"))
        return _expect((len(items) > 0, total), (True, products), "(items listed, X-WP-Total)")

    async def last_variations(_: int) -> str | None:
        items, total = await bench.get("variations", list_params(variation_fields(), last))
        return _expect((len(items) > 0, total), (variations > 0, variations), "(items listed, X-WP-Total)")

    async def sku(_: int) -> str | None:
        wanted = f"S-{simple // 2},T-{parents // 2}" if simple and parents else "S-0"
        items, _total = await bench.get("products", {"sku": wanted, "_fields": "id,sku"})
        return _expect(len(items), len(wanted.split(",")), "SKUs found")

    await bench.time(BASELINE, baseline)
    await bench.time("GET products: first 100-item page", first)
    await bench.time(f"GET products: page {deep} of {ceil_div(products, 100)}", deep_page)
    await bench.time(f"GET variations: page {last} of {last} (store-wide)", last_variations)
    await bench.time("GET products?sku=A,B (SKU lookup)", sku)


async def run_store(server: SandboxServer, repeat: int, body: Callable[[Bench], Awaitable[None]]) -> Bench:
    server.reset_stats()
    async with WooClient(store_settings(server, concurrency=1)) as client:
        bench = Bench(client, repeat)
        await body(bench)
    counted = int(server.stats()["total"])
    if counted != bench.sent:
        bench.problems.append(f"the server counted {counted} requests, the benchmark sent {bench.sent}")
    return bench


def report(title: str, bench: Bench) -> str:
    base = next(t for t in bench.timings if t.name == BASELINE)
    rows = [[t.name, f"{t.best_ms:.1f}", f"{t.median_ms:.1f}", f"{t.best_ms / base.best_ms:.1f}x"]
            for t in bench.timings]
    return table([title, "best ms", "median ms", "x baseline"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the sandbox store's own speed.")
    parser.add_argument("--big-simple", type=int, default=25_000)
    parser.add_argument("--big-parents", type=int, default=5_000)
    parser.add_argument("--big-variations-each", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each operation (best and median shown)")
    parser.add_argument("--server", choices=["nodelay", "cli"], default="nodelay",
                        help="cli: run `wcsync sandbox serve` itself (see netbench.py)")
    args = parser.parse_args(argv)
    posts = args.big_simple + args.big_parents * (1 + args.big_variations_each)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="wcsync-bench-sandbox-") as tmp:
        with SandboxServer(Path(tmp) / "small.db", server=args.server) as server:
            small = asyncio.run(run_store(server, args.repeat, small_store))
        problems += small.problems
        print(report("small store, one request at a time", small))
        print()
        start = time.perf_counter()
        fill_big_store(Path(tmp) / "big.db", args.big_simple, args.big_parents, args.big_variations_each)
        filled = time.perf_counter() - start
        with SandboxServer(Path(tmp) / "big.db", server=args.server) as server:

            async def body(bench: Bench) -> None:
                await big_store(bench, args.big_simple, args.big_parents, args.big_variations_each)

            big = asyncio.run(run_store(server, args.repeat, body))
        problems += big.problems
        print(report(f"store of {posts:,} posts (filled in {filled:.1f} s)", big))
    print("\n(x baseline = best time / best time of the trivial request on the same store; "
          "times are reported, never judged)")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
