"""Reading aids of the text and Markdown views that the plan itself does not group: sibling variations with
the same field change shown once with the variations it applies to, and the banner of a plan refused by a
guard. The JSON form keeps one entry per resource; these only shape what people read. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wcsync.core.plan import Action, GuardTrip, Plan

#: variations listed by name in a group's line before "and N more"
MAX_MEMBERS = 12
#: resources listed under a guard in the banner before "and N more"
MAX_RESOURCES = 10
#: actions whose sibling variations are grouped (a create lists no fields; a delete has none)
_GROUPED = (Action.UPDATE, Action.ADOPT, Action.RESTORE)


def member_name(entry: Any) -> str:
    """A variation as a group lists it: its options (``Blue M``), else its key."""
    title = entry.change.title if entry.change is not None else None
    return " ".join(str(title).replace(",", " ").split()) if title else str(entry.key)


def members_text(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_MEMBERS])
    return shown + (f" and {len(names) - MAX_MEMBERS} more" if len(names) > MAX_MEMBERS else "")


def group_siblings(children: list[Any]) -> list[Any]:
    """Variations of one product whose changes read the same (action, field lines, notes) become one entry
    (the first, with ``members`` naming all of them), placed where the first of them was."""
    buckets: dict[tuple[Any, ...], list[Any]] = {}
    for child in children:
        change = child.change
        if change is None or change.action not in _GROUPED or not child.fields:
            continue
        buckets.setdefault((change.action, tuple(child.fields), tuple(child.notes)), []).append(child)
    out: list[Any] = []
    absorbed: set[int] = set()
    for child in children:
        if id(child) in absorbed:
            continue
        change = child.change
        key = (change.action, tuple(child.fields), tuple(child.notes)) if change is not None else None
        same = buckets.get(key) if key is not None else None
        if same is None or len(same) < 2:
            out.append(child)
            continue
        absorbed.update(id(c) for c in same)
        child.members = [member_name(c) for c in same]
        out.append(child)
    return out


@dataclass(frozen=True)
class GuardLine:
    """One tripped guard as the banner shows it."""

    guard: str
    message: str
    #: ``product MUG-OLD, product MUG-TRAVEL`` (shortened), or "" when the guard names none
    resources: str
    #: the flag that overrides it, or None (then ``hint`` says what to do)
    override: str | None
    hint: str


def _guard_line(trip: GuardTrip) -> GuardLine:
    names = [f"{r.kind.value} {r.key}" for r in trip.resources]
    listed = ", ".join(names[:MAX_RESOURCES])
    if len(names) > MAX_RESOURCES:
        listed += f" and {len(names) - MAX_RESOURCES} more"
    return GuardLine(guard=trip.guard, message=trip.message, resources=listed, override=trip.override,
                     hint=trip.hint)


def banner(plan: Plan) -> list[GuardLine]:
    """The tripped guards of a refused plan (empty when it is not refused)."""
    return [_guard_line(g) for g in plan.guards] if plan.refused else []


def banner_title(plan: Plan) -> str:
    n = len(plan.guards)
    flags = sorted({g.override for g in plan.guards if g.override})
    unlock = f"without {' '.join(flags)}" if flags and all(g.override for g in plan.guards) else "as it is"
    return (f"Refused by {n} guard{'s' if n != 1 else ''}: the whole plan is shown below, but "
            f"wcsync apply will not apply it {unlock}.")
