"""Benchmark: loading and validating a large catalogue (``wcsync.catalog.load_catalog``).

Run on demand, never by the test suite::

    python benchmarks/bench_validate.py [--products 10000] [--variations 40000] [--repeat 3] [--dir DIR]

It generates a synthetic catalogue (``gen_catalog.py``, design.md §2 format; not timed), then measures, each in
a fresh Python process so peak memory is attributable:

- the **baseline**: reading every YAML file of the same catalogue and composing it into nodes with positions
  through the loader's own compose path (``wcsync.catalog.yamlio._compose``: ruamel.yaml.clib's libyaml-based C
  composer, one class defined once, with the pure-Python composer as fallback) and nothing else — no plain
  values, no position map, no validation: the part of the work no loader can skip. The ratio therefore reads
  "full validation vs parsing alone". ``--baseline ruamel`` uses ruamel.yaml's round-trip loader instead;
- **load_catalog**: wcsync's full load: parse, validate every model, cross-file checks, matrix expansion,
  templates, lint, ``DesiredState``.

Machines are noisy, so the result that matters is the **ratio** of the two, measured in the same run on the
same machine: the best (minimum) of ``--repeat`` runs of each. Peak memory is the process's peak resident set
size (``resource.getrusage``), which includes the interpreter and imports; ``--tracemalloc`` adds the peak of
Python allocations (slower: tracing roughly doubles the time, so it runs separately and is not timed).

``--max-ratio R`` / ``--max-rss-mib M`` turn the numbers into a pass/fail exit code (1 when exceeded).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _yaml_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / "catalog").rglob("*") if p.suffix in (".yaml", ".yml"))


def _baseline_compose(project: Path) -> int:
    # the loader's own parser, exactly as parse_text calls it (not ``YAML().compose``, which builds a new loader
    # class per call and so measured ruamel.yaml's set-up more than parsing)
    from wcsync.catalog.yamlio import _compose

    count = 0
    for path in _yaml_files(project):
        _compose(path.read_text(encoding="utf-8"))
        count += 1
    return count


def _baseline_ruamel(project: Path) -> int:
    from ruamel.yaml import YAML

    count = 0
    for path in _yaml_files(project):
        YAML(typ="rt").load(path.read_text(encoding="utf-8"))
        count += 1
    return count


def _load(project: Path) -> int:
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project

    loaded = load_catalog(project, load_project(project))
    if loaded.desired is None:
        shown = "\n".join(f"  {d}" for d in loaded.errors[:10])
        raise SystemExit(f"the generated catalogue does not validate ({len(loaded.errors)} errors):\n{shown}")
    return len(loaded.desired.products) + len(loaded.desired.variations)


PHASES = {"compose": _baseline_compose, "ruamel": _baseline_ruamel, "load_catalog": _load}
BASELINES = {
    "compose": "baseline: yamlio compose only",
    "ruamel": "baseline: ruamel.yaml rt load only",
}


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def run_phase(phase: str, project: Path, repeat: int, trace: bool) -> dict[str, Any]:
    """Run one phase ``repeat`` times in this process; return timings and memory as a JSON-able dict."""
    fn = PHASES[phase]
    times: list[float] = []
    result = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(project)
        times.append(time.perf_counter() - start)
    out: dict[str, Any] = {"phase": phase, "times": times, "items": result, "peak_rss_mib": _peak_rss_mib()}
    if trace:
        import tracemalloc

        tracemalloc.start()
        fn(project)
        out["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return out


def _in_subprocess(phase: str, project: Path, repeat: int, trace: bool) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        phase,
        "--dir",
        str(project),
        "--repeat",
        str(repeat),
    ]
    if trace:
        cmd.append("--tracemalloc")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"phase {phase} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def _row(label: str, data: dict[str, Any]) -> str:
    times = data["times"]
    text = (
        f"{label:<34} best {min(times):8.2f} s   median {statistics.median(times):8.2f} s   "
        f"peak RSS {data['peak_rss_mib']:7.0f} MiB"
    )
    if "tracemalloc_peak_mib" in data:
        text += f"   Python heap peak {data['tracemalloc_peak_mib']:7.0f} MiB"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark wcsync.catalog.load_catalog against plain YAML parsing."
    )
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--variations", type=int, default=40_000)
    parser.add_argument("--per-file", type=int, default=1, help="products per file (see gen_catalog.py)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each phase; the best one counts")
    parser.add_argument(
        "--dir", help="use (or generate into) this project directory instead of a temporary one"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also report the peak of Python allocations"
    )
    parser.add_argument(
        "--baseline", choices=sorted(BASELINES), default="compose", help="what the ratio is measured against"
    )
    parser.add_argument("--max-ratio", type=float, help="exit 1 when load_catalog / baseline exceeds this")
    parser.add_argument("--max-rss-mib", type=float, help="exit 1 when load_catalog's peak RSS exceeds this")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # child process: one phase, JSON on stdout
        print(json.dumps(run_phase(args.phase, Path(args.dir), args.repeat, args.tracemalloc)))
        return 0

    sys.path.insert(0, str(HERE))
    from gen_catalog import generate

    scratch = None if args.dir else tempfile.TemporaryDirectory(prefix="wcsync-bench-")
    project = Path(args.dir) if args.dir else Path(scratch.name if scratch else ".")
    if not (project / "catalog").is_dir():
        start = time.perf_counter()
        generate(project, args.products, args.variations, args.per_file)
        print(f"generated {project} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    files = len(_yaml_files(project))
    from wcsync.catalog.yamlio import PURE

    print(
        f"catalogue: {args.products:,} products, {args.variations:,} variations, {files:,} YAML files ({project})"
    )
    print(f"yamlio composer: {'pure Python (ruamel.yaml.clib missing)' if PURE else 'C (ruamel.yaml.clib, libyaml)'}")

    base = _in_subprocess(args.baseline, project, args.repeat, args.tracemalloc)
    load = _in_subprocess("load_catalog", project, args.repeat, args.tracemalloc)
    ratio = min(load["times"]) / min(base["times"])
    print(_row(BASELINES[args.baseline], base))
    print(_row("wcsync: load_catalog", load))
    print(f"ratio load_catalog / baseline: {ratio:.2f}x   ({load['items']:,} products + variations loaded)")

    failed = False
    if args.max_ratio is not None and ratio > args.max_ratio:
        print(f"FAIL: ratio {ratio:.2f}x exceeds --max-ratio {args.max_ratio}", file=sys.stderr)
        failed = True
    if args.max_rss_mib is not None and load["peak_rss_mib"] > args.max_rss_mib:
        print(
            f"FAIL: peak RSS {load['peak_rss_mib']:.0f} MiB exceeds --max-rss-mib {args.max_rss_mib}",
            file=sys.stderr,
        )
        failed = True
    if scratch is not None:
        scratch.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
