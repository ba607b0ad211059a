"""The pure planner: desired state + live state → a frozen ``Plan`` (design.md §3, §5).

``build_plan`` diffs canonical forms of managed fields only (``wcsync.core.compare``), decides ownership
(``marked``: only resources carrying wcsync's mark are updated or deleted; an unmarked live product with a
catalogue SKU is adopted; a SKU held by a trashed product is restored), resolves references by natural key,
writes impact notes, orders the changes by ``wcsync.core.kinds.APPLY_ORDER`` (deletes bottom-up) and applies
the guards: a tripped guard never hides the plan, it is recorded in it (``Plan.guards``, ``Plan.refused``;
``wcsync.core.guards.refusal`` turns it into the one ``PlanError`` naming every trip). ``verify_convergence``
re-plans after apply and returns what still differs. No I/O, no clock, no environment.

Protect: ``protect: true`` lives on a catalogue entry, and a resource is only deleted when no catalogue entry
matches it, so a protected entry protects against deletes that still happen with the entry present (a
duplicate variation combination, a term under ``ownership: all`` matched by another key). A live resource
whose catalogue entry vanished cannot be known to be protected (the store holds no such flag): the
vanished-catalogue guard and ``max_deletes`` cover that case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from wcsync.bulk import paused_gc
from wcsync.core import guards
from wcsync.core.canonical import path_key
from wcsync.core.fields import TABLES
from wcsync.core.kinds import APPLY_ORDER, DELETE_ORDER, TREE_KINDS, Kind
from wcsync.core.plan import Action, Change, Plan, PlanSettings, StoreRef
from wcsync.core.planner.context import PlanContext, make_compare_context, protected_map
from wcsync.core.planner.gtins import check_taken_gtins
from wcsync.core.planner.products import plan_products
from wcsync.core.planner.skus import check_taken_skus
from wcsync.core.planner.terms import plan_terms
from wcsync.core.records import DesiredState, LiveState
from wcsync.core.refs import LiveIndex, clear_caches, is_global_ref, strip_pa

__all__ = ["build_plan", "plan_changes", "verify_convergence"]


def build_plan(desired: DesiredState, live: LiveState, settings: PlanSettings, *, store: StoreRef) -> Plan:
    """Plan the changes that make ``live`` match ``desired``. Every guard is evaluated; the tripped ones are
    recorded in the plan, which is then ``refused`` (see ``wcsync.core.guards.refusal``)."""
    ctx = _run(desired, live, settings, store)
    changes = ctx.changes
    managed_products = sum(1 for p in live.products if settings.ownership == "all" or p.mark is not None)
    vanished = guards.vanished_catalogue_trip(store.name, len(desired.products), managed_products, settings)
    if vanished is not None:
        product_deletes = tuple(
            (c.kind, c.key) for c in changes if c.kind is Kind.PRODUCT and c.action is Action.DELETE
        )
        vanished = replace(vanished, resources=product_deletes)
    trips = [
        t
        for t in (
            vanished,
            guards.protected_trip(changes, ctx.protected),
            # a vanished catalogue is the deletes guard's worst case: one refusal, not two
            guards.deletes_trip(changes, settings) if vanished is None else None,
            guards.changed_percent_trip(changes, ctx.managed_total, settings),
            guards.price_drops_trip(ctx.drops, settings),
        )
        if t is not None
    ]
    return Plan(
        store=StoreRef(name=store.name, url=store.url, wc_version=store.wc_version or live.wc_version),
        catalog_version=desired.catalog_version,
        refused=bool(trips),
        guards=tuple(t.as_plan() for t in trips),
        changes=tuple(changes),
        info=tuple(ctx.info),
        refs=_collect_refs(changes, ctx.index),
        settings=settings,
    )


def plan_changes(desired: DesiredState, live: LiveState, settings: PlanSettings, *, store: StoreRef) -> list[Change]:
    """The ordered changes, without guards (for convergence checks and tests)."""
    return _run(desired, live, settings, store, with_guards=False).changes


def verify_convergence(
    desired: DesiredState,
    live: LiveState,
    settings: PlanSettings,
    store: StoreRef,
    *,
    keys: Iterable[str] = (),
) -> list[Change]:
    """After apply: re-plan against the re-fetched live state (optionally only ``keys``, as ``--target``
    would) with every guard overridden. An empty list means the store converged; anything else is a
    remaining difference (a perpetual diff if the write succeeded: the canonical forms are wrong)."""
    relaxed = settings.model_copy(
        update={
            "allow_deletes": True,
            "allow_changes": True,
            "allow_price_drops": True,
            "targets": tuple(keys) or settings.targets,
        }
    )
    return plan_changes(desired, live, relaxed, store=store)


def _run(
    desired: DesiredState, live: LiveState, settings: PlanSettings, store: StoreRef, *, with_guards: bool = True
) -> PlanContext:
    # a plan makes hundreds of thousands of short-lived objects over a heap of a whole catalogue and store:
    # the cyclic collector would re-scan that heap again and again (half the time at 50,000 resources) for
    # garbage that reference counting frees anyway (see wcsync.bulk)
    with paused_gc():
        return _planned(desired, live, settings, store, with_guards=with_guards)


def _planned(
    desired: DesiredState, live: LiveState, settings: PlanSettings, store: StoreRef, *, with_guards: bool = True
) -> PlanContext:
    # With --target, the store as a whole is planned too (without guards): its managed resources are the
    # max_changed_percent base, and its deletes tell a targeted plan which SKU holders only widening the
    # targets would delete.
    whole = None
    if with_guards and settings.targets:
        whole = _run(desired, live, settings.model_copy(update={"targets": ()}), store, with_guards=False)
    clear_caches()
    index = LiveIndex.build(live)
    ctx = PlanContext(
        desired=desired,
        settings=settings,
        index=index,
        cmp=make_compare_context(desired, index),
        store_name=store.name,
        protected=protected_map(desired),
    )
    if whole is not None:
        ctx.untargeted_deletes = frozenset(
            (c.kind, c.live_id) for c in whole.changes if c.action is Action.DELETE and c.live_id is not None
        )
    plan_terms(ctx)
    ctx.drops = plan_products(ctx)
    check_taken_skus(ctx)
    check_taken_gtins(ctx)
    ctx.managed_total = whole.managed_live if whole is not None else ctx.managed_live
    ctx.changes = _ordered(ctx.changes)
    return ctx


# -- order -------------------------------------------------------------------------------------------


def _sort_key(change: Change) -> tuple[Any, ...]:
    depth = path_key(change.key).count("/") if change.kind in TREE_KINDS else 0
    parent = (change.parent_key or "").casefold()
    if change.action is Action.DELETE:
        return (1, DELETE_ORDER.index(change.kind), -depth, parent, change.key.casefold())
    return (0, APPLY_ORDER.index(change.kind), depth, parent, change.key.casefold())


def _ordered(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=_sort_key)


# -- references --------------------------------------------------------------------------------------

#: product and variation reference fields -> the kind they point to (the field table's ``ref``)
_REF_FIELDS: dict[str, Kind] = {
    s.name: s.ref for k in (Kind.PRODUCT, Kind.VARIATION) for s in TABLES[k].values() if s.ref is not None
}


def _collect_refs(changes: list[Change], index: LiveIndex) -> dict[str, dict[str, int]]:
    """Ids of the live resources the changes reference, by kind value then natural key; resources the plan
    creates are absent ("known after apply")."""
    wanted: dict[Kind, set[str]] = {}

    def want(kind: Kind, key: Any) -> None:
        if isinstance(key, str) and key and not key.startswith("#"):
            wanted.setdefault(kind, set()).add(key)

    for ch in changes:
        if ch.action is Action.DELETE:
            continue
        if ch.kind is Kind.VARIATION and ch.parent_key:
            want(Kind.PRODUCT, ch.parent_key)
        if ch.kind is Kind.TERM and ch.parent_key:
            want(Kind.ATTRIBUTE, ch.parent_key)
        for fc in ch.changes:
            after = fc.after
            if fc.field in _REF_FIELDS:
                for key in after if isinstance(after, list) else [after]:
                    want(_REF_FIELDS[fc.field], key)
            elif fc.field == "parent" and ch.kind in TREE_KINDS:
                want(ch.kind, after)
            elif fc.field == "attributes" and isinstance(after, list):
                for attr in after:
                    if isinstance(attr, dict) and attr.get("slug"):
                        want(Kind.ATTRIBUTE, attr["slug"])
            elif fc.field in ("attributes", "default_attributes") and isinstance(after, dict):
                for ref in after:
                    if is_global_ref(str(ref)):
                        want(Kind.ATTRIBUTE, strip_pa(str(ref)))
    refs: dict[str, dict[str, int]] = {}
    for kind in APPLY_ORDER:
        for key in sorted(wanted.get(kind, ()), key=str.casefold):
            live = index.find(kind, key)
            if live is not None:
                refs.setdefault(kind.value, {})[key] = live.id
    return refs
