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

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from wcsync.core import canonical as c
from wcsync.core.canonical import php_json, sku_key, to_int
from wcsync.core.compare import same_value
from wcsync.core.fields import FIELDS_BY_KIND, MARK_META_KEY
from wcsync.core.kinds import Kind
from wcsync.core.refs import name_key, strip_pa
from wcsync.core.slugs import sanitize_title, slug_from_name
from wcsync.engine.model import Op, WriteOp
from wcsync.store.reread import Found

#: error codes of a create refused because the SKU is taken (by a product, a variation or the trash)
SKU_TAKEN = frozenset({"product_invalid_sku", "woocommerce_rest_product_not_created"})

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


def unsent(payload: Mapping[str, Any], body: Mapping[str, Any], *, since_planning: bool = True,
           kind: Kind = Kind.PRODUCT) -> dict[str, Any]:
    """The part of ``payload`` that ``body`` (the resource as the store has it now) does not show as written,
    ready to be sent again as an update. ``since_planning`` False: the resource has not changed since the plan
    was made (same ``date_modified``), so an image sent by ``src`` cannot be there yet. ``kind``: the fields'
    canonical forms are that kind's (a product's name is filtered like a post title, a term's like a term's)."""
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
        if name not in body or not _same(kind, name, sent, body[name]):
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
    rest = unsent(op.payload, found.body, since_planning=not unchanged, kind=kind)
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
        name = c.plain_text(found.body.get("name"))
        named = f' "{name}"' if name else ""
        what = "variation" if kind is Kind.VARIATION or found.body.get("type") == "variation" else "product"
        return (f"the SKU {sku} is already used by {what} #{found.id}{named}, which wcsync does not manage "
                "(it has no _wcsync mark; made in the store after the plan?) — run `wcsync plan` again: it "
                "offers to adopt it; or give this product another SKU in the catalogue")
    where = f" (by #{holder_id})" if holder_id else ""
    return (f"the SKU {sku} is already taken in the store{where}, by a variation or by something in the trash "
            "(WooCommerce's SKU lookup table still holds it) — find it in wp-admin and free the SKU (delete it "
            "permanently or change its SKU), or give this product another SKU in the catalogue")


# -- comparisons: the planner's canonical forms (wcsync.core.canonical / core.compare) on wire values ----------


def _same(kind: Kind, name: str, sent: Any, got: Any) -> bool:
    if name == "meta_data":
        return _same_meta(sent, got)
    if name in {"categories", "tags", "brands"}:  # term references by id (brands: 11#95-98; [{"id": 0}] is none)
        return {to_int(r.get("id")) for r in sent or () if isinstance(r, dict)} - {0} == \
            {to_int(r.get("id")) for r in got or () if isinstance(r, dict)} - {0}
    if name in _IDS:
        return sorted(to_int(i) or 0 for i in sent or ()) == sorted(to_int(i) or 0 for i in got or ())
    if name == "attributes" and any("options" in a for a in sent or () if isinstance(a, dict)):
        return _same_attributes(sent, got)
    if name in {"attributes", "default_attributes"}:
        return _same_options(name, sent, got)
    if name == "downloads":  # identified by file URL: the store gives each a generated id (11#111-114)
        return _downloads(sent) == _downloads(got)
    if name == "dimensions":
        return all(c.decimal_str(v) == c.decimal_str((got or {}).get(k)) for k, v in (sent or {}).items())
    if name == "slug":
        return _slug(kind, sent) == _slug(kind, got)
    if name == "manage_stock":
        return bool(sent) == (got is True)
    ftype = FIELDS_BY_KIND[kind].get(name)
    if ftype is not None and (same := same_value(kind, name, ftype, sent, got)) is not None:
        return same
    if name in _DATES:  # the _gmt twins of the table's dates
        return c.date_time(sent) == c.date_time(got)
    if isinstance(sent, int) or name in {"stock_quantity", "low_stock_amount", "menu_order", "parent"}:
        return to_int(sent) == to_int(got)
    if isinstance(sent, (dict, list)):
        return bool(php_json(sent) == php_json(got))
    # any other scalar: as the text PHP makes of it (``true`` → ``"1"``), entities decoded
    return c.plain_text(c.meta_value(sent)) == c.plain_text(c.meta_value(got))


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
        elif c.meta_value(row["value"]) not in [c.meta_value(v) for v in values]:
            return False
    return True


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
            same = same and to_int(row["id"]) == to_int(have.get("id"))
        else:
            same = same and trust_src and _same_file(str(row.get("src") or ""), str(have.get("src") or ""))
        if have is not None and "alt" in row and c.plain_text(row["alt"]) != c.plain_text(have.get("alt")):
            same = False
    if same:
        return None
    again: list[dict[str, Any]] = []
    for pos, row in enumerate(sent_rows):
        have = live[pos] if pos < len(live) else None
        if "src" in row and have is not None and trust_src and _same_file(str(row["src"]), str(have.get("src") or "")):
            again.append({**{k: v for k, v in row.items() if k != "src"}, "id": to_int(have["id"])})
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
        if have is None or _options(row) != _options(have):
            return False
        if any(k in row and bool(row[k]) != bool(have.get(k)) for k in ("visible", "variation")):
            return False
    return True


def _options(row: Mapping[str, Any]) -> Any:
    """A product attribute's options as the planner compares them: a global one's as a set of term names
    (WooCommerce answers them entity-encoded, in its own order), a local one's as text in order."""
    options = row.get("options") or ()
    if to_int(row.get("id")):
        return sorted({name_key(str(o)) for o in options})
    return [c.plain_text(o) for o in options]


def _same_options(name: str, sent: Any, got: Any) -> bool:
    live = [a for a in got or () if isinstance(a, dict)]
    if len(live) != len([a for a in sent or () if isinstance(a, dict)]):
        return False
    for row in sent or ():
        have = _find_attr(row, live)
        if have is None or _option(row, row.get("option")) != _option(row, have.get("option")):
            return False
    return True


def _option(row: Mapping[str, Any], value: Any) -> str:
    """An attribute option as the planner compares it: a local one as its text; a global one as its term's
    slug, since WooCommerce answers a default as the slug (06#6: ``Red`` → ``red``, 06#49) and a variation's
    option as the name (06#8, 11#72), and either may have been sent: a name compares as the slug WordPress
    derives from it (``39–42`` → ``39-42``, ``Rot & Weiß`` → ``rot-weis``, 02#10)."""
    if not to_int(row.get("id")):
        return c.plain_text(value)
    return c.slug_key(slug_from_name(c.plain_text(value), term=True))


def _find_attr(row: Mapping[str, Any], live: list[dict[str, Any]]) -> dict[str, Any] | None:
    if row.get("id"):
        return next((a for a in live if to_int(a.get("id")) == to_int(row["id"])), None)
    name = c.plain_text(row.get("name")).casefold()
    return next((a for a in live if not to_int(a.get("id")) and c.plain_text(a.get("name")).casefold() == name), None)


def _downloads(value: Any) -> list[tuple[str, str]]:
    return [(c.plain_text(d.get("file")), c.plain_text(d.get("name"))) for d in value or () if isinstance(d, dict)]


def _slug(kind: Kind, value: Any) -> str:
    """A slug as WordPress stores a given one (``sanitize_title``: ``Fit Type`` → ``fit-type``, 02#9, 02#17, 04#9),
    compared as the planner compares slugs."""
    text = str(value or "")
    return c.slug_key(sanitize_title(strip_pa(text) if kind is Kind.ATTRIBUTE else text))


def describe_fields(payload: Mapping[str, Any]) -> str:
    """``cross_sell_ids, meta_data`` — the fields of an update sent again, for a status line."""
    return ", ".join(sorted(payload)) or json.dumps(payload)
