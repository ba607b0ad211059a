"""The repository's example catalogue (catalog/, wcsync.yaml) through the planner: against an empty store
every resource is one create and nothing else; against a store that matches it, rendered as WooCommerce
returns it, the plan is empty."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.core.woo import render_live
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, PlanSettings, StoreRef
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredState, LiveState

ROOT = Path(__file__).resolve().parents[2]
STORE = StoreRef(name="example", url="sandbox:/tmp/x")


@pytest.fixture(scope="module")
def example() -> tuple[DesiredState, PlanSettings]:
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project, plan_settings

    project = load_project(ROOT)
    loaded = load_catalog(ROOT, project)
    assert loaded.ok, [str(d) for d in loaded.diagnostics]
    assert loaded.desired is not None
    return loaded.desired, plan_settings(project)


def test_against_an_empty_store_every_resource_is_created_once(example: tuple[DesiredState, PlanSettings]) -> None:
    desired, settings = example
    plan = build_plan(desired, LiveState(), settings, store=STORE)
    assert {c.action for c in plan.changes} == {Action.CREATE}
    keys = [(c.kind, c.key.casefold()) for c in plan.changes]
    assert len(keys) == len(set(keys))
    counts = Counter(c.kind for c in plan.changes)
    assert counts == {k: len(desired.of_kind(k)) for k in Kind if desired.of_kind(k)}
    assert counts[Kind.PRODUCT] == 34 and counts[Kind.VARIATION] > 0
    assert plan.info == () and plan.refs == {}


def test_against_a_matching_store_nothing_changes(example: tuple[DesiredState, PlanSettings]) -> None:
    desired, settings = example
    plan = build_plan(desired, render_live(desired), settings, store=STORE)
    assert [(c.action.value, c.key, c.changes) for c in plan.changes] == []
    assert plan.info == ()
