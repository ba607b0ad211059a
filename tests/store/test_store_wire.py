"""wire: WooCommerce JSON → LiveResource, on bodies recorded from a real WooCommerce 11.0.1 store."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from wcsync.core.kinds import Kind
from wcsync.core.records import Mark
from wcsync.store import wire
from wcsync.store.batch import parse_batch

DATA = json.loads((Path(__file__).parent / "data" / "captured.json").read_text(encoding="utf-8"))["exchanges"]


def body(name: str) -> Any:
    return DATA[name]["response"]["body"]


SLUGS = {1: "color"}


def test_simple_product_from_capture_05_9() -> None:
    p = wire.product(body("product_simple_edit"), SLUGS)
    assert p.kind is Kind.PRODUCT and p.id == 429 and p.key == "HOODIE-CLASSIC"
    assert p.status == "publish" and p.date_modified == "2026-11-28T10:23:32"
    f = p.fields
    assert f["name"] == "Classic Hoodie & Co"  # stored as "Classic Hoodie &amp; Co"
    assert f["description"] == "<p>Warm \"hoodie\" &amp; soft.</p>\n\nSecond paragraph -- with 'quotes'..."
    assert f["short_description"] == "Organic &amp; fair"  # html stays as stored
    assert f["regular_price"] == Decimal("45") and f["sale_price"] == Decimal("39.5")
    assert f["date_on_sale_from"] == "2031-01-01T00:00:00" and f["date_on_sale_to"] == "2031-01-31T23:59:59"
    assert f["weight"] == Decimal("0.75")
    assert f["dimensions"] == {"length": Decimal("30"), "width": Decimal("20"), "height": Decimal("5.5")}
    assert f["shipping_class"] == "bulky-items"
    assert f["categories"] == (19,) and f["tags"] == (20, 21)
    assert f["stock_quantity"] == 12 and f["low_stock_amount"] == 2 and f["manage_stock"] is True
    assert f["backorders"] == "notify" and f["tax_class"] == "reduced-rate" and f["menu_order"] == 5
    assert f["featured"] is True and f["reviews_allowed"] is False and f["catalog_visibility"] == "catalog"
    assert f["upsells"] == () and f["cross_sells"] == () and f["grouped_products"] == ()
    assert f["images"] == ()
    assert f["attributes"] == (
        {"id": 0, "name": "Fit", "slug": None, "options": ("Regular", "Slim"), "visible": True, "variation": False},
    )
    assert f["meta"]["json_obj"] == {"a": 1, "b": [1, 2], "c": {"d": "e"}}
    assert f["meta"]["num"] == "42" and f["meta"]["bool_false"] == ""
    assert "sku" not in f  # the product's SKU is its key, not a field
    assert p.mark is None


def test_variable_product_attributes_and_defaults_from_capture_06_6() -> None:
    p = wire.product(body("product_variable_created"), SLUGS)
    assert p.fields["regular_price"] is None  # "" → no price
    assert p.fields["attributes"][0] == {
        "id": 1, "name": "Color", "slug": "color", "options": ("Blue", "Red"), "visible": True, "variation": True,
    }
    assert [a["slug"] for a in p.fields["attributes"]] == ["color", None, None]
    # global default comes back as the term slug, local as the text
    assert p.fields["default_attributes"] == {"pa_color": "red", "Fit": "Slim"}
    assert p.fields["categories"] == (15,)


def test_variation_from_capture_06_23() -> None:
    v = wire.variation(body("variation_edit"), SLUGS, parent_sku="HOODIE-VAR")
    assert v.kind is Kind.VARIATION and v.id == 432 and v.parent_id == 430
    assert v.key == "HV-RED-REG" and v.fields["sku"] == "HV-RED-REG"
    assert v.fields["attributes"] == {"pa_color": "Red", "Fit": "Regular"}
    assert v.fields["regular_price"] == Decimal("45.00") and v.fields["sale_price"] is None
    assert v.fields["image"] == {"id": 431, "src": "https://shop.example/wp-content/uploads/2026/11/v.jpg",
                                 "alt": "Red hoodie", "name": "v.jpg"}
    assert v.fields["date_on_sale_from"] is None and v.fields["shipping_class"] is None
    assert v.fields["meta"] == {"var_meta": "x"}
    assert v.date_modified == "2026-11-28T10:23:47"


def test_variation_reporting_its_parents_sku_has_no_key() -> None:
    raw = dict(body("variation_edit"), sku="hoodie-var")
    v = wire.variation(raw, SLUGS, parent_sku="HOODIE-VAR")
    assert v.key is None and v.fields["sku"] is None


def test_variation_list_uses_the_attribute_slug_map_for_global_refs() -> None:
    listed = body("variations_list")
    mapped = [wire.variation(b, {1: "colour"}, parent_id=430) for b in listed]
    assert mapped[0].fields["attributes"] == {"pa_colour": "Red"}
    assert mapped[2].fields["attributes"] == {"pa_colour": "Red", "Fit": "regular"}
    assert all(v.parent_id == 430 for v in mapped)
    assert mapped[0].fields["regular_price"] is None


def test_product_images_keep_attachment_ids_in_order() -> None:
    p = wire.product(body("product_images"))
    assert p.fields["images"] == (
        {"id": 429, "src": "https://shop.example/wp-content/uploads/2026/11/a.jpg", "alt": "Front & centre",
         "name": "Front view"},
        {"id": 430, "src": "https://shop.example/wp-content/uploads/2026/11/b.jpg", "alt": "Back",
         "name": "Back view"},
    )


def test_terms_from_captures() -> None:
    c = wire.category(body("category_edit"))
    assert (c.id, c.key) == (18, "clothing-apparel")
    assert c.fields == {"name": "Clothing & Apparel", "slug": "clothing-apparel", "parent": None, "description": "",
                        "display": "default", "menu_order": 0, "image": None}
    ci = wire.category(body("category_image"))
    assert ci.fields["image"] == {"id": 445, "src": "https://shop.example/wp-content/uploads/2026/11/cat.png",
                                  "alt": "Cat alt", "name": "Cat image"}
    t = wire.tag(body("tag_edit"))
    assert t.key == "winter-snow" and t.fields == {"name": "Winter & Snow", "slug": "winter-snow", "description": ""}
    a = wire.attribute(body("attribute_created"))
    assert a.key == "color" and a.fields == {"name": "Color", "slug": "color", "type": "select",
                                             "order_by": "menu_order", "has_archives": False}
    term = wire.term(body("term_created"), attribute_id=1)
    assert term.key == "blue" and term.parent_id == 1
    assert term.fields == {"name": "Blue", "slug": "blue", "description": "Deep <b>blue</b>", "menu_order": 2}
    s = wire.shipping_class(body("shipping_class_created"))
    assert s.key == "bulky-items" and s.fields == {"name": "Bulky Items", "slug": "bulky-items",
                                                   "description": "Big parcels"}


def test_grouped_and_external_products() -> None:
    g = wire.product(body("product_grouped"))
    assert g.key == "MUG-SET" and g.fields["type"] == "grouped"
    assert g.fields["grouped_products"] == tuple(sorted(body("product_grouped")["grouped_products"]))
    e = wire.product(body("product_external"))
    assert e.fields["external_url"] == "https://partner.example.com/hoodie?ref=shop&x=1"
    assert e.fields["button_text"] == "Buy at Partner & save"
    assert e.fields["sale_price"] == Decimal("49.90")


def test_mark_parsed_from_object_or_string_meta() -> None:
    raw = dict(body("product_simple_edit"))
    mark = {"v": 1, "meta_keys": ["plain_key"], "images": {"https://cdn.example/a.jpg": 429}}
    raw["meta_data"] = [{"id": 1, "key": "_wcsync", "value": mark}, {"id": 2, "key": "_wcsync", "value": "{}"}]
    assert wire.product(raw).mark == Mark(v=1, meta_keys=("plain_key",), images={"https://cdn.example/a.jpg": 429})
    raw["meta_data"] = [{"id": 1, "key": "_wcsync", "value": json.dumps(mark)}]
    assert wire.product(raw).mark == Mark(v=1, meta_keys=("plain_key",), images={"https://cdn.example/a.jpg": 429})
    raw["meta_data"] = [{"id": 1, "key": "_wcsync", "value": "not json"}]
    # present but unreadable: managed, with the reason (not "wrote nothing")
    assert wire.product(raw).mark == Mark(unreadable="it is not JSON")


def test_scalars() -> None:
    # money and decimals read through the one reader, core.canonical.to_decimal
    assert wire.record_fields(Kind.PRODUCT, {"regular_price": "45.00", "sale_price": "abc", "weight": "NaN"}) == {
        "regular_price": Decimal("45"), "sale_price": None, "weight": None}
    assert str(wire.record_fields(Kind.PRODUCT, {"regular_price": "45.00"})["regular_price"]) == "45.00"
    assert wire.date_time("2031-01-01T00:00:00+02:00") == "2031-01-01T00:00:00"
    assert wire.date_time("2031-01-01") == "2031-01-01T00:00:00" and wire.date_time(None) is None
    assert wire.boolean("parent") is False and wire.integer("7") == 7 and wire.integer(None) is None
    assert wire.meta_map([{"key": "k", "value": "first"}, {"key": "k", "value": "second"}]) == {"k": "first"}


def test_wire_fields_request_only_what_is_compared() -> None:
    fields = wire.wire_fields(Kind.PRODUCT)
    assert fields[0] == "id"
    for name in ("upsell_ids", "cross_sell_ids", "meta_data", "sku", "status", "date_modified_gmt", "type"):
        assert name in fields
    for name in ("price", "price_html", "related_ids", "permalink", "upsells", "meta"):
        assert name not in fields
    assert "parent_id" in wire.wire_fields(Kind.VARIATION)
    assert wire.wire_fields(Kind.TAG) == ("id", "name", "slug", "description")


def test_batch_results_matched_by_position_from_capture_07_1() -> None:
    sent = DATA["products_batch_mixed"]["request"]["body"]
    result = parse_batch(body("products_batch_mixed"), sent={"create": len(sent["create"])})
    assert [r.ok for r in result.create] == [True, True, False, True, True]
    assert [r.id for r in result.create] == [429, 430, None, 431, 432]
    assert result.create[2].error is not None and result.create[2].error["code"] == "product_invalid_sku"
    assert result.create[0].body is not None and result.create[0].body["sku"] == "B-1"
    assert result.update == [] and result.delete == []


def test_batch_variation_delete_error_id_is_an_object_capture_06_43() -> None:
    result = parse_batch(body("variations_batch_failed_delete"), sent={"delete": 2})
    assert [(r.ok, r.id) for r in result.delete] == [(True, 441), (False, 999999)]


def test_batch_empty_array_answer_and_missing_entries() -> None:
    result = parse_batch([], sent={"update": 2})
    assert [r.ok for r in result.update] == [False, False]
    assert result.update[0].error == {"code": "wcsync_missing_result",
                                      "message": "the store's batch response has no entry for this item"}
