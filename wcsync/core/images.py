"""Images compared by source, not by WooCommerce's rewritten URL (design.md §3).

Every ``src`` WooCommerce receives becomes a new attachment with a rewritten ``/wp-content/uploads/…`` URL
(08#5-8); only ``{"id": N}`` re-uses one (08#9). Products and variations remember in their ``Mark.images``
which source became which attachment, so a live image maps back to its source through its attachment id.
Categories cannot carry a mark: their image is matched by attachment name (WooCommerce names an attachment
after the ``name`` sent, else after the file name, 08#20). Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from wcsync.core.canonical import plain_text
from wcsync.core.records import Mark


@dataclass(frozen=True)
class ImageDiff:
    """Canonical images of both sides and which desired sources can re-use an attachment by id."""

    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    equal: bool
    attachments: dict[str, int] = field(default_factory=dict)


def _desired_item(img: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"src": str(img.get("src", "")).strip()}
    for attr in ("alt", "name"):
        if attr in img and img[attr] is not None:
            item[attr] = plain_text(img[attr])
    return item


def _live_item(img: Mapping[str, Any], source_of: Mapping[int, str], want: Mapping[str, Any] | None) -> dict[str, Any]:
    att = img.get("id")
    src = source_of.get(att) if isinstance(att, int) else None
    item: dict[str, Any] = {"src": src if src is not None else str(img.get("src", ""))}
    keys = want.keys() if want is not None else ("alt",)
    for attr in ("alt", "name"):
        if attr in keys:
            item[attr] = plain_text(img.get(attr))
    return item


def diff_images(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]], mark: Mark | None
) -> ImageDiff:
    """Compare an ordered image list (products). An image is unchanged when its attachment was made from the
    same source (``Mark.images``) with the same alt/name (only those the catalogue states)."""
    source_of = {att: src for src, att in (mark.images.items() if mark else ())}
    after = [_desired_item(d) for d in desired]
    before = [
        _live_item(img, source_of, after[i] if i < len(after) else None) for i, img in enumerate(live)
    ]
    live_ids = {img.get("id") for img in live}
    attachments = {
        d["src"]: att
        for d in after
        if (att := (mark.images.get(d["src"]) if mark else None)) is not None and att in live_ids
    }
    equal = len(before) == len(after) and all(
        b["src"] == a["src"] and all(b.get(k) == v for k, v in a.items() if k != "src")
        for a, b in zip(after, before, strict=True)
    )
    return ImageDiff(before=before, after=after, equal=equal, attachments=attachments)


def diff_image(desired: Mapping[str, Any] | None, live: Mapping[str, Any] | None, mark: Mark | None) -> ImageDiff:
    """One image (variations with a mark; categories without one: matched by attachment name)."""
    if mark is not None:
        return diff_images([desired] if desired else [], [live] if live else [], mark)
    after = [_desired_item(desired)] if desired else []
    if live is None or not after:
        before = [_live_item(live, {}, after[0] if after else None)] if live else []
        return ImageDiff(before=before, after=after, equal=not before and not after)
    want = after[0]
    live_name = plain_text(live.get("name"))
    expected = want.get("name") or _file_name(want["src"])
    same_source = _same_upload(live_name, expected) or _same_upload(_file_name(str(live.get("src", ""))), expected)
    before_item = _live_item(live, {}, want)
    if same_source:
        before_item["src"] = want["src"]
    equal = same_source and all(before_item.get(k) == v for k, v in want.items() if k != "src")
    attachments = {want["src"]: live["id"]} if same_source and isinstance(live.get("id"), int) else {}
    return ImageDiff(before=[before_item], after=after, equal=equal, attachments=attachments)


def _file_name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def _same_upload(live_name: str, expected: str) -> bool:
    """``a.jpg`` matches ``a.jpg``, ``a-1.jpg``, ``a-2.jpg`` (WooCommerce de-duplicates file names, 08#5)."""
    if not live_name or not expected:
        return False
    if live_name == expected:
        return True
    stem, dot, ext = expected.rpartition(".")
    if not dot:
        return re.fullmatch(re.escape(expected) + r"-\d+", live_name) is not None
    return re.fullmatch(re.escape(stem) + r"-\d+\." + re.escape(ext), live_name) is not None
