"""The layer boundaries of docs/architecture.md, checked on the source tree (ruff's TID251 guards the core;
this guards the rest)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wcsync"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*subdirs: str) -> list[Path]:
    return sorted(p for sub in subdirs for p in (PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("core", "catalog", "store", "engine", "render", "github"), ids=str)
def test_sync_engine_never_imports_the_sandbox(path: Path) -> None:
    offending = {name for name in _imports(path) if name == "wcsync.sandbox" or name.startswith("wcsync.sandbox.")}
    assert not offending, f"{path.relative_to(PACKAGE.parent)} imports {sorted(offending)}"


@pytest.mark.parametrize("path", _modules("core"), ids=str)
def test_core_is_pure(path: Path) -> None:
    banned = ("httpx", "click", "jinja2", "ruamel", "rich", "sqlite3", "wcsync.store", "wcsync.cli",
              "wcsync.catalog", "wcsync.engine", "wcsync.render")
    offending = {n for n in _imports(path) if any(n == b or n.startswith(b + ".") for b in banned)}
    assert not offending, f"{path.relative_to(PACKAGE.parent)} imports {sorted(offending)}"


@pytest.mark.parametrize("path", _modules("store"), ids=str)
def test_store_layer_knows_no_yaml_or_cli(path: Path) -> None:
    banned = ("ruamel", "click", "wcsync.cli", "wcsync.catalog")
    offending = {n for n in _imports(path) if any(n == b or n.startswith(b + ".") for b in banned)}
    assert not offending, f"{path.relative_to(PACKAGE.parent)} imports {sorted(offending)}"


def test_the_planted_violation_is_detected(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from wcsync.sandbox.app import create_app\nimport httpx\n", encoding="utf-8")
    assert {"wcsync.sandbox.app", "httpx"} <= _imports(probe)
