"""Diagnostics: one problem in a user's file, reported as ``file:line:col: message — hint``.

Shared by the catalogue loader, the project-file loader, the lint pack and ``wcsync validate``.
Lines and columns are 1-based (editors and GitHub annotations count from 1); line 0 (``NO_LINE``) means the
problem is about a whole file or directory (missing, unreadable, empty), shown as ``file: message`` — never a
made-up ``file:1:1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

#: the line of a problem about a whole file or directory (no position in it)
NO_LINE = 0


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. Sorts by file, line, column."""

    file: str
    line: int
    col: int
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)
    rule: str | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        """``file:line:col``, or just ``file`` for a problem without a position in it."""
        return f"{self.file}:{self.line}:{self.col}" if self.line > NO_LINE else self.file

    def format(self) -> str:
        text = f"{self.where}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()


def sort_diagnostics(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, line, column; duplicates (same place and message) dropped."""
    seen: set[tuple[str, int, int, str]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diags):
        k = (d.file, d.line, d.col, d.message)
        if k not in seen:
            seen.add(k)
            out.append(d)
    return out
