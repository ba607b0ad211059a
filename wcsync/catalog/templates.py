"""Jinja2 for the catalogue: description templates (``templates/*.j2``) and variation SKU templates.

A sandboxed environment with ``StrictUndefined``: a misspelt variable is an error with the template's
file:line, never an empty string in the shop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.loaders import split_template_path

from wcsync.catalog.confine import OUTSIDE_HINT, is_inside
from wcsync.catalog.jinja_limits import CappedEnvironment, render_capped
from wcsync.catalog.problems import suggestion_hint
from wcsync.catalog.wording import clause
from wcsync.catalog.yaml_limits import MAX_FILE_BYTES
from wcsync.diagnostics import Diagnostic


class TemplateProblem(Exception):
    """A template failed; ``diagnostic`` points into the template file when the line is known."""

    def __init__(self, message: str, hint: str, diagnostic: Diagnostic | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.diagnostic = diagnostic


def _template_line(tb: TracebackType | None, filename: str | None) -> int | None:
    line = None
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_STR_LIT = r"""(?:'[^'\\]*'|"[^"\\]*")"""
_FILTER = rf"(?:upper|lower|trim|replace\(\s*{_STR_LIT}\s*,\s*{_STR_LIT}\s*\))"
_SIMPLE_EXPR = re.compile(rf"\{{\{{\s*(\w+)\s*((?:\|\s*{_FILTER}\s*)*)\}}\}}")
_ONE_FILTER = re.compile(rf"\|\s*(upper|lower|trim|replace\(\s*({_STR_LIT})\s*,\s*({_STR_LIT})\s*\))")


def _apply_filters(value: str, filters: str) -> str:
    for m in _ONE_FILTER.finditer(filters):
        name = m.group(1)
        if name == "upper":
            value = value.upper()
        elif name == "lower":
            value = value.lower()
        elif name == "trim":
            value = value.strip()
        else:
            value = value.replace(m.group(2)[1:-1], m.group(3)[1:-1])
    return value


def _render_simple(source: str, context: dict[str, Any]) -> str | None:
    """``HOODIE-{{ Color | replace(' ', '-') | upper }}-{{ Size }}`` without compiling a Jinja template (a
    catalogue has one SKU template per variable product, and compiling dominates loading time). None when the
    template uses anything else, or a name the context lacks: Jinja then renders it or reports the error."""
    rest = _SIMPLE_EXPR.sub("", source)
    if "{" in rest or "}" in rest:
        return None
    out: list[str] = []
    pos = 0
    for m in _SIMPLE_EXPR.finditer(source):
        value = context.get(m.group(1))
        if not isinstance(value, str):
            return None
        out.append(source[pos : m.start()])
        out.append(_apply_filters(value, m.group(2)))
        pos = m.end()
    out.append(source[pos:])
    return "".join(out).strip()


class _ConfinedLoader(FileSystemLoader):
    """A template (or an ``{% include %}``) is read only when it resolves inside the project directory."""

    def __init__(self, directory: Path, root: Path, rel_dir: str) -> None:
        super().__init__(str(directory))
        self.directory, self.root, self.rel_dir = directory, root, rel_dir

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.directory.joinpath(*split_template_path(template))
        rel = f"{self.rel_dir}/templates/{template}"
        if path.exists() and not is_inside(path, self.root):
            raise TemplateProblem(f"template '{rel}' resolves outside the project directory", OUTSIDE_HINT)
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            raise TemplateProblem(f"template '{rel}' is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", "shorten it")
        return super().get_source(environment, template)


class Templates:
    """Description templates from ``<catalog>/templates``; ``rel_dir`` names them in messages; only files that
    resolve inside ``root`` (the project directory; default: the templates directory) are read."""

    def __init__(self, directory: Path, rel_dir: str, root: Path | None = None):
        self.directory = directory
        self.rel_dir = rel_dir
        self.env = CappedEnvironment(
            loader=_ConfinedLoader(directory, root or directory, rel_dir),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )
        self.inline = CappedEnvironment(undefined=StrictUndefined, autoescape=False)
        self._broken: dict[str, TemplateProblem] = {}
        self._inline: dict[str, Any] = {}

    def render_file(self, name: str, context: dict[str, Any]) -> str:
        """Render ``templates/<name>``; raises TemplateProblem."""
        if name in self._broken:
            raise self._broken[name]
        rel = f"{self.rel_dir}/templates/{name}"
        try:
            template = self.env.get_template(name)
        except TemplateProblem as refused:
            self._broken[name] = refused
            raise
        except TemplateNotFound:
            raise TemplateProblem(f"template '{name}' not found in {self.rel_dir}/templates/", self._name_hint(name)) from None
        except TemplateSyntaxError as exc:
            problem = TemplateProblem(
                f"template '{name}' has a syntax error",
                "see the error in the template file",
                Diagnostic(rel, exc.lineno or 1, 1, f"template syntax error: {clause(exc.message or '')}", "fix the Jinja2 syntax"),
            )
            self._broken[name] = problem
            raise problem from None
        try:
            return render_capped(template, context).strip()
        except TemplateProblem:
            raise
        except (UndefinedError, SecurityError, TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            line = _template_line(exc.__traceback__, template.filename) or 1
            raise TemplateProblem(
                f"template '{name}' failed: {clause(str(exc))}",
                f"see {rel}:{line}",
                Diagnostic(rel, line, 1, f"template error while rendering: {clause(str(exc))}", "use only fields the product has (the context is the product's fields, also as 'product')"),
            ) from None

    def _name_hint(self, name: str) -> str:
        """``did you mean 'apparel.html.j2'?`` for a mistyped name, else the templates there are."""
        known = self.env.list_templates() if self.directory.is_dir() else []
        if not known:
            return f"add it to {self.rel_dir}/templates/, or check the file name"
        return suggestion_hint(name, known) or f"templates there: {', '.join(sorted(known)[:12])}"

    def render_inline(self, source: str, context: dict[str, Any]) -> str:
        """Render a one-line template (variation SKU); raises TemplateProblem without a file diagnostic."""
        fast = _render_simple(source, context)
        if fast is not None:
            return fast
        try:
            template = self._inline.get(source)
            if template is None:
                template = self._inline[source] = self.inline.from_string(source)
            return render_capped(template, context).strip()
        except TemplateSyntaxError as exc:
            raise TemplateProblem(f"template syntax error: {clause(exc.message or '')}", "fix the Jinja2 syntax, e.g. {{ Color | upper }}") from None
        except (UndefinedError, SecurityError, TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            raise TemplateProblem(f"template error: {clause(str(exc))}", "use the variation's attribute names, e.g. {{ Color }}, or parent_sku") from None
