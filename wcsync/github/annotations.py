"""Plan problems as GitHub workflow annotations (``::error file=…,line=…::…``) at the YAML line that caused
them: catalogue errors and lint warnings at their line, a guard's resources at the file that declares them (a
resource the catalogue no longer declares — a delete — at the guard's setting in ``wcsync.yaml``).

Paths are relative to the repository root (``GITHUB_WORKSPACE``), so a project in a sub-directory annotates
the right file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wcsync.core.plan import GuardTrip
from wcsync.core.records import DesiredState
from wcsync.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class Annotation:
    level: str  # error | warning | notice
    file: str
    line: int
    col: int
    message: str
    title: str | None = None

    def command(self) -> str:
        props = f"file={_escape(self.file, prop=True)},line={self.line},col={self.col}"
        if self.title:
            props += f",title={_escape(self.title, prop=True)}"
        return f"::{self.level} {props}::{_escape(self.message)}"


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def repo_prefix(project_dir: Path, workspace: Path | None) -> str:
    """The project directory relative to the repository root, as a path prefix (``""`` at the root)."""
    root = (workspace or Path.cwd()).resolve()
    try:
        rel = project_dir.resolve().relative_to(root)
    except ValueError:
        return ""
    text = rel.as_posix()
    return "" if text in ("", ".") else text + "/"


def from_diagnostics(diags: Iterable[Diagnostic], prefix: str = "") -> list[Annotation]:
    out = []
    for d in diags:
        level = "error" if d.severity is Severity.ERROR else "warning"
        message = d.message + (f" — {d.hint}" if d.hint else "")
        out.append(Annotation(level, prefix + d.file, d.line, d.col, message, d.rule))
    return out


def _setting_line(project_file: Path, guard: str) -> int:
    """The line of ``guard:`` in wcsync.yaml (1 when it cannot be found)."""
    try:
        lines = project_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    pattern = re.compile(rf"^\s*{re.escape(guard)}\s*:")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)


def from_guards(trips: Iterable[GuardTrip], desired: DesiredState | None, project_dir: Path,
                prefix: str = "") -> list[Annotation]:
    """One error per resource a guard names, at its declaration; the rest at the guard's setting."""
    sources = {}
    if desired is not None:
        for group in (desired.products, desired.variations, desired.categories, desired.tags, desired.attributes,
                      desired.terms, desired.shipping_classes, desired.brands):
            for res in group:
                if res.source is not None:
                    sources[(res.kind.value, res.key.casefold())] = res.source
    out = []
    for trip in trips:
        override = f" (override: {trip.override})" if trip.override else ""
        title = f"wcsync guard {trip.guard}"
        undeclared = []
        for kind, key in ((r.kind.value, r.key) for r in trip.resources):
            src = sources.get((kind, key.casefold()))
            if src is None:
                undeclared.append(f"{kind} {key}")
                continue
            out.append(Annotation("error", prefix + src.file, src.line, src.col,
                                  f"{kind} {key}: {trip.message}{override}", title))
        if undeclared or not trip.resources:
            line = _setting_line(project_dir / "wcsync.yaml", trip.guard)
            named = f" — {', '.join(undeclared[:20])}" + (" …" if len(undeclared) > 20 else "") if undeclared else ""
            hint = f" — {trip.hint}" if trip.hint else ""
            out.append(Annotation("error", prefix + "wcsync.yaml", line, 1,
                                  f"{trip.message}{named}{hint}{override}", title))
    return out
