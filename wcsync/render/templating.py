"""The Jinja2 environment of the plan renderers: templates shipped in ``wcsync/render/templates``,
autoescape off (Markdown escaping is explicit, per context, in ``wcsync.render.markdown``), undefined names
are errors."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined


def _pad(value: object, width: int) -> str:
    return str(value).ljust(width)


def environment() -> Environment:
    """A fresh environment (callers add their own filters, e.g. colour)."""
    env = Environment(
        loader=PackageLoader("wcsync.render", "templates"),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pad"] = _pad
    return env
