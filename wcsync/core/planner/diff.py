"""Diff of one desired record against its live twin: managed fields only, canonical forms, store-owned
fields turned into ``Info``, meta keys and images handled as design.md §3 says. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wcsync.core.canonical import jsonable, meta_value, sku_key
from wcsync.core.compare import canon, same_text
from wcsync.core.fields import FIELDS_BY_KIND, MARK_META_KEY
from wcsync.core.images import diff_image, diff_images, known_attachments
from wcsync.core.kinds import Kind
from wcsync.core.ownership import REMOVED_REASON, managed_fields, released_fields
from wcsync.core.plan import FieldChange, Info
from wcsync.core.planner.context import PlanContext
from wcsync.core.quirks import ignored_fields
from wcsync.core.records import DesiredResource, LiveResource

_IMAGE_FIELDS = ("images", "image")


@dataclass
class FieldDiff:
    changes: list[FieldChange] = field(default_factory=list)
    info: list[Info] = field(default_factory=list)
    attachments: dict[str, int] = field(default_factory=dict)
    meta_deletes: list[str] = field(default_factory=list)
    meta_deleted: dict[str, Any] = field(default_factory=dict)
    mark_meta_keys: list[str] = field(default_factory=list)
    #: products/variations: the fields the mark records after a write (``wcsync.core.ownership``)
    mark_fields: tuple[str, ...] | None = None
    #: the live mark has no field list yet (written before field ownership): it is recorded on this write
    records_ownership: bool = False


#: kind -> field name -> its position in the vocabulary (changes are listed in that order)
_POSITIONS: dict[Kind, dict[str, int]] = {k: {n: i for i, n in enumerate(f)} for k, f in FIELDS_BY_KIND.items()}


_ORDERS: dict[tuple[Kind, tuple[str, ...]], list[str]] = {}


def _field_order(kind: Kind, names: list[str]) -> list[str]:
    """``names`` in vocabulary order (records of one catalogue share a few field sets: remembered)."""
    memo_key = (kind, tuple(names))
    ordered = _ORDERS.get(memo_key)
    if ordered is None:
        known = _POSITIONS[kind]
        last = len(known)
        ordered = sorted(names, key=lambda n: (known.get(n, last), n))
        if len(_ORDERS) < 4096:
            _ORDERS[memo_key] = ordered
    return ordered


def live_value(kind: Kind, name: str, live: LiveResource, parent_sku: str | None = None) -> Any:
    """A live field value, with the quirks that belong to identity (a variation without its own SKU reports
    its parent's, 06#54-56)."""
    if kind is Kind.VARIATION and name == "sku":
        sku = live.fields.get("sku", live.key)
        return None if sku_key(sku) == sku_key(parent_sku) else sku
    return live.fields.get(name)


#: variation fields that report the parent's value when the variation has none of its own, even in
#: ``context=edit`` (woocommerce-api.md §6.3)
_INHERITED = frozenset({"weight", "dimensions", "shipping_class"})
_EMPTY: tuple[Any, ...] = (None, "")


def inherited_value(name: str, desired: Any, raw: Any, parent: Mapping[str, Any] | None) -> Any:
    """A variation's live value with what it only inherits from its parent read as "none of its own" when the
    catalogue asks for none (clearing it would change nothing the store reports)."""
    if parent is None:
        return raw
    theirs = parent.get(name)
    if name == "dimensions":
        if not (isinstance(raw, Mapping) and isinstance(theirs, Mapping) and isinstance(desired, Mapping)):
            return raw
        return {
            k: None if desired.get(k) in _EMPTY and v not in _EMPTY and v == theirs.get(k) else v
            for k, v in raw.items()
        }
    if desired in _EMPTY and raw not in _EMPTY and raw == theirs:
        return None
    return raw


def diff_record(
    ctx: PlanContext,
    d: DesiredResource,
    live: LiveResource | None,
    *,
    parent_sku: str | None = None,
    parent: LiveResource | None = None,
) -> FieldDiff:
    """Field changes of ``d`` against ``live`` (None: a create, every desired field with before None);
    ``parent`` is a variation's live parent product (for the values it inherits)."""
    kind = d.kind
    types = FIELDS_BY_KIND[kind]
    out = FieldDiff()
    owned = ctx.store_owned
    # fields wcsync managed that the catalogue no longer names go back to WooCommerce's default
    mark = live.mark if live is not None else None
    released = released_fields(kind, mark.fields, d.fields, owned) if mark is not None else {}
    wanted = {**d.fields, **released} if released else d.fields
    if kind in (Kind.PRODUCT, Kind.VARIATION):
        out.mark_fields = managed_fields(kind, d.fields, owned)
        out.records_ownership = mark is not None and mark.fields is None
    ignored = ignored_fields(kind, wanted, live.fields if live is not None else None)
    for name, reason in sorted(ignored.items()):
        if not reason:
            continue  # the store already does what the catalogue asks
        out.info.append(Info(kind=kind, key=d.key, field=name, message=f"{reason}: not compared, not written"))
    for name in _field_order(kind, [n for n in wanted if n != "meta" and n not in ignored]):
        value = wanted[name]
        if name in _IMAGE_FIELDS:
            before_count = len(out.changes)
            _diff_images(ctx, d, live, name, value, out)
            if name in released and len(out.changes) > before_count:
                out.changes[-1] = out.changes[-1].model_copy(update={"reason": REMOVED_REASON})
            continue
        ftype = types.get(name, "json")
        if live is None:
            if name not in owned:
                after = canon(kind, name, ftype, value, ctx.cmp, live=False)[0]
                out.changes.append(FieldChange(field=name, before=None, after=after))
            continue
        raw = live_value(kind, name, live, parent_sku)
        if kind is Kind.VARIATION and name in _INHERITED and parent is not None:
            raw = inherited_value(name, value, raw, parent.fields)
        if same_text(kind, name, ftype, value, raw):
            continue
        if ftype == "dict" and isinstance(value, Mapping) and isinstance(raw, Mapping):
            raw = {k: raw.get(k) for k in value}
        after, after_cmp = canon(kind, name, ftype, value, ctx.cmp, live=False)
        before, before_cmp = canon(kind, name, ftype, raw, ctx.cmp, live=True)
        if before_cmp == after_cmp:
            continue
        if name in owned:
            out.info.append(
                Info(
                    kind=kind,
                    key=d.key,
                    field=name,
                    before=before,
                    after=after,
                    message=f"store-owned field {name} differs from the catalogue ({_shown(before)} live, "
                    f"{_shown(after)} in the catalogue); not written",
                )
            )
            continue
        why = REMOVED_REASON if name in released else None
        out.changes.append(FieldChange(field=name, before=before, after=after, reason=why))
    if kind in (Kind.PRODUCT, Kind.VARIATION):
        _diff_meta(d, live, out)
        if live is not None and live.mark is not None and live.mark.unreadable:
            out.info.append(unreadable_mark_info(kind, d.key, live.mark.unreadable))
        if live is not None:
            # keep the mark's image map whole even when the images are unmanaged or unchanged
            live_imgs = live.fields.get("images") if kind is Kind.PRODUCT else [live.fields.get("image")]
            for src, att in known_attachments(list(live_imgs or ()), live.mark).items():
                out.attachments.setdefault(src, att)
    return out


def _shown(value: Any) -> str:
    """A value inside an information message: strings quoted, no value said in words (never ``None``)."""
    if value is None or value == "":
        return "no value"
    return repr(value) if isinstance(value, str) else str(value)


def unreadable_mark_info(kind: Kind, key: str, why: str) -> Info:
    """The plan's word on a mark that is present but could not be read: the resource is managed, but which meta
    keys wcsync wrote is unknown, so none of them can be deleted."""
    return Info(
        kind=kind,
        key=key,
        field="meta",
        message=f"its wcsync bookkeeping (meta {MARK_META_KEY}) could not be read ({why}), so meta deletions "
        "cannot be planned for it; the next write to it stores the bookkeeping again",
    )


def _diff_images(
    ctx: PlanContext, d: DesiredResource, live: LiveResource | None, name: str, value: Any, out: FieldDiff
) -> None:
    mark = live.mark if live is not None else None
    if name == "images":
        desired_list = list(value or ())
        if live is None:
            res = diff_images(desired_list, [], None)
            out.changes.append(FieldChange(field=name, before=None, after=res.after))
            return
        res = diff_images(desired_list, list(live.fields.get(name) or ()), mark)
        out.attachments.update(res.attachments)
        if not res.equal:
            out.changes.append(FieldChange(field=name, before=res.before, after=res.after))
        return
    if live is None:
        one = diff_image(value, None, None)
        out.changes.append(FieldChange(field=name, before=None, after=one.after[0] if one.after else None))
        return
    # variations carry a mark; categories do not (matched by attachment name)
    one = diff_image(value, live.fields.get(name), mark if d.kind is Kind.VARIATION else None)
    out.attachments.update(one.attachments)
    if not one.equal:
        out.changes.append(
            FieldChange(
                field=name,
                before=one.before[0] if one.before else None,
                after=one.after[0] if one.after else None,
            )
        )


def _diff_meta(d: DesiredResource, live: LiveResource | None, out: FieldDiff) -> None:
    wanted: dict[str, Any] = {
        str(k): v for k, v in dict(d.fields.get("meta") or {}).items() if k != MARK_META_KEY
    }
    live_meta: dict[str, Any] = dict(live.fields.get("meta") or {}) if live is not None else {}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in sorted(wanted):
        want = meta_value(wanted[key])
        have = jsonable(live_meta.get(key)) if key in live_meta else None
        if live is None or want != have:
            if live is None and want is None:
                continue
            before[key] = have
            after[key] = want
    if after:
        out.changes.append(FieldChange(field="meta", before=None if live is None else before, after=after))
    written = set(live.mark.meta_keys) if live is not None and live.mark is not None else set()
    out.meta_deletes = sorted(k for k in written if k not in wanted and k in live_meta and k != MARK_META_KEY)
    out.meta_deleted = {k: jsonable(live_meta[k]) for k in out.meta_deletes}
    out.mark_meta_keys = sorted(k for k, v in wanted.items() if v is not None)
