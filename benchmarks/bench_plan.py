"""Benchmark: diffing a large catalogue against a store that already matches it (``build_plan``, no changes).

Run on demand, never by the test suite::

    python benchmarks/bench_plan.py [--products 10000] [--variations 40000] [--repeat 3] [--dir DIR]

Preparation (not timed, one child process): generate the synthetic catalogue (``gen_catalog.py``), load it with
``wcsync.catalog.load_catalog``, render the matching live state the way WooCommerce returns it (entity-encoded
names, ``"45.00"`` prices, ids, term slugs, rewritten image URLs, stringified meta — ``tests/core/woo.py``,
the helper the planner's own tests use) and pickle both.

Then, each in a fresh process that unpickles the same input:

- the **baseline**: the irreducible part of diffing: index every live resource by its key, serialise every
  desired and live record's fields once (sorted JSON) and compare them (no canonical forms, no references, no
  ownership, no ordering — it finds "differences" everywhere, which is fine: it is a cost reference);
- **build_plan**: wcsync's planner, which must find no change at all (the run fails if it finds any).

Results are ratios against the baseline of the same run (see README.md); the absolute time of load + plan is
printed for the design target (design.md §7: seconds, not minutes; under 1 GiB).
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def _prepare(project: Path, state_file: Path) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from tests.core.woo import render_live
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project, plan_settings

    start = time.perf_counter()
    project_file = load_project(project)
    loaded = load_catalog(project, project_file)
    load_seconds = time.perf_counter() - start
    if loaded.desired is None:
        shown = "\n".join(f"  {d}" for d in loaded.errors[:10])
        raise SystemExit(f"the generated catalogue does not validate:\n{shown}")
    live = render_live(loaded.desired)
    with state_file.open("wb") as fh:
        pickle.dump((loaded.desired, live, plan_settings(project_file)), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return {
        "load_seconds": load_seconds,
        "items": len(loaded.desired.products) + len(loaded.desired.variations),
    }


def _baseline(desired: Any, live: Any, settings: Any) -> int:
    from wcsync.core.kinds import Kind

    def canon(fields: dict[str, Any]) -> str:
        return json.dumps(fields, sort_keys=True, default=str)

    differing = 0
    for kind in Kind:
        index = {r.key: canon(r.fields) for r in live.of_kind(kind) if r.key is not None}
        for resource_ in desired.of_kind(kind):
            differing += index.get(resource_.key) != canon(resource_.fields)
    return differing


def _build_plan(desired: Any, live: Any, settings: Any) -> int:
    from wcsync.core.plan import StoreRef
    from wcsync.core.planner import build_plan

    plan = build_plan(desired, live, settings, store=StoreRef(name="bench", url="sandbox:bench.db"))
    if plan.changes:
        shown = "\n".join(f"  {c.kind.value} {c.key}: {c.action.value}" for c in plan.changes[:10])
        raise SystemExit(f"build_plan found {len(plan.changes)} change(s) against a matching store:\n{shown}")
    return len(plan.changes)


PHASES = {"baseline": _baseline, "build_plan": _build_plan}


def run_phase(phase: str, state_file: Path, repeat: int) -> dict[str, Any]:
    with state_file.open("rb") as fh:
        desired, live, settings = pickle.load(fh)  # our own file, written by _prepare
    fn = PHASES[phase]
    times: list[float] = []
    result = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(desired, live, settings)
        times.append(time.perf_counter() - start)
    return {"phase": phase, "times": times, "result": result, "peak_rss_mib": _peak_rss_mib()}


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def _row(label: str, data: dict[str, Any]) -> str:
    times = data["times"]
    return (
        f"{label:<40} best {min(times):8.2f} s   median {statistics.median(times):8.2f} s   "
        f"peak RSS {data['peak_rss_mib']:7.0f} MiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark build_plan (no changes) against a plain comparison."
    )
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--variations", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each phase; the best one counts")
    parser.add_argument(
        "--dir", help="use (or generate into) this project directory instead of a temporary one"
    )
    parser.add_argument("--max-ratio", type=float, help="exit 1 when build_plan / baseline exceeds this")
    parser.add_argument("--max-rss-mib", type=float, help="exit 1 when build_plan's peak RSS exceeds this")
    parser.add_argument("--phase", choices=[*sorted(PHASES), "prepare"], help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase == "prepare":
        print(json.dumps(_prepare(Path(args.dir), Path(args.state))))
        return 0
    if args.phase:
        print(json.dumps(run_phase(args.phase, Path(args.state), args.repeat)))
        return 0

    sys.path.insert(0, str(HERE))
    from gen_catalog import generate

    scratch = None if args.dir else tempfile.TemporaryDirectory(prefix="wcsync-bench-")
    project = Path(args.dir) if args.dir else Path(scratch.name if scratch else ".")
    if not (project / "catalog").is_dir():
        generate(project, args.products, args.variations)
    with tempfile.TemporaryDirectory(prefix="wcsync-bench-state-") as tmp:
        state = Path(tmp) / "state.pickle"
        prep = _child(["--phase", "prepare", "--dir", str(project), "--state", str(state)])
        print(f"catalogue: {args.products:,} products, {args.variations:,} variations ({project})")
        print(f"load_catalog (once, for context): {prep['load_seconds']:.2f} s")
        common = ["--state", str(state), "--repeat", str(args.repeat)]
        base = _child(["--phase", "baseline", *common])
        plan = _child(["--phase", "build_plan", *common])
    ratio = min(plan["times"]) / min(base["times"])
    print(_row("baseline: index + serialise + compare", base))
    print(_row("wcsync: build_plan (no changes found)", plan))
    print(f"ratio build_plan / baseline: {ratio:.2f}x   ({prep['items']:,} products + variations)")
    print(f"load_catalog + build_plan: {prep['load_seconds'] + min(plan['times']):.2f} s")

    failed = False
    if args.max_ratio is not None and ratio > args.max_ratio:
        print(f"FAIL: ratio {ratio:.2f}x exceeds --max-ratio {args.max_ratio}", file=sys.stderr)
        failed = True
    if args.max_rss_mib is not None and plan["peak_rss_mib"] > args.max_rss_mib:
        print(
            f"FAIL: peak RSS {plan['peak_rss_mib']:.0f} MiB exceeds --max-rss-mib {args.max_rss_mib}",
            file=sys.stderr,
        )
        failed = True
    if scratch is not None:
        scratch.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
