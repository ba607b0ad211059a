"""Apply's bookkeeping policy: what a write records in the store besides the catalogue's values (pure).

- products and variations carry the ``_wcsync`` mark (meta keys wcsync wrote, the src → attachment image
  map, the managed-field list) on create/adopt/restore and whenever the plan gives new bookkeeping
  (``wants_mark``, ``mark_row``, ``mark_images``);
- the image map is completed from the store's answer: images sent by ``src`` are new uploads whose
  attachment ids come back by position (``desired_images``, ``uploads``);
- product links to products created in the same run wait for a second pass (``link_fields``);
- a restore publishes (``complete``).

The store's ``Encoder`` maps values to the wire; this module decides what is written for wcsync's own sake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wcsync.core.fields import MARK_META_KEY
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change
from wcsync.core.records import Mark

#: Product fields whose references point at other products (set in a second pass when the target is new)
PRODUCT_LINK_FIELDS: tuple[str, ...] = ("upsells", "cross_sells", "grouped_products")


def complete(change: Change, body: dict[str, Any]) -> dict[str, Any]:
    """Add apply's bookkeeping to the body the encoder made for ``change``: a restored product or variation
    is published, and the ``_wcsync`` mark row follows the catalogue's meta rows (``meta_data`` stays last)."""
    rows = body.pop("meta_data", None)
    if change.action is Action.RESTORE and "status" not in body:
        body["status"] = "publish"  # a variations batch update with a status restores a trashed one (11#27-29)
    if wants_mark(change):
        rows = [*(rows or ()), mark_row(change.mark_meta_keys or (), mark_images(change), change.mark_fields)]
    if rows:
        body["meta_data"] = rows
    return body


def uploads(images: Iterable[Mapping[str, Any] | None], attachments: Mapping[str, int]) -> list[int]:
    """Positions of ``images`` that will be sent by ``src`` (new downloads)."""
    return [i for i, img in enumerate(images) if img and str(img.get("src") or "") not in attachments
            and not img.get("id")]


def mark_row(meta_keys: Iterable[str], images: Mapping[str, int],
             fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The ``_wcsync`` meta row; ``fields`` is the managed-field list (``wcsync.core.ownership``), left out
    when None."""
    mark = Mark(meta_keys=tuple(sorted(set(meta_keys))), images=dict(images))
    value = mark.model_dump(mode="json", exclude={"fields"})
    if fields is not None:
        value["fields"] = sorted(set(fields))
    return {"key": MARK_META_KEY, "value": value}


def wants_mark(change: Change) -> bool:
    """Products and variations get their ``_wcsync`` mark on create/adopt/restore and whenever the plan
    gives new bookkeeping."""
    if change.kind not in (Kind.PRODUCT, Kind.VARIATION):
        return False
    return change.mark_meta_keys is not None or change.action in (Action.CREATE, Action.ADOPT, Action.RESTORE)


def desired_images(change: Change) -> list[Mapping[str, Any] | None] | None:
    """The images the change sends, in order (``None`` when it does not touch images)."""
    values = change.desired_values()
    if change.kind is Kind.VARIATION:
        return [values["image"]] if "image" in values else None
    if "images" in values:
        return list(values["images"] or ())
    return None


def mark_images(change: Change, assigned: Mapping[int, int] | None = None) -> dict[str, int]:
    """The mark's src → attachment id map: re-used attachments, plus ``assigned`` (position → id from the
    store's response) for images sent by ``src``. When the change does not touch images the plan's map is
    kept as it is."""
    images = desired_images(change)
    if images is None:
        return dict(change.attachments)
    out: dict[str, int] = {}
    for pos, img in enumerate(images):
        if not img:
            continue
        src = str(img.get("src") or "")
        if src in change.attachments:
            out[src] = change.attachments[src]
        elif assigned and pos in assigned:
            out[src] = assigned[pos]
    return out


def link_fields(change: Change) -> dict[str, list[str]]:
    """The product-link fields of a product change with their target SKUs."""
    values = change.desired_values()
    return {f: list(values[f] or ()) for f in PRODUCT_LINK_FIELDS if f in values}
