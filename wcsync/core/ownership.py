"""Field ownership, as Kubernetes server-side apply records managed fields (design.md §2 "Field ownership").

A product or variation records in its ``_wcsync`` mark (``Mark.fields``) the fields wcsync manages: the
fields its catalogue entry names (a variation matrix's defaults and overrides are fields of each variation),
minus the store-owned ones. On the next plan a recorded field that the catalogue no longer names and that is
not store-owned is *released*: reset to WooCommerce's default (``DEFAULTS``), the change carrying the reason
``removed from the catalogue``. A field never recorded is left alone; a field moved to ``store_owned`` is
released without being cleared. A mark written before field ownership existed has no list
(``Mark.fields is None``): nothing is released on its account, and the list is recorded on its next write.

``DEFAULTS`` are WooCommerce's own defaults, in the catalogue's (desired-side) vocabulary so the planner
diffs and apply writes them like any catalogue value: each field's ``FieldSpec.default`` in
``wcsync.core.fields`` (which names the sources). Fields without a default a store can go back to (``name``,
``slug``, ``type``, the product ``sku``, a variation's ``attributes``) are released without being reset. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from wcsync.core.fields import DEFAULTS as _TABLE_DEFAULTS
from wcsync.core.kinds import Kind

REMOVED_REASON: Final = "removed from the catalogue"

#: kind -> field -> WooCommerce's default, as a catalogue value (derived from the field table)
DEFAULTS: Final[dict[Kind, dict[str, Any]]] = _TABLE_DEFAULTS


def managed_fields(kind: Kind, fields: Iterable[str], store_owned: Iterable[str]) -> tuple[str, ...]:
    """The sorted field list a write records in the mark: what the catalogue names, minus meta (recorded as
    ``meta_keys``) and the store-owned fields."""
    if kind not in DEFAULTS:
        return ()
    owned = set(store_owned)
    return tuple(sorted(f for f in fields if f != "meta" and f not in owned))


def released_fields(
    kind: Kind, recorded: Iterable[str] | None, desired: Mapping[str, Any], store_owned: Iterable[str]
) -> dict[str, Any]:
    """Recorded fields the catalogue no longer names → the default to reset each to (only fields that have
    one). ``recorded`` None (a mark without a field list) releases nothing."""
    if recorded is None or kind not in DEFAULTS:
        return {}
    defaults = DEFAULTS[kind]
    owned = set(store_owned)
    return {
        name: defaults[name]
        for name in sorted(set(recorded))
        if name not in desired and name not in owned and name in defaults
    }
