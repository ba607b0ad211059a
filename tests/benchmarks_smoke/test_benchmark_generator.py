"""The benchmark's synthetic catalogue is a valid catalogue of exactly the requested size, deterministic, and the
benchmark script runs end to end. No timing is asserted here: speed is measured by ``benchmarks/`` only."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from wcsync.catalog import load_catalog
from wcsync.catalog.project import load_project
from wcsync.core.kinds import Kind

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _module("gen_catalog")


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize(("products", "variations", "per_file"), [(20, 50, 1), (21, 48, 4), (10, 0, 1)])
def test_generated_catalogue_loads_with_the_requested_counts(
    tmp_path: Path, products: int, variations: int, per_file: int
) -> None:
    root = gen.generate(tmp_path / "p", products, variations, per_file)
    loaded = load_catalog(root, load_project(root))
    assert [str(d) for d in loaded.diagnostics] == []
    assert loaded.desired is not None
    assert len(loaded.desired.products) == products
    assert len(loaded.desired.variations) == variations
    assert len(loaded.desired.of_kind(Kind.CATEGORY)) == 4 + 4 * 4 + 4 * 4 * 3
    types = {p.fields["type"] for p in loaded.desired.products}
    assert types == ({"simple", "variable"} if variations else {"simple"})


def test_matrix_and_explicit_variations_both_occur(tmp_path: Path) -> None:
    root = gen.generate(tmp_path / "p", 4, 16)
    loaded = load_catalog(root, load_project(root))
    assert loaded.desired is not None
    by_parent: dict[str, list[str]] = {}
    for v in loaded.desired.variations:
        by_parent.setdefault(v.parent_key or "", []).append(v.key)
    # VAR-000000 uses the matrix (2 colours x 4 sizes), VAR-000001 lists explicit variations.
    assert sorted(by_parent["VAR-000000"]) == sorted(
        f"VAR-000000-{c}-{s}" for c in ("RED", "BLUE") for s in ("XS", "S", "M", "L")
    )
    assert sorted(by_parent["VAR-000001"]) == [f"VAR-000001-{n:02d}" for n in range(8)]


def test_generation_is_deterministic(tmp_path: Path) -> None:
    a = gen.generate(tmp_path / "a", 30, 60)
    b = gen.generate(tmp_path / "b", 30, 60)
    assert _digest(a) == _digest(b)


def test_bench_validate_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = _module("bench_validate")
    code = bench.main(["--products", "6", "--variations", "6", "--repeat", "1", "--dir", str(tmp_path / "p")])
    out = capsys.readouterr().out
    assert code == 0
    assert "catalogue: 6 products, 6 variations, 10 YAML files" in out
    assert "(12 products + variations loaded)" in out
    assert "ratio load_catalog / baseline: " in out


def test_bench_validate_fails_when_a_limit_is_exceeded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _module("bench_validate")
    code = bench.main(
        [
            "--products",
            "2",
            "--variations",
            "2",
            "--repeat",
            "1",
            "--dir",
            str(tmp_path / "p"),
            "--max-rss-mib",
            "1",
        ]
    )
    assert code == 1
    assert "exceeds --max-rss-mib 1" in capsys.readouterr().err


def test_generator_refuses_impossible_sizes(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="cannot make 81 variations per product"):
        gen.generate(tmp_path / "p", 2, 81)


def test_bench_plan_runs_end_to_end_and_finds_no_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _module("bench_plan")
    code = bench.main(
        ["--products", "6", "--variations", "12", "--repeat", "1", "--dir", str(tmp_path / "p")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "wcsync: build_plan (no changes found)" in out
    assert "(18 products + variations)" in out
    assert "ratio build_plan / baseline: " in out
