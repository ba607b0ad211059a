"""The Markdown form of a plan: one pull-request comment.

Summary table first, then one collapsible ``<details>`` block per resource (a product's variations inside its
block), then information. A hidden marker (``MARKER``) lets CI find its own comment and update it in place.
GitHub refuses comments longer than 65,536 characters, so a long plan is cut between resources with a note
pointing at the full plan. User text is escaped for where it lands: HTML-escaped inside tags, code spans in
table cells (pipes escaped).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from jinja2 import Template

from wcsync.core.plan import Plan
from wcsync.render.escape import neutral_markdown, shorten, visible
from wcsync.render.templating import environment
from wcsync.render.view import build_view, short_version

MARKER = "<!-- wcsync-plan -->"
#: GitHub's limit on an issue or pull-request comment, in characters
COMMENT_LIMIT = 65_536
#: longest text shown for a value before it is shortened with "…" (the JSON plan has it all)
VALUE_LIMIT = 200
#: longest text of one key, name or message (a 10,000-character SKU is cut; the JSON plan has it all)
CODE_LIMIT = 300
TEXT_LIMIT = 1000
DEFAULT_HINT = (
    "The full plan is in the plan file (`wcsync plan --out plan.json`), or run "
    "`wcsync plan --format text` to read it all."
)


def _escaped(value: Any) -> str:
    return html.escape(visible(shorten(" ".join(str(value).split()), TEXT_LIMIT)), quote=False)


def _h(value: Any) -> str:
    """Text inside the renderer's HTML tags: escaped, on one line (a blank line would end the HTML block),
    with no control character, mention or link (``wcsync.render.escape``)."""
    return neutral_markdown(_escaped(value))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")


def _md(value: Any) -> str:
    """Text in Markdown prose or a table cell: HTML-escaped, Markdown punctuation backslash-escaped, one line."""
    return neutral_markdown(_MD_SPECIAL.sub(r"\\\1", _escaped(value)))


def _code(value: Any, *, in_table: bool = False) -> str:
    text = visible(shorten(" ".join(str(value).split()), CODE_LIMIT))
    if in_table:
        text = text.replace("|", "\\|")
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(value: Any) -> str:
    return _code(value, in_table=True)


def _tidy(block: Any) -> str:
    """One block: a blank line before it, single blank lines inside, one newline at the end."""
    return "\n" + re.sub(r"\n{3,}", "\n\n", str(block).strip("\n")) + "\n"


@lru_cache(maxsize=1)
def _template() -> Template:
    env = environment()
    env.filters.update(h=_h, md=_md, code=_code, cell=_cell)
    return env.get_template("markdown.j2")


def render_markdown(plan: Plan, *, limit: int = COMMENT_LIMIT, full_plan_hint: str | None = None) -> str:
    """The plan as a pull-request comment of at most ``limit`` characters. ``full_plan_hint`` tells a reader
    where the whole plan is when the comment had to be cut (e.g. a link to the CI run's artifact)."""
    view = build_view(plan, limit=VALUE_LIMIT)
    template = _template()
    hint = full_plan_hint or DEFAULT_HINT
    module: Any = template.make_module(
        {
            "marker": MARKER,
            "catalog_version": short_version(plan.catalog_version) or "-",
            "dropped_info": False,
        }
    )
    head = _tidy(module.head(view)).lstrip("\n")
    blocks = [_tidy(module.entry(e)) for e in view.entries]
    info = _tidy(module.info(view)) if view.info else ""
    whole = head + "".join(blocks) + info
    if len(whole) <= limit:
        return whole
    dropped_info = bool(view.info)
    module = template.make_module(
        {
            "marker": MARKER,
            "catalog_version": short_version(plan.catalog_version) or "-",
            "dropped_info": dropped_info,
        }
    )
    total = len(plan.changes)
    worst = _tidy(module.truncated(total, total, hint))
    out = head
    shown = 0
    for entry, block in zip(view.entries, blocks, strict=True):
        if len(out) + len(block) + len(worst) > limit:
            break
        out += block
        shown += (entry.change is not None) + entry.children_total
    note = _tidy(module.truncated(shown, total, hint))
    result = out + note
    if len(result) > limit:  # a hint so long that not even the head fits: keep the marker and the summary
        result = (head + note)[:limit]
    return result
