"""Plan → a reading view shared by the text and Markdown templates.

The view groups the plan's changes for a reader (variations under their product, in the plan's dependency
order otherwise), its values formatted for people by ``wcsync.render.values``. It computes nothing the plan does not hold: a price change's percentage comes from the planner's
``price-change`` note. No I/O, no colour (the text renderer adds colour).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, DeleteMode, Info, Note, Plan
from wcsync.render.groups import GuardLine, banner, banner_title, group_siblings, members_text
from wcsync.render.values import format_percent, format_value

SYMBOLS: dict[Action, str] = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.RESTORE: "~",
    Action.ADOPT: "±",
    Action.DELETE: "-",
}

#: the summary's columns; a restore column only when the plan restores, as in ``Plan.summary()``
SUMMARY_COLUMNS: tuple[tuple[str, tuple[Action, ...]], ...] = (
    ("create", (Action.CREATE,)),
    ("update", (Action.UPDATE,)),
    ("restore", (Action.RESTORE,)),
    ("adopt", (Action.ADOPT,)),
    ("delete", (Action.DELETE,)),
)

REMOVED_TEXT = "(removed)"
PRICE_CHANGE = "price-change"
KIND_LABEL: dict[Kind, str] = {Kind.SHIPPING_CLASS: "shipping class"}


@dataclass(frozen=True)
class FieldLine:
    """One changed field, formatted: ``before`` is None for a create (no before to show)."""

    name: str
    before: str | None
    after: str
    #: e.g. ``(+12.5 %)`` from a price-change note, or ""
    suffix: str = ""
    #: why the field changes though the catalogue did not ask for a value (``removed from the catalogue``)
    reason: str = ""


@dataclass
class Entry:
    """One resource line and what is printed under it. ``change`` is None for a product that has no change
    of its own but holds changed variations."""

    change: Change | None
    kind: Kind
    key: str
    symbol: str
    #: what follows the key: ``"Title"``, ``adopt (exists live, not yet managed)``, ``"Old mug" → trash``
    label: str
    fields: list[FieldLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    children: list[Entry] = field(default_factory=list)
    #: sibling variations with this same change, shown once (``wcsync.render.groups``); empty: just this one
    members: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.change.action.value if self.change else "unchanged"

    @property
    def kind_label(self) -> str:
        if self.members:
            return f"{len(self.members)} {self.kind.value}s"
        return KIND_LABEL.get(self.kind, self.kind.value)

    @property
    def members_text(self) -> str:
        return members_text(self.members)

    @property
    def size(self) -> int:
        """How many resources this entry stands for (a group: its members)."""
        return len(self.members) or 1

    @property
    def children_total(self) -> int:
        return sum(c.size for c in self.children)

    @property
    def title(self) -> str | None:
        return self.change.title if self.change else None

    @property
    def delete_mode(self) -> DeleteMode | None:
        return self.change.delete_mode if self.change else None

    @property
    def notes_total(self) -> int:
        """Notes of this entry and of its nested entries."""
        return len(self.notes) + sum(c.notes_total for c in self.children)


@dataclass(frozen=True)
class InfoLine:
    """Information: ``field.before`` is the store's value, ``field.after`` the catalogue's. ``key`` is "" when
    the information is about several resources (the message names them). ``values`` is False when the
    information names a field without values to show (a field WooCommerce ignores: not compared)."""

    kind: Kind
    key: str
    message: str
    field: FieldLine | None
    values: bool = True

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind, self.kind.value)


@dataclass
class PlanView:
    plan: Plan
    header: str
    #: lines under the header that change how to read the plan: ``--target`` scope, overridden guards
    scope: list[str]
    entries: list[Entry]
    info: list[InfoLine]
    summary: str
    #: the tripped guards of a refused plan, shown above it (empty when not refused)
    guards: list[GuardLine]
    guards_title: str
    #: (kind label, counts per ``columns``) for every kind the plan changes, in apply order
    counts: list[tuple[str, tuple[int, ...]]]
    totals: tuple[int, ...]
    #: the names of the summary table's count columns
    columns: list[str] = field(default_factory=list)

    @property
    def info_keys(self) -> bool:
        """Whether any information names one resource (else the key column is left out of the text form)."""
        return any(i.key for i in self.info)

    @property
    def info_fields(self) -> bool:
        """Whether any information is about a field (else the field columns are left out of the table)."""
        return any(i.field is not None for i in self.info)


def short_version(version: str) -> str:
    """A content hash shortened as git shortens commits; anything else as it is."""
    if len(version) > 12 and all(c in "0123456789abcdef" for c in version.lower()):
        return version[:7]
    return version


def header_line(plan: Plan) -> str:
    where = plan.store.url
    if plan.store.wc_version:
        where += f", WooCommerce {plan.store.wc_version}"
    return f"wcsync plan · store {plan.store.name} ({where}) · catalog {short_version(plan.catalog_version) or '-'}"


def scope_lines(plan: Plan) -> list[str]:
    settings = plan.settings
    lines = []
    if settings.targets:
        lines.append(
            f"Only {', '.join(settings.targets)} (--target): the rest of the store was not compared."
        )
    flags = [
        flag
        for flag, on in (
            ("--allow-deletes", settings.allow_deletes),
            ("--allow-changes", settings.allow_changes),
            ("--allow-price-drops", settings.allow_price_drops),
        )
        if on
    ]
    if flags:
        lines.append(f"Guards overridden: {' '.join(flags)}.")
    return lines


# ---------------------------------------------------------------------------------------------- entries


def _label(change: Change) -> str:
    # quoted as text values are: a title holding quotes stays readable ("Basic Tee \"Best\"")
    title = json.dumps(" ".join(change.title.split()), ensure_ascii=False) if change.title else ""
    if change.action is Action.ADOPT:
        return "adopt (exists live, not yet managed)"
    if change.action is Action.RESTORE:
        return " ".join(p for p in (title, "restore (in the trash: untrash, then update)") if p)
    if change.action is Action.DELETE:
        how = "delete permanently" if change.delete_mode is DeleteMode.FORCE else "trash"
        return f"{title} → {how}" if title else f"→ {how}"
    return title


def _inline_note(note: Note) -> bool:
    return note.code == PRICE_CHANGE and note.field is not None and note.percent is not None


def _entry(change: Change, *, limit: int | None) -> Entry:
    suffixes = {
        n.field: format_percent(n.percent)
        for n in change.notes
        if _inline_note(n) and n.field and n.percent is not None
    }
    shown = {fc.field for fc in change.changes}
    creating = change.action is Action.CREATE
    lines = [
        FieldLine(
            name=fc.field,
            before=None if creating else format_value(change.kind, fc.field, fc.before, limit=limit),
            after=format_value(change.kind, fc.field, fc.after, limit=limit),
            suffix=suffixes.get(fc.field, ""),
            reason=fc.reason or "",
        )
        for fc in change.changes
    ]
    lines += [
        FieldLine(
            name=f"meta.{key}",
            before=(
                format_value(change.kind, f"meta.{key}", change.meta_deleted[key], limit=limit)
                if key in change.meta_deleted
                else ""
            ),
            after=REMOVED_TEXT,
        )
        for key in change.meta_deletes
    ]
    notes = [n.message for n in change.notes if not (_inline_note(n) and n.field in shown)]
    return Entry(
        change=change,
        kind=change.kind,
        key=change.key,
        symbol=SYMBOLS[change.action],
        label=_label(change),
        fields=lines,
        notes=notes,
    )


def build_entries(plan: Plan, *, limit: int | None = 60) -> list[Entry]:
    """Top-level entries in plan order, with each variation nested under its product's entry (a product
    without a change of its own gets a bare entry where its first variation change appears)."""
    entries: list[Entry] = []
    products: dict[str, Entry] = {}
    for change in plan.changes:
        if change.kind is Kind.PRODUCT and change.key not in products:
            products[change.key] = _entry(change, limit=limit)
    placed: set[str] = set()
    for change in plan.changes:
        if change.kind is Kind.VARIATION and change.parent_key:
            parent = products.get(change.parent_key)
            if parent is None:
                parent = Entry(change=None, kind=Kind.PRODUCT, key=change.parent_key, symbol=" ", label="")
                products[change.parent_key] = parent
            if change.parent_key not in placed:
                placed.add(change.parent_key)
                entries.append(parent)
            parent.children.append(_entry(change, limit=limit))
        elif change.kind is Kind.PRODUCT and products[change.key].change is change:
            if change.key not in placed:
                placed.add(change.key)
                entries.append(products[change.key])
        else:
            entries.append(_entry(change, limit=limit))
    for entry in entries:
        if len(entry.children) > 1:
            entry.children = group_siblings(entry.children)
    return entries


def _info_line(info: Info, *, limit: int | None) -> InfoLine:
    line = None
    values = info.before is not None or info.after is not None
    if info.field is not None:
        line = FieldLine(
            name=info.field,
            before=format_value(info.kind, info.field, info.before, limit=limit),
            after=format_value(info.kind, info.field, info.after, limit=limit),
        )
    # "*" stands for "several resources" (the message lists them)
    return InfoLine(
        kind=info.kind,
        key="" if info.key == "*" else info.key,
        message=info.message,
        field=line,
        values=line is not None and values,
    )


def summary_columns(plan: Plan) -> list[tuple[str, tuple[Action, ...]]]:
    restores = plan.count(Action.RESTORE)
    return [col for col in SUMMARY_COLUMNS if col[0] != "restore" or restores]


def _counts(plan: Plan) -> tuple[list[tuple[str, tuple[int, ...]]], tuple[int, ...]]:
    rows: list[tuple[str, tuple[int, ...]]] = []
    columns = summary_columns(plan)
    for kind in Kind:
        of_kind = [c for c in plan.changes if c.kind is kind]
        if of_kind:
            counts = tuple(sum(1 for c in of_kind if c.action in actions) for _, actions in columns)
            rows.append((KIND_LABEL.get(kind, kind.value), counts))
    totals = tuple(sum(row[1][i] for row in rows) for i in range(len(columns)))
    return rows, totals


def build_view(plan: Plan, *, limit: int | None = 60) -> PlanView:
    counts, totals = _counts(plan)
    return PlanView(
        plan=plan,
        header=header_line(plan),
        scope=scope_lines(plan),
        entries=build_entries(plan, limit=limit),
        info=[_info_line(i, limit=limit) for i in plan.info],
        summary=plan.summary() + (" Refused by a guard (see above)." if plan.refused else ""),
        guards=banner(plan),
        guards_title=banner_title(plan),
        counts=counts,
        totals=totals,
        columns=[name for name, _ in summary_columns(plan)],
    )
