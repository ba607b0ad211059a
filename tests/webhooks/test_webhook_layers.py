"""``wcsync.webhooks`` stays a library: no sandbox, no click, no CLI (the CLI injects how to reach a store)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "wcsync" / "webhooks"


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_webhooks_package_imports_no_sandbox_click_or_cli(path: Path) -> None:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    banned = {n for n in names if n.split(".")[0] == "click" or n.startswith(("wcsync.sandbox", "wcsync.cli"))}
    assert not banned, f"{path.name} imports {sorted(banned)}"
