"""plan-examples/: the example catalogue planned against representative sandbox states.

One generation per test session (it applies the catalogue to three fresh sandbox databases), then:
the files match syrupy snapshots, plan-examples/ is exactly what ``scripts/gen-plan-examples`` produces, and
each state shows what it should — every resource created once on an empty store, exactly the drift made in
wp-admin, and a guard refusing with its override flag named.
"""

from __future__ import annotations

import fcntl
import importlib.machinery
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen-plan-examples"


class _Text(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT


class Txt(_Text):
    file_extension = "txt"


class Md(_Text):
    file_extension = "md"


class Json(_Text):
    file_extension = "json"


EXTENSIONS: dict[str, type[SingleFileSnapshotExtension]] = {".txt": Txt, ".md": Md, ".json": Json}


def _generator() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("gen_plan_examples", str(SCRIPT))
    spec = importlib.util.spec_from_loader("gen_plan_examples", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _generator()


@pytest.fixture(scope="module")
def files(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict[str, str]:
    """Generated once per test run, even when xdist spreads this module's tests over several workers (the
    workers share the base temp directory's parent; the first one generates under a lock, the others read)."""
    if worker_id == "master":
        generated: dict[str, str] = gen.generate()
        return generated
    shared = tmp_path_factory.getbasetemp().parent / "plan-examples.json"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shared.exists():
            shared.write_text(json.dumps(gen.generate()), encoding="utf-8")
        cached: dict[str, str] = json.loads(shared.read_text(encoding="utf-8"))
    return cached


def _plan(files: dict[str, str], state: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files[f"{state}/plan.json"])
    return data


def test_plan_examples_are_up_to_date(gen: ModuleType, files: dict[str, str]) -> None:
    stale = gen.stale_files(files, ROOT / "plan-examples")
    assert stale == [], (
        f"plan-examples/ is out of date ({', '.join(stale)}): run scripts/gen-plan-examples, then "
        "pytest tests/plan_examples --snapshot-update"
    )


def test_snapshots(files: dict[str, str], snapshot: SnapshotAssertion) -> None:
    for path, text in sorted(files.items()):
        if path == "README.md":
            continue
        extension = EXTENSIONS[Path(path).suffix if path.endswith((".md", ".json")) else ".txt"]
        assert text == snapshot(name=path.replace("/", "-"), extension_class=extension)


def test_outputs_are_deterministic_and_plain(files: dict[str, str]) -> None:
    for path, text in files.items():
        assert "\x1b[" not in text, path
        assert "/tmp" not in text and "wcsync-plan-examples-" not in text, path
    for path in (p for p in files if p.endswith("plan.json")):
        for change in json.loads(files[path])["changes"]:
            assert change["date_modified"] in (None, "2026-01-01T00:00:00"), path


def test_empty_store_creates_every_resource_once_and_nothing_else(files: dict[str, str]) -> None:
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project
    from wcsync.core.kinds import Kind

    desired = load_catalog(ROOT, load_project(ROOT)).desired
    assert desired is not None
    plan = _plan(files, "empty")
    changes = plan["changes"]
    assert {c["action"] for c in changes} == {"create"}
    created = sorted((c["kind"], c["key"]) for c in changes)
    assert len(created) == len(set(created))
    expected = sorted((kind.value, r.key) for kind in Kind for r in desired.of_kind(kind))
    assert created == expected
    assert files["empty/plan.txt"].endswith(
        f"Plan: {len(expected)} to create, 0 to update, 0 to adopt, 0 to delete.\n"
    )


def test_drift_shows_exactly_the_wp_admin_edits(gen: ModuleType, files: dict[str, str]) -> None:
    plan = _plan(files, "drift")
    changed = {(c["kind"], c["action"], c["key"]): c for c in plan["changes"]}
    assert sorted(changed) == sorted(
        [
            ("product", "update", gen.PRICE_SKU),
            ("product", "update", gen.RENAME_SKU),
            ("product", "update", gen.TAG_SKU),
        ]
    )
    price = changed[("product", "update", gen.PRICE_SKU)]["changes"]
    assert price == [{"field": "regular_price", "before": "27.00", "after": "24.00"}]
    name = changed[("product", "update", gen.RENAME_SKU)]["changes"]
    assert name == [
        {"field": "name", "before": "Pine Forest Candle – Winter Edition", "after": "Pine Forest Candle"}
    ]
    tags = changed[("product", "update", gen.TAG_SKU)]["changes"]
    assert [c["field"] for c in tags] == ["tags"]
    assert "staff-pick" in tags[0]["before"] and "staff-pick" not in tags[0]["after"]
    assert any(gen.UNMANAGED_SKU in i["message"] and "left alone" in i["message"] for i in plan["info"])
    text = files["drift/plan.txt"]
    assert "      regular_price   27.00 → 24.00  (-11.1 %)" in text.splitlines()
    assert text.endswith("Plan: 0 to create, 3 to update, 0 to adopt, 0 to delete.\n")


def test_guard_refuses_but_shows_the_whole_plan(gen: ModuleType, files: dict[str, str]) -> None:
    error = files["guard/error.txt"]
    assert error.startswith("$ wcsync plan\n(stdout: the whole plan, as in plan.txt)\nError: ")
    assert "--allow-price-drops" in error
    assert gen.PRICE_SKU in error
    assert error.endswith("(exit code 1)\n")
    plan = _plan(files, "guard")
    assert plan["settings"]["allow_price_drops"] is False
    assert plan["refused"] is True
    [guard] = plan["guards"]
    assert guard["guard"] == "max_price_drop_percent" and guard["override"] == "--allow-price-drops"
    assert guard["resources"] == [{"kind": "product", "key": gen.PRICE_SKU}]
    [change] = plan["changes"]
    assert change["key"] == gen.PRICE_SKU
    assert change["changes"] == [{"field": "regular_price", "before": "72.00", "after": "24.00"}]
    # the plan under a banner naming the guard, the product and the override, in text and Markdown
    text = files["guard/plan.txt"].splitlines()
    banner = text.index("Refused by 1 guard: the whole plan is shown below, but wcsync apply will not apply it "
                        "without --allow-price-drops.")
    assert text[banner + 2:banner + 4] == [f"      resources: product {gen.PRICE_SKU}", "      override:  --allow-price-drops"]
    assert text.index("      regular_price   72.00 → 24.00  (-66.7 %)") > banner
    markdown = files["guard/plan.md"]
    assert "> [!CAUTION]" in markdown and "override: `--allow-price-drops`" in markdown
    assert markdown.index("> [!CAUTION]") < markdown.index("| `regular_price` | `72.00` | `24.00` (-66.7 %) |")


def test_removed_field_lines_reset_with_the_reason_and_groups(gen: ModuleType, files: dict[str, str]) -> None:
    plan = _plan(files, "removed-field")
    by_key = {c["key"]: c for c in plan["changes"]}
    assert by_key[gen.PRICE_SKU]["changes"] == [
        {"field": "featured", "before": True, "after": False, "reason": "removed from the catalogue"},
        {"field": "sale_price", "before": "19.00", "after": None, "reason": "removed from the catalogue"},
    ]
    assert by_key["HOODIE-CLASSIC-BLUE-L"]["changes"] == [
        {"field": "sale_price", "before": "44.00", "after": None, "reason": "removed from the catalogue"}
    ]
    # JSON: one entry per variation; text and Markdown: the same change shown once for the four
    raised = [k for k, c in by_key.items() if c["changes"] == [{"field": "regular_price", "before": "43.00", "after": "45.00"}]]
    assert sorted(raised) == [f"HOODIE-CLASSIC-{c}-{s}" for c in ("BLUE", "RED") for s in ("M", "S")]
    text = files["removed-field/plan.txt"].splitlines()
    assert "      sale_price      19.00 → (none)  removed from the catalogue" in text
    assert "    ~ 4 variations (Blue M, Blue S, Red M, Red S)" in text
    assert text.count("        regular_price   43.00 → 45.00  (+4.7 %)") == 1
    markdown = files["removed-field/plan.md"]
    assert "**<code>~</code> update 4 variations** — Blue M, Blue S, Red M, Red S" in markdown
    assert "| `sale_price` | `19.00` | `(none)` — removed from the catalogue |" in markdown


def test_demo_seed_shows_exactly_the_seeded_drift(files: dict[str, str]) -> None:
    plan = _plan(files, "demo")
    top = [(c["kind"], c["action"], c["key"]) for c in plan["changes"] if c["kind"] != "variation"]
    assert top == [
        ("product", "adopt", "CANDLE-PINE"),
        ("product", "create", "CAP-ALPINE-LODEN"),
        ("product", "update", "CUSHION-LINEN"),
        ("product", "update", "MUG-LOGO"),
        ("product", "delete", "MUG-OLD"),
    ]
    variations = [(c["action"], c["parent_key"]) for c in plan["changes"] if c["kind"] == "variation"]
    assert variations == [("create", "CAP-ALPINE-LODEN")] * 3
    by_key = {c["key"]: c for c in plan["changes"]}
    assert [f["field"] for f in by_key["CUSHION-LINEN"]["changes"]] == ["name"]
    assert by_key["MUG-LOGO"]["changes"] == [{"field": "regular_price", "before": "16.00", "after": "24.00"}]
    assert by_key["MUG-OLD"]["delete_mode"] == "trash"
    [info] = plan["info"]
    assert info["message"].startswith("2 live product(s) not managed by wcsync")
    assert files["demo/plan.txt"].endswith("Plan: 4 to create, 2 to update, 1 to adopt, 1 to delete.\n")
