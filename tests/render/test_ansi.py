"""The text plan's colour comes from ``wcsync.render.ansi`` (no click in the renderer): the same bytes click
would write, for every colour and weight the template uses."""

from __future__ import annotations

import itertools
from typing import Any

import click
import pytest

from wcsync.core.plan import Plan
from wcsync.render import ansi, render_text, text


@pytest.mark.parametrize(("fg", "bold", "dim"),
                         list(itertools.product([None, *ansi.FOREGROUND], [False, True], [False, True])))
def test_style_writes_what_click_writes(fg: str | None, bold: bool, dim: bool) -> None:
    assert ansi.style("x · 1", fg=fg, bold=bold, dim=dim) == click.style("x · 1", fg=fg, bold=bold or None,
                                                                          dim=dim or None)
    assert ansi.plain("x · 1", fg=fg, bold=bold, dim=dim) == "x · 1"


def test_an_unknown_colour_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown colour 'purple'"):
        ansi.style("x", fg="purple")


def test_the_coloured_plan_is_what_click_styling_gave(design: Plan, full: Plan,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ours = [render_text(plan, color=True) for plan in (design, full)]

    def clicked(value: Any, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
        return click.style(str(value), fg=fg, bold=bold or None, dim=dim or None)

    text._template.cache_clear()
    monkeypatch.setattr(text, "style", clicked)
    try:
        assert [render_text(plan, color=True) for plan in (design, full)] == ours
    finally:
        text._template.cache_clear()


def test_the_renderer_imports_no_ui_library() -> None:
    """render sits below cli: it may use Jinja, never click or rich (not even lazily)."""
    import ast
    from pathlib import Path

    root = Path(ansi.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("click", "rich")
                      or n.startswith("wcsync.cli")]
    assert found == []
