"""Runs every numbered scenario ``tests/scenarios/NNN-name/scenario.py``: each builds a desired state, a live
state and settings, and asserts the exact plan (``check(plan)``) or the exact refusal (``check_error(err)``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tests.scenarios.builders import STORE
from wcsync.core.guards import refusal
from wcsync.core.planner import build_plan

_HERE = Path(__file__).parent
SCENARIOS = sorted(p for p in _HERE.iterdir() if p.is_dir() and (p / "scenario.py").is_file())


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"scenario_{path.name.replace('-', '_')}", path / "scenario.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scenarios_are_numbered_and_present() -> None:
    assert len(SCENARIOS) >= 15
    numbers = [p.name.split("-", 1)[0] for p in SCENARIOS]
    assert all(n.isdigit() and len(n) == 3 for n in numbers)
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_scenario(path: Path) -> None:
    sc = _load(path)
    desired, live, settings = sc.build()
    plan = build_plan(desired, live, settings, store=STORE)
    if hasattr(sc, "check_error"):
        # a refused plan is still a whole plan: its guards say why, and it survives its JSON form
        err = refusal(plan)
        assert plan.refused and plan.guards and err is not None
        assert type(plan).model_validate_json(plan.model_dump_json()) == plan
        sc.check_error(err)
        return
    assert not plan.refused and refusal(plan) is None
    sc.check(plan)
    # a plan always survives its JSON form unchanged
    assert type(plan).model_validate_json(plan.model_dump_json()) == plan
