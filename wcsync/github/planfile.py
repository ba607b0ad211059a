"""The plan file (``wcsync plan --out plan.json``) as the GitHub commands consume it.

A plan that a guard refused is still written in full (docs/CONTRACTS point 2), with a top-level
``"refused": true`` and ``"guards": [{"guard", "message", "hint", "override", "resources": [{"kind", "key"}]}]``.
Both are read defensively: absent means "not refused", a malformed entry is kept as far as it can be read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wcsync.core.plan import Plan
from wcsync.errors import PlanError


@dataclass(frozen=True)
class GuardTrip:
    """One guard that refused the plan, and the resources it names (kind value, natural key)."""

    guard: str
    message: str
    hint: str = ""
    override: str | None = None
    resources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PlanFile:
    plan: Plan
    refused: bool = False
    guards: tuple[GuardTrip, ...] = ()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def read_guards(data: dict[str, Any]) -> tuple[bool, tuple[GuardTrip, ...]]:
    """``refused`` and ``guards`` of a plan JSON object (absent: not refused, no guards)."""
    trips = []
    for raw in data.get("guards") or []:
        if not isinstance(raw, dict):
            continue
        resources = tuple(
            (_text(r.get("kind")), _text(r.get("key")))
            for r in raw.get("resources") or []
            if isinstance(r, dict) and _text(r.get("key"))
        )
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
        plan = Plan.model_validate(body)
    except (OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PlanError(f"{path} is not a wcsync plan file ({first})",
                        hint="write one with `wcsync plan --out plan.json`") from None
    return PlanFile(plan=plan, refused=refused, guards=guards)
