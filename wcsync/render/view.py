"""Plan → a reading view shared by the text and Markdown templates.

The view groups the plan's changes for a reader (variations under their product, in the plan's dependency
order otherwise) and formats values for people: money with two decimal places, lists in brackets, long text
shortened. It computes nothing the plan does not hold: a price change's percentage comes from the planner's
``price-change`` note. No I/O, no colour (the text renderer adds colour).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from wcsync.core.fields import FIELDS_BY_KIND
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, DeleteMode, Info, Note, Plan
from wcsync.render.groups import GuardLine, banner, banner_title, group_siblings, members_text

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

NONE_TEXT = "(none)"
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


# ---------------------------------------------------------------------------------------------- values


def field_type(kind: Kind, name: str) -> str | None:
    base = name.split(".", 1)[0]
    if base != name and base == "meta":
        return "meta-value"
    return FIELDS_BY_KIND.get(kind, {}).get(base)


def _shorten(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 1)].rstrip() + "…"


def _quote(text: str, limit: int | None) -> str:
    text = " ".join(text.split()) if "\n" in text or "\r" in text else text
    return json.dumps(_shorten(text, limit), ensure_ascii=False)


def format_money(value: Any) -> str:
    """``45`` / ``"45.0"`` / ``Decimal("45")`` → ``45.00``; more decimals are kept; "" or None → ``(none)``."""
    if value is None or value == "":
        return NONE_TEXT
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        number = number.quantize(Decimal("0.01"))
    return f"{number:f}"


def _format_decimal(value: Any) -> str:
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def _file_name(src: str) -> str:
    """An image URL as a reader tells images apart: its file name (the JSON plan has the whole URL)."""
    path = src.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1] or src


def _image_text(value: Any) -> str:
    if isinstance(value, dict):
        src = value.get("src")
        if src:
            return _file_name(str(src))
        if value.get("id") is not None:
            return f"#{value['id']}"
    return _plain(value, None)


def _attr_text(value: Any) -> str:
    if isinstance(value, dict):
        name = value.get("name") or value.get("slug") or "?"
        options = value.get("options") or ()
        return f"{name} ({', '.join(str(o) for o in options)})"
    return _plain(value, None)


def _plain(value: Any, limit: int | None) -> str:
    """A value of no declared type: scalars bare, containers as compact JSON-ish text."""
    if value is None:
        return NONE_TEXT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, str):
        return _quote(value, limit)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_plain(v, limit) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v, limit)}" for k, v in value.items()) + "}"
    return str(value)


def format_value(kind: Kind, name: str, value: Any, *, limit: int | None = 60) -> str:
    """A field value as a reader should see it (one line). ``limit`` shortens long text."""
    ftype = field_type(kind, name)
    if value is None:
        return NONE_TEXT
    if ftype == "money":
        return format_money(value)
    if ftype == "decimal":
        return NONE_TEXT if value == "" else _format_decimal(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if ftype in ("text", "html", "meta-value") and isinstance(value, str):
        return _quote(value, limit)
    if ftype in ("enum", "ref", "datetime", "int") and not isinstance(value, list | tuple | dict):
        return str(value)
    if ftype == "refs" and isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if ftype == "images" and isinstance(value, list | tuple):
        return "[" + ", ".join(_image_text(v) for v in value) + "]"
    if ftype == "image":
        return _image_text(value)
    if ftype == "downloads" and isinstance(value, list | tuple):  # by name and file name; the store's ids not shown
        return "[" + ", ".join(f"{d.get('name')} ({_file_name(str(d.get('file')))})" for d in value if isinstance(d, dict)) + "]"
    if ftype == "attrs" and isinstance(value, list | tuple):
        return "[" + "; ".join(_attr_text(v) for v in value) + "]"
    if ftype in ("defaults", "combo", "dict", "meta") and isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v, limit)}" for k, v in value.items()) + "}"
    return _plain(value, limit)


def format_percent(percent: float) -> str:
    return f"({percent:+.1f} %)"


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
