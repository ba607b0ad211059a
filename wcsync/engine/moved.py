"""Changes to skip because their objects moved in the store between apply's read and its lock: the saved-plan
staleness check (``wcsync.engine.stale``) run on the read patched with the rows the store listed as modified
since (``wcsync.store.moved`` lists them when the lock is taken)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Protocol

from wcsync.core.kinds import Kind
from wcsync.core.plan import Plan
from wcsync.core.records import LiveResource, LiveState
from wcsync.engine.stale import stale_changes


class MovedRows(Protocol):
    """Product and variation rows (``id``, ``sku``, ``date_modified_gmt``, ``parent_id``) modified since a read."""

    products: list[dict[str, Any]]
    variations: list[dict[str, Any]]


def moved_changes(plan: Plan, live: LiveState, moved: MovedRows, *, skip: Collection[tuple[Kind, str]] = ()
                  ) -> dict[tuple[Kind, str], str]:
    """The changes of ``plan`` (other than ``skip``) whose object moved since ``live`` was read, or whose SKU
    was created meanwhile: the saved-plan staleness check (``engine.stale``) run on ``live`` patched with
    what moved."""
    if not moved.products and not moved.variations:
        return {}

    def patched(kind: Kind, old: Sequence[LiveResource], rows: list[dict[str, Any]]) -> tuple[LiveResource, ...]:
        by_id = {int(r.get("id") or 0): r for r in rows}
        out = [res.model_copy(update={"date_modified": by_id.pop(res.id).get("date_modified_gmt")})
               if res.id in by_id else res for res in old]
        out += [LiveResource(kind=kind, id=rid, key=str(r.get("sku") or "") or None,
                             parent_id=r.get("parent_id"), date_modified=r.get("date_modified_gmt"))
                for rid, r in by_id.items()]
        return tuple(out)

    now = live.model_copy(update={"products": patched(Kind.PRODUCT, live.products, moved.products),
                                  "variations": patched(Kind.VARIATION, live.variations, moved.variations)})
    before = stale_changes(plan, live)
    return {where: f"{reason} (while this apply waited for the store's lock: another apply?)"
            for where, reason in stale_changes(plan, now).items() if where not in before and where not in skip}
