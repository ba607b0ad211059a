"""GTINs the store would refuse. WooCommerce keeps a ``global_unique_id`` (GTIN, UPC, EAN or ISBN) unique among
the products and variations that are not in the trash, like a SKU: a write that gives one the GTIN another
holds is refused as a whole with 400 ``product_invalid_global_unique_id`` "Invalid or duplicated GTIN, UPC,
EAN or ISBN." and ``data.resource_id`` = the holder (11#108-109). Apply writes before it deletes, and the items
of one batch are written in order, so this pass looks at every write of the plan that gives a product or
variation a GTIN, and when a live resource other than that one holds it:

- the holder is deleted by this plan, or gets another GTIN in it: the GTIN is taken until that write, so the
  write goes without it and it is given by the next apply (an Info says so and asks for a second apply);
- otherwise (the holder is not in the catalogue, or keeps its GTIN): the write goes without the GTIN, and an
  Info names the holder and what to do.

The rest of the write is planned as usual (a create still creates). Uniqueness inside the catalogue is
``wcsync validate``'s (``catalog/products.py``). Pure.
"""

from __future__ import annotations

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, Info
from wcsync.core.planner.context import PlanContext
from wcsync.core.records import LiveResource

#: the field the table marks unique like the SKU (``FieldSpec.unique``)
FIELD = "global_unique_id"

_WRITES = (Action.CREATE, Action.UPDATE, Action.ADOPT, Action.RESTORE)


def gtin_key(value: object) -> str:
    """How GTINs compare: trimmed, case-insensitive (an ISBN-10 check digit ``X``/``x``)."""
    return value.strip().casefold() if isinstance(value, str) else ""


def _wanted(change: Change) -> str | None:
    """The GTIN a write gives its resource (None: it gives none, or clears it)."""
    if change.kind not in (Kind.PRODUCT, Kind.VARIATION) or change.action not in _WRITES:
        return None
    after = next((fc.after for fc in change.changes if fc.field == FIELD), None)
    return after.strip() if isinstance(after, str) and after.strip() else None


def _holders(ctx: PlanContext) -> dict[str, list[tuple[Kind, LiveResource, str]]]:
    """Every GTIN the live products and variations hold: comparable GTIN -> (kind, resource, description)."""
    out: dict[str, list[tuple[Kind, LiveResource, str]]] = {}
    state = ctx.index.state
    for p in state.products:
        if key := gtin_key(p.fields.get(FIELD)):
            named = f"live product {p.key} (#{p.id})" if p.key else f"live product #{p.id}"
            out.setdefault(key, []).append((Kind.PRODUCT, p, named))
    products = ctx.index.by_id.get(Kind.PRODUCT, {})
    for v in state.variations:
        if key := gtin_key(v.fields.get(FIELD)):
            parent = products.get(v.parent_id or -1)
            of = f"of {parent.key}" if parent is not None and parent.key else f"of product #{v.parent_id}"
            own = f" {v.key}" if v.key else ""
            out.setdefault(key, []).append((Kind.VARIATION, v, f"variation{own} (#{v.id}) {of}"))
    return out


def check_taken_gtins(ctx: PlanContext) -> None:
    """Write without its GTIN every write whose GTIN another live product or variation holds (see above)."""
    wanted = [(i, gtin) for i, c in enumerate(ctx.changes) if (gtin := _wanted(c)) is not None]
    if not wanted:
        return
    holders = _holders(ctx)
    deleted = {(c.kind, c.live_id) for c in ctx.changes if c.action is Action.DELETE}
    regiven = {(c.kind, c.live_id) for c in ctx.changes
               if c.action in _WRITES and c.live_id is not None and any(fc.field == FIELD for fc in c.changes)}
    dropped: set[int] = set()
    for i, gtin in wanted:
        change = ctx.changes[i]
        taken = [h for h in holders.get(gtin_key(gtin), []) if (h[0], h[1].id) != (change.kind, change.live_id)]
        if not taken:
            continue
        kind, holder, described = taken[0]
        what = f"{change.kind.value} {change.key}"
        if (kind, holder.id) in deleted or (kind, holder.id) in regiven:
            why = "which this plan deletes" if (kind, holder.id) in deleted else "which this plan gives another GTIN"
            message = (
                f"global_unique_id {gtin} belongs to {described}, {why}; WooCommerce refuses a GTIN that is still "
                f"taken and the other write may come first, so {what} gets it by the next apply, not this one: "
                "run wcsync apply again once this plan is applied"
            )
        else:
            message = (
                f"global_unique_id {gtin} belongs to {described}, which this plan does not change; WooCommerce "
                f"would refuse the whole write, so {what} is written without it: give it another GTIN in the "
                f"catalogue, or remove the GTIN from that {kind.value} (wp-admin, or its catalogue entry)"
            )
        before = next((fc.before for fc in change.changes if fc.field == FIELD), None)
        ctx.info.append(Info(kind=change.kind, key=change.key, field=FIELD, before=before, after=gtin, message=message))
        kept = _without_gtin(change)
        if kept is None:
            dropped.add(i)
        else:
            ctx.changes[i] = kept
    ctx.changes = [c for i, c in enumerate(ctx.changes) if i not in dropped]


def _without_gtin(change: Change) -> Change | None:
    """The write without its GTIN (None: an update with nothing else to do)."""
    fields = tuple(fc for fc in change.changes if fc.field != FIELD)
    if change.action is Action.UPDATE and not fields and not change.meta_deletes:
        return None
    return change.model_copy(update={"changes": fields})
