"""Planning of the taxonomy kinds: attributes, attribute terms, categories, brands, tags, shipping classes.

Terms cannot carry wcsync's mark through the REST API (docs/architecture.md), so a term is managed when the
catalogue declares it (matched by slug; categories by slug path, else by their leaf slug since category slugs
are unique in a store, brands likewise — a moved category is an update of ``parent``, not a delete and a create). Live terms
the catalogue does not declare are deleted only under ``ownership: all``. Pure.
"""

from __future__ import annotations

from wcsync.core.canonical import path_key, slug_key
from wcsync.core.kinds import TREE_KINDS, Kind
from wcsync.core.notes import category_not_empty, field_notes, listed, option_in_use
from wcsync.core.plan import Action, Change, DeleteMode, Info, Note
from wcsync.core.planner.context import PlanContext, desired_title
from wcsync.core.planner.diff import diff_record
from wcsync.core.records import LiveResource
from wcsync.core.refs import global_ref, name_key

TERM_KINDS = (Kind.ATTRIBUTE, Kind.TERM, Kind.CATEGORY, Kind.BRAND, Kind.TAG, Kind.SHIPPING_CLASS)

#: WooCommerce refuses to delete the default category (02#56)
_UNDELETABLE_CATEGORY = "uncategorized"


_MAX_LISTED = 10
_LABELS = {
    Kind.ATTRIBUTE: "attribute(s)",
    Kind.TERM: "attribute term(s)",
    Kind.CATEGORY: "category(ies)",
    Kind.BRAND: "brand(s)",
    Kind.TAG: "tag(s)",
    Kind.SHIPPING_CLASS: "shipping class(es)",
}


def plan_terms(ctx: PlanContext) -> None:
    matched_attributes: set[int] = set()
    for kind in TERM_KINDS:
        matched: set[int] = set()
        for d in sorted(ctx.desired.of_kind(kind), key=lambda r: r.key.casefold()):
            if not ctx.targeted(kind, d.key, d.parent_key):
                continue
            live = ctx.index.find(kind, d.key)
            if live is None and kind in TREE_KINDS:
                leaf = str(d.fields.get("slug") or path_key(d.key).rsplit("/", 1)[-1])
                live = ctx.index.find_category_by_leaf(leaf, kind)
                if live is not None and live.id in matched:
                    live = None
            if live is not None:
                matched.add(live.id)
                ctx.managed_live += 1
            diff = diff_record(ctx, d, live)
            ctx.info.extend(diff.info)
            if live is not None and not diff.changes:
                continue
            parent_id = _live_parent_id(ctx, kind, d.parent_key or _parent_of(kind, d.key))
            ctx.changes.append(
                Change(
                    kind=kind,
                    action=Action.CREATE if live is None else Action.UPDATE,
                    key=d.key,
                    parent_key=d.parent_key or (_parent_of(kind, d.key) if kind is Kind.TERM else None),
                    live_id=live.id if live else None,
                    live_parent_id=parent_id,
                    title=desired_title(d),
                    changes=tuple(diff.changes),
                    attachments=diff.attachments,
                    notes=tuple(field_notes(diff.changes)) if live is not None else (),
                    date_modified=live.date_modified if live else None,
                )
            )
        if kind is Kind.ATTRIBUTE:
            matched_attributes = matched
        _plan_term_deletes(ctx, kind, matched, matched_attributes)


def _parent_of(kind: Kind, key: str) -> str | None:
    if kind is Kind.TERM:
        return key.partition("/")[0]
    return None


def _live_parent_id(ctx: PlanContext, kind: Kind, parent_key: str | None) -> int | None:
    if kind is Kind.TERM and parent_key:
        attr = ctx.index.find(Kind.ATTRIBUTE, parent_key)
        return attr.id if attr else None
    return None


def _plan_term_deletes(ctx: PlanContext, kind: Kind, matched: set[int], matched_attributes: set[int]) -> None:
    unmatched = [r for r in ctx.index.state.of_kind(kind) if r.id not in matched]
    if not unmatched:
        return
    if ctx.settings.ownership != "all":
        _left_alone(ctx, kind, unmatched, matched_attributes)
        return
    deleted_attrs = {
        c.live_id for c in ctx.changes if c.kind is Kind.ATTRIBUTE and c.action is Action.DELETE
    }
    for live in sorted(unmatched, key=lambda r: ctx.index.display_key(kind, r).casefold()):
        key = ctx.index.display_key(kind, live)
        if not ctx.targeted(kind, key):
            continue
        if kind is Kind.TERM and live.parent_id in deleted_attrs:
            continue  # deleting an attribute deletes its terms (04#46-49)
        if kind is Kind.CATEGORY and slug_key(live.key) == _UNDELETABLE_CATEGORY:
            ctx.info.append(
                Info(kind=kind, key=key, message="the default category cannot be deleted; left alone")
            )
            continue
        ctx.managed_live += 1
        if ctx.settings.delete is DeleteMode.NEVER:
            ctx.info.append(Info(kind=kind, key=key, message="not in the catalogue; kept because delete: never"))
            continue
        notes = []
        if kind is Kind.TERM:
            notes.extend(_term_in_use(ctx, key, live))
        if kind in TREE_KINDS:
            field_name = "brands" if kind is Kind.BRAND else "categories"
            holders = sorted(
                ctx.index.display_key(Kind.PRODUCT, p)
                for p in ctx.index.products_in_category(live.id, field_name)
            )
            if holders:
                notes.append(category_not_empty(key, holders, kind.value))
        ctx.changes.append(
            Change(
                kind=kind,
                action=Action.DELETE,
                key=key,
                parent_key=_parent_of(kind, key),
                live_id=live.id,
                live_parent_id=live.parent_id if kind is Kind.TERM else None,
                title=_live_title(live),
                delete_mode=DeleteMode.FORCE,  # terms cannot be trashed (02#49)
                notes=tuple(notes),
                date_modified=live.date_modified,
            )
        )


def _term_in_use(ctx: PlanContext, key: str, term: LiveResource) -> list[Note]:
    """Deleting an attribute term that live variations still use as their option."""
    attr = key.partition("/")[0]
    ref = global_ref(attr).casefold()
    name = name_key(str(term.fields.get("name") or term.key or ""))
    users = sorted(
        ctx.index.display_key(Kind.VARIATION, v) if v.key else f"#{v.id}"
        for v in ctx.index.state.variations
        if any(str(k).casefold() == ref and name_key(str(opt)) == name
               for k, opt in dict(v.fields.get("attributes") or {}).items())
    )
    if not users:
        return []
    return [option_in_use(attr, [str(term.fields.get("name") or term.key)], users)]


def _live_title(live: LiveResource) -> str | None:
    name = live.fields.get("name")
    return str(name) if name is not None else None


def _left_alone(ctx: PlanContext, kind: Kind, unmatched: list[LiveResource], matched_attributes: set[int]) -> None:
    """Under ``ownership: marked`` a live term the catalogue does not declare is not managed (terms carry no
    mark): one Info per kind lists them so a reviewer knows they exist. The default category (in every store)
    and the terms of an attribute that is itself undeclared (listed with the attributes) are not listed."""
    keys: list[str] = []
    for live in unmatched:
        if kind is Kind.CATEGORY and slug_key(live.key) == _UNDELETABLE_CATEGORY:
            continue
        if kind is Kind.TERM and live.parent_id not in matched_attributes:
            continue
        key = ctx.index.display_key(kind, live)
        if ctx.targeted(kind, key):
            keys.append(key)
    if not keys:
        return
    keys.sort(key=str.casefold)
    shown = listed(keys, _MAX_LISTED)
    ctx.info.append(
        Info(
            kind=kind,
            key="*",
            message=f"{len(keys)} live {_LABELS[kind]} not in the catalogue left alone (ownership: marked "
            f"manages only the terms the catalogue declares): {shown}",
        )
    )
