"""``--target`` keys of ``wcsync plan`` and ``wcsync apply``: parsing the option.

``split_targets`` turns repeated and comma-separated ``--target`` values into one tuple of keys; checking them
against the catalogue and the store is ``wcsync.core.targets.check_targets`` (the library API does it).
"""

from __future__ import annotations

from collections.abc import Iterable

from wcsync.core.targets import check_targets, known_targets

__all__ = ["check_targets", "known_targets", "split_targets"]


def split_targets(values: Iterable[str]) -> tuple[str, ...]:
    """``--target A,B --target C`` → ``("A", "B", "C")``: split on commas, strip, drop empties and repeats."""
    return tuple(dict.fromkeys(t.strip() for raw in values for t in raw.split(",") if t.strip()))
