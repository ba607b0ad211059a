"""Keeping every file wcsync reads inside the project directory.

A catalogue comes from whoever can open a pull request, and wcsync runs on it with the shop's keys in the
environment and prints what it read into plans and annotations. So a path is read only when it *resolves*
(symbolic links followed) inside the project directory: a link to another file of the project keeps working,
a link to ``/proc/self/environ``, ``/etc/passwd`` or ``/usr`` is an error naming the link as the user wrote
it — never its target, never the target's contents. Directories are checked before they are walked.
"""

from __future__ import annotations

import os
from pathlib import Path

from wcsync.diagnostics import Diagnostic

OUTSIDE_HINT = (
    "wcsync reads only files inside the project directory: replace the link with the file itself, or point it "
    "at a file inside the project"
)


def real(path: Path) -> Path:
    """``path`` with every symbolic link resolved (``strict=False``: a missing tail is kept as written)."""
    return Path(os.path.realpath(path))


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves to ``root`` or somewhere under it (both resolved)."""
    target, base = real(path), real(root)
    return target == base or base in target.parents


def outside(path: Path, root: Path, rel: str, what: str = "file") -> Diagnostic | None:
    """A diagnostic naming ``rel`` (the path as written) when ``path`` resolves outside ``root``, else None."""
    if is_inside(path, root):
        return None
    link = " (a symbolic link)" if _has_link(path, root) else ""
    return Diagnostic(rel, 1, 1, f"{what} '{rel}'{link} resolves outside the project directory", OUTSIDE_HINT)


def _has_link(path: Path, root: Path) -> bool:
    p = Path(os.path.abspath(path))
    base = Path(os.path.abspath(root))
    while p != p.parent:
        if p.is_symlink():
            return True
        if p == base:
            break
        p = p.parent
    return False
