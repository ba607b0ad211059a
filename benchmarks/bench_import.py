"""Import speed: ``wcsync import`` of a sandbox store (default 10,000 products / 40,000 variations) against
writing the same documents with the plain emitter, in the same run.

The store is served by ``wcsync sandbox serve`` in a child process (``netbench.SandboxServer``), so this
process's CPU time is the client's alone: fetching over HTTP, building the documents (slugs, meta types,
variation matrices checked by the catalogue's own expansion) and writing the files with import's writer.
The baseline writes the very same documents, one file each, with ruamel.yaml's C-based safe dumper (libyaml's
emitter, no styling, no quoting decisions of ours) — the irreducible cost of putting that much YAML on disk.
The ratio ``import / baseline`` is what to compare across machines; the absolute client CPU is printed next
to the design target (≤ 10 s for 10,000 products / 40,000 variations).

Usage::

    python benchmarks/bench_import.py [--products N] [--variations-each K] [--db PATH] [--repeat R]

The store is filled once (untimed) into ``--db`` (a temporary file by default; an existing file is reused).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_fetch import Shape, fill_store
from netbench import SandboxServer, store_settings

from wcsync.bulk import run_async
from wcsync.core.records import LiveState
from wcsync.export import ExportOptions, export_catalog, write_catalog
from wcsync.store.client import WooClient
from wcsync.store.fetch import fetch_live_state

TARGET_S = 10.0


async def _fetch(server: SandboxServer) -> LiveState:
    async with WooClient(store_settings(server, concurrency=4)) as client:
        return await fetch_live_state(client)


async def _fill(server: SandboxServer, shape: Shape) -> None:
    async with WooClient(store_settings(server, concurrency=4)) as client:
        await fill_store(client, shape)


def _cpu() -> tuple[float, float]:
    """(user, system) CPU seconds of this process so far."""
    times = os.times()
    return times.user, times.system


def _import_once(server: SandboxServer, out: Path) -> tuple[dict[str, float], Any]:
    """Client CPU per phase (``fetch``, ``export``, ``write``, ``total``), and each phase's kernel share
    (``fetch_sys`` …, ``system``: sockets, creating files)."""
    phases: dict[str, float] = {}
    marks = [_cpu()]

    def lap(name: str) -> None:
        marks.append(_cpu())
        (u0, s0), (u1, s1) = marks[-2], marks[-1]
        phases[name], phases[f"{name}_sys"] = (u1 - u0) + (s1 - s0), s1 - s0

    live = run_async(_fetch(server))  # as `wcsync import` runs it (asyncio.run would format the result's repr)
    lap("fetch")
    result = export_catalog(live, ExportOptions(meta_keys=("gtin",)))
    lap("export")
    write_catalog(result, out, store="bench")
    lap("write")
    (u0, s0), (u1, s1) = marks[0], marks[-1]
    phases["total"], phases["system"] = (u1 - u0) + (s1 - s0), s1 - s0
    return phases, result


def _baseline(files: dict[str, Any], out: Path) -> tuple[float, float]:
    """(CPU, of which kernel) of writing ``files`` with the C emitter."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)  # ruamel.yaml.clib: libyaml's emitter
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    user, system = _cpu()
    for rel, document in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(document, fh)
    user2, system2 = _cpu()
    return (user2 - user) + (system2 - system), system2 - system


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--variations-each", type=int, default=8, help="variations of each variable product (half)")
    parser.add_argument("--db", type=Path, default=None, help="sandbox database (filled when missing)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out-dir", type=Path, default=None,
                        help="where the files are written (default: the temporary directory); e.g. /dev/shm to "
                        "leave the disk file system's cost of creating files out")
    args = parser.parse_args(argv)
    shape = Shape(products=args.products, variations_each=args.variations_each)
    work = Path(tempfile.mkdtemp(prefix="wcsync-bench-import-", dir=args.out_dir))
    db = args.db or work / "store.db"
    fill = not db.exists()
    server = SandboxServer(db)
    try:
        if fill:
            print(f"filling the store: {shape.products:,} products, {shape.variations:,} variations …", flush=True)
            asyncio.run(_fill(server, shape))
        runs: list[dict[str, float]] = []
        bases: list[tuple[float, float]] = []
        result: Any = None
        for i in range(args.repeat):
            out = work / f"import-{i}"
            phases, result = _import_once(server, out)
            runs.append(phases)
            bases.append(_baseline(result.files, work / f"baseline-{i}"))
            # the files stay until the end: on ext4, creating files soon after deleting thousands is slower (it
            # skips the inodes freed in the last minutes), which would charge one run for the previous one
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    best = min(runs, key=lambda r: r["total"])
    base, base_sys = min(bases)
    print(f"store: {result.products:,} products, {result.variations:,} variations, {len(result.files):,} files")
    print(f"import (client CPU, best of {args.repeat}): fetch {best['fetch']:.2f} s · export {best['export']:.2f} s"
          f" · write {best['write']:.2f} s · total {best['total']:.2f} s")
    print(f"  of which in the kernel: fetch {best['fetch_sys']:.2f} s (sockets) · write {best['write_sys']:.2f} s"
          f" (creating files) · total {best['system']:.2f} s; in Python: {best['total'] - best['system']:.2f} s")
    for i, run in enumerate(runs, 1):
        print(f"  run {i}: fetch {run['fetch']:.2f} · export {run['export']:.2f} · write {run['write']:.2f}"
              f" (kernel {run['write_sys']:.2f}) · total {run['total']:.2f} s;"
              f" baseline {bases[i - 1][0]:.2f} s (kernel {bases[i - 1][1]:.2f}) · ratio"
              f" {run['total'] / bases[i - 1][0]:.2f}x")
    print(f"baseline: the same documents with the plain C emitter   {base:.2f} s (of which {base_sys:.2f} s kernel)")
    print(f"ratio import / baseline: {best['total'] / base:.2f}x   (write alone: {best['write'] / base:.2f}x)")
    scale = 40_000 / max(result.variations, 1)
    estimate = "measured" if scale <= 1 else f"this store x{scale:.1f}: about {best['total'] * scale:.1f} s"
    print(f"target: ≤ {TARGET_S:.0f} s client CPU for 10,000 products / 40,000 variations ({estimate})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
