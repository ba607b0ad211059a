from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from wcsync.catalog import validate
from wcsync.diagnostics import Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalogs"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A private copy of the small, valid fixture catalogue."""
    dest = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", dest)
    return dest


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def errors(root: Path) -> list[str]:
    return [d.format() for d in validate(root) if d.severity is Severity.ERROR]


def warnings(root: Path) -> list[str]:
    return [d.format() for d in validate(root) if d.severity is Severity.WARNING]


Edit = Callable[[Path, str, str, str], None]
