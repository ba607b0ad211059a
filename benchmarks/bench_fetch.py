"""Benchmark: reading a whole store (``wcsync.store.fetch.fetch_live_state``) over real HTTP with latency.

Run on demand, never by the test suite (its smoke test runs it at a tiny size)::

    python benchmarks/bench_fetch.py [--products 2000] [--variations-each 4] [--latency 50] [--concurrency 4]
                                     [--wc-versions 11.0.1,9.8] [--repeat 1]

A sandbox store (``wcsync sandbox serve`` in a child process on 127.0.0.1) is filled once, without latency,
through the REST API: ``--products`` products, half of them variable with ``--variations-each`` variations,
plus categories, tags, shipping classes and two global attributes with terms. Then, for each WooCommerce
version (11.0.1 has the store-wide ``GET /wc/v3/variations``; 9.8 needs one variation list per variable
product), a server with ``--latency`` ms per request serves the same database and ``fetch_live_state`` reads
it through ``WooClient`` (OAuth 1.0a over plain HTTP), once with ``--concurrency`` and once with
concurrency 1 — the baseline of the same run.

Reported, all from the server's own counters (``/__sandbox/stats``):

- requests per list against the lower bound (⌈n/100⌉ per list, at least 1; one list per variable product on
  old stores; the store checks: the ``variations?per_page=1`` probe and ``system_status``, plus the REST index on
  old stores, where the probe answers 404) and their ratio — the design
  target is ≤ 1.10 (design.md §7); the run exits 1 when it is missed or when the state read is incomplete;
- wall time against the latency model ``requests × latency / concurrency`` (ratio), and the speed-up of
  ``--concurrency`` over concurrency 1 against the ideal speed-up. Times are reported, never judged.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from netbench import SandboxServer, list_bound, store_settings, table  # noqa: E402

from wcsync.core.records import LiveState  # noqa: E402
from wcsync.store.client import WooClient  # noqa: E402
from wcsync.store.concurrent import gather_all  # noqa: E402
from wcsync.store.fetch import fetch_live_state  # noqa: E402

COLORS = ["Red", "Blue", "Navy", "Green", "Black", "White", "Grey", "Sand", "Ochre", "Slate"]
SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]
API = "/wp-json/wc/v3/"


@dataclass(frozen=True)
class Shape:
    """What the benchmark store holds."""

    products: int
    variations_each: int
    categories: int = 30
    tags: int = 12
    shipping_classes: int = 3

    @property
    def variable(self) -> int:
        return self.products // 2 if self.variations_each else 0

    @property
    def variations(self) -> int:
        return self.variable * self.variations_each

    @property
    def terms(self) -> dict[str, int]:
        return {"color": len(COLORS), "size": len(SIZES)}

    def combos(self) -> list[tuple[str, str]]:
        pairs = [(c, s) for s in SIZES for c in COLORS]
        if self.variations_each > len(pairs):
            raise SystemExit(f"--variations-each is at most {len(pairs)}")
        return pairs[: self.variations_each]


# --- filling the store ------------------------------------------------------------------------------------


async def _batches(client: WooClient, path: str, items: list[dict[str, Any]]) -> list[int]:
    chunks = [items[i : i + 100] for i in range(0, len(items), 100)]
    answers = await gather_all(client.batch(path, create=chunk) for chunk in chunks)
    ids: list[int] = []
    for answer in answers:
        for result in answer.create:
            if not result.ok or not result.id:
                raise SystemExit(f"filling the store failed at {path}: {result}")
            ids.append(result.id)
    return ids


async def fill_store(client: WooClient, shape: Shape) -> None:
    """Create the benchmark catalogue through the REST API (batches of 100)."""
    categories = await _batches(client, "products/categories/batch",
                                [{"name": f"Category {i}"} for i in range(shape.categories)])
    tags = await _batches(client, "products/tags/batch", [{"name": f"Tag {i}"} for i in range(shape.tags)])
    await _batches(client, "products/shipping_classes/batch",
                   [{"name": f"Shipping class {i}"} for i in range(shape.shipping_classes)])
    color, size = await _batches(client, "products/attributes/batch",
                                 [{"name": "Color", "slug": "color"}, {"name": "Size", "slug": "size"}])
    await _batches(client, f"products/attributes/{color}/terms/batch", [{"name": c} for c in COLORS])
    await _batches(client, f"products/attributes/{size}/terms/batch", [{"name": s} for s in SIZES])
    combos = shape.combos() if shape.variations_each else []
    used_colors = list(dict.fromkeys(c for c, _ in combos))
    used_sizes = list(dict.fromkeys(s for _, s in combos))
    products: list[dict[str, Any]] = []
    for i in range(shape.products):
        body: dict[str, Any] = {
            "name": f"Benchmark product {i}",
            "sku": f"B-{i:06d}",
            "status": "publish",
            "description": f"<p>Product {i}</p>",
            "categories": [{"id": categories[i % len(categories)]}],
            "tags": [{"id": tags[i % len(tags)]}],
            "meta_data": [{"key": "gtin", "value": f"{7045210000000 + i}"}],
        }
        if i < shape.variable:
            body["type"] = "variable"
            body["attributes"] = [
                {"id": color, "options": used_colors, "variation": True, "visible": True},
                {"id": size, "options": used_sizes, "variation": True, "visible": True},
            ]
        else:
            body.update(type="simple", regular_price=f"{10 + i % 90}.00")
        products.append(body)
    ids = await _batches(client, "products/batch", products)
    await gather_all(
        _batches(client, f"products/{pid}/variations/batch", [
            {"sku": f"B-{i:06d}-{n}", "regular_price": f"{10 + (i + n) % 90}.00",
             "attributes": [{"id": color, "option": c}, {"id": size, "option": s}]}
            for n, (c, s) in enumerate(combos)
        ])
        for i, pid in enumerate(ids[: shape.variable])
    )


# --- counting ---------------------------------------------------------------------------------------------


def bucket(entry: dict[str, Any]) -> str:
    """The list (or check) a logged request belongs to."""
    path: str = entry["path"]
    query = parse_qs(entry.get("query") or "")
    rest = path[len(API):] if path.startswith(API) else path
    probe = rest == "variations" and query.get("per_page") == ["1"]
    if path.rstrip("/") == "/wp-json" or path.endswith("/system_status") or probe:
        return "store checks (probe, REST index, system_status)"
    parts = rest.strip("/").split("/")
    if rest == "products":
        return "products (trash)" if query.get("status") == ["trash"] else "products (status=any)"
    if rest == "variations":
        return "variations (store-wide list)"
    if len(parts) == 3 and parts[0] == "products" and parts[2] == "variations":
        return "variations (one list per variable product)"
    if len(parts) == 4 and parts[:2] == ["products", "attributes"] and parts[3] == "terms":
        return "attribute terms"
    if rest in ("products/categories", "products/brands", "products/tags", "products/shipping_classes",
                "products/attributes"):
        return rest.split("/")[1].replace("_", " ")
    return f"other: {entry['method']} {path}"


def lower_bounds(shape: Shape, store_wide_variations: bool) -> dict[str, int]:
    bounds = {
        # the variations probe and system_status; older stores answer the probe 404, then the REST index
        "store checks (probe, REST index, system_status)": 2 if store_wide_variations else 3,
        "categories": list_bound(shape.categories + 1),  # + WooCommerce's "Uncategorized"
        "brands": 1,  # the benchmark's store has none: one empty page
        "tags": list_bound(shape.tags),
        "shipping classes": list_bound(shape.shipping_classes),
        "attributes": 1,
        "attribute terms": sum(list_bound(n) for n in shape.terms.values()),
        "products (status=any)": list_bound(shape.products),
        "products (trash)": 1,
    }
    if store_wide_variations:
        bounds["variations (store-wide list)"] = list_bound(shape.variations)
    elif shape.variable:
        bounds["variations (one list per variable product)"] = shape.variable * list_bound(shape.variations_each)
    return bounds


def check_state(state: LiveState, shape: Shape) -> list[str]:
    """What the fetched state lacks (a benchmark of an incomplete read would measure nothing)."""
    wanted = {
        "products": (len(state.products), shape.products),
        "variations": (len(state.variations), shape.variations),
        "categories": (len(state.categories), shape.categories + 1),
        "tags": (len(state.tags), shape.tags),
        "shipping classes": (len(state.shipping_classes), shape.shipping_classes),
        "attributes": (len(state.attributes), 2),
        "attribute terms": (len(state.terms), sum(shape.terms.values())),
    }
    return [f"{name}: read {got:,}, the store has {want:,}" for name, (got, want) in wanted.items() if got != want]


@dataclass
class Run:
    wc_version: str
    concurrency: int
    requests: int
    walls: list[float] = field(default_factory=list)
    per_bucket: dict[str, int] = field(default_factory=dict)
    max_in_flight: int = 0

    @property
    def wall(self) -> float:
        return min(self.walls)


async def _fetch_once(server: SandboxServer, concurrency: int) -> tuple[LiveState, float, int]:
    async with WooClient(store_settings(server, concurrency=concurrency)) as client:
        start = time.perf_counter()
        state = await fetch_live_state(client)
        wall = time.perf_counter() - start
        return state, wall, client.max_in_flight


def measure(server: SandboxServer, shape: Shape, concurrency: int, repeat: int) -> tuple[Run, list[str]]:
    run: Run | None = None
    problems: list[str] = []
    for _ in range(repeat):
        server.reset_stats()
        state, wall, in_flight = asyncio.run(_fetch_once(server, concurrency))
        stats = server.stats(log=True)
        counted: dict[str, int] = {}
        for entry in stats["log"]:
            name = bucket(entry)
            counted[name] = counted.get(name, 0) + 1
        if run is None:
            run = Run(server.wc_version, concurrency, int(stats["total"]), per_bucket=counted,
                      max_in_flight=in_flight)
        elif int(stats["total"]) != run.requests:
            problems.append(f"request count changed between repeats: {run.requests} then {stats['total']}")
        run.walls.append(wall)
        problems += check_state(state, shape)
    assert run is not None
    return run, problems


def report_counts(run: Run, bounds: dict[str, int]) -> float:
    rows = []
    for name in [*bounds, *sorted(set(run.per_bucket) - set(bounds))]:
        got, bound = run.per_bucket.get(name, 0), bounds.get(name, 0)
        rows.append([name, got, bound, f"{got / bound:.2f}" if bound else "—"])
    total_bound = sum(bounds.values())
    ratio = run.requests / total_bound
    rows.append(["total", run.requests, total_bound, f"{ratio:.2f}"])
    print(table(["requests (WooCommerce " + run.wc_version + ")", "sent", "lower bound", "ratio"], rows))
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark fetch_live_state over HTTP with latency.")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--variations-each", type=int, default=4, help="variations per variable product")
    parser.add_argument("--latency", type=float, default=50.0, help="ms the server adds to every request")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--wc-versions", default="11.0.1,9.8", help="comma list of WooCommerce versions")
    parser.add_argument("--repeat", type=int, default=1, help="fetches per setting; the best time counts")
    parser.add_argument("--max-request-ratio", type=float, default=1.10,
                        help="exit 1 when requests / lower bound exceeds this (design.md §7: 1.10)")
    parser.add_argument("--server", choices=["nodelay", "cli"], default="nodelay",
                        help="cli: run `wcsync sandbox serve` itself (see netbench.py)")
    args = parser.parse_args(argv)
    shape = Shape(args.products, args.variations_each)
    versions = [v.strip() for v in args.wc_versions.split(",") if v.strip()]

    failures: list[str] = []
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="wcsync-bench-fetch-") as tmp:
        db = Path(tmp) / "store.db"
        with SandboxServer(db, server=args.server) as filler:
            start = time.perf_counter()

            async def fill() -> None:
                async with WooClient(store_settings(filler, concurrency=4)) as client:
                    await fill_store(client, shape)

            asyncio.run(fill())
            print(f"store: {shape.products:,} products ({shape.variable:,} variable), {shape.variations:,} "
                  f"variations, {shape.categories + 1} categories, {shape.tags} tags — filled in "
                  f"{time.perf_counter() - start:.1f} s (no latency)")
        print(f"latency {args.latency:g} ms per request; concurrency {args.concurrency} and 1 (baseline)\n")
        for version in versions:
            with SandboxServer(db, wc_version=version, latency_ms=args.latency, server=args.server) as server:
                store_wide = _store_wide(version)
                bounds = lower_bounds(shape, store_wide)
                asyncio.run(_fetch_once(server, args.concurrency))  # warm-up (connections, caches): untimed
                for concurrency in dict.fromkeys([args.concurrency, 1]):
                    run, problems = measure(server, shape, concurrency, args.repeat)
                    runs.append(run)
                    failures += [f"WooCommerce {version}, concurrency {concurrency}: {p}" for p in problems]
                    if concurrency == args.concurrency:
                        ratio = report_counts(run, bounds)
                        if ratio > args.max_request_ratio:
                            failures.append(f"WooCommerce {version}: {run.requests} requests, "
                                            f"{ratio:.2f}x the lower bound (target ≤ {args.max_request_ratio})")
                    elif run.requests != runs[-2].requests:
                        failures.append(f"WooCommerce {version}: concurrency 1 sent {run.requests} requests, "
                                        f"concurrency {args.concurrency} sent {runs[-2].requests}")
                print()
    print(report_times(runs, args.latency, args.concurrency))
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _store_wide(version: str) -> bool:
    numbers = [int(p) for p in version.split(".")[:2] if p.isdigit()]
    return tuple(numbers) >= (10, 3)


def report_times(runs: list[Run], latency_ms: float, concurrency: int) -> str:
    rows = []
    by_version: dict[str, dict[int, Run]] = {}
    for run in runs:
        by_version.setdefault(run.wc_version, {})[run.concurrency] = run
        model = run.requests * latency_ms / 1000 / run.concurrency
        rows.append([f"WooCommerce {run.wc_version}, concurrency {run.concurrency}", run.requests,
                     run.max_in_flight, f"{run.wall:.2f} s", f"{model:.2f} s",
                     f"{run.wall / model:.2f}" if model else "—"])
    out = table(["fetch_live_state", "requests", "max in flight", "wall", "model", "wall / model"], rows)
    lines = [out, ""]
    for version, by_c in by_version.items():
        if 1 in by_c and concurrency in by_c and concurrency != 1:
            speedup = by_c[1].wall / by_c[concurrency].wall
            ideal = concurrency * by_c[1].requests / by_c[concurrency].requests
            lines.append(f"WooCommerce {version}: concurrency {concurrency} is {speedup:.2f}x faster than "
                         f"concurrency 1 (ideal {ideal:.2f}x; {speedup / ideal:.0%} of ideal)")
    lines.append("(model = requests x latency / concurrency; times are reported, never judged)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
