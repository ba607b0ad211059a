"""Stages of an apply, in dependency order (the one table is ``wcsync.core.kinds.APPLY_ORDER``).

Create/update/adopt/restore run top-down (attributes → terms → categories, then brands, by depth, parents first → tags →
shipping classes → products → variations); deletes run bottom-up (variations first, categories deepest
first). Pure: it only groups plan changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wcsync.core.kinds import APPLY_ORDER, DELETE_ORDER, TREE_KINDS, Kind
from wcsync.core.plan import Action, Change

WRITE_ACTIONS = (Action.CREATE, Action.UPDATE, Action.ADOPT, Action.RESTORE)


@dataclass(frozen=True)
class Stage:
    kind: Kind
    delete: bool
    changes: tuple[Change, ...]
    #: categories and brands only: depth of the slug path (0 = top level)
    depth: int | None = None

    @property
    def name(self) -> str:
        verb = "delete" if self.delete else "write"
        plural = {Kind.CATEGORY: "categories", Kind.SHIPPING_CLASS: "shipping classes"}.get(
            self.kind, f"{self.kind.value}s")
        label = f"{verb} {plural}"
        if self.depth is not None:
            label += f" (depth {self.depth})"
        return label


def depth(change: Change) -> int:
    return change.key.count("/")


def stages(changes: Iterable[Change]) -> list[Stage]:
    """Group changes into stages in dependency order; empty stages are left out."""
    all_changes = list(changes)
    out: list[Stage] = []
    for kind in APPLY_ORDER:
        writes = [c for c in all_changes if c.kind is kind and c.action in WRITE_ACTIONS]
        out.extend(_split(kind, writes, delete=False))
    for kind in DELETE_ORDER:
        deletes = [c for c in all_changes if c.kind is kind and c.action is Action.DELETE]
        out.extend(_split(kind, deletes, delete=True))
    return out


def _split(kind: Kind, changes: list[Change], *, delete: bool) -> list[Stage]:
    if not changes:
        return []
    if kind not in TREE_KINDS:
        return [Stage(kind, delete, tuple(changes))]
    depths = sorted({depth(c) for c in changes}, reverse=delete)
    return [Stage(kind, delete, tuple(c for c in changes if depth(c) == d), depth=d) for d in depths]
