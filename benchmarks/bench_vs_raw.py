"""Benchmark of issue 14: wcsync against a hand-written raw batch script, in the same run, on the sandbox
behind a latency model fitted to the issue's figures of a real WooCommerce 11.0.1 store.

Run on demand, never by the test suite (its smoke test runs it at a tiny size with ``--scale 0``)::

    python benchmarks/bench_vs_raw.py [--products 1000] [--repeat 1] [--scale 1.0] [--workers 2]

The store: ``wcsync sandbox``'s application served by uvicorn in a child process on 127.0.0.1, behind
``ModelMiddleware``. Each request holds one of ``--workers`` store workers (PHP-FPM on 2 shared cores: the
store saturates at 2 in flight — 10 pages with 4 in flight take 2.7 s, 5 × a 486 ms page) for the time the
model gives it, times ``--scale``:

- every request 80 ms (``GET /wc/v3`` 85 ms, ``variations?per_page=1`` 94 ms);
- a list page + 4.0 ms per item returned (a page of 100 products with 3 fields: 486 ms), + 0.62 ms per item
  when ``_fields`` asks ``meta_data`` (wcsync's page of 42 fields with ``meta_data``: 542 ms), + 1.7 ms per item
  without ``_fields`` (649 ms);
- ``GET /wp-json/`` (the REST index) 142 ms; ``system_status`` 150 ms (not measured in the issue: a guess);
- ``POST …/batch``: + 42 ms per created item (1,000 creates in 10 batches with 4 in flight: 21.0 s), + 22 ms
  per updated item (1,000 price changes: 13.6 s with the reads), + 20 ms per deleted item;
- any other write + 30 ms.

Steps, each on the same store state for both sides (wcsync as ``wcsync apply --auto-approve --stats`` and
``wcsync plan --stats``, the raw script as ``raw_batch.py``; both in child processes): create ``--products``
simple products (name, SKU, price, 300-character description, one category, two meta keys) into an empty
store (its category made before, untimed); change every price; apply with nothing changed; plan. Reported:
wall times and their ratio (wcsync / raw), request counts from the server's own counters, the bound this
script computes for each side, and wcsync's own ``--stats`` line (its client-side counts and bound). The
run exits 1 when a count differs from the bound computed here (``--check-counts``, on by default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from netbench import SandboxServer, ceil_div, list_bound, run_on_loopback, table  # noqa: E402

import wcsync  # noqa: E402

CONTROL_PREFIX = "/__sandbox/"
DESCRIPTION = ("Benchmark product description. " * 10)[:300]

Message = MutableMapping[str, Any]


# -- the latency model (runs in the server's process) ------------------------------------------------------


@dataclass(frozen=True)
class Model:
    base: float = 0.080
    list_item: float = 0.0040
    list_item_meta: float = 0.00062
    list_item_all: float = 0.0017
    index: float = 0.142
    system_status: float = 0.150
    create_item: float = 0.042
    update_item: float = 0.022
    delete_item: float = 0.020
    single_write: float = 0.030

    def cost(self, method: str, path: str, query: str, body: bytes, answer: bytes) -> float:
        if path.rstrip("/") == "/wp-json":
            return self.index
        if path.endswith("/system_status"):
            return self.system_status
        if method == "GET":
            if not answer.startswith(b"["):
                return self.base
            try:
                items = len(json.loads(answer))
            except ValueError:
                return self.base
            fields = parse_qs(query).get("_fields", [""])[0]
            extra = self.list_item_all if not fields else self.list_item_meta if "meta_data" in fields else 0.0
            return self.base + items * (self.list_item + extra)
        if path.endswith("/batch"):
            try:
                sent = json.loads(body or b"{}")
            except ValueError:
                sent = {}
            sent = sent if isinstance(sent, dict) else {}
            return (self.base + len(sent.get("create") or ()) * self.create_item
                    + len(sent.get("update") or ()) * self.update_item
                    + len(sent.get("delete") or ()) * self.delete_item)
        return self.base + self.single_write


class ModelMiddleware:
    """Holds one of ``workers`` slots for the store's own work plus the model's time, then answers."""

    def __init__(self, app: Any, model: Model, *, scale: float, workers: int) -> None:
        self.app, self.model, self.scale, self.workers = app, model, scale, workers
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        body = bytearray()
        out: list[Message] = []

        async def recv() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
            return message

        async def keep(message: Message) -> None:
            out.append(message)

        async with self._slots:
            await self.app(scope, recv, keep)
            answer = b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body")
            query = scope.get("query_string", b"").decode("latin-1")
            delay = self.model.cost(scope["method"], scope["path"], query, bytes(body), answer) * self.scale
            if delay > 0:
                await asyncio.sleep(delay)
        for message in out:
            await send(message)


def serve(argv: list[str]) -> None:
    """The sandbox behind the latency model, like ``netbench.serve`` (plain HTTP, ``TCP_NODELAY``)."""


    from wcsync.sandbox.server import build_asgi

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--wc-version", default="11.0.1")
    parser.add_argument("--latency", type=float, default=0.0)  # netbench passes it; the model replaces it
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    store = build_asgi(args.db, wc_version=args.wc_version, control_token=os.environ.get("WCSYNC_SANDBOX_TOKEN") or None)
    app = ModelMiddleware(store, Model(), scale=args.scale, workers=args.workers)
    run_on_loopback(app, args.port, f"wcsync sandbox (latency model): WooCommerce {args.wc_version} store {args.db}")


# -- the catalogue, both ways -------------------------------------------------------------------------------

PROJECT_YAML = "ownership: marked\ndelete: trash\n"
CATEGORY_YAML = "categories:\n  - name: Benchmark\n    slug: bench\n"
META_YAML = "meta_fields:\n  - key: bench_color\n    type: string\n  - key: bench_origin\n    type: string\n"
SIZES = ("S", "M", "L", "XL")
ATTRIBUTE_YAML = ("attributes:\n  - name: Size\n    slug: size\n    terms:\n"
                  + "".join(f"      - name: \"{s}\"\n        slug: {s.lower()}\n" for s in SIZES))


@dataclass(frozen=True)
class Shape:
    """The benchmark catalogue: ``products`` products, every ``1/variable_every``-th one variable with
    ``variations`` variations (one per size; 0: all simple)."""

    products: int
    variable_every: int = 0
    variations: int = 4

    def is_variable(self, i: int) -> bool:
        return self.variable_every > 0 and i % self.variable_every == 1

    @property
    def variable(self) -> int:
        return sum(1 for i in range(self.products) if self.is_variable(i))

    @property
    def variation_count(self) -> int:
        return self.variable * self.variations

    @property
    def items(self) -> int:
        """Products and variations (what a price change writes: every simple price, every variation price)."""
        return self.products + self.variation_count

    @property
    def skus(self) -> int:
        return self.items

    def sizes(self) -> tuple[str, ...]:
        return SIZES[: self.variations]


def price(i: int, bump: int) -> str:
    return f"{10 + i % 90 + bump}.00"


def write_project(root: Path, shape: Shape, bump: int) -> None:
    """The wcsync project: the products in files of 100 (``products:`` lists)."""
    (root / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (root / "wcsync.yaml").write_text(PROJECT_YAML, encoding="utf-8")
    (root / "catalog" / "categories.yaml").write_text(CATEGORY_YAML, encoding="utf-8")
    (root / "catalog" / "meta-fields.yaml").write_text(META_YAML, encoding="utf-8")
    if shape.variable_every:
        (root / "catalog" / "attributes.yaml").write_text(ATTRIBUTE_YAML, encoding="utf-8")
    for old in (root / "catalog" / "products").glob("*.yaml"):
        old.unlink()
    for start in range(0, shape.products, 100):
        lines = ["products:"]
        for i in range(start, min(start + 100, shape.products)):
            variable = shape.is_variable(i)
            lines += [f"  - sku: BENCH-{i:06d}", f"    name: \"Benchmark product {i}\"",
                      f"    type: {'variable' if variable else 'simple'}", "    status: publish",
                      f"    description: \"{DESCRIPTION}\"", "    categories: [bench]", "    meta:",
                      f"      bench_color: \"c{i % 7}\"", f"      bench_origin: \"o{i % 3}\""]
            if not variable:
                lines.append(f"    regular_price: \"{price(i, bump)}\"")
                continue
            options = ", ".join(f'"{s}"' for s in shape.sizes())
            lines += ["    attributes:", "      - name: Size", f"        options: [{options}]",
                      "        variation: true", "    variations:"]
            for n, size in enumerate(shape.sizes()):
                lines += [f"      - sku: BENCH-{i:06d}-{size}", f"        attributes: {{Size: \"{size}\"}}",
                          f"        regular_price: \"{price(i + n, bump)}\""]
        (root / "catalog" / "products" / f"p-{start:06d}.yaml").write_text("\n".join(lines) + "\n",
                                                                          encoding="utf-8")


def write_wanted(path: Path, shape: Shape, bump: int, category_id: int, attribute_id: int) -> None:
    """The raw script's input: the same products as create payloads, variations under ``variations``."""
    wanted = []
    for i in range(shape.products):
        item: dict[str, Any] = {
            "sku": f"BENCH-{i:06d}", "name": f"Benchmark product {i}", "type": "simple", "status": "publish",
            "regular_price": price(i, bump), "description": DESCRIPTION, "categories": [{"id": category_id}],
            "meta_data": [{"key": "bench_color", "value": f"c{i % 7}"},
                          {"key": "bench_origin", "value": f"o{i % 3}"}]}
        if shape.is_variable(i):
            del item["regular_price"]
            item["type"] = "variable"
            item["attributes"] = [{"id": attribute_id, "options": list(shape.sizes()), "variation": True}]
            item["variations"] = [{"sku": f"BENCH-{i:06d}-{size}", "regular_price": price(i + n, bump),
                                   "attributes": [{"id": attribute_id, "option": size}]}
                                  for n, size in enumerate(shape.sizes())]
        wanted.append(item)
    path.write_text(json.dumps(wanted), encoding="utf-8")


# -- the bounds ------------------------------------------------------------------------------------------------


def raw_bound(step: str, shape: Shape) -> int:
    """Pages of the product list (and of the store-wide variations list when there are variable products);
    writes: one products batch per 100 products written, one variations batch per variable product."""
    live = step != "create"
    products, variations = (shape.products, shape.variation_count) if live else (0, 0)
    n = list_bound(products) + (list_bound(variations) if shape.variable_every else 0)
    if step == "create":
        n += ceil_div(shape.products, 100) + shape.variable * ceil_div(shape.variations, 100)
    elif step == "price change":
        n += ceil_div(shape.products - shape.variable, 100) + shape.variable * ceil_div(shape.variations, 100)
    return n


def wcsync_read_bound(shape: Shape, live: bool, checks: int = 2) -> int:
    """What wcsync has to read to plan this catalogue (see ``wcsync.store.budget``): 2 store checks,
    1 category page, 1 brand page, tags, shipping classes, attributes, the terms of the one attribute (when the
    catalogue has variable products), the product pages, store-wide variations, and the trash only when some of
    the wanted SKUs are not live (it can hold them)."""
    products, variations = (shape.products, shape.variation_count) if live else (0, 0)
    terms = 1 if shape.variable_every else 0
    return (checks + 1 + 1 + 1 + 1 + 1 + terms + list_bound(products) + list_bound(variations)
            + (0 if live else 1))


def wcsync_bound(step: str, shape: Shape, live: bool) -> dict[str, int]:
    bound = {"read": wcsync_read_bound(shape, live)}
    if step == "create":
        bound["write"] = ceil_div(shape.products, 100) + shape.variable * ceil_div(shape.variations, 100)
    elif step == "price change":  # the simple products' prices, every variation's (a variable parent has none)
        bound["write"] = (ceil_div(shape.products - shape.variable, 100)
                          + shape.variable * ceil_div(shape.variations, 100))
    if "write" in bound:
        # the store's apply lock (wcsync.store.lock): create, products (and variations, when some are written)
        # modified since the read, release
        bound["lock"] = 4 if shape.variable else 3
        bound["verify"] = 0  # the store's answers to the batches prove convergence: nothing is re-read
    return bound


# -- running -----------------------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    requests: int
    bound: int
    client: str = ""
    #: the child process's CPU time (user + system), the client's own share of the wall time
    cpu: float = 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Bench:
    def __init__(self, server: SandboxServer, work: Path, shape: Shape) -> None:
        self.server, self.work, self.shape = server, work, shape
        self.env = {**os.environ, "WCSYNC_CONSUMER_KEY": server.consumer_key,
                    "WCSYNC_CONSUMER_SECRET": server.consumer_secret, "WCSYNC_URL": server.base_url}
        self.env.pop("WCSYNC_AUTH", None)
        self.project = work / "project"
        self.cpu = 0.0

    def _wcsync(self, *args: str) -> tuple[float, str]:
        cmd = [sys.executable, "-m", "wcsync.cli.main", *args, "--project", str(self.project), "--stats"]
        started = time.perf_counter()
        done = subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode not in (0, 2):
            raise SystemExit(f"wcsync {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
        line = next((ln for ln in done.stderr.splitlines() if ln.startswith("requests: ")), "")
        return seconds, line

    def _raw(self, wanted: Path, *extra: str) -> tuple[float, dict[str, int]]:
        cmd = [sys.executable, str(HERE / "raw_batch.py"), self.server.base_url, str(wanted), *extra]
        started = time.perf_counter()
        done = subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"raw_batch.py exited {done.returncode}:\n{done.stderr[-3000:]}")
        counts: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
        return seconds, counts

    def _fresh_store(self) -> tuple[int, int]:
        """An empty store with the benchmark's category (and size attribute with its terms), made by wcsync
        (untimed: a catalogue of one simple product, which is then deleted for good, since wcsync refuses an
        empty catalogue); the category's and the attribute's ids (0: none)."""
        import httpx
        from netbench import store_settings

        from wcsync.store.auth import build_auth

        self.server.reset_store()
        write_project(self.project, Shape(1, self.shape.variable_every, self.shape.variations), 0)
        self._wcsync("apply", "--auto-approve")
        auth = build_auth(store_settings(self.server), self.server.base_url)
        with httpx.Client(base_url=self.server.base_url + "/wp-json/wc/v3/", timeout=60, auth=auth) as http:
            for product in http.get("products", params={"_fields": "id"}).raise_for_status().json():
                http.delete(f"products/{product['id']}", params={"force": "true"}).raise_for_status()
            found = http.get("products/categories", params={"slug": "bench"}).raise_for_status()
            attributes = http.get("products/attributes").raise_for_status().json()
            attribute = next((int(a["id"]) for a in attributes if a.get("slug") == "pa_size"), 0)
            return int(found.json()[0]["id"]), attribute

    def _measure(self, fn: Callable[[], Any]) -> tuple[float, Any, int]:
        self.server.reset_stats()
        before = _children_cpu()
        seconds, detail = fn()
        self.cpu = _children_cpu() - before
        return seconds, detail, int(self.server.stats()["total"])

    def wcsync_steps(self) -> dict[str, Run]:
        self._fresh_store()
        out: dict[str, Run] = {}
        for step, bump, args in (
            ("create", 0, ("apply", "--auto-approve")),
            ("price change", 1, ("apply", "--auto-approve")),
            ("no-op apply", 1, ("apply", "--auto-approve")),
            ("plan", 1, ("plan",)),
        ):
            write_project(self.project, self.shape, bump)
            seconds, line, sent = self._measure(lambda a=args: self._wcsync(*a))  # type: ignore[misc]
            bound = sum(wcsync_bound(step, self.shape, step != "create").values())
            out[step] = Run(seconds, sent, bound, line, self.cpu)
        return out

    def raw_steps(self) -> dict[str, Run]:
        category, attribute = self._fresh_store()
        out: dict[str, Run] = {}
        wanted = self.work / "wanted.json"
        written = {"create": self.shape.items, "price change": self.shape.items - self.shape.variable,
                   "no-op apply": 0}
        for step, bump, extra in (
            ("create", 0, ()),
            ("price change", 1, ()),
            ("no-op apply", 1, ()),
            ("plan", 1, ("--read-only",)),
        ):
            write_wanted(wanted, self.shape, bump, category, attribute)
            seconds, counts, sent = self._measure(lambda e=extra, w=wanted: self._raw(w, *e))  # type: ignore[misc]
            writes = counts["created"] + counts["updated"]
            if step != "plan" and writes != written[step]:
                raise SystemExit(f"raw script, {step}: {writes} writes, expected {written[step]}")
            out[step] = Run(seconds, sent, raw_bound(step, self.shape), cpu=self.cpu)
        return out


STEPS = ("create", "price change", "no-op apply", "plan")


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--variable-every", type=int, default=2,
                        help="every N-th product is variable (default 2: half of them; 0: all simple)")
    parser.add_argument("--variations", type=int, default=4, help="variations per variable product (1-4)")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs; the median counts")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the model's times (0: no latency)")
    parser.add_argument("--workers", type=int, default=2, help="requests the store serves at once")
    parser.add_argument("--no-check-counts", dest="check_counts", action="store_false")
    args = parser.parse_args(argv)
    shape = Shape(args.products, args.variable_every, max(1, min(args.variations, len(SIZES))))
    work = Path(tempfile.mkdtemp(prefix="wcsync-bench-raw-"))
    # wcsync's bytecode, as `pip install` compiles it: an editable checkout where PYTHONDONTWRITEBYTECODE is
    # set (CI images, this machine) would otherwise compile every module again in every command (~0.3 s each)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(wcsync.__file__).parent)], check=True,
                   capture_output=True)
    child = [sys.executable, str(Path(__file__).resolve()), "serve", "--scale", str(args.scale),
             "--workers", str(args.workers)]
    runs: dict[str, list[dict[str, Run]]] = {"raw": [], "wcsync": []}
    with SandboxServer(work / "store.db", child=child) as server:
        bench = Bench(server, work, shape)
        for _ in range(args.repeat):
            runs["raw"].append(bench.raw_steps())
            runs["wcsync"].append(bench.wcsync_steps())
    kinds = (f"{shape.products - shape.variable:,} simple + {shape.variable:,} variable products with "
             f"{shape.variation_count:,} variations" if shape.variable else f"{shape.products:,} simple products")
    print(f"store: {kinds}; latency model ×{args.scale:g}, {args.workers} store "
          f"workers; median of {args.repeat} interleaved run(s)")
    rows = []
    problems = []
    for step in STEPS:
        raw = [r[step] for r in runs["raw"]]
        mine = [r[step] for r in runs["wcsync"]]
        raw_s = statistics.median(r.seconds for r in raw)
        mine_s = statistics.median(r.seconds for r in mine)
        ratio = mine_s / raw_s if raw_s else float("nan")
        raw_cpu = statistics.median(r.cpu for r in raw)
        mine_cpu = statistics.median(r.cpu for r in mine)
        rows.append([step, f"{raw_s:.1f} s", f"{mine_s:.1f} s", f"{ratio:.2f}x",
                     f"{raw[-1].requests} / {mine[-1].requests}", f"{raw[-1].bound} / {mine[-1].bound}",
                     f"{raw_cpu:.1f} / {mine_cpu:.1f} s"])
        for side, run in (("raw", raw[-1]), ("wcsync", mine[-1])):
            if run.requests != run.bound:
                problems.append(f"{side}, {step}: {run.requests} requests, bound {run.bound}")
    print(table(["step", "raw batch script", "wcsync", "ratio", "requests (raw / wcsync)",
                 "bound (raw / wcsync)", "client CPU (raw / wcsync)"], rows))
    print()
    for step in STEPS:
        print(f"wcsync --stats, {step}: {runs['wcsync'][-1][step].client}")
    if problems:
        print("\nrequest counts off their bound:\n  " + "\n  ".join(problems))
        return 1 if args.check_counts else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
