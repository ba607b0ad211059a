"""The JSON form is the serialised plan model: versioned, lossless, and read back by apply."""

from __future__ import annotations

import json

from syrupy.assertion import SnapshotAssertion

from wcsync.core.plan import PLAN_FORMAT_VERSION, Plan
from wcsync.render import render, render_json


def test_round_trip(full: Plan) -> None:
    text = render_json(full)
    assert Plan.model_validate_json(text) == full
    assert text == full.model_dump_json(indent=2) + "\n"


def test_versioned_and_carries_what_apply_needs(design: Plan) -> None:
    data = json.loads(render_json(design))
    assert data["format_version"] == PLAN_FORMAT_VERSION == 1
    update = data["changes"][1]
    assert update["action"] == "update"
    assert update["key"] == "HOODIE-CLASSIC"
    assert update["changes"][0] == {"field": "regular_price", "before": "40.00", "after": "45.00"}
    assert update["notes"][0]["percent"] == 12.5
    assert update["date_modified"] == "2026-05-01T10:00:00"


def test_dispatch(design: Plan) -> None:
    assert render(design, "json") == render_json(design)
    assert render(design, "text").endswith("Plan: 2 to create, 1 to update, 1 to adopt, 1 to delete.\n")
    assert render(design, "markdown").startswith("<!-- wcsync-plan -->")


def test_unknown_format(design: Plan) -> None:
    try:
        render(design, "yaml")
    except ValueError as exc:
        assert str(exc) == "unknown plan format 'yaml'; choose one of text, markdown, json"
    else:
        raise AssertionError("no error")


def test_snapshot(full: Plan, snapshot_json: SnapshotAssertion) -> None:
    assert render_json(full) == snapshot_json
