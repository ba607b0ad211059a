"""Which product and variation fields a fetch reads: only the optional ones some catalogue entry names.

The planner compares the fields a catalogue entry names, and the fields a live mark records that the
catalogue no longer names (released to WooCommerce's default: ``wcsync.core.ownership.released_fields``);
it also reads ids, SKUs, names, slugs, types, statuses, ``date_modified``, the mark (``meta_data``), images
(the mark's image map), attributes (variation matching, titles, term notes), categories and tags (notes),
prices and stock fields (quirks, guards). Those are always read. The rest (``OPTIONAL_FIELDS``: the long
HTML texts and rarely managed fields) is read only where a catalogue entry names it — and, for the few
resources whose mark records one of them, re-read whole (``released``). Import and drift read everything.
"""

from __future__ import annotations

from typing import Any

from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredState
from wcsync.store import endpoints, wire
from wcsync.store.client import WooClient
from wcsync.store.concurrent import gather_all

#: ids per ``include=`` list
INCLUDE_CHUNK = 100


#: product and variation fields the planner reads only where a catalogue entry manages them (or a live mark
#: records them: a field the catalogue no longer names is released to WooCommerce's default, so compared);
#: every other field is always read (ownership, marks, staleness, guards, notes, variation matching)
OPTIONAL_FIELDS: dict[Kind, frozenset[str]] = {
    Kind.PRODUCT: frozenset({
        "description", "short_description", "purchase_note", "dimensions", "weight", "tax_status", "tax_class",
        "date_on_sale_from", "date_on_sale_to", "featured", "catalog_visibility", "virtual", "downloadable",
        "external_url", "button_text", "reviews_allowed", "sold_individually", "low_stock_amount"}),
    Kind.VARIATION: frozenset({
        "description", "dimensions", "weight", "tax_status", "tax_class", "date_on_sale_from", "date_on_sale_to",
        "virtual", "downloadable"}),
}


def unmanaged_fields(desired: DesiredState | None) -> dict[Kind, frozenset[str]]:
    """Per kind, the optional fields no catalogue entry names (not fetched); a variation's weight, dimensions
    and shipping class come from its parent when it sets none (11#36-38), so a variation naming one keeps it
    on the products too. Empty without a catalogue (import, drift: they read everything)."""
    if desired is None:
        return {}
    named: dict[Kind, set[str]] = {Kind.PRODUCT: set(), Kind.VARIATION: set()}
    for product in desired.products:
        named[Kind.PRODUCT].update(product.fields.keys())
    for variation in desired.variations:
        named[Kind.VARIATION].update(variation.fields.keys())
    named[Kind.PRODUCT].update(named[Kind.VARIATION])
    return {kind: OPTIONAL_FIELDS[kind] - names for kind, names in named.items()}


def fields_of(kind: Kind, dropped: dict[Kind, frozenset[str]]) -> tuple[str, ...]:
    drop = dropped.get(kind, frozenset())
    return tuple(f for f in wire.wire_fields(kind) if f not in drop)


Bodies = list[dict[str, Any]]


def _records_dropped(body: dict[str, Any], dropped: frozenset[str]) -> bool:
    """Does the body's mark record a field that was not read (then the planner releases it: compared)? A page
    sent before the catalogue was known has every field (``wcsync.store.fetch``): nothing is missing there."""
    mark = wire.parse_mark(wire.meta_map(body.get("meta_data")))
    return mark is not None and bool(mark.fields) and any(f in dropped and f not in body for f in mark.fields or ())


async def released(client: WooClient, dropped: dict[Kind, frozenset[str]],
                   lists: tuple[Bodies, Bodies, Bodies, Bodies]) -> tuple[Bodies, Bodies, Bodies, Bodies, int]:
    """Re-read whole (every field) the products and variations whose mark records a field that was not read:
    ``include=`` lists of ≤ 100 ids, per status (and per parent for variations). Returns the lists with those
    bodies replaced, and the requests' lower bound."""
    products, trash, variations, trashed_variations = lists
    requests: list[tuple[str, dict[str, Any], Kind]] = []
    for bodies, status in ((products, "any"), (trash, "trash")):
        ids = [b["id"] for b in bodies if _records_dropped(b, dropped.get(Kind.PRODUCT, frozenset()))]
        requests += [(endpoints.PRODUCTS, {"include": ",".join(map(str, ids[n:n + INCLUDE_CHUNK])), "status": status},
                      Kind.PRODUCT) for n in range(0, len(ids), INCLUDE_CHUNK)]
    for bodies, status in ((variations, "any"), (trashed_variations, "trash")):
        by_parent: dict[int, list[int]] = {}
        for b in bodies:
            if _records_dropped(b, dropped.get(Kind.VARIATION, frozenset())):
                by_parent.setdefault(int(b.get("parent_id") or 0), []).append(b["id"])
        requests += [(endpoints.variations(pid), {"include": ",".join(map(str, ids[n:n + INCLUDE_CHUNK])),
                                                     "status": status}, Kind.VARIATION)
                     for pid, ids in by_parent.items() if pid for n in range(0, len(ids), INCLUDE_CHUNK)]
    if not requests:
        return products, trash, variations, trashed_variations, 0
    found = await gather_all(client.list_all(path, params, fields=wire.wire_fields(kind), progress=_silent)
                             for path, params, kind in requests)
    whole: dict[tuple[Kind, int], dict[str, Any]] = {}
    for (path, _, kind), rows in zip(requests, found, strict=True):
        for row in rows:
            if kind is Kind.VARIATION and not row.get("parent_id"):
                row = {**row, "parent_id": int(path.split("/")[1])}
            whole[(kind, row["id"])] = row

    def swap(bodies: Bodies, kind: Kind) -> Bodies:
        return [whole.get((kind, b["id"]), b) for b in bodies]

    return (swap(products, Kind.PRODUCT), swap(trash, Kind.PRODUCT), swap(variations, Kind.VARIATION),
            swap(trashed_variations, Kind.VARIATION), sum(max(1, -(-len(rows) // 100)) for rows in found))


def _silent(path: str, done: int, total: int) -> None:
    return None


__all__ = ["OPTIONAL_FIELDS", "fields_of", "released", "unmanaged_fields"]
