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


_SCENARIOS = Path(__file__).parents[1] / "sandbox" / "captures"


@cache
def _scenario(number: str) -> list[Any]:
    path = next(_SCENARIOS.glob(f"{number}-*.json"))
    exchanges: list[Any] = json.loads(path.read_text(encoding="utf-8"))["exchanges"]
    return exchanges


def exchange(ref: str) -> Any:
    """One exchange of the full capture files (tests/sandbox/captures/NN-*.json), ``11#37`` = the 37th."""
    number, _, index = ref.partition("#")
    return _scenario(number)[int(index) - 1]


def sent(ref: str) -> Any:
    """The JSON body the recorded request sent."""
    return exchange(ref)["request"].get("body")


def answered(ref: str) -> Any:
    """The JSON body the real store answered."""
    return exchange(ref)["response"].get("body")
