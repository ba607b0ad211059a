"""Results of a WooCommerce batch request, matched to the request items by position.

WooCommerce answers ``{"create": [...], "update": [...], "delete": [...]}`` (only the lists that were sent;
an empty batch answers ``[]``). Each entry is the full object or ``{"id": …, "error": {code, message, data}}``;
a failed create has ``id: 0``, a failed variation delete an object as ``id``. Partial success is normal.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ItemResult(BaseModel):
    """One batch item's outcome. ``id`` is None when WooCommerce gave none (failed create: ``0``)."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    id: int | None = None
    body: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class BatchResponse(BaseModel):
    model_config = ConfigDict(frozen=True)

    create: list[ItemResult] = Field(default_factory=list)
    update: list[ItemResult] = Field(default_factory=list)
    delete: list[ItemResult] = Field(default_factory=list)


def _item_id(value: Any) -> int | None:
    if isinstance(value, dict):  # variations batch: failed delete carries {"id", "product_id", "force"}
        value = value.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value or None
    if isinstance(value, str) and value.isdigit():
        return int(value) or None
    return None


def parse_item(entry: Any) -> ItemResult:
    if not isinstance(entry, dict):
        return ItemResult(ok=False, error={"code": "wcsync_bad_item", "message": f"unexpected item {entry!r}"})
    if isinstance(entry.get("error"), dict):
        return ItemResult(ok=False, id=_item_id(entry.get("id")), error=entry["error"])
    return ItemResult(ok=True, id=_item_id(entry.get("id")), body=entry)


def parse_batch(body: Any, *, sent: dict[str, int]) -> BatchResponse:
    """Match the answer to the sent counts (``{"create": 3, ...}``); a missing entry becomes an error."""
    lists: dict[str, list[ItemResult]] = {}
    source = body if isinstance(body, dict) else {}
    for op in ("create", "update", "delete"):
        raw = source.get(op)
        entries = raw if isinstance(raw, list) else []
        results = [parse_item(e) for e in entries[: sent.get(op, 0)]]
        while len(results) < sent.get(op, 0):
            results.append(
                ItemResult(
                    ok=False,
                    error={
                        "code": "wcsync_missing_result",
                        "message": "the store's batch response has no entry for this item",
                    },
                )
            )
        lists[op] = results
    return BatchResponse(**lists)
