"""Renderers: a ``Plan`` as text (terminal), Markdown (a pull-request comment) or JSON (the plan file).

They only format what the plan holds. Text and Markdown are Jinja2 templates in ``templates/``; the JSON is
the serialised plan model itself (``Plan.model_validate_json`` reads it back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wcsync.core.plan import Plan
    from wcsync.render.as_json import render_json
    from wcsync.render.markdown import COMMENT_LIMIT, MARKER, render_markdown
    from wcsync.render.text import render_text

__all__ = ["COMMENT_LIMIT", "FORMATS", "MARKER", "render", "render_json", "render_markdown", "render_text"]

FORMATS = ("text", "markdown", "json")

#: imported when first used (Jinja2 and the templates are not needed to start a command)
_LAZY = {"render_json": "as_json", "COMMENT_LIMIT": "markdown", "MARKER": "markdown",
         "render_markdown": "markdown", "render_text": "text"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wcsync.render' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"wcsync.render.{module}"), name)
    globals()[name] = value
    return value


def render(plan: Plan, fmt: str, *, color: bool = False, full_plan_hint: str | None = None) -> str:
    """Dispatch by format name (``text``, ``markdown``, ``json``)."""
    if fmt == "text":
        from wcsync.render.text import render_text

        return render_text(plan, color=color)
    if fmt == "markdown":
        from wcsync.render.markdown import render_markdown

        return render_markdown(plan, full_plan_hint=full_plan_hint)
    if fmt == "json":
        from wcsync.render.as_json import render_json

        return render_json(plan)
    raise ValueError(f"unknown plan format {fmt!r}; choose one of {', '.join(FORMATS)}")
