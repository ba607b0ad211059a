"""Natural key → live id, for one apply run: the plan's ``refs``, the ids of resources the plan updates,
and ids the store assigned to resources created earlier in the same run."""

from __future__ import annotations

from wcsync.core.kinds import Kind
from wcsync.core.plan import Plan


class RunRefs:
    def __init__(self, plan: Plan) -> None:
        self._ids: dict[tuple[Kind, str], int] = {}
        for kind_value, by_key in plan.refs.items():
            kind = Kind(kind_value)
            for key, id_ in by_key.items():
                self._ids[(kind, key)] = int(id_)
        for change in plan.changes:
            if change.live_id:
                self._ids.setdefault((change.kind, change.key), change.live_id)
        #: (kind, key) -> "create failed: …" for resources that should exist but do not
        self.failed: dict[tuple[Kind, str], str] = {}
        #: (kind, key) -> why it was skipped (stale since planning, or depends on something skipped)
        self.skipped: dict[tuple[Kind, str], str] = {}

    def __call__(self, kind: Kind, key: str) -> int | None:
        return self._ids.get((kind, key))

    def created(self, kind: Kind, key: str, id_: int) -> None:
        self._ids[(kind, key)] = id_

    def why_missing(self, kind: Kind, key: str) -> str | None:
        return self.failed.get((kind, key))
