"""Access to the recorded WooCommerce exchanges the core tests are built from (tests/core/data/captures.json,
copied from the real captures: ``05#7`` = captures/05-products-simple.json, 7th exchange)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_DATA = Path(__file__).parent / "data" / "captures.json"


@cache
def _all() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_DATA.read_text(encoding="utf-8"))["exchanges"]
    return data


def request(ref: str) -> Any:
    return _all()[ref]["request"]


def response(ref: str) -> Any:
    return _all()[ref]["response"]
