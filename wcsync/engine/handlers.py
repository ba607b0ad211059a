"""One handler per (kind, action): turns a plan ``Change`` into the ``WriteOp`` a writer sends.

The table ``HANDLERS`` is complete for every kind and action; an unknown pair is a bug (``KeyError``).
Bodies come from the ``Encoder`` the caller passes (``wcsync.store.payload.ENCODER``: the WooCommerce input
rules live there, not here), completed with apply's bookkeeping (``wcsync.engine.bookkeeping``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, DeleteMode
from wcsync.engine.bookkeeping import complete
from wcsync.engine.model import Encoder, Op, Resolver, UnresolvedReference, WriteOp

Handler = Callable[[Change, Resolver, Iterable[str], Encoder], WriteOp]

_PARENT_KIND = {Kind.VARIATION: Kind.PRODUCT, Kind.TERM: Kind.ATTRIBUTE}


def parent_id(change: Change, refs: Resolver) -> int | None:
    parent_kind = _PARENT_KIND.get(change.kind)
    if parent_kind is None:
        return None
    if change.live_parent_id:
        return change.live_parent_id
    if change.parent_key is None:
        raise UnresolvedReference("parent", parent_kind, "?")
    found = refs(parent_kind, change.parent_key)
    if found is None:
        raise UnresolvedReference("parent", parent_kind, change.parent_key)
    return found


def _write(change: Change, refs: Resolver, omit: Iterable[str], encoder: Encoder) -> WriteOp:
    body = complete(change, encoder.body(change, refs, omit))
    op = Op.CREATE if change.action is Action.CREATE else Op.UPDATE
    return WriteOp(kind=change.kind, op=op, key=change.key, payload=body,
                   id=None if op is Op.CREATE else change.live_id, parent_id=parent_id(change, refs),
                   date_modified=change.date_modified)


def _delete(change: Change, refs: Resolver, omit: Iterable[str], encoder: Encoder) -> WriteOp:
    trash = change.delete_mode in (DeleteMode.TRASH, None) and change.kind in (Kind.PRODUCT, Kind.VARIATION)
    return WriteOp(kind=change.kind, op=Op.TRASH if trash else Op.DELETE, key=change.key,
                   id=change.live_id, parent_id=parent_id(change, refs), date_modified=change.date_modified)


HANDLERS: dict[tuple[Kind, Action], Handler] = {
    (kind, action): (_delete if action is Action.DELETE else _write)
    for kind in Kind
    for action in Action
    # categories, tags, terms, attributes and shipping classes cannot be trashed, so no restore
    if action is not Action.RESTORE or kind in (Kind.PRODUCT, Kind.VARIATION)
}
