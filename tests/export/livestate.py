"""A small live store built from WooCommerce-shaped JSON bodies (through ``wcsync.store.wire``, as a fetch
would), with the cases an import must get right: entity-encoded names, a global and a local attribute,
variations with and without their own SKU, an "any" variation, a grouped product, a product without SKU."""

from __future__ import annotations

import json
from typing import Any

from wcsync.core.records import LiveState
from wcsync.store import wire

ATTRIBUTES = [{"id": 1, "name": "Color", "slug": "pa_color", "type": "select", "order_by": "menu_order", "has_archives": False}]
TERMS = [
    {"id": 11, "name": "Red", "slug": "red", "description": "", "menu_order": 0},
    {"id": 12, "name": "Forest Green", "slug": "forest-green", "description": "", "menu_order": 2},
]
CATEGORIES = [
    {"id": 15, "name": "Uncategorized", "slug": "uncategorized", "parent": 0, "description": "", "display": "default", "menu_order": 0, "image": None},
    {"id": 20, "name": "Home &amp; Kitchen", "slug": "home-kitchen", "parent": 0, "description": "<b>All</b> for home", "display": "default", "menu_order": 0, "image": None},
    {"id": 21, "name": "Mugs &amp; Cups", "slug": "mugs", "parent": 20, "description": "", "display": "products", "menu_order": 3, "image": None},
    {"id": 22, "name": "帽子", "slug": "%E5%B8%BD%E5%AD%90", "parent": 0, "description": "", "display": "default", "menu_order": 0, "image": None},
]
TAGS = [{"id": 30, "name": "Gift &amp; Idea", "slug": "gift-idea", "description": ""}]
SHIPPING = [{"id": 40, "name": "Bulky &amp; Heavy", "slug": "bulky", "description": "Freight"}]


def product(pid: int, sku: str, name: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": pid, "sku": sku, "name": name, "slug": fields.pop("slug", name.lower().replace(" ", "-")),
        "type": "simple", "status": "publish", "featured": False, "catalog_visibility": "visible",
        "description": "", "short_description": "Short.", "regular_price": "", "sale_price": "",
        "date_on_sale_from": None, "date_on_sale_to": None, "tax_status": "taxable", "tax_class": "",
        "manage_stock": False, "stock_quantity": None, "stock_status": "instock", "backorders": "no",
        "low_stock_amount": None, "sold_individually": False, "weight": "", "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_class": "", "reviews_allowed": True, "purchase_note": "", "menu_order": 0, "virtual": False,
        "downloadable": False, "external_url": "", "button_text": "", "categories": [], "tags": [], "images": [],
        "attributes": [], "default_attributes": [], "upsell_ids": [], "cross_sell_ids": [], "grouped_products": [],
        "meta_data": [], "date_modified_gmt": "2026-01-01T00:00:00",
    }
    body.update(fields)
    return body


def variation(vid: int, parent: int, sku: str, attrs: list[tuple[int, str, str]], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": vid, "parent_id": parent, "sku": sku, "description": "", "status": "publish", "regular_price": "10",
        "sale_price": "", "date_on_sale_from": None, "date_on_sale_to": None, "tax_status": "taxable",
        "tax_class": "parent", "manage_stock": False, "stock_quantity": None, "stock_status": "instock",
        "backorders": "no", "weight": "", "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_class": "", "virtual": False, "downloadable": False, "image": None, "menu_order": 0,
        "attributes": [{"id": i, "name": n, "option": o} for i, n, o in attrs], "meta_data": [],
        "date_modified_gmt": "2026-01-01T00:00:00",
    }
    body.update(fields)
    return body


MARK = {"key": "_wcsync", "value": json.dumps({"v": 1, "meta_keys": ["care"], "images": {}})}

PRODUCTS = [
    product(
        100, "MUG-1", "Fish &amp; Chips Mug", slug="fish-chips-mug-special", regular_price="45", sale_price="39.5",
        weight="0.620", dimensions={"length": "10", "width": "", "height": "12.50"}, categories=[{"id": 21}],
        tags=[{"id": 30}], shipping_class="bulky", featured=True,
        images=[{"id": 500, "src": "https://shop.example/wp-content/uploads/mug.jpg", "alt": "A mug &amp; saucer", "name": "mug"}],
        description="<p>Line one</p>\n<p>Line two &amp; more</p>",
        meta_data=[MARK, {"key": "care", "value": "Hand wash"}, {"key": "_plugin", "value": "x"},
                   {"key": "specs", "value": {"a": 1}}],
    ),
    product(
        101, "TEE", "Tee", type="variable", stock_status="outofstock", categories=[{"id": 22}],
        attributes=[
            {"id": 1, "name": "Color", "position": 0, "visible": True, "variation": True, "options": ["Red", "Forest Green"]},
            {"id": 0, "name": "Größe", "position": 1, "visible": False, "variation": True, "options": ["56", "58"]},
        ],
        default_attributes=[{"id": 1, "name": "Color", "option": "forest-green"}, {"id": 0, "name": "Größe", "option": "58"}],
        upsell_ids=[100, 103],
    ),
    product(102, "SET", "Set", type="grouped", grouped_products=[100, 103], regular_price="", sale_price=""),
    product(103, "", "Gift Wrapping"),
    product(105, "LAMP", "Lamp", regular_price="20.00", sale_price="15", date_on_sale_from="2031-01-01T00:00:00",
            date_on_sale_to="2031-02-01T08:30:00", manage_stock=True, stock_quantity=5, stock_status="onbackorder",
            backorders="notify", low_stock_amount=2, tax_class="reduced-rate", menu_order=4, reviews_allowed=False),
    product(106, "INVERTED", "Inverted", regular_price="20", sale_price="15", date_on_sale_from="2031-03-01T00:00:00",
            date_on_sale_to="2031-02-01T00:00:00", backorders="yes", stock_status="outofstock"),
    product(104, "EXT-1", "Trip", type="external", external_url="https://partner.example/x", button_text="Book",
            regular_price="100", sale_price="100"),
]
VARIATIONS = [
    variation(200, 101, "TEE-RED-56", [(1, "Color", "Red"), (0, "Größe", "56")], description="<p>Red one</p>\n"),
    variation(201, 101, "TEE", [(1, "Color", "Forest Green"), (0, "Größe", "58")], regular_price="12.5", menu_order=1),
    variation(202, 101, "", [], menu_order=2),
    variation(203, 101, "TEE-DUP", [(1, "Color", "Forest Green"), (0, "Größe", "58")], menu_order=3),
]


def live_state(*, clean: bool = False) -> LiveState:
    """The store; ``clean``: without what a catalogue cannot express (the product without SKU and references
    to it, the "any" variation, the duplicate combination)."""
    attributes = [wire.attribute(a) for a in ATTRIBUTES]
    slugs = wire.attribute_slugs(attributes)
    bodies, variation_bodies = PRODUCTS, VARIATIONS
    if clean:
        bodies = [
            {**b, "upsell_ids": [i for i in b["upsell_ids"] if i != 103],
             "grouped_products": [i for i in b["grouped_products"] if i != 103]}
            for b in PRODUCTS if b["sku"]
        ]
        variation_bodies = [v for v in VARIATIONS if v["id"] not in (202, 203)]
    products = [wire.product(p, slugs) for p in bodies]
    skus = {p.id: p.key for p in products}
    return LiveState(
        wc_version="11.0.1",
        attributes=tuple(attributes),
        terms=tuple(wire.term(t, 1) for t in TERMS),
        categories=tuple(wire.category(c) for c in CATEGORIES),
        tags=tuple(wire.tag(t) for t in TAGS),
        shipping_classes=tuple(wire.shipping_class(s) for s in SHIPPING),
        products=tuple(products),
        variations=tuple(
            wire.variation(v, slugs, parent_id=v["parent_id"], parent_sku=skus.get(v["parent_id"])) for v in variation_bodies
        ),
    )
