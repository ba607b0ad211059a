"""The export layer's boundary (docs/architecture.md): it turns a ``LiveState`` into files; it never speaks
HTTP, never reaches the sandbox, the engine or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EXPORT = Path(__file__).resolve().parents[2] / "wcsync" / "export"
BANNED = ("httpx", "click", "wcsync.sandbox", "wcsync.cli", "wcsync.engine", "wcsync.render", "sqlite3")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(EXPORT.glob("*.py")), ids=lambda p: p.name)
def test_export_imports_only_core_catalog_and_yaml(path: Path) -> None:
    offending = {n for n in _imports(path) if any(n == b or n.startswith(b + ".") for b in BANNED)}
    assert not offending, f"{path.name} imports {sorted(offending)}"
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400


def test_the_package_is_found() -> None:
    assert {p.name for p in EXPORT.glob("*.py")} >= {"__init__.py", "files.py", "products.py", "taxonomy.py"}
