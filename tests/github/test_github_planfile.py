"""The guard-refused plan file of CONTRACTS point 2 as ``wcsync github`` reads it: ``refused``/``guards`` read
defensively, the banner over the full plan, and one annotation per offending resource at its YAML file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.github.conftest import wcsync
from wcsync.catalog import load_catalog
from wcsync.catalog.project import load_project
from wcsync.github.annotations import from_guards
from wcsync.github.comments import render_plan_comment
from wcsync.github.planfile import read_plan_file

GUARD = {"guard": "max_price_drop_percent", "message": "Guard max_price_drop_percent tripped: MUG-1 drops 60 %",
         "hint": "check the catalogue; to proceed anyway pass --allow-price-drops", "override": "--allow-price-drops",
         "resources": [{"kind": "product", "key": "MUG-1"}, {"kind": "product", "key": "GONE-1"}, "junk"]}


def plan_file(project: Path, tmp_path: Path, **extra: object) -> Path:
    out = tmp_path / "plan.json"
    assert wcsync(project, "plan", "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data.update(extra)
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


def test_a_plan_without_the_keys_is_not_refused(project: Path, tmp_path: Path) -> None:
    pf = read_plan_file(plan_file(project, tmp_path))
    assert not pf.refused and pf.guards == ()
    assert [c.key for c in pf.plan.changes] == ["MUG-1"]


def test_a_refused_plan_is_rendered_in_full_under_its_banner(project: Path, tmp_path: Path) -> None:
    pf = read_plan_file(plan_file(project, tmp_path, refused=True, guards=[GUARD, "junk"]))
    assert pf.refused and [g.guard for g in pf.guards] == ["max_price_drop_percent"]
    assert [(r.kind.value, r.key) for r in pf.guards[0].resources] == [("product", "MUG-1"), ("product", "GONE-1")]
    assert pf.plan.refused and pf.plan.guards == pf.guards  # core.plan's GuardTrip, on the Plan value
    body = render_plan_comment("plan", "shop", "e5" * 20, pf, run_url=None, artifact=None).comment
    assert "> **A guard refused this plan: `wcsync apply` will not run it as it is.**" in body
    assert "> - **max_price_drop_percent**: Guard max_price_drop_percent tripped: MUG-1 drops 60 % — check the " \
           "catalogue; to proceed anyway pass --allow-price-drops. Override: `--allow-price-drops`." in body
    assert "MUG-1" in body.split("A guard refused")[1] and "Plan: 1 to create" in body


def test_guard_resources_are_annotated_at_their_declaration(project: Path, tmp_path: Path) -> None:
    pf = read_plan_file(plan_file(project, tmp_path, refused=True, guards=[GUARD]))
    desired = load_catalog(project, load_project(project)).desired
    notes = [a.command() for a in from_guards(pf.guards, desired, project, prefix="shop/")]
    assert notes[0].startswith("::error file=shop/catalog/products/mug-1.yaml,line=1,col=1,"
                               "title=wcsync guard max_price_drop_percent::product MUG-1: Guard")
    # a resource the catalogue no longer declares is annotated at the guard's setting in wcsync.yaml
    assert notes[1].startswith("::error file=shop/wcsync.yaml,line=1,col=1,")
    assert "GONE-1" in notes[1]
    assert len(notes) == 2
