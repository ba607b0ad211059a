"""wcsync.store.payload: desired field values → WooCommerce JSON (rules from the captures); with
wcsync.engine.bookkeeping, the body apply sends (``sent``: the encoder's body plus the mark and a restore's status)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, FieldChange
from wcsync.engine import bookkeeping
from wcsync.store import payload

IDS = {(Kind.CATEGORY, "clothing/hoodies"): 21, (Kind.TAG, "winter"): 31, (Kind.ATTRIBUTE, "color"): 3,
       (Kind.PRODUCT, "MUG"): 77, (Kind.CATEGORY, "clothing"): 20}


def resolve(kind: Kind, key: str) -> int | None:
    return IDS.get((kind, key))


def sent(c: Change) -> dict[str, Any]:
    """The body apply sends for ``c``: the store's encoding plus apply's bookkeeping."""
    return bookkeeping.complete(c, payload.ENCODER.body(c, resolve))


def change(kind: Kind, action: Action, key: str, **extra: Any) -> Change:
    fields = extra.pop("fields", {})
    return Change(kind=kind, action=action, key=key,
                  changes=tuple(FieldChange(field=f, after=v) for f, v in fields.items()), **extra)


@pytest.mark.parametrize(("value", "wire"), [
    (45, "45.00"), ("45", "45.00"), ("45.0", "45.00"), (Decimal("45.5"), "45.50"), ("12.345", "12.345"),
    (None, ""), ("0", "0.00"),
])
def test_money(value: Any, wire: str) -> None:
    assert payload.money(value) == wire


def test_product_create_full_mapping() -> None:
    c = change(Kind.PRODUCT, Action.CREATE, "HOODIE", mark_meta_keys=("_yoast",), fields={
        "name": "Hoodie & Co", "type": "variable", "regular_price": "45", "sale_price": None,
        "categories": ["clothing/hoodies"], "tags": ["winter"], "shipping_class": "bulky",
        "attributes": [{"name": "Color", "slug": "color", "options": ["Red", "Blue"], "visible": True,
                        "variation": True},
                       {"name": "Fit", "slug": None, "options": ["Slim"], "visible": False, "variation": False}],
        "default_attributes": {"pa_color": "Red", "Fit": "Slim"},
        "images": [{"src": "https://cdn/a.jpg", "alt": "A"}, {"src": "https://cdn/b.jpg", "alt": "B", "name": "b"}],
        "upsells": ["MUG"], "weight": Decimal("0.75"), "dimensions": {"length": "30", "width": None},
        "meta": {"_yoast": "desc", "json": {"a": [1]}},
        "date_on_sale_from": None, "stock_quantity": None, "tax_class": None,
    }, attachments={"https://cdn/b.jpg": 555})
    body = sent(c)
    assert body == {
        "sku": "HOODIE", "name": "Hoodie & Co", "type": "variable", "regular_price": "45.00", "sale_price": "",
        "categories": [{"id": 21}], "tags": [{"id": 31}], "shipping_class": "bulky",
        "attributes": [
            {"id": 3, "options": ["Red", "Blue"], "visible": True, "variation": True, "position": 0},
            {"name": "Fit", "options": ["Slim"], "visible": False, "variation": False, "position": 1}],
        "default_attributes": [{"id": 3, "option": "Red"}, {"name": "Fit", "option": "Slim"}],
        "images": [{"src": "https://cdn/a.jpg", "alt": "A"}, {"id": 555, "alt": "B", "name": "b"}],
        "upsell_ids": [77], "weight": "0.75", "dimensions": {"length": "30", "width": "", "height": ""},
        "date_on_sale_from": None, "stock_quantity": None, "tax_class": "",
        "meta_data": [{"key": "_yoast", "value": "desc"}, {"key": "json", "value": {"a": [1]}},
                      {"key": "_wcsync", "value": {"v": 1, "meta_keys": ["_yoast"],
                                                   "images": {"https://cdn/b.jpg": 555}}}],
    }


def test_update_sends_only_changed_fields_and_meta_deletes() -> None:
    c = change(Kind.PRODUCT, Action.UPDATE, "HOODIE", live_id=9, fields={"regular_price": "40"},
               meta_deletes=("old_key",), mark_meta_keys=())
    assert sent(c) == {
        "regular_price": "40.00",
        "meta_data": [{"key": "old_key", "value": None},
                      {"key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": {}}}]}


def test_plain_update_without_bookkeeping_writes_no_mark() -> None:
    c = change(Kind.PRODUCT, Action.UPDATE, "HOODIE", live_id=9, fields={"name": "New"})
    assert sent(c) == {"name": "New"}


def test_unknown_category_is_an_unresolved_reference_not_uncategorized() -> None:
    c = change(Kind.PRODUCT, Action.CREATE, "X", fields={"categories": ["nope"]})
    with pytest.raises(payload.UnresolvedReference, match="categories refers to category 'nope'"):
        payload.product_payload(c, resolve)


def test_variation_payload() -> None:
    c = change(Kind.VARIATION, Action.CREATE, "H-RED-S", parent_key="H", fields={
        "sku": "H-RED-S", "attributes": {"pa_color": "Red", "Size": "S"}, "regular_price": 45,
        "image": {"src": "https://cdn/v.jpg", "alt": "v"}})
    assert sent(c) == {
        "sku": "H-RED-S", "attributes": [{"id": 3, "option": "Red"}, {"name": "Size", "option": "S"}],
        "regular_price": "45.00", "image": {"src": "https://cdn/v.jpg", "alt": "v"},
        "meta_data": [{"key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": {}}}]}


def test_variation_image_removed_is_empty_object() -> None:
    c = change(Kind.VARIATION, Action.UPDATE, "V", live_id=4, fields={"image": None})
    assert payload.variation_payload(c, resolve) == {"image": {}}


def test_category_parent_and_slug() -> None:
    c = change(Kind.CATEGORY, Action.CREATE, "clothing/hoodies", fields={"name": "Hoodies & Sweats",
                                                                         "parent": "clothing"})
    assert payload.category_payload(c, resolve) == {"name": "Hoodies & Sweats", "parent": 20, "slug": "hoodies"}
    top = change(Kind.CATEGORY, Action.UPDATE, "clothing", live_id=20, fields={"parent": None})
    assert payload.category_payload(top, resolve) == {"parent": 0}


def test_attribute_always_sends_its_slug_so_a_rename_keeps_it() -> None:
    c = change(Kind.ATTRIBUTE, Action.UPDATE, "color", live_id=3, fields={"name": "Colour"})
    assert payload.attribute_payload(c, resolve) == {"name": "Colour", "slug": "color"}


def test_term_slug_from_key() -> None:
    c = change(Kind.TERM, Action.CREATE, "color/navy-blue", parent_key="color", fields={"name": "Navy Blue"})
    assert payload.term_payload(c, resolve) == {"name": "Navy Blue", "slug": "navy-blue"}


def test_mark_images_completes_new_uploads_by_position() -> None:
    c = change(Kind.PRODUCT, Action.UPDATE, "P", live_id=1, mark_meta_keys=(), attachments={"b": 2},
               fields={"images": [{"src": "a"}, {"src": "b"}, {"src": "c"}]})
    assert bookkeeping.uploads(bookkeeping.desired_images(c) or [], c.attachments) == [0, 2]
    assert bookkeeping.mark_images(c, {0: 10, 2: 30}) == {"a": 10, "b": 2, "c": 30}
    # images untouched by the change: the plan's map is kept as it is
    keep = change(Kind.PRODUCT, Action.UPDATE, "P", live_id=1, attachments={"x": 5}, fields={"name": "n"})
    assert bookkeeping.mark_images(keep) == {"x": 5}


def test_the_store_encoding_maps_values_only_and_the_engine_adds_its_bookkeeping() -> None:
    c = change(Kind.VARIATION, Action.RESTORE, "V", live_id=4, live_parent_id=1, mark_meta_keys=("k",),
               fields={"regular_price": "5", "meta": {"k": "v"}})
    # the store's encoder: the catalogue's values on the wire, no mark, no status
    assert payload.ENCODER.body(c, resolve) == {"regular_price": "5.00", "meta_data": [{"key": "k", "value": "v"}]}
    # apply sends it published (a restore) with the mark after the catalogue's meta rows
    assert list(sent(c).items()) == [
        ("regular_price", "5.00"), ("status", "publish"),
        ("meta_data", [{"key": "k", "value": "v"},
                       {"key": "_wcsync", "value": {"v": 1, "meta_keys": ["k"], "images": {}}}])]
    # an explicit status in the plan is kept
    keep = change(Kind.PRODUCT, Action.RESTORE, "P", live_id=3, fields={"status": "draft"})
    assert sent(keep)["status"] == "draft"
