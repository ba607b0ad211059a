"""The JSON form of a plan: the serialised ``Plan`` model (versioned by ``format_version``), not a template.
It is also the plan file that ``wcsync apply plan.json`` reads back with ``Plan.model_validate_json``."""

from __future__ import annotations

from wcsync.core.plan import Plan


def render_json(plan: Plan) -> str:
    """``plan.model_dump_json(indent=2)`` and a final newline."""
    return plan.model_dump_json(indent=2) + "\n"
