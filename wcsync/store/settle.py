"""Deciding a write whose outcome was unknown, from what the store holds now (re-read by natural key).

A resource the re-read finds is compared with what was SENT (``unsent``): a field the store does not show
as sent is written again in the same run, as an update of only those fields. So a create that "exists" because
an earlier, killed run's batch made it without the cross-sells this one sends is completed, not counted as
applied. The comparison knows how WooCommerce stores what wcsync sends (see ``shared/woocommerce/README.md``):

- meta values lose their JSON type at the top level (``42`` → ``"42"``, ``true`` → ``"1"``, ``false`` → ``""``)
  and an empty JSON object comes back as ``[]`` (also nested) (05#7, 11#1-4);
- names are entity-encoded; categories, tags and links by id; prices are decimals as text;
- every image ``src`` becomes a new attachment whose URL is rewritten into ``/wp-content/uploads/…`` but keeps
  the file name (a ``-1`` may be added): an image sent by ``src`` is matched by its position and file name, and
  is never sent again by ``src`` when the store already has an attachment there (no second upload).

A create refused with a taken SKU (``product_invalid_sku``, or "already present in the lookup table") is
settled the same way when the holder is ours (it carries the ``_wcsync`` mark, or this create's own earlier
attempt with an unknown outcome made it); a foreign holder is named in words (``foreign_sku``).
Pure: no I/O.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, urlsplit

from wcsync.core.canonical import php_json, sku_key
from wcsync.core.fields import MARK_META_KEY
from wcsync.core.kinds import Kind
from wcsync.engine.model import Op, WriteOp
from wcsync.store.reread import Found

#: error codes of a create refused because the SKU is taken (by a product, a variation or the trash)
SKU_TAKEN = frozenset({"product_invalid_sku", "woocommerce_rest_product_not_created"})

_MONEY = frozenset({"regular_price", "sale_price", "weight"})
_TEXT = frozenset({"name", "description", "short_description", "purchase_note", "button_text", "external_url"})
_IDS = frozenset({"upsell_ids", "cross_sell_ids", "grouped_products"})
_DATES = frozenset({"date_on_sale_from", "date_on_sale_to", "date_on_sale_from_gmt", "date_on_sale_to_gmt"})


def sku_taken(error: Mapping[str, Any] | None) -> bool:
    """Is this per-item error a create refused because its SKU is taken?"""
    if not error:
        return False
    code = error.get("code")
    return code == "product_invalid_sku" or (
        code == "woocommerce_rest_product_not_created" and "lookup table" in str(error.get("message") or ""))


def is_marked(body: Mapping[str, Any]) -> bool:
    """Does the resource carry wcsync's ``_wcsync`` mark (made or adopted by wcsync)?"""
    return any(isinstance(row, dict) and row.get("key") == MARK_META_KEY for row in body.get("meta_data") or ())


def unsent(payload: Mapping[str, Any], body: Mapping[str, Any], *, since_planning: bool = True) -> dict[str, Any]:
    """The part of ``payload`` that ``body`` (the resource as the store has it now) does not show as written,
    ready to be sent again as an update. ``since_planning`` False: the resource has not changed since the plan
    was made (same ``date_modified``), so an image sent by ``src`` cannot be there yet."""
    out: dict[str, Any] = {}
    for name, sent in payload.items():
        if name in {"id", "sku"} and name in body and _same_sku(sent, body[name]):
            continue
        if name == "images":
            again = _images_again(sent, body.get("images"), trust_src=since_planning)
            if again is not None:
                out[name] = again
            continue
        if name == "image":
            again_one = _images_again([sent] if sent else [], [body["image"]] if body.get("image") else [],
                                      trust_src=since_planning)
            if again_one is not None:
                out[name] = again_one[0] if again_one else {}
            continue
        if name not in body or not _same(name, sent, body[name]):
            out[name] = sent
    return out


def settle(kind: Kind, op: WriteOp, found: Found | None) -> WriteOp | bool | None:
    """After an unknown outcome: ``True`` the store has what ``op`` sent; a ``WriteOp`` the update still to
    send (what differs); ``None`` send ``op`` itself again; ``False`` an update whose resource is gone."""
    if op.op is Op.DELETE:
        return True if found is None else None
    if found is None:
        return None if op.op is Op.CREATE else False
    if op.op is Op.UPDATE and found.status == "trash" and op.payload.get("status", "trash") != "trash":
        return None  # a restore that did not happen: still in the trash, send it again
    if op.op is Op.CREATE and found.status == "trash":
        return None
    unchanged = bool(op.date_modified and found.date_modified == op.date_modified)
    rest = unsent(op.payload, found.body, since_planning=not unchanged)
    if not rest:
        return True
    if op.op is Op.UPDATE and unchanged and len(rest) == len(op.payload):
        return None  # nothing of it landed: the same op again
    return WriteOp(kind=kind, op=Op.UPDATE, key=op.key, payload=rest, id=found.id, parent_id=op.parent_id,
                   date_modified=found.date_modified)


def foreign_sku(kind: Kind, op: WriteOp, found: Found | None, error: Mapping[str, Any] | None) -> str:
    """Why a create's SKU is taken by something wcsync may not update, and what to do, in words."""
    sku = str(op.payload.get("sku") or op.key)
    data = (error or {}).get("data") if isinstance((error or {}).get("data"), dict) else None
    holder_id = (found.id if found else None) or (data or {}).get("resource_id")
    if found is not None and found.status == "trash":
        return (f"the SKU {sku} belongs to product #{found.id} in the store's trash; wcsync did not create "
                "it again — run `wcsync plan` again: it plans to restore that product")
    if found is not None:
        name = html.unescape(str(found.body.get("name") or "")).strip()
        named = f' "{name}"' if name else ""
        what = "variation" if kind is Kind.VARIATION or found.body.get("type") == "variation" else "product"
        return (f"the SKU {sku} is already used by {what} #{found.id}{named}, which wcsync does not manage "
                "(it has no _wcsync mark; made in the store after the plan?) — run `wcsync plan` again: it "
                "offers to adopt it; or give this product another SKU in the catalogue")
    where = f" (by #{holder_id})" if holder_id else ""
    return (f"the SKU {sku} is already taken in the store{where}, by a variation or by something in the trash "
            "(WooCommerce's SKU lookup table still holds it) — find it in wp-admin and free the SKU (delete it "
            "permanently or change its SKU), or give this product another SKU in the catalogue")


# -- comparisons -------------------------------------------------------------------------------------------


def _same(name: str, sent: Any, got: Any) -> bool:
    if name == "meta_data":
        return _same_meta(sent, got)
    if name in _MONEY:
        return _decimal(sent) == _decimal(got)
    if name in _TEXT:
        return _text(sent) == _text(got)
    if name in {"categories", "tags", "brands"}:  # brands [{"id": 0}] means none
        return {_int(r.get("id")) for r in sent or () if isinstance(r, dict)} - {0} == \
            {_int(r.get("id")) for r in got or () if isinstance(r, dict)} - {0}
    if name in _IDS:
        return sorted(_int(i) or 0 for i in sent or ()) == sorted(_int(i) or 0 for i in got or ())
    if name == "attributes" and any("options" in a for a in sent or () if isinstance(a, dict)):
        return _same_attributes(sent, got)
    if name in {"attributes", "default_attributes"}:
        return _same_options(sent, got)
    if name in _DATES:
        return _same_date(sent, got)
    if name == "dimensions":
        return all(_decimal(v) == _decimal((got or {}).get(k)) for k, v in (sent or {}).items())
    if name == "slug":
        return _slug(sent) == _slug(got)
    if name == "downloads":  # by file and name: a download sent without its id gets a new one (11#114)
        return [(d.get("file"), d.get("name")) for d in sent or () if isinstance(d, dict)] == \
            [(d.get("file"), d.get("name")) for d in got or () if isinstance(d, dict)]
    if name == "manage_stock":
        return bool(sent) == (got is True)
    if isinstance(sent, bool):
        return sent == (got is True or got in ("1", "yes", "true"))
    if isinstance(sent, int) or name in {"stock_quantity", "low_stock_amount", "menu_order", "parent"}:
        return _int(sent) == _int(got)
    return _scalar(sent) == _scalar(got) if not isinstance(sent, (dict, list)) else php_json(sent) == php_json(got)


def _same_sku(sent: Any, got: Any) -> bool:
    return sku_key(str(sent or "")) == sku_key(str(got or ""))


def _same_meta(sent: Any, got: Any) -> bool:
    live: dict[str, list[Any]] = {}
    for row in got or ():
        if isinstance(row, dict):
            live.setdefault(str(row.get("key")), []).append(row.get("value"))
    for row in sent or ():
        if not isinstance(row, dict):
            continue
        values = live.get(str(row.get("key")), [])
        if row.get("value") is None:
            if values:
                return False
        elif _meta(row["value"]) not in [_meta(v) for v in values]:
            return False
    return True


def _meta(value: Any) -> Any:
    """A meta value as WooCommerce returns it: top-level scalars as text, ``{}`` as ``[]`` at any depth."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, (int, float, Decimal)):
        return _scalar(value)
    return php_json(value)


def _images_again(sent: Any, got: Any, *, trust_src: bool) -> list[dict[str, Any]] | None:
    """None when the store's images show what was sent; else the images to send again, an image the store
    already holds at that position by id (never a second upload of a ``src``)."""
    sent_rows = [r for r in sent or () if isinstance(r, dict)]
    live = [r for r in got or () if isinstance(r, dict) and r.get("id")]
    same = len(sent_rows) == len(live)
    for pos, row in enumerate(sent_rows):
        have = live[pos] if pos < len(live) else None
        if have is None:
            same = False
        elif row.get("id"):
            same = same and _int(row["id"]) == _int(have.get("id"))
        else:
            same = same and trust_src and _same_file(str(row.get("src") or ""), str(have.get("src") or ""))
        if have is not None and "alt" in row and _text(row["alt"]) != _text(have.get("alt")):
            same = False
    if same:
        return None
    again: list[dict[str, Any]] = []
    for pos, row in enumerate(sent_rows):
        have = live[pos] if pos < len(live) else None
        if "src" in row and have is not None and trust_src and _same_file(str(row["src"]), str(have.get("src") or "")):
            again.append({**{k: v for k, v in row.items() if k != "src"}, "id": _int(have["id"])})
        else:
            again.append(dict(row))
    return again


def _same_file(sent: str, got: str) -> bool:
    """Is ``got`` (a rewritten upload URL) the upload of ``sent``? Same file name, perhaps with ``-N`` added."""
    def stem(url: str) -> tuple[str, str]:
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).lower()
        base, _, ext = name.rpartition(".")
        return (base, ext) if base else (name, "")

    (want, want_ext), (have, have_ext) = stem(sent), stem(got)
    if not want or want_ext != have_ext:
        return False
    return have == want or re.fullmatch(re.escape(want) + r"(-\d+)?(-scaled)?", have) is not None


def _same_attributes(sent: Any, got: Any) -> bool:
    live = [a for a in got or () if isinstance(a, dict)]
    if len(live) != len([a for a in sent or () if isinstance(a, dict)]):
        return False
    for row in sent or ():
        have = _find_attr(row, live)
        if have is None or [_text(o) for o in row.get("options") or ()] != [_text(o) for o in have.get("options") or ()]:
            return False
        if any(k in row and bool(row[k]) != bool(have.get(k)) for k in ("visible", "variation")):
            return False
    return True


def _same_options(sent: Any, got: Any) -> bool:
    live = [a for a in got or () if isinstance(a, dict)]
    if len(live) != len([a for a in sent or () if isinstance(a, dict)]):
        return False
    for row in sent or ():
        have = _find_attr(row, live)
        if have is None or _option(row.get("option")) != _option(have.get("option")):
            return False
    return True


def _option(value: Any) -> str:
    """An attribute option as text or as the slug WooCommerce may answer for a global one (``39–42`` →
    ``39-42``, ``Rot & Weiß`` → ``rot-weiss``): compared without case, accents, punctuation or spaces."""
    text = unicodedata.normalize("NFKD", _text(value).lower().replace("ß", "ss"))
    return "".join(ch for ch in text if ch.isalnum())


def _find_attr(row: Mapping[str, Any], live: list[dict[str, Any]]) -> dict[str, Any] | None:
    if row.get("id"):
        return next((a for a in live if _int(a.get("id")) == _int(row["id"])), None)
    name = _text(row.get("name")).lower()
    return next((a for a in live if not _int(a.get("id")) and _text(a.get("name")).lower() == name), None)


def _same_date(sent: Any, got: Any) -> bool:
    want, have = str(sent or ""), str(got or "")
    if not want or not have:
        return not want and not have
    if len(want) == 10:  # date only: stored as midnight (05#105)
        return have[:10] == want and have[10:] in ("", "T00:00:00")
    return want[:19] == have[:19]


def _text(value: Any) -> str:
    return html.unescape(str(value if value is not None else "")).strip()


def _slug(value: Any) -> str:
    return unquote(str(value or "")).strip().lower().removeprefix("pa_")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    dec = _decimal(value) if isinstance(value, (int, float, Decimal)) else None
    if dec is not None:
        return format(dec.normalize(), "f")
    return html.unescape(str(value))


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def describe_fields(payload: Mapping[str, Any]) -> str:
    """``cross_sell_ids, meta_data`` — the fields of an update sent again, for a status line."""
    return ", ".join(sorted(payload)) or json.dumps(payload)
