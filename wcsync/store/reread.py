"""Re-reading resources by natural key after a write whose outcome is unknown (or refused for a taken SKU).

Products by SKU (live, then the trash for a restore), variations by SKU or attribute combination within their
parent, terms by slug (categories also by parent), attributes by slug, trashed items by id. Read-only: it
never writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wcsync.core.canonical import plain_text, sku_key
from wcsync.core.kinds import TREE_KINDS, Kind
from wcsync.core.refs import name_key, strip_pa
from wcsync.engine.model import Op, WriteOp
from wcsync.store import endpoints
from wcsync.store.client import WooClient
from wcsync.store.errors import RequestFailed


@dataclass(frozen=True)
class Found:
    """A resource as the store has it now (re-read by natural key)."""

    id: int
    date_modified: str | None = None
    status: str | None = None
    body: dict[str, Any] = field(default_factory=dict)


async def reread(client: WooClient, kind: Kind, ops: Sequence[WriteOp], *,
                 also_trash: Sequence[str] = ()) -> dict[str, Found]:
    """Re-read the resources ``ops`` write, by natural key (SKU, slug, attribute combination). Products
    ``also_trash`` names (creates refused for a taken SKU) are looked for in the trash too."""
    if not ops:
        return {}
    if any(op.op is Op.TRASH for op in ops):
        return await _reread_by_id(client, kind, ops)
    if kind is Kind.PRODUCT:
        found = await _products_by_sku(client, ops, "any")
        # a restore (an update of a trashed product) that did not happen leaves it in the trash, which
        # status=any does not list; creates never match a trashed product
        lost = [op for op in ops if (op.op is Op.UPDATE or op.key in also_trash) and op.key not in found]
        if lost:
            found.update(await _products_by_sku(client, lost, "trash"))
        return found
    if kind is Kind.VARIATION:
        path = endpoints.variations(ops[0].parent_id)
        rows = await client.list_all(path)
        found = {op.key: _found(row) for op in ops if (row := _match_variation(op, rows)) is not None}
        # a restore that did not happen leaves the variation in the trash, listed only with status=trash (11#9)
        lost = [op for op in ops if op.op is Op.UPDATE and op.key not in found]
        if lost:
            trashed = await client.list_all(path, {"status": "trash"})
            found.update({op.key: _found(row) for op in lost if (row := _match_variation(op, trashed)) is not None})
        return found
    if kind is Kind.ATTRIBUTE:
        rows = await client.list_all(endpoints.ATTRIBUTES)
        slugs = {strip_pa(str(r.get("slug") or "")): r for r in rows}
        return {op.key: _found(slugs[op.key]) for op in ops if op.key in slugs}
    rows = await client.list_all(endpoints.collection(kind, ops[0].parent_id))
    out: dict[str, Found] = {}
    for op in ops:
        leaf = op.key.rsplit("/", 1)[-1]
        for row in rows:
            if row.get("slug") != leaf and row.get("id") != op.id:
                continue
            if kind in TREE_KINDS and "parent" in op.payload and row.get("parent") != op.payload["parent"]:
                continue
            out[op.key] = _found(row)
            break
    return out


async def _products_by_sku(client: WooClient, ops: Sequence[WriteOp], status: str) -> dict[str, Found]:
    skus = sorted({op.key for op in ops})
    rows = await client.list_all(endpoints.PRODUCTS, {"sku": ",".join(skus), "status": status})
    by_sku = {sku_key(r.get("sku")): r for r in rows if r.get("type") != "variation"}
    return {op.key: _found(row) for op in ops if (row := by_sku.get(sku_key(op.key))) is not None}


async def _reread_by_id(client: WooClient, kind: Kind, ops: Sequence[WriteOp]) -> dict[str, Found]:
    out: dict[str, Found] = {}
    for op in ops:
        try:
            row = await client.get(endpoints.item(kind, op.id, op.parent_id))
        except RequestFailed as exc:
            if exc.status in (400, 404, 410):
                continue
            raise
        if isinstance(row, dict):
            out[op.key] = _found(row)
    return out


def _found(row: dict[str, Any]) -> Found:
    modified = row.get("date_modified_gmt") or row.get("date_modified")
    return Found(id=int(row.get("id") or 0), date_modified=str(modified) if modified else None,
                 status=row.get("status"), body=row)


def _combo(attrs: Any) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for attr in attrs or ():
        if not isinstance(attr, dict):
            continue
        ref = str(attr["id"]) if attr.get("id") else plain_text(attr.get("name")).casefold()
        # a global option comes back as the term's entity-encoded name (``Rot &amp; Weiß``, 11#72)
        out.add((ref, name_key(str(attr.get("option") or ""))))
    return out


def _match_variation(op: WriteOp, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    sku = sku_key(op.payload.get("sku"))
    if sku:
        return next((r for r in rows if sku_key(r.get("sku")) == sku), None)
    if op.id:
        return next((r for r in rows if r.get("id") == op.id), None)
    wanted = _combo(op.payload.get("attributes"))
    return next((r for r in rows if _combo(r.get("attributes")) == wanted), None) if wanted else None
