"""The network benchmarks (``bench_fetch``, ``bench_apply``, ``bench_sandbox``) run end to end at a tiny size
and their request counts hit the lower bound exactly. Request counts are deterministic; no timing is asserted
here (speed is measured by ``benchmarks/`` only)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.e2e

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"netbench_smoke_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _row(out: str, label: str) -> list[str]:
    """The cells after ``label`` of the first table row that starts with it."""
    for line in out.splitlines():
        if line.startswith(label + "  "):
            return re.split(r"\s{2,}", line[len(label):].strip())
    raise AssertionError(f"no row {label!r} in:\n{out}")


def test_bench_fetch_sends_exactly_the_lower_bound(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _module("bench_fetch")
    code = bench.main(["--products", "20", "--variations-each", "4", "--latency", "1", "--repeat", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "store: 20 products (10 variable), 40 variations, 31 categories, 12 tags" in out
    tables = out.split("requests (WooCommerce ")
    new, old = tables[1], tables[2]
    # 2 store checks + categories, brands, tags, shipping classes, attributes 1 each + 2 term lists + products + trash
    assert _row(new, "variations (store-wide list)") == ["1", "1", "1.00"]
    assert _row(new, "total") == ["12", "12", "1.00"]
    # WooCommerce 9.8: one variation list per variable product instead
    assert _row(old, "variations (one list per variable product)") == ["10", "10", "1.00"]
    assert _row(old, "total") == ["22", "22", "1.00"]  # the probe answers 404: the REST index too
    assert "other:" not in out
    # the baseline (concurrency 1) sends the same requests, one at a time
    assert _row(out, "WooCommerce 11.0.1, concurrency 4")[:2] == ["12", "4"]
    assert _row(out, "WooCommerce 11.0.1, concurrency 1")[:2] == ["12", "1"]
    assert _row(out, "WooCommerce 9.8, concurrency 1")[:2] == ["22", "1"]
    assert "WooCommerce 9.8: concurrency 4 is " in out


def test_bench_fetch_fails_when_the_request_target_is_missed(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _module("bench_fetch")
    code = bench.main(["--products", "4", "--latency", "0", "--wc-versions", "11.0.1", "--max-request-ratio", "0.5"])
    assert code == 1
    assert "FAIL: WooCommerce 11.0.1: 12 requests, 1.00x the lower bound (target ≤ 0.5)" in capsys.readouterr().err


def test_fetch_buckets_and_bounds() -> None:
    bench = _module("bench_fetch")
    assert bench.bucket({"method": "GET", "path": "/wp-json/wc/v3/products", "query": "status=trash&page=1"}) == (
        "products (trash)")
    assert bench.bucket({"method": "GET", "path": "/wp-json/wc/v3/products/7/variations", "query": ""}) == (
        "variations (one list per variable product)")
    assert bench.bucket({"method": "POST", "path": "/wp-json/wc/v3/products/batch", "query": ""}) == (
        "other: POST /wp-json/wc/v3/products/batch")
    bounds = bench.lower_bounds(bench.Shape(2000, 4), True)
    assert bounds["products (status=any)"] == 20 and bounds["variations (store-wide list)"] == 40
    assert sum(bounds.values()) == 2 + 1 + 1 + 1 + 1 + 1 + 2 + 20 + 1 + 40  # checks, categories, brands, tags, …
    old = bench.lower_bounds(bench.Shape(2000, 4), False)
    assert old["variations (one list per variable product)"] == 1000


def test_bench_apply_writes_with_the_fewest_batches(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _module("bench_apply")
    code = bench.main(["--products", "6", "--variations", "12", "--latency", "0", "--naive-share", "0.5"])
    out, err = capsys.readouterr()
    assert code == 0, err
    # items, requests, ⌈items/100⌉, ratio
    assert _row(out, "write attributes")[:4] == ["3", "1", "1", "1.00"]
    assert _row(out, "write terms")[:4] == ["23", "3", "3", "1.00"]  # one endpoint per attribute
    assert _row(out, "write categories (depth 2)")[:4] == ["48", "1", "1", "1.00"]
    assert _row(out, "write products")[:4] == ["6", "1", "1", "1.00"]
    # no second pass: every uploaded image's file name is unique on its product, so the next plan finds
    # its attachment without the mark's image map (design.md §7: one pass per batch endpoint)
    assert "second pass" not in out
    assert _row(out, "write variations")[:4] == ["12", "3", "3", "1.00"]  # 3 variable products, 4 each
    assert _row(out, "total")[:4] == ["120", "12", "12", "1.00"]
    assert _row(out, "product") == ["6", "1", "1", "1.00"]
    # the naive baseline: 3 products and 6 variations, one request each
    assert _row(out, "naive baseline (1 item per request), measured")[:2] == ["9", "9"]
    assert _row(out, "wcsync (batches of 100)")[:2] == ["18", "4"]
    assert "batching: 4.5x fewer requests" in out


def test_bench_sandbox_answers_and_counts_every_request(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _module("bench_sandbox")
    code = bench.main(["--big-simple", "150", "--big-parents", "20", "--big-variations-each", "2", "--repeat", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "store of 210 posts" in out
    for label in ("products/batch: create 100 simple products", "products/{id}/variations/batch: create 100",
                  "GET products: page 1 of 2", "GET variations: page 1 of 1 (store-wide)",
                  "GET products?sku=A,B (SKU lookup)"):
        assert _row(out, label)[2].endswith("x")
