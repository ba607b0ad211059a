"""``wcsync plan`` end to end in-process: a small project, the embedded sandbox (``--store-url sandbox:PATH``),
the real loader, client, fetch and planner. The --detailed-exitcode contract before and after apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wcsync.cli.main import cli

SECRET = "cs_SANDBOXSECRET_77aa01"

PROJECT = """\
ownership: marked
guards:
  max_deletes: 0
"""
CATEGORIES = """\
categories:
  - name: Mugs & Cups
    slug: mugs
"""
TAGS = """\
tags:
  - name: Gift idea
    slug: gift-idea
"""
MUG = """\
sku: MUG-1
name: Logo Mug & Co
type: simple
status: publish
short_description: A mug.
regular_price: 9.5
categories: [mugs]
tags: [gift-idea]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "catalog" / "products").mkdir(parents=True)
    (root / "wcsync.yaml").write_text(PROJECT, encoding="utf-8")
    (root / "catalog" / "categories.yaml").write_text(CATEGORIES, encoding="utf-8")
    (root / "catalog" / "tags.yaml").write_text(TAGS, encoding="utf-8")
    (root / "catalog" / "products" / "mug.yaml").write_text(MUG, encoding="utf-8")
    return root


def run(project: Path, db: Path, *args: str) -> Result:
    env = {"WCSYNC_CONSUMER_SECRET": SECRET, "WCSYNC_URL": ""}
    return CliRunner().invoke(
        cli, [args[0], "--project", str(project), "--store-url", f"sandbox:{db}", *args[1:]], env=env
    )


def test_plan_apply_plan(project: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    first = run(project, db, "plan", "--detailed-exitcode", "--out", str(tmp_path / "plan.json"))
    assert first.exit_code == 2, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"wcsync plan · store sandbox (sandbox:{db}, WooCommerce ")
    assert '  + category  mugs                    "Mugs & Cups"' in lines
    assert '  + tag       gift-idea               "Gift idea"' in lines
    assert '  + product   MUG-1                   "Logo Mug & Co"' in lines
    assert lines[-1] == "Plan: 3 to create, 0 to update, 0 to adopt, 0 to delete."
    saved = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert [(c["kind"], c["action"], c["key"]) for c in saved["changes"]] == [
        ("category", "create", "mugs"),
        ("tag", "create", "gift-idea"),
        ("product", "create", "MUG-1"),
    ]

    applied = run(project, db, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stderr

    again = run(project, db, "plan", "--detailed-exitcode", "--format", "markdown")
    assert again.exit_code == 0, again.stderr
    assert "**No changes. The store matches the catalogue.**" in again.stdout
    for result in (first, applied, again):
        assert SECRET not in result.stdout + result.stderr
    assert SECRET not in (tmp_path / "plan.json").read_text(encoding="utf-8")


def test_catalogue_change_shows_as_an_update_with_its_percentage(project: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert run(project, db, "apply", "--auto-approve").exit_code == 0
    mug = project / "catalog" / "products" / "mug.yaml"
    mug.write_text(MUG.replace("regular_price: 9.5", 'regular_price: "12.00"'), encoding="utf-8")
    result = run(project, db, "plan", "--detailed-exitcode")
    assert result.exit_code == 2, result.stderr
    assert result.stdout.splitlines()[2:] == [
        '  ~ product   MUG-1                   "Logo Mug & Co"',
        "      regular_price   9.50 → 12.00  (+26.3 %)",
        "",
        "Plan: 0 to create, 1 to update, 0 to adopt, 0 to delete.",
    ]


def test_delete_guard_names_its_override(project: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    second = project / "catalog" / "products" / "mug-2.yaml"
    second.write_text(MUG.replace("MUG-1", "MUG-2").replace("Logo Mug & Co", "Old Mug"), encoding="utf-8")
    assert run(project, db, "apply", "--auto-approve").exit_code == 0
    second.unlink()
    refused = run(project, db, "plan", "--detailed-exitcode")
    assert refused.exit_code == 1
    assert '  - product   MUG-2                   "Old Mug" → trash' in refused.stdout.splitlines()
    assert "      override:  --allow-deletes" in refused.stdout.splitlines()
    assert refused.stderr.splitlines()[-1].startswith("Error: ")
    assert "--allow-deletes" in refused.stderr
    allowed = run(project, db, "plan", "--detailed-exitcode", "--allow-deletes")
    assert allowed.exit_code == 2, allowed.stderr
    assert '  - product   MUG-2                   "Old Mug" → trash' in allowed.stdout.splitlines()
