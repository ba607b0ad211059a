"""Image "sideloading" into attachments, without any network access.

WooCommerce downloads every ``src`` it is sent and creates a new attachment each time (even for the same
URL, even for its own ``/wp-content/uploads/`` URLs); only ``{"id": N}`` reuses one. The sandbox cannot
fetch anything, so it decides the outcome of a download from the URL alone:

* not an ``http(s)`` URL → error "A valid URL was not provided." for ``http://<percent-encoded src>``;
* a host under the reserved ``example.com`` / ``example.org`` / ``example.net`` domains → the same error
  (the recorded store could not reach outside hosts, and tests use these names for "unreachable");
* a file name starting with ``nope`` or ``missing`` → "Not Found" (the recorded store's missing file);
* a file extension that is not an image type → "Invalid image: Sorry, you are not allowed to upload this
  file type.";
* anything else succeeds: a new attachment whose file is ``YYYY/MM/<file name>`` (year/month from the
  clock; ``-1``, ``-2``, … appended when taken) served as ``<scheme>://<request host>/wp-content/uploads/…``.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any
from urllib.parse import quote, urlsplit

from wcsync.sandbox.db import dumps, iso, next_id, now

#: WooCommerce's allowed image types (``wc_rest_allowed_image_mime_types``)
IMAGE_EXTENSIONS = {"jpg", "jpeg", "jpe", "gif", "png", "bmp", "tif", "tiff", "ico", "webp"}
_BLOCKED_HOST = re.compile(r"(^|\.)example\.(com|org|net)$", re.I)
SIZES = "(max-width: 64px) 100vw, 64px"


class ImageError(Exception):
    """A download that WooCommerce would report; ``str()`` is its message."""


def _download_error(src: str, reason: str) -> ImageError:
    return ImageError(f"Error getting remote image {src}. Error: {reason}")


def check_source(src: str) -> str:
    """The file name an ``src`` downloads to, or :class:`ImageError` with WooCommerce's message."""
    src = src.strip()
    if not re.match(r"^https?://", src, re.I):
        raise _download_error("http://" + quote(src, safe="/:?&=#%"), "A valid URL was not provided.")
    parts = urlsplit(src)
    host = parts.hostname or ""
    if not host or _BLOCKED_HOST.search(host):
        raise _download_error(src, "A valid URL was not provided.")
    file_name = parts.path.rsplit("/", 1)[-1]
    lowered = file_name.lower()
    if not file_name or lowered.startswith(("nope", "missing")):
        raise _download_error(src, "Not Found")
    extension = lowered.rsplit(".", 1)[-1] if "." in lowered else ""
    if extension not in IMAGE_EXTENSIONS:
        raise ImageError("Invalid image: Sorry, you are not allowed to upload this file type.")
    return file_name


def _unique_file(conn: sqlite3.Connection, folder: str, file_name: str) -> str:
    stem, dot, ext = file_name.rpartition(".")
    if not dot:
        stem, ext = file_name, ""
    candidate = file_name
    number = 1
    while conn.execute("SELECT 1 FROM sb_uploads WHERE name = ?", (f"{folder}/{candidate}",)).fetchone():
        candidate = f"{stem}-{number}.{ext}" if ext else f"{stem}-{number}"
        number += 1
    conn.execute("INSERT INTO sb_uploads (name) VALUES (?)", (f"{folder}/{candidate}",))
    return candidate


def sideload(conn: sqlite3.Connection, src: str, *, parent_id: int = 0, name: str | None = None,
             alt: str | None = None) -> int:
    """Create an attachment for ``src`` and return its id (raises :class:`ImageError`)."""
    file_name = check_source(src)
    moment = now()
    folder = moment.strftime("%Y/%m")
    stored = _unique_file(conn, folder, file_name)
    attachment_id = next_id(conn, "post")
    data = {"file": f"{folder}/{stored}", "title": name if name else stored, "alt": alt or "",
            "parent": parent_id}
    stamp = iso(moment)
    conn.execute(
        "INSERT INTO sb_posts (id, post_type, parent_id, status, name, date_created, date_modified, data) "
        "VALUES (?, 'attachment', ?, 'inherit', ?, ?, ?, ?)",
        (attachment_id, parent_id, data["title"], stamp, stamp, dumps(data)),
    )
    return attachment_id


def is_attachment(conn: sqlite3.Connection, attachment_id: int) -> bool:
    row = conn.execute("SELECT post_type FROM sb_posts WHERE id = ?", (attachment_id,)).fetchone()
    return row is not None and row["post_type"] == "attachment"


def edit(conn: sqlite3.Connection, attachment_id: int, *, name: str | None, alt: str | None) -> None:
    """``alt``/``name`` sent with an image id edit the (shared) attachment itself."""
    if name is None and alt is None:
        return
    row = conn.execute("SELECT data FROM sb_posts WHERE id = ?", (attachment_id,)).fetchone()
    import json

    data = json.loads(row["data"])
    if name:
        data["title"] = name
    if alt:
        data["alt"] = alt
    conn.execute("UPDATE sb_posts SET data = ?, date_modified = ? WHERE id = ?",
                 (dumps(data), iso(now()), attachment_id))


def image_body(conn: sqlite3.Connection, base: str, attachment_id: int, *, full: bool) -> dict[str, Any] | None:
    """The image object of a product (``full``: with srcset/sizes/thumbnail), variation or category."""
    import json

    row = conn.execute("SELECT * FROM sb_posts WHERE id = ? AND post_type = 'attachment'",
                       (attachment_id,)).fetchone()
    if row is None:
        return None
    data = json.loads(row["data"])
    src = f"{base}/wp-content/uploads/{data['file']}"
    body: dict[str, Any] = {
        "id": attachment_id,
        "date_created": row["date_created"],
        "date_created_gmt": row["date_created"],
        "date_modified": row["date_modified"],
        "date_modified_gmt": row["date_modified"],
        "src": src,
        "name": data.get("title", ""),
        "alt": data.get("alt", ""),
    }
    if full:
        body.update({"srcset": "", "sizes": SIZES, "thumbnail": src})
    return body
