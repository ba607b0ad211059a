"""The plan file (``wcsync plan --out plan.json``) as the GitHub commands consume it.

A plan that a guard refused is still written in full (docs/CONTRACTS point 2), with a top-level
``"refused": true`` and ``"guards": [{"guard", "message", "hint", "override", "resources": [{"kind", "key"}]}]``:
the ``Plan`` value's own ``refused`` and ``guards`` (``wcsync.core.plan.GuardTrip``). Both are read
defensively: absent means "not refused", a malformed entry is kept as far as it can be read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wcsync.core.kinds import Kind
from wcsync.core.plan import GuardResource, GuardTrip, Plan
from wcsync.errors import PlanError


@dataclass(frozen=True)
class PlanFile:
    plan: Plan

    @property
    def refused(self) -> bool:
        return self.plan.refused

    @property
    def guards(self) -> tuple[GuardTrip, ...]:
        return self.plan.guards


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _resource(raw: Any) -> GuardResource | None:
    if not isinstance(raw, dict) or not _text(raw.get("key")) or raw.get("kind") not in set(Kind):
        return None
    return GuardResource(kind=Kind(raw["kind"]), key=raw["key"])


def read_guards(data: dict[str, Any]) -> tuple[bool, tuple[GuardTrip, ...]]:
    """``refused`` and ``guards`` of a plan JSON object (absent: not refused, no guards)."""
    trips = []
    for raw in data.get("guards") or []:
        if not isinstance(raw, dict):
            continue
        resources = tuple(r for r in map(_resource, raw.get("resources") or []) if r is not None)
        trips.append(GuardTrip(guard=_text(raw.get("guard")) or "guard", message=_text(raw.get("message")),
                               hint=_text(raw.get("hint")), override=_text(raw.get("override")) or None,
                               resources=resources))
    refused = data.get("refused") is True or (data.get("refused") is None and bool(trips))
    return refused, tuple(trips)


def read_plan_file(path: Path) -> PlanFile:
    """The plan file at ``path``; ``PlanError`` when it is not a wcsync plan."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        refused, guards = read_guards(data)
        body = {k: v for k, v in data.items() if k not in ("refused", "guards")}
        plan = Plan.model_validate(body).model_copy(update={"refused": refused, "guards": guards})
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PlanError(f"{path} is not a wcsync plan file ({first})",
                        hint="write one with `wcsync plan --out plan.json`") from None
    return PlanFile(plan=plan)
