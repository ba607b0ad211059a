"""SKUs the store would refuse. WooCommerce keeps a SKU unique across products and variations
(case-insensitively, 05#114-115), a trashed product or variation keeps its SKU (05#130, 06#63) and only a
permanent delete frees it (05#140, 06#66). So a variation whose SKU moved to another parent, or a SKU that
moved between a product and a variation, cannot be created while the old holder exists — and apply deletes
after it creates. This pass looks at every create (and SKU change) of the plan:

- the holder is deleted by this plan: a variation's delete becomes permanent (a trashed one would keep the
  SKU for ever), with a note; the create is left to the next apply, once the SKU is free (an Info says so and
  asks for a second apply);
- with ``--target``, the holder is one only a plan of the whole store deletes: the Info names the target to
  add;
- the holder itself gets another SKU in this plan: the SKU is taken until that write, so this one is left to
  the next apply (an Info says so) — unless they swap SKUs, which needs a temporary SKU (the Info says so);
- otherwise (the holder is not managed, kept by ``delete: never``, a trashed product, or a product this plan
  trashes): the create is not planned, and an Info names the holder and what to do.

Pure.
"""

from __future__ import annotations

from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, DeleteMode, Info, Note
from wcsync.core.planner.context import PlanContext
from wcsync.core.records import LiveResource

_WRITES = (Action.CREATE, Action.UPDATE, Action.ADOPT, Action.RESTORE)


def _wanted_sku(change: Change) -> str | None:
    """The SKU a write gives its resource when the store has not got it yet."""
    if change.kind not in (Kind.PRODUCT, Kind.VARIATION) or change.action not in _WRITES:
        return None
    if change.kind is Kind.PRODUCT:
        return change.key if change.action is Action.CREATE else None
    after = next((fc.after for fc in change.changes if fc.field == "sku"), None)
    return str(after) if isinstance(after, str) and after.strip() else None


def _holders(ctx: PlanContext) -> dict[str, list[tuple[Kind, LiveResource, str]]]:
    """Every SKU the store holds: comparable SKU -> (kind, live resource, description)."""
    out: dict[str, list[tuple[Kind, LiveResource, str]]] = {}
    state = ctx.index.state
    for p in state.products:
        if sku_key(p.key):
            out.setdefault(sku_key(p.key), []).append((Kind.PRODUCT, p, f"live product {p.key} (#{p.id})"))
    for p in state.trashed_products:
        if sku_key(p.key):
            out.setdefault(sku_key(p.key), []).append(
                (Kind.PRODUCT, p, f"product {p.key} (#{p.id}) in the trash")
            )
    products = ctx.index.by_id.get(Kind.PRODUCT, {})
    for v in state.variations:
        parent = products.get(v.parent_id or -1)
        own = sku_key(v.fields.get("sku", v.key))
        if own and (parent is None or own != sku_key(parent.key)):
            where = f"of {parent.key}" if parent is not None and parent.key else f"of product #{v.parent_id}"
            out.setdefault(own, []).append((Kind.VARIATION, v, f"variation #{v.id} {where}"))
    return out


def check_taken_skus(ctx: PlanContext) -> None:
    """Defer or drop the creates (and SKU changes) whose SKU another resource of the store holds."""
    wanted = [(i, sku) for i, c in enumerate(ctx.changes) if (sku := _wanted_sku(c)) is not None]
    if not wanted:
        return
    holders = _holders(ctx)
    deletes = {(c.kind, c.live_id): i for i, c in enumerate(ctx.changes) if c.action is Action.DELETE}
    #: (kind, live id) -> the SKU this plan gives that live resource
    renamed = {(ctx.changes[i].kind, ctx.changes[i].live_id): sku for i, sku in wanted if ctx.changes[i].live_id is not None}
    dropped: set[int] = set()
    for i, sku in wanted:
        change = ctx.changes[i]
        taken = [h for h in holders.get(sku_key(sku), []) if h[1].id != change.live_id]
        if not taken:
            continue
        kind, holder, described = taken[0]
        what = f"{change.kind.value} {change.key}"
        creating = change.action is Action.CREATE
        if creating and change.kind is Kind.VARIATION and change.parent_key:
            what += f" (under {change.parent_key})"  # a moved SKU: where it goes
        later = "is created by the next apply" if creating else "gets it by the next apply"
        again = f"{later}, not this one: run wcsync apply again once this plan is applied"
        at = deletes.get((kind, holder.id))
        if at is not None and (kind is Kind.VARIATION or ctx.changes[at].delete_mode is DeleteMode.FORCE):
            _make_permanent(ctx, at, sku, change)
            message = (
                f"SKU {sku} belongs to {described}, which this plan deletes permanently; WooCommerce refuses a SKU "
                f"that is still taken and apply deletes after it writes, so {what} {again}"
            )
        elif (kind, holder.id) in renamed and _in_cycle(holders, renamed, (kind, holder.id), change):
            message = (
                f"SKU {sku} belongs to {described}, which this plan gives another SKU in turn (a swap); WooCommerce "
                f"refuses a SKU that is still taken, so {what} keeps its current SKU: give one of them a temporary "
                "SKU in the catalogue first"
            )
        elif (kind, holder.id) in renamed:
            message = (
                f"SKU {sku} belongs to {described}, which this plan gives another SKU; WooCommerce refuses a SKU "
                f"that is still taken, so {what} {again}"
            )
        elif (scope := _outside_targets(ctx, kind, holder)) is not None:
            outcome = "is not created" if creating else "keeps its current SKU"
            message = (
                f"SKU {sku} belongs to {described}, which is outside --target (a plan of the whole store deletes "
                f"it permanently); WooCommerce would refuse the SKU while it is taken, so {what} {outcome}: plan "
                f"with --target {scope} as well, or without --target, and apply twice"
            )
        else:
            outcome = "is not created" if creating else "keeps its current SKU"
            message = (
                f"SKU {sku} belongs to {described}, which this plan does not delete permanently; WooCommerce "
                f"would refuse it, so {what} {outcome}: change the SKU in the catalogue, or free it (delete "
                "that resource permanently, or empty it from the trash)"
            )
        current = None if creating else next((fc.before for fc in change.changes if fc.field == "sku"), None)
        ctx.info.append(
            Info(kind=change.kind, key=change.key, field="sku", before=current, after=sku, message=message)
        )
        kept = None if creating else _without_sku(change)
        if kept is None:
            dropped.add(i)
        else:
            ctx.changes[i] = kept
    ctx.changes = [c for i, c in enumerate(ctx.changes) if i not in dropped]


def _outside_targets(ctx: PlanContext, kind: Kind, holder: LiveResource) -> str | None:
    """With ``--target``: the key to add to the targets so the plan deletes ``holder`` permanently, when a plan
    of the whole store would (a variation's delete is made permanent; a product's only under ``delete: force``).
    None otherwise."""
    if (kind, holder.id) not in ctx.untargeted_deletes:
        return None
    if kind is Kind.PRODUCT:
        return ctx.index.display_key(Kind.PRODUCT, holder) if ctx.settings.delete is DeleteMode.FORCE else None
    parent = ctx.index.by_id.get(Kind.PRODUCT, {}).get(holder.parent_id or -1)
    return ctx.index.display_key(Kind.PRODUCT, parent) if parent is not None else None


def _in_cycle(
    holders: dict[str, list[tuple[Kind, LiveResource, str]]],
    renamed: dict[tuple[Kind, int | None], str],
    start: tuple[Kind, int],
    change: Change,
) -> bool:
    """Does following "gets the SKU held by" from ``start`` come back to ``change`` (SKUs swapped)?"""
    current: tuple[Kind, int | None] = start
    for _ in range(len(renamed) + 1):
        if current == (change.kind, change.live_id):
            return True
        sku = renamed.get(current)
        if sku is None:
            return False
        taken = holders.get(sku_key(sku), [])
        if not taken:
            return False
        current = (taken[0][0], taken[0][1].id)
    return False


def _make_permanent(ctx: PlanContext, at: int, sku: str, taker: Change) -> None:
    old = ctx.changes[at]
    if old.delete_mode is DeleteMode.FORCE:
        return
    note = Note(
        code="sku-moves",
        message=f"deleted permanently, not trashed: its SKU {sku} moves to {taker.kind.value} {taker.key} "
        f"(under {taker.parent_key})" if taker.parent_key else
        f"deleted permanently, not trashed: its SKU {sku} moves to {taker.kind.value} {taker.key}",
    )
    ctx.changes[at] = old.model_copy(update={"delete_mode": DeleteMode.FORCE, "notes": (*old.notes, note)})


def _without_sku(change: Change) -> Change | None:
    """An update without its SKU change (None when nothing else is left to do)."""
    fields = tuple(fc for fc in change.changes if fc.field != "sku")
    notes = tuple(n for n in change.notes if n.code != "sku-change")
    if change.action is Action.UPDATE and not fields and not change.meta_deletes:
        return None
    return change.model_copy(update={"changes": fields, "notes": notes})
