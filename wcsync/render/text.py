"""The text form of a plan (design.md §5): what a terminal shows, coloured only when asked (the CLI asks
when stdout is a TTY). Layout lives in ``templates/text.j2``; this module computes column widths."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from jinja2 import Template

from wcsync.core.plan import Plan
from wcsync.render.ansi import plain, style
from wcsync.render.escape import one_line, shorten
from wcsync.render.templating import environment
from wcsync.render.view import Entry, FieldLine, InfoLine, PlanView, build_view

#: action -> colour of its symbol and kind
COLORS: dict[str, str] = {
    "create": "green",
    "update": "yellow",
    "restore": "yellow",
    "adopt": "cyan",
    "delete": "red",
    "unchanged": "white",
}
MIN_KIND_WIDTH = len("variation")
MIN_KEY_WIDTH = 24
MIN_FIELD_WIDTH = 16
#: longest key shown (a 10,000-character SKU would pad every line to its width)
KEY_LIMIT = 80
#: longest label (a title) shown after a key, and longest information message
LABEL_LIMIT = 200
MESSAGE_LIMIT = 1000
#: longest text shown for a text/HTML value before it is shortened with "…" (the JSON plan has it all)
VALUE_LIMIT = 60


def _field(f: FieldLine | None) -> FieldLine | None:
    if f is None:
        return None
    return replace(f, name=one_line(f.name), before=None if f.before is None else one_line(f.before), after=one_line(f.after))


def _entry(e: Entry) -> None:
    e.key = one_line(shorten(e.key, KEY_LIMIT))
    e.label = one_line(shorten(e.label, LABEL_LIMIT))
    e.fields = [f for f in map(_field, e.fields) if f is not None]
    e.notes = [one_line(n) for n in e.notes]
    for child in e.children:
        _entry(child)


def _visible(view: PlanView) -> None:
    """Every text of the view made harmless for a terminal (``wcsync.render.escape``: store text may hold
    escape sequences) and keys longer than ``KEY_LIMIT`` cut (the JSON plan has them whole)."""
    view.header = one_line(view.header)
    view.scope = [one_line(line) for line in view.scope]
    for entry in view.entries:
        _entry(entry)
    view.info = [
        replace(i, key=one_line(shorten(i.key, KEY_LIMIT)), message=one_line(shorten(i.message, MESSAGE_LIMIT)),
                field=_field(i.field))
        for i in view.info
    ]


def _widths(view: PlanView) -> tuple[int, int]:
    # a group's label ("4 variations") is followed by its members, not by a key column: it sets no width
    kinds = [e.kind_label for e in view.entries]
    kinds += [c.kind_label for e in view.entries for c in e.children if not c.members]
    kinds += [i.kind_label for i in view.info]
    # only keys followed by a label need the column
    keys = [len(e.key) + 2 for e in view.entries if e.label] + [len(i.key) + 2 for i in view.info]
    keys += [len(c.key) + 4 for e in view.entries for c in e.children if c.label and not c.members]
    return max([MIN_KIND_WIDTH, *map(len, kinds)]), max([MIN_KEY_WIDTH, *keys])


def _field_width(entry: Entry) -> int:
    return max([MIN_FIELD_WIDTH, *(len(f.name) + 3 for f in entry.fields)])


def _info_field_width(info: InfoLine) -> int:
    return max(MIN_FIELD_WIDTH, len(info.field.name) + 2) if info.field else MIN_FIELD_WIDTH


@lru_cache(maxsize=2)
def _template(color: bool) -> Template:
    env = environment()
    env.filters["style"] = style if color else plain
    return env.get_template("text.j2")


def render_text(plan: Plan, *, color: bool = False) -> str:
    """The plan as terminal text, ending with the summary line and a newline. ``color`` adds ANSI styles."""
    view = build_view(plan, limit=VALUE_LIMIT)
    _visible(view)
    kind_width, key_width = _widths(view)
    template = _template(color)
    text = template.render(
        view=view,
        kind_width=kind_width,
        key_width=key_width,
        field_width=_field_width,
        info_field_width=_info_field_width,
        colors=COLORS,
    )
    return text.rstrip("\n") + "\n"
