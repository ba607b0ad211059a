"""The wire's values → canonical scalars: the readers ``wcsync.store.wire`` converts record fields with (and the
engine and verifier reuse), and one converter per field type for ``wire.record_fields``.

No I/O here, like the wire.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from wcsync.core.canonical import to_decimal

#: attribute id -> slug without ``pa_``
AttributeSlugs = Mapping[int, str]


# -- readers ---------------------------------------------------------------------------------

#: 2**53: integers below it in magnitude survive ``int(float(n))`` unchanged
_EXACT = 1 << 53


def text(value: Any) -> str:
    """Plain text with HTML entities decoded (``&amp;`` → ``&``)."""
    return html.unescape(value) if isinstance(value, str) else ("" if value is None else str(value))


def date_time(value: Any) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS`` (offset dropped: WooCommerce's local dates carry none), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")


def integer(value: Any) -> int | None:
    if type(value) is int and -_EXACT < value < _EXACT:
        return value  # what int(float(value)) gives for an int a float holds exactly: ids, counts
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):  # OverflowError: "1e999", "inf" from a hostile store
        return None


def boolean(value: Any) -> bool:
    return value is True or value in ("true", "1", 1)


def stock_managed(value: Any) -> bool | str:
    """``manage_stock`` in its three states: True, False, or ``"parent"`` — what a variation that does not manage
    its own stock reports when its parent does (11#36-38); ``wcsync.core.quirks`` reads that state."""
    return "parent" if value == "parent" else boolean(value)


def meta_map(rows: Any) -> dict[str, Any]:
    """``meta_data`` rows → ``{key: value}``; the first row per key wins."""
    out: dict[str, Any] = {}
    for row in rows if isinstance(rows, list) else ():
        if isinstance(row, dict) and isinstance(row.get("key"), str) and row["key"] not in out:
            out[row["key"]] = row.get("value")
    return out


def php_empty(value: Any, *, mapping: bool) -> Any:
    """PHP stores an empty JSON object as an empty array and returns it as ``[]``, nested too (11#1-4): a part
    wcsync wrote as a map (``mapping``) reads ``[]`` as ``{}``; a list part reads ``{}`` as ``[]``."""
    if mapping and isinstance(value, list) and not value:
        return {}
    if not mapping and isinstance(value, dict) and not value:
        return []
    return value


def image(value: Any) -> dict[str, Any] | None:
    """An image object → ``{"id", "src", "alt", "name"}``; None for null / ``{}`` / ``[]`` / id 0."""
    if not isinstance(value, dict) or not integer(value.get("id")):
        return None
    return {
        "id": integer(value.get("id")),
        "src": value.get("src") or "",
        "alt": text(value.get("alt")),
        "name": text(value.get("name")),
    }


def images(value: Any) -> tuple[dict[str, Any], ...]:
    return tuple(img for img in (image(v) for v in (value if isinstance(value, list) else ())) if img)


def ref(value: Any) -> int | str | None:
    """One reference: an id (0 → None) or, for ``shipping_class``, the slug (``""`` → None)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        value = value.get("id")
    number = integer(value)
    return number or None


def refs(value: Any) -> tuple[int, ...]:
    ids = (ref(v) for v in (value if isinstance(value, list) else ()))
    return tuple(sorted({i for i in ids if isinstance(i, int)}))


def dimensions(value: Any) -> dict[str, Decimal | None]:
    source = value if isinstance(value, dict) else {}
    return {axis: to_decimal(source.get(axis)) for axis in ("length", "width", "height")}


def downloads(value: Any) -> tuple[dict[str, str], ...]:
    """``[{id, name, file}]`` (the id is the store's UUID, 11#112) as sent back; entries without a file dropped."""
    return tuple({"id": str(d.get("id") or ""), "name": text(d.get("name")), "file": str(d.get("file") or "")}
                 for d in (value if isinstance(value, list) else ()) if isinstance(d, dict) and d.get("file"))


Converter = Callable[[Any, AttributeSlugs], Any]

# The converters of ``record_fields``: each gives what its scalar reader above gives (``tests/store/
# test_wire_fast.py`` pins them to it), answering the values most fields hold — plain text, ``""``, ``[]``,
# ``null``, small ints — without the general reader (a full read converts some two million values).

_NO_SIZE: dict[str, str] = {"length": "", "width": "", "height": ""}


def _text(value: Any, _: AttributeSlugs) -> str:
    return value if type(value) is str and "&" not in value else text(value)


def _html(value: Any, _: AttributeSlugs) -> str:
    return value if isinstance(value, str) else ""


def _decimal(value: Any, _: AttributeSlugs) -> Decimal | None:
    return None if value is None or value == "" else to_decimal(value)


def _integer(value: Any, _: AttributeSlugs) -> int | None:
    return value if type(value) is int and -_EXACT < value < _EXACT else integer(value)


def _boolean(value: Any, _: AttributeSlugs) -> bool:
    return value is True or value in ("true", "1", 1)


def _enum(value: Any, _: AttributeSlugs) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _date_time(value: Any, _: AttributeSlugs) -> str | None:
    return None if value is None else date_time(value)


def _refs(value: Any, _: AttributeSlugs) -> tuple[int, ...]:
    return () if value == [] else refs(value)


def _dimensions(value: Any, _: AttributeSlugs) -> dict[str, Decimal | None]:
    return {"length": None, "width": None, "height": None} if value == _NO_SIZE else dimensions(value)


def _downloads(value: Any, _: AttributeSlugs) -> tuple[dict[str, str], ...]:
    return () if value == [] else downloads(value)


def _images(value: Any, _: AttributeSlugs) -> tuple[dict[str, Any], ...]:
    return () if value == [] else images(value)


def _image(value: Any, _: AttributeSlugs) -> dict[str, Any] | None:
    return None if value is None else image(value)


def _meta(value: Any, _: AttributeSlugs) -> dict[str, Any]:
    return {} if value == [] else meta_map(value)


def _ref(value: Any, _: AttributeSlugs) -> int | str | None:
    return ref(value)


#: the converter of each scalar field type (``wire`` adds the attribute types)
CONVERTERS: dict[str, Converter] = {
    "text": _text,
    "html": _html,
    "money": _decimal,
    "decimal": _decimal,
    "int": _integer,
    "bool": _boolean,
    "enum": _enum,
    "datetime": _date_time,
    "refs": _refs,
    "ref": _ref,
    "images": _images,
    "image": _image,
    "meta": _meta,
    "dict": _dimensions,
    "downloads": _downloads,
}
