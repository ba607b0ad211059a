"""Per-object staleness of a saved plan: which changes touch objects that changed in the store since planning.

A change is stale when the object it updates or deletes is gone or has another ``date_modified`` than the plan
recorded, or when the object it creates already exists. Stale changes are skipped and reported one by one;
the rest of the plan proceeds. A change whose object moved *into what the plan wanted* (an earlier run of the
same plan applied it) is not stale but already applied: ``already_applied`` tells them apart with a fresh plan
of the same catalogue against the store (``remaining``), in which an applied change no longer appears. Pure:
compares a plan with a freshly fetched ``LiveState``.
"""

from __future__ import annotations

from collections.abc import Iterable

from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, Plan
from wcsync.core.records import LiveResource, LiveState


def _by_id(live: LiveState) -> dict[tuple[Kind, int], LiveResource]:
    out: dict[tuple[Kind, int], LiveResource] = {}
    for kind in Kind:
        for res in live.of_kind(kind):
            out[(kind, res.id)] = res
    for res in live.trashed_products:
        out.setdefault((Kind.PRODUCT, res.id), res)
    for res in live.trashed_variations:  # what a saved plan restores with its parent
        out.setdefault((Kind.VARIATION, res.id), res)
    return out


def _keys(live: LiveState) -> set[tuple[Kind, str]]:
    out: set[tuple[Kind, str]] = set()
    for kind in Kind:
        for res in live.of_kind(kind):
            if res.key:
                out.add((kind, _norm(kind, res.key)))
    for res in live.trashed_products:
        if res.key:
            out.add((Kind.PRODUCT, _norm(Kind.PRODUCT, res.key)))
    return out


def _norm(kind: Kind, key: str) -> str:
    if kind in (Kind.PRODUCT, Kind.VARIATION):
        return sku_key(key)
    # category paths, term keys "attr/slug": WordPress term slugs are unique per taxonomy, compare the leaf
    return key.rsplit("/", 1)[-1]


def stale_changes(plan: Plan, live: LiveState) -> dict[tuple[Kind, str], str]:
    """(kind, key) → why the change is stale, for every change the store has moved away from."""
    ids = _by_id(live)
    keys = _keys(live)
    out: dict[tuple[Kind, str], str] = {}
    for change in plan.changes:
        where = (change.kind, change.key)
        if change.action is Action.CREATE:
            if change.kind is Kind.TERM:
                continue  # term slugs are unique per attribute only; the create's own error will say so
            if (change.kind, _norm(change.kind, change.key)) in keys:
                out[where] = "already exists in the store (created since planning); plan again"
            continue
        if not change.live_id:
            continue
        current = ids.get((change.kind, change.live_id))
        if current is None:
            if change.action is not Action.DELETE:
                out[where] = f"no longer exists in the store (id {change.live_id}); plan again"
            continue
        if change.date_modified and current.date_modified and current.date_modified != change.date_modified:
            out[where] = (f"changed in the store since planning (modified {current.date_modified}, "
                          f"plan saw {change.date_modified}); plan again")
    return out


def already_applied(
    plan: Plan, live: LiveState, stale: Iterable[tuple[Kind, str]], remaining: Iterable[Change]
) -> dict[tuple[Kind, str], int]:
    """(kind, key) → live id (0 when gone) of the saved plan's changes the store already holds: those that a
    fresh plan of the same catalogue (``remaining``) no longer has, whether their fingerprint moved (``stale``)
    or not — ``date_modified`` has one-second resolution, so a write in the planning second leaves it as it
    was, and such a change must not be written a second time."""
    del stale  # every change is a candidate: a fresh plan decides, not the fingerprint
    ids = _by_id(live)
    still = {(c.kind, _norm(c.kind, c.key)) for c in remaining}
    out: dict[tuple[Kind, str], int] = {}
    for change in plan.changes:
        where = (change.kind, change.key)
        gone = change.action is Action.DELETE and change.live_id and (change.kind, change.live_id) not in ids
        if (change.kind, _norm(change.kind, change.key)) in still:
            continue
        out[where] = 0 if gone else (change.live_id or _live_id(live, change.kind, change.key))
    return out


def _live_id(live: LiveState, kind: Kind, key: str) -> int:
    wanted = _norm(kind, key)
    for res in live.of_kind(kind):
        if res.key and _norm(kind, res.key) == wanted:
            return res.id
    return 0
