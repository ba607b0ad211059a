"""Benchmark: applying a generated catalogue to an empty store over real HTTP with latency.

Run on demand, never by the test suite (its smoke test runs it at a tiny size)::

    python benchmarks/bench_apply.py [--products 2000] [--variations 4000] [--latency 50] [--concurrency 4]
                                     [--naive-share 0.1]

The catalogue is ``gen_catalog.py``'s (image URLs moved from ``cdn.example.com``, which the sandbox treats as
unreachable like the recorded store did, to ``cdn.wcsync-bench.test``). A sandbox store (uvicorn in a child
process on 127.0.0.1, ``--latency`` ms per request) is read, planned against and written with wcsync's own
pieces: ``fetch_live_state`` → ``build_plan`` → ``wcsync.engine.execute`` through ``StoreWriter``.

Reported, with request counts from the server's own counters (``/__sandbox/stats``):

- batch requests per stage against the lower bound ``⌈items/100⌉`` per batch endpoint (variations and terms
  have one endpoint per parent) and their ratio — the design target is ≤ 1.10 (design.md §7); the run exits
  1 when a stage misses it, when an item fails, or when planning again after the apply still finds changes.
  The items of a stage are the writes the executor hands to the writer; the "second pass" stages (links to
  products created in the run, and the ``_wcsync`` image map of freshly uploaded images) are their own
  stages, and the same counts are also shown against ``⌈changes/100⌉`` of the plan per kind;
- wall time against the latency model ``requests × latency / concurrency`` (ratio);
- the naive baseline of the same run: the first ``--naive-share`` of the catalogue (a generated catalogue
  of that size) applied to the emptied store with one request per item (``StoreWriter(batch_size=1)``, same
  concurrency), its product + variation time scaled to the full catalogue, against the batched run's
  product + variation time: the speed-up of batching as a ratio. Times are reported, never judged.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_catalog import generate  # noqa: E402
from netbench import SandboxServer, ceil_div, store_settings, table  # noqa: E402

from wcsync.core.kinds import Kind  # noqa: E402
from wcsync.core.plan import Plan, StoreRef  # noqa: E402
from wcsync.core.records import DesiredState  # noqa: E402
from wcsync.engine import ApplyResult, Op, Status, WriteOp, WriteResult, execute  # noqa: E402
from wcsync.store.client import WooClient  # noqa: E402
from wcsync.store.fetch import fetch_live_state  # noqa: E402
from wcsync.store.payload import ENCODER  # noqa: E402
from wcsync.store.writer import StoreWriter  # noqa: E402

IMAGE_HOST = "cdn.wcsync-bench.test"


def make_project(root: Path, products: int, variations: int) -> tuple[DesiredState, Any]:
    """Generate the catalogue, point its images at a host the sandbox accepts, load it."""
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project, plan_settings

    generate(root, products, variations)
    for path in (root / "catalog").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "cdn.example.com" in text:
            path.write_text(text.replace("cdn.example.com", IMAGE_HOST), encoding="utf-8")
    project = load_project(root)
    loaded = load_catalog(root, project)
    if loaded.desired is None or not loaded.ok:
        shown = "\n".join(f"  {d}" for d in loaded.errors[:10])
        raise SystemExit(f"the generated catalogue does not validate:\n{shown}")
    return loaded.desired, plan_settings(project)


@dataclass
class Phase:
    name: str
    kind: Kind | None = None
    #: items handed to the writer, and the lower bound of their requests
    items: int = 0
    bound: int = 0
    requests: int = 0
    seconds: float = 0.0
    started_at: int = 0
    clock: float = 0.0


@dataclass
class Recorder:
    """Executor progress + writer wrapper: splits the run into phases (a stage, or its second pass) and notes
    what each phase asked the writer to write and how many requests the server counted meanwhile."""

    server: SandboxServer
    inner: StoreWriter
    phases: list[Phase] = field(default_factory=list)

    def _open(self, name: str) -> None:
        self._close()
        self.phases.append(Phase(name, started_at=self.server.stats()["total"], clock=time.perf_counter()))

    def _close(self) -> None:
        if self.phases and not self.phases[-1].seconds:
            phase = self.phases[-1]
            phase.seconds = time.perf_counter() - phase.clock
            phase.requests = self.server.stats()["total"] - phase.started_at

    def stage_started(self, name: str, items: int) -> None:
        self._open(name)

    def stage_done(self, name: str, applied: int, failed: int) -> None:
        self._close()

    def finish(self) -> None:
        self._close()

    async def write(self, kind: Kind, ops: Sequence[WriteOp]) -> list[WriteResult]:
        phase = self.phases[-1]
        phase.kind = kind
        batched = sum(1 for op in ops if op.op is not Op.TRASH)
        phase.items += len(ops)
        # one endpoint per call (the executor groups by parent); a trash is one request per item
        phase.bound += ceil_div(batched, self.inner.batch_size) + (len(ops) - batched)
        return await self.inner.write(kind, ops)


@dataclass
class ApplyRun:
    plan: Plan
    result: ApplyResult
    phases: list[Phase]
    wall: float
    requests: int
    batch_size: int


async def apply_once(server: SandboxServer, desired: DesiredState, psettings: Any, *, concurrency: int,
                     batch_size: int | None = None) -> ApplyRun:
    from wcsync.core.planner import build_plan

    async with WooClient(store_settings(server, concurrency=concurrency)) as client:
        live = await fetch_live_state(client)
        plan = build_plan(desired, live, psettings, store=StoreRef(name="bench", url=server.base_url))
        writer = StoreWriter(client, batch_size=batch_size)
        recorder = Recorder(server, writer)
        before = server.stats()["total"]
        start = time.perf_counter()
        result = await execute(plan, recorder, encoder=ENCODER, progress=recorder)
        wall = time.perf_counter() - start
        recorder.finish()
        requests = server.stats()["total"] - before
    return ApplyRun(plan, result, [p for p in recorder.phases if p.items or p.requests], wall, requests,
                    writer.batch_size)


async def remaining_changes(server: SandboxServer, desired: DesiredState, psettings: Any) -> Plan:
    from wcsync.core.planner import build_plan

    async with WooClient(store_settings(server)) as client:
        live = await fetch_live_state(client)
        return build_plan(desired, live, psettings, store=StoreRef(name="bench", url=server.base_url))


def _item_problems(run: ApplyRun, label: str) -> list[str]:
    bad = [i for i in run.result.items if i.status is not Status.APPLIED or i.followup_error]
    return [f"{label}: {i.kind.value} {i.key}: {i.status.value} {i.error or i.followup_error or ''}".rstrip()
            for i in bad[:10]]


def _is_item_phase(phase: Phase) -> bool:
    return phase.kind in (Kind.PRODUCT, Kind.VARIATION)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark apply (batches) over HTTP with latency.")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--variations", type=int, default=4000)
    parser.add_argument("--latency", type=float, default=50.0, help="ms the server adds to every request")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--naive-share", type=float, default=0.1,
                        help="share of the catalogue applied one request per item for the baseline")
    parser.add_argument("--max-request-ratio", type=float, default=1.10,
                        help="exit 1 when a stage's requests / lower bound exceeds this (design.md §7: 1.10)")
    parser.add_argument("--server", choices=["nodelay", "cli"], default="nodelay",
                        help="cli: run `wcsync sandbox serve` itself (see netbench.py)")
    args = parser.parse_args(argv)
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="wcsync-bench-apply-") as tmp:
        desired, psettings = make_project(Path(tmp) / "full", args.products, args.variations)
        sub_products = max(2, round(args.products * args.naive_share))
        sub_variations = round(args.variations * sub_products / args.products) if args.products else 0
        small, small_settings = make_project(Path(tmp) / "naive", sub_products, sub_variations)
        with SandboxServer(Path(tmp) / "store.db", latency_ms=args.latency, server=args.server) as server:
            naive = asyncio.run(apply_once(server, small, small_settings, concurrency=args.concurrency,
                                           batch_size=1))
            failures += _item_problems(naive, "naive baseline")
            server.reset_store()
            run = asyncio.run(apply_once(server, desired, psettings, concurrency=args.concurrency))
            failures += _item_problems(run, "apply")
            left = asyncio.run(remaining_changes(server, desired, psettings))
            if left.changes:
                failures.append(f"planning again after the apply still finds {len(left.changes)} change(s), e.g. "
                                + ", ".join(f"{c.kind.value} {c.key}" for c in left.changes[:5]))

    print(f"catalogue: {args.products:,} products, {args.variations:,} variations → plan: {run.plan.summary()}")
    print(f"latency {args.latency:g} ms per request, concurrency {args.concurrency}, batch size {run.batch_size}\n")
    rows = []
    for phase in run.phases:
        ratio = phase.requests / phase.bound if phase.bound else float("inf")
        rows.append([phase.name, phase.items, phase.requests, phase.bound, f"{ratio:.2f}", f"{phase.seconds:.2f} s"])
        if ratio > args.max_request_ratio:
            failures.append(f"stage {phase.name!r}: {phase.requests} requests for {phase.items} items, "
                            f"{ratio:.2f}x the lower bound {phase.bound} (target ≤ {args.max_request_ratio})")
    bound = sum(p.bound for p in run.phases)
    rows.append(["total", sum(p.items for p in run.phases), run.requests, bound, f"{run.requests / bound:.2f}",
                 f"{run.wall:.2f} s"])
    print(table(["stage", "items", "requests", "⌈items/100⌉", "ratio", "wall"], rows))
    print()
    print(_per_kind(run))
    print()
    model = run.requests * args.latency / 1000 / args.concurrency
    print(f"wall {run.wall:.2f} s vs latency model {model:.2f} s (requests x latency / concurrency): "
          f"ratio {run.wall / model:.2f}" if model else f"wall {run.wall:.2f} s")
    print(_naive_report(run, naive))
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _per_kind(run: ApplyRun) -> str:
    """The same requests per kind (all passes) against ⌈changes/100⌉ per endpoint of the plan."""
    changes: dict[Kind, dict[str, int]] = {}
    for change in run.plan.changes:
        endpoint = change.parent_key or "" if change.kind in (Kind.VARIATION, Kind.TERM) else ""
        if change.kind is Kind.CATEGORY:
            endpoint = str(change.key.count("/"))  # one stage per depth
        changes.setdefault(change.kind, {}).setdefault(endpoint, 0)
        changes[change.kind][endpoint] += 1
    requests: dict[Kind, int] = {}
    for phase in run.phases:
        if phase.kind is not None:
            requests[phase.kind] = requests.get(phase.kind, 0) + phase.requests
    rows = []
    for kind, per_endpoint in changes.items():
        bound = sum(ceil_div(n, run.batch_size) for n in per_endpoint.values())
        sent = requests.get(kind, 0)
        rows.append([kind.value, sum(per_endpoint.values()), sent, bound, f"{sent / bound:.2f}"])
    return table(["kind (all passes)", "plan changes", "requests", "⌈changes/100⌉", "ratio"], rows)


def _naive_report(run: ApplyRun, naive: ApplyRun) -> str:
    n_items = sum(p.items for p in naive.phases if _is_item_phase(p))
    n_seconds = sum(p.seconds for p in naive.phases if _is_item_phase(p))
    n_requests = sum(p.requests for p in naive.phases if _is_item_phase(p))
    items = sum(p.items for p in run.phases if _is_item_phase(p))
    seconds = sum(p.seconds for p in run.phases if _is_item_phase(p))
    requests = sum(p.requests for p in run.phases if _is_item_phase(p))
    if not n_items or not items:
        return "naive baseline: no product or variation writes to compare"
    scaled = n_seconds * items / n_items
    return "\n".join([
        "",
        table(["products + variations (all passes)", "items", "requests", "wall"], [
            ["naive baseline (1 item per request), measured", n_items, n_requests, f"{n_seconds:.2f} s"],
            ["naive baseline, scaled to the full catalogue", items, round(n_requests * items / n_items),
             f"{scaled:.2f} s"],
            [f"wcsync (batches of {run.batch_size})", items, requests, f"{seconds:.2f} s"],
        ]),
        f"batching: {n_requests * items / n_items / requests:.1f}x fewer requests, "
        f"{scaled / seconds:.1f}x faster than one request per item (same server, latency and concurrency)",
        "(times are reported, never judged)",
    ])


if __name__ == "__main__":
    sys.exit(main())
