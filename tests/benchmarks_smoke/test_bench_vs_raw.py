"""``benchmarks/bench_vs_raw.py`` (issue 14) runs end to end at a tiny size without latency, and every request
count it reports — the server's own counters, for wcsync and for the raw batch script — equals the bound it
computes, and wcsync's own ``--stats`` line agrees. No timing is asserted."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
#: a table row: step … requests (raw / wcsync), bound (raw / wcsync), client CPU (raw / wcsync)
ROW = re.compile(r"(create|price change|no-op apply|plan)\s{2,}.*?(\d+) / (\d+)\s+(\d+) / (\d+)"
                 r"\s+[\d.]+ / [\d.]+ s\s*$")


def run_bench(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    spec = importlib.util.spec_from_file_location("bench_vs_raw_smoke", BENCH / "bench_vs_raw.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    code = module.main([*args, "--scale", "0"])
    out, err = capsys.readouterr()
    return code, out, err


def test_bench_vs_raw_counts_equal_their_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_bench(capsys, "--products", "120", "--variable-every", "0")
    assert code == 0, out + err
    rows = {}
    for line in out.splitlines():
        found = ROW.match(line)
        if found:
            rows[found.group(1)] = tuple(int(g) for g in found.groups()[1:])
    # (raw requests, wcsync requests, raw bound, wcsync bound)
    assert set(rows) == {"create", "price change", "no-op apply", "plan"}
    for step, (raw, mine, raw_bound, mine_bound) in rows.items():
        assert (raw, mine) == (raw_bound, mine_bound), step
    # the raw script: 1 empty page + 2 batches; 2 pages + 2 batches; 2 pages; 2 pages
    assert [rows[s][0] for s in ("create", "price change", "no-op apply", "plan")] == [3, 4, 2, 2]
    for step in ("create", "price change", "no-op apply", "plan"):
        line = next(ln for ln in out.splitlines() if ln.startswith(f"wcsync --stats, {step}: "))
        total = re.search(r"total (\d+) \(bound (\d+), 1\.00×\)", line)
        assert total is not None, line
        assert int(total.group(1)) == rows[step][1]


def test_bench_vs_raw_with_variable_products_counts_equal_their_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    """10 simple + 10 variable products with 2 variations each: both sides write one variations batch per
    parent; wcsync proves convergence from the answers (verify 0)."""
    code, out, err = run_bench(capsys, "--products", "20", "--variable-every", "2", "--variations", "2")
    assert code == 0, out + err
    rows = {}
    for line in out.splitlines():
        found = ROW.match(line)
        if found:
            rows[found.group(1)] = tuple(int(g) for g in found.groups()[1:])
    assert {s: (r[0], r[1]) for s, r in rows.items()} == {s: (r[2], r[3]) for s, r in rows.items()}
    # raw: products + variations pages, 1 products batch, 10 variations batches (price change: the 10 simple
    # prices in 1 batch, the 20 variation prices in 10)
    assert [rows[s][0] for s in ("create", "price change", "no-op apply", "plan")] == [13, 13, 2, 2]
    # wcsync: reads 11 (the brands, the size attribute's terms and the trash included) on create, 10 later;
    # writes as raw; the apply lock when writing: create, products and variations moved since the read, release
    assert [rows[s][1] for s in ("create", "price change", "no-op apply", "plan")] == [26, 25, 10, 10]
    line = next(ln for ln in out.splitlines() if ln.startswith("wcsync --stats, price change: "))
    assert "verify 0 (bound 0)" in line
