"""Planning of products and their variations: identity by SKU (variations: SKU, else the attribute
combination within the parent), ownership by wcsync's mark (design.md §3), restore of trashed SKUs, deletes,
and the price drops the guards check. Pure.
"""

from __future__ import annotations

from typing import Any

from wcsync.core.canonical import money, sku_key
from wcsync.core.compare import canon
from wcsync.core.guards import PriceDrop
from wcsync.core.kinds import Kind, is_foreign_type, variation_combo_key
from wcsync.core.notes import field_notes, listed, option_in_use, percent_change
from wcsync.core.plan import Action, Change, DeleteMode, Info, Note
from wcsync.core.planner.context import PlanContext, desired_title, variation_title
from wcsync.core.planner.diff import FieldDiff, diff_record
from wcsync.core.planner.foreign import foreign_type, leave_foreign, list_foreign
from wcsync.core.records import DesiredResource, LiveResource
from wcsync.core.refs import attr_ref

_MAX_LISTED = 10
#: a mark written before field ownership: this write records the fields wcsync manages
OWNERSHIP_NOTE = Note(
    code="ownership-recorded",
    message="its mark predates field ownership: this write records the fields wcsync manages (a field line "
    "deleted from the catalogue before it is not reset)",
)


def plan_products(ctx: PlanContext) -> list[PriceDrop]:
    drops: list[PriceDrop] = []
    matched: set[int] = set()
    variations_by_parent: dict[str, list[DesiredResource]] = {}
    for v in ctx.desired.variations:
        variations_by_parent.setdefault(sku_key(v.parent_key), []).append(v)
    for d in sorted(ctx.desired.products, key=lambda r: sku_key(r.key)):
        own_variations = variations_by_parent.get(sku_key(d.key), [])
        if not ctx.targeted(Kind.PRODUCT, d.key):
            # ``--target`` may name single variations (by SKU): plan those, and nothing else of the product
            chosen = [v for v in own_variations if ctx.targeted(Kind.VARIATION, v.key)]
            parent = ctx.index.find(Kind.PRODUCT, d.key)
            if chosen and parent is not None and foreign_type(d, parent) is None:
                managed = ctx.settings.ownership == "all" or parent.mark is not None
                action = Action.UPDATE if managed else Action.ADOPT
                drops.extend(_plan_variations(ctx, d, parent, action, chosen, deletes=False))
            continue
        live = ctx.index.find(Kind.PRODUCT, d.key)
        held = live or ctx.index.trashed_by_sku.get(sku_key(d.key))
        if (ptype := foreign_type(d, held)) is not None:
            if held is not None:
                matched.add(held.id)
            leave_foreign(ctx, d, held, ptype)
            continue
        action = Action.CREATE
        if live is not None:
            managed = ctx.settings.ownership == "all" or live.mark is not None
            action = Action.UPDATE if managed else Action.ADOPT
        elif (trashed := ctx.index.trashed_by_sku.get(sku_key(d.key))) is not None:
            live, action = _untrashed(trashed), Action.RESTORE
        if live is not None:
            matched.add(live.id)
            ctx.managed_live += 1
        diff = diff_record(ctx, d, live)
        ctx.info.extend(diff.info)
        if live is not None:
            drops.extend(_price_drops(ctx, d, live, diff))
        notes = field_notes(diff.changes) if live is not None else []
        notes.extend(_options_in_use(ctx, d, live, diff))
        if action is not Action.UPDATE or diff.changes or diff.meta_deletes:
            ctx.changes.append(_change(d, action, live, diff, notes))
        drops.extend(_plan_variations(ctx, d, live, action, own_variations))
    _plan_product_deletes(ctx, matched)
    return drops


def _change(
    d: DesiredResource,
    action: Action,
    live: LiveResource | None,
    diff: FieldDiff,
    notes: list[Note],
    *,
    key: str | None = None,
    parent: LiveResource | None = None,
    product: DesiredResource | None = None,
) -> Change:
    return Change(
        kind=d.kind,
        action=action,
        key=key or d.key,
        parent_key=d.parent_key,
        live_id=live.id if live is not None else None,
        live_parent_id=parent.id if parent is not None else None,
        title=desired_title(d, product),
        changes=tuple(diff.changes),
        meta_deletes=tuple(diff.meta_deletes),
        meta_deleted=diff.meta_deleted,
        attachments=diff.attachments,
        mark_meta_keys=tuple(diff.mark_meta_keys),
        mark_fields=diff.mark_fields,
        notes=tuple(notes) + ((OWNERSHIP_NOTE,) if diff.records_ownership else ()),
        date_modified=live.date_modified if live is not None else None,
    )


def _untrashed(live: LiveResource) -> LiveResource:
    """A trashed product as restoring makes it: the ``__trashed`` slug suffix goes away (05#133)."""
    slug = live.fields.get("slug")
    if isinstance(slug, str) and slug.endswith("__trashed"):
        return live.model_copy(update={"fields": {**live.fields, "slug": slug.removesuffix("__trashed")}})
    return live


# -- variations --------------------------------------------------------------------------------------


def _own_sku(v: LiveResource, parent: LiveResource | None) -> str | None:
    """A variation without its own SKU reports its parent's (06#54-56): equal-to-parent means none."""
    sku = v.fields.get("sku", v.key)
    if not sku_key(sku) or (parent is not None and sku_key(sku) == sku_key(parent.key)):
        return None
    return str(sku)


def _combo_cmp(ctx: PlanContext, value: Any, *, live: bool) -> Any:
    return canon(Kind.VARIATION, "attributes", "combo", value, ctx.cmp, live=live)[1]


def _loose(combo: Any) -> Any:
    """A combination's identity with local options case-insensitive: WooCommerce stores a variation's local
    option as sent (``regular`` under the parent's ``Regular``, 06#14) and matches global ones
    case-insensitively (06#8), so a case-only difference is the same variation (an ``attributes`` update),
    never a create and a delete."""
    return [(k, v.casefold() if isinstance(v, str) else v) for k, v in combo]


def _match_combos(
    ctx: PlanContext, pending: list[DesiredResource], live_vars: list[LiveResource], used: set[int]
) -> list[tuple[DesiredResource, LiveResource | None]]:
    """Pair SKU-less desired variations with live ones by attribute combination: exact matches first (so two
    live variations that differ only in case keep their own twins), then case-insensitive local options."""
    wants = [_combo_cmp(ctx, d.fields.get("attributes"), live=False) for d in pending]
    free = [(v, _combo_cmp(ctx, v.fields.get("attributes"), live=True)) for v in live_vars if v.id not in used]
    hits: list[LiveResource | None] = [None] * len(pending)
    for loose in (False, True):
        if loose:
            if all(h is not None for h in hits):
                break
            wants = [_loose(w) for w in wants]
            free = [(v, _loose(have)) for v, have in free]
        for i, want in enumerate(wants):
            if hits[i] is not None:
                continue
            hit = next((v for v, have in free if v.id not in used and have == want), None)
            if hit is not None:
                used.add(hit.id)
                hits[i] = hit
    return list(zip(pending, hits, strict=True))


def _pair(
    ctx: PlanContext, desired: list[DesiredResource], candidates: list[LiveResource], parent: LiveResource | None
) -> list[tuple[DesiredResource, LiveResource | None]]:
    """Each desired variation with its live twin among ``candidates`` (by own SKU, else by combination)."""
    by_sku = {sku_key(s): v for v in candidates if (s := _own_sku(v, parent))}
    pairs: list[tuple[DesiredResource, LiveResource | None]] = []
    used: set[int] = set()
    pending: list[DesiredResource] = []
    for d in desired:
        sku = d.fields.get("sku")
        hit = by_sku.get(sku_key(sku)) if sku else None
        if hit is not None and hit.id not in used:
            used.add(hit.id)
            pairs.append((d, hit))
        else:
            pending.append(d)
    pairs.extend(_match_combos(ctx, pending, candidates, used))
    return pairs


def _plan_variations(
    ctx: PlanContext,
    product: DesiredResource,
    parent: LiveResource | None,
    parent_action: Action,
    desired: list[DesiredResource],
    *,
    deletes: bool = True,
) -> list[PriceDrop]:
    drops: list[PriceDrop] = []
    live_vars = list(ctx.index.variations_by_parent.get(parent.id, [])) if parent is not None else []
    pairs = _pair(ctx, sorted(desired, key=lambda r: r.key.casefold()), live_vars, parent)
    # Restoring a parent leaves its variations in the trash (11#14-17), where they keep their SKUs: the
    # catalogue variations no live one matches are matched against them and restored (a variations batch
    # update with a status, 11#27-29) rather than created again.
    trashed = ctx.index.trashed_variations_by_parent.get(parent.id, []) if parent is not None else []
    missing = [d for d, hit in pairs if hit is None]
    if trashed and missing:
        found = {id(d): hit for d, hit in _pair(ctx, missing, list(trashed), parent) if hit is not None}
        pairs = [(d, hit if hit is not None else found.get(id(d))) for d, hit in pairs]
    used = {hit.id for _, hit in pairs if hit is not None}
    for d, live in pairs:
        if live is not None:
            ctx.managed_live += 1
            if live.status == "trash":
                action = Action.RESTORE
            elif parent_action is Action.ADOPT or (ctx.settings.ownership != "all" and live.mark is None):
                action = Action.ADOPT
            else:
                action = Action.UPDATE
        else:
            action = Action.CREATE
        diff = diff_record(ctx, d, live, parent_sku=product.key, parent=parent)
        ctx.info.extend(diff.info)
        notes = field_notes(diff.changes) if live is not None else []
        if live is not None:
            drops.extend(_price_drops(ctx, d, live, diff))
        if action is Action.UPDATE and not diff.changes and not diff.meta_deletes:
            continue
        ctx.changes.append(_change(d, action, live, diff, notes, parent=parent, product=product))
    if deletes and parent is not None and parent_action is not Action.RESTORE:
        for v in live_vars:
            if v.id in used:
                continue
            ctx.managed_live += 1
            _delete_variation(ctx, product, parent, v)
    return drops


def _delete_variation(ctx: PlanContext, product: DesiredResource, parent: LiveResource, v: LiveResource) -> None:
    sku = _own_sku(v, parent)
    combo = canon(Kind.VARIATION, "attributes", "combo", v.fields.get("attributes"), ctx.cmp, live=True)[0]
    key = sku or variation_combo_key(product.key, combo)
    if ctx.settings.delete is DeleteMode.NEVER:
        ctx.info.append(Info(kind=Kind.VARIATION, key=key, message="not in the catalogue; kept because delete: never"))
        return
    ctx.changes.append(
        Change(
            kind=Kind.VARIATION,
            action=Action.DELETE,
            key=key,
            parent_key=product.key,
            live_id=v.id,
            live_parent_id=parent.id,
            title=variation_title(combo, product.fields.get("attributes")),
            delete_mode=ctx.settings.delete,
            date_modified=v.date_modified,
        )
    )


# -- product deletes ---------------------------------------------------------------------------------


def _plan_product_deletes(ctx: PlanContext, matched: set[int]) -> None:
    unmanaged: list[str] = []
    declared = {sku_key(p.key) for p in ctx.desired.products}
    foreign = [p for p in ctx.index.state.products if p.id not in matched and is_foreign_type(p.fields.get("type"))]
    list_foreign(ctx, foreign)
    matched = matched | {p.id for p in foreign}
    for live in sorted(ctx.index.state.products, key=lambda r: (sku_key(r.key), r.id)):
        if live.id in matched:
            continue
        key = ctx.index.display_key(Kind.PRODUCT, live)
        if not ctx.targeted(Kind.PRODUCT, key):
            continue
        if sku_key(live.key) in declared:
            # a second live product with a catalogue SKU (restoring a trashed product can leave two, 05#133-134):
            # deleting either one is a guess, so it is left for a human
            ctx.info.append(
                Info(
                    kind=Kind.PRODUCT,
                    key=key,
                    message=f"live product #{live.id} has the same SKU as the catalogue product {key}, which "
                    "wcsync manages as another live product; left alone — merge or delete the duplicate in wp-admin",
                )
            )
            continue
        if ctx.settings.ownership != "all" and live.mark is None:
            unmanaged.append(key)
            continue
        ctx.managed_live += 1
        if ctx.settings.delete is DeleteMode.NEVER:
            ctx.info.append(Info(kind=Kind.PRODUCT, key=key, message="not in the catalogue; kept because delete: never"))
            continue
        name = live.fields.get("name")
        ctx.changes.append(
            Change(
                kind=Kind.PRODUCT,
                action=Action.DELETE,
                key=key,
                live_id=live.id,
                title=str(name) if name is not None else None,
                delete_mode=ctx.settings.delete,
                notes=_delete_notes(live),
                date_modified=live.date_modified,
            )
        )
    if unmanaged:
        shown = listed(unmanaged, _MAX_LISTED)
        ctx.info.append(
            Info(
                kind=Kind.PRODUCT,
                key="*",
                message=f"{len(unmanaged)} live product(s) not managed by wcsync and not in the catalogue are "
                f"left alone: {shown}",
            )
        )


def _delete_notes(live: LiveResource) -> tuple[Note, ...]:
    if live.fields.get("status", live.status) == "publish":
        return (Note(code="unpublish", message="a published product disappears from the shop"),)
    return ()


# -- price drops and option use ----------------------------------------------------------------------


def _effective(sale: Any, regular: Any) -> str | None:
    return money(sale) or money(regular)


def _price_drops(ctx: PlanContext, d: DesiredResource, live: LiveResource, diff: FieldDiff) -> list[PriceDrop]:
    changed = {c.field: c for c in diff.changes}
    if "regular_price" not in changed and "sale_price" not in changed:
        return []
    before = _effective(live.fields.get("sale_price"), live.fields.get("regular_price"))
    after = _effective(
        changed["sale_price"].after if "sale_price" in changed else live.fields.get("sale_price"),
        changed["regular_price"].after if "regular_price" in changed else live.fields.get("regular_price"),
    )
    pct = percent_change(before, after)
    if pct is None or pct >= 0 or before is None or after is None:
        return []
    return [PriceDrop(kind=d.kind.value, key=d.key, before=before, after=after, percent=-pct)]


def _options_in_use(
    ctx: PlanContext, d: DesiredResource, live: LiveResource | None, diff: FieldDiff
) -> list[Note]:
    change = next((c for c in diff.changes if c.field == "attributes"), None)
    if change is None or live is None or not isinstance(change.before, list):
        return []
    notes: list[Note] = []
    after_by_ident = {_ident(a): a for a in change.after or []}
    live_vars = ctx.index.variations_by_parent.get(live.id, [])
    for attr in change.before:
        kept = after_by_ident.get(_ident(attr))
        kept_opts = {o.casefold() for o in (kept["options"] if kept else [])}
        removed = {o for o in attr["options"] if o.casefold() not in kept_opts}
        if not removed:
            continue
        ref = attr_ref(attr.get("slug"), attr["name"])
        users: list[str] = []
        for v in live_vars:
            combo = {str(k).casefold(): str(val).casefold() for k, val in dict(v.fields.get("attributes") or {}).items()}
            if combo.get(ref.casefold()) in {o.casefold() for o in removed}:
                shown = canon(Kind.VARIATION, "attributes", "combo", v.fields.get("attributes"), ctx.cmp, live=True)[0]
                users.append(_own_sku(v, live) or variation_combo_key(d.key, shown))
        if users:
            notes.append(option_in_use(attr["name"], removed, users))
    return notes


def _ident(attr: dict[str, Any]) -> str:
    return f"g:{attr['slug'].casefold()}" if attr.get("slug") else f"l:{str(attr['name']).casefold()}"
