"""Meta field types for import: declared in an existing ``meta-fields.yaml`` or inferred from the live values
(WooCommerce returns every scalar meta value as text), and each value written in its type — ``launch_year:
2019``, not ``'2019'``.

A value is only converted when the loader turns the written value back into exactly the stored text
(``wcsync.catalog.fieldconv.meta_value``: ``2019`` → ``"2019"``, ``true`` → ``"1"``, ``false`` → ``""``), so the
plan after an import stays empty. Inference, per key over every exported value:

- all lists/objects → ``json``;
- all whole or decimal numbers in their shortest spelling (``2019``, ``0.5``; not ``"07045…"`` or ``"1.50"``)
  → ``number``;
- all ``"1"``/``""`` with both present → ``boolean``;
- short text with few distinct values (at most :data:`ENUM_MAX`), repeated across products → ``enum``;
- otherwise ``string``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: most distinct values an inferred enum has
ENUM_MAX = 8
_INT = re.compile(r"^-?(0|[1-9][0-9]{0,15})$")
_DEC = re.compile(r"^-?(0|[1-9][0-9]{0,12})\.[0-9]{0,8}[1-9]$")
_SHORT = 40


def as_number(text: Any) -> int | float | None:
    """The number the loader writes back as exactly ``text``, or None."""
    if not isinstance(text, str):
        return None
    if _INT.match(text):
        return int(text)
    if _DEC.match(text) and repr(float(text)) == text:
        return float(text)
    return None


def infer_type(values: list[Any]) -> tuple[str, list[Any] | None]:
    """(type, allowed values for an enum) of a key from its live values."""
    if values and all(isinstance(v, list | dict) for v in values):
        return "json", None
    if any(not isinstance(v, str) for v in values):
        return "json", None  # text and structures mixed: json holds both as they are
    if values and all(as_number(v) is not None for v in values):
        return "number", None
    if set(values) == {"1", ""}:
        return "boolean", None
    counts = Counter(values)
    if (
        1 < len(counts) <= ENUM_MAX
        and len(values) >= len(counts) + 2
        and max(counts.values()) > 1
        and all(v and len(v) <= _SHORT and "\n" not in v for v in counts)
    ):
        return "enum", list(counts)  # in order of first use
    return "string", None


@dataclass
class MetaTypes:
    """Declared types (from an existing ``meta-fields.yaml``) and the values seen per key during an export."""

    declared: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: dict[str, list[Any]] = field(default_factory=dict)
    targets: dict[str, set[str]] = field(default_factory=dict)

    def note(self, key: str, value: Any, target: str) -> None:
        self.seen.setdefault(key, []).append(value)
        self.targets.setdefault(key, set()).add(target)

    def types(self) -> dict[str, tuple[str, list[Any] | None]]:
        out: dict[str, tuple[str, list[Any] | None]] = {}
        for key, values in self.seen.items():
            decl = self.declared.get(key)
            if decl is not None and isinstance(decl.get("type"), str):
                out[key] = (decl["type"], decl.get("values") if isinstance(decl.get("values"), list) else None)
            else:
                out[key] = infer_type(values)
        return out

    def declarations(self) -> list[dict[str, Any]]:
        """Declarations of every key seen and not declared yet (``applies_to`` in the catalogue's order)."""
        order = ("simple", "variable", "grouped", "external", "variation")
        out: list[dict[str, Any]] = []
        for key, (kind, allowed) in sorted(self.types().items()):
            if key in self.declared:
                continue
            item: dict[str, Any] = {"key": key, "type": kind}
            if allowed is not None:
                item["values"] = allowed
            item["applies_to"] = [t for t in order if t in self.targets[key]]
            out.append(item)
        return out


def typed_value(value: Any, kind: str, allowed: list[Any] | None) -> Any:
    """``value`` (as the store returned it) written in ``kind``; unchanged where a conversion would not read
    back to the same stored text."""
    if not isinstance(value, str):
        return value
    if kind == "number":
        number = as_number(value)
        return value if number is None else number
    if kind == "boolean" and value in ("1", ""):
        return value == "1"
    if kind == "enum" and allowed is not None and value not in allowed:
        for option in allowed:
            if not isinstance(option, str) and not isinstance(option, bool) and str(option) == value:
                return option
    return value
