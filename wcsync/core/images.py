"""Images compared by source, not by WooCommerce's rewritten URL (design.md §3).

Every ``src`` WooCommerce receives becomes a new attachment with a rewritten ``/wp-content/uploads/…`` URL
(08#5-8); only ``{"id": N}`` re-uses one (08#9). Products and variations remember in their ``Mark.images``
which source became which attachment, so a live image maps back to its source through its attachment id.

Without a mark (categories, which cannot carry one; products being adopted) a live image is matched to a
catalogue source when its URL is the source itself (a catalogue written by ``wcsync import``) or when its
attachment name or file name is the one WooCommerce gives that source (the ``name`` sent, else the file
name, de-duplicated as ``a-1.jpg``, 08#2, 08#20).

A marked resource whose mark lacks a desired source (a run killed, or its second pass failed, after the
product was created and before the image map was written) falls back to the same matching, but only where
it is unambiguous: the source's file name is unique among the desired sources and exactly one live
attachment could be it (and it could be no other missing source). Anything else is uploaded again. Pure;
no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
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


def known_attachments(
    live: Sequence[Mapping[str, Any] | None], mark: Mark | None, desired: Sequence[Mapping[str, Any]] = ()
) -> dict[str, int]:
    """The mark's source → attachment entries whose attachment is still on the resource (an attachment id
    that is gone from it may have been deleted from the media library: re-using it would fail, 08#18), plus,
    for ``desired`` sources the mark does not list, the live attachment each unambiguously became."""
    if mark is None:
        return {}
    live_ids = {img.get("id") for img in live if img}
    out = {src: att for src, att in sorted(mark.images.items()) if att in live_ids}
    missing = [d for d in desired if str(d.get("src", "")) not in mark.images]
    if missing:
        claimed = set(mark.images.values())  # the mark gives these to other sources: never a guess
        free = [img for img in live if img and img.get("id") not in claimed]
        for src, att in _unambiguous_sources(desired, missing, free).items():
            out.setdefault(src, att)
    return out


def recovers(
    live: Sequence[Mapping[str, Any] | None],
    mark: Mark,
    desired: Sequence[Mapping[str, Any]],
    uploaded: Mapping[str, int],
) -> bool:
    """Whether the next plan, reading ``live`` images and ``mark``, finds each ``uploaded`` source's
    attachment by itself (``known_attachments``' unambiguous matching): apply then need not write those
    entries of the mark's image map in a second request."""
    found = known_attachments(live, mark, [_desired_item(d) for d in desired])
    return all(found.get(src) == att for src, att in uploaded.items())


def _could_be(want: Mapping[str, Any], img: Mapping[str, Any]) -> bool:
    """Whether live image ``img`` may be the attachment WooCommerce made of desired source ``want``."""
    src = str(want.get("src", ""))
    url = str(img.get("src", ""))
    expected = want.get("name") or _file_name(src)
    return (
        url == src
        or _same_upload(plain_text(img.get("name")), str(expected))
        or _same_upload(_file_name(url), _file_name(src))
    )


def _unambiguous_sources(
    desired: Sequence[Mapping[str, Any]], missing: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """``missing`` sources whose attachment cannot be mistaken: no other desired source has the same file
    name, exactly one live attachment could be it, and that attachment could be no other missing source."""
    names = Counter(_file_name(str(d.get("src", ""))) for d in desired)
    candidates: dict[str, set[int]] = {}
    for want in missing:
        src = str(want.get("src", ""))
        candidates[src] = {
            att for img in live if isinstance(att := img.get("id"), int) and _could_be(want, img)
        }
    claims = Counter(att for atts in candidates.values() for att in atts)
    out: dict[str, int] = {}
    for src, atts in candidates.items():
        if names[_file_name(src)] != 1 or len(atts) != 1:
            continue
        (att,) = atts
        if claims[att] == 1:
            out[src] = att
    return out


def _guess_sources(desired: list[dict[str, Any]], live: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Without a mark: which live attachment each desired source most likely became."""
    out: dict[str, int] = {}
    taken: set[int] = set()
    for want in desired:
        for img in live:
            att = img.get("id")
            if not isinstance(att, int) or att in taken or want["src"] in out:
                continue
            if _could_be(want, img):
                out[want["src"]] = att
                taken.add(att)
    return out


def diff_images(
    desired: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]], mark: Mark | None
) -> ImageDiff:
    """Compare an ordered image list. An image is unchanged when its attachment came from the same source
    with the same alt/name (only those the catalogue states). ``attachments`` maps every source whose
    attachment is still on the resource to its id, whether or not the images change, so apply re-uses them
    and keeps the mark's image map complete."""
    after = [_desired_item(d) for d in desired]
    attachments = known_attachments(live, mark, after)
    for img in live:  # a source that is the store's own URL is that attachment (wcsync import round trip)
        att, url = img.get("id"), str(img.get("src", ""))
        if isinstance(att, int) and any(a["src"] == url for a in after):
            attachments.setdefault(url, att)
    if mark is None:
        for src, att in _guess_sources(after, live).items():
            attachments.setdefault(src, att)
    source_of = {att: src for src, att in attachments.items()}
    before = [_live_item(img, source_of, after[i] if i < len(after) else None) for i, img in enumerate(live)]
    equal = len(before) == len(after) and all(
        b["src"] == a["src"] and all(b.get(k) == v for k, v in a.items() if k != "src")
        for a, b in zip(after, before, strict=True)
    )
    return ImageDiff(before=before, after=after, equal=equal, attachments=attachments)


def diff_image(desired: Mapping[str, Any] | None, live: Mapping[str, Any] | None, mark: Mark | None) -> ImageDiff:
    """One image (variations, categories): the same comparison on lists of at most one."""
    return diff_images([desired] if desired else [], [live] if live else [], mark)


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
