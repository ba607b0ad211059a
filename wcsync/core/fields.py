"""The field vocabulary shared by desired records (from the catalogue) and live records (from the store).

Both sides put their values in ``fields: dict[str, Any]`` using the names and canonical types below, so the
planner can compare them. Field names follow WooCommerce's REST API except where noted.

Canonical value types:

    text      str, plain text with HTML entities DECODED (``Hoodies & Co``, never ``&amp;``)
    html      str, HTML as stored (descriptions); compared after the planner's HTML canonicalisation
    money     decimal.Decimal, or None for "no price" (WooCommerce's "")
    decimal   decimal.Decimal or None (weight, dimension values)
    int       int or None
    bool      bool
    enum      str from the allowed set
    datetime  str ``YYYY-MM-DDTHH:MM:SS`` in store-local time, or None
    refs      tuple[str, ...] of natural keys, sorted (order does not matter)     -- desired side
              tuple[int, ...] of live ids                                           -- live side
    ref       one natural key (desired) / one live id (live), or None
    images    tuple[dict, ...] in order; desired: {"src", "alt", "name"?}; live: {"id", "src", "alt", "name"}
    image     one such dict, or None
    attrs     product attributes, in order (position): tuple of dicts
                  {"name": display name, "slug": global slug without pa_ or None for a local attribute,
                   "options": tuple[str, ...] (term NAMES for global attributes, text for local),
                   "visible": bool, "variation": bool}
              live side also carries "id" (global attribute id, 0 for local)
    defaults  default_attributes: dict attr-ref -> option, where attr-ref is "pa_<slug>" for a global
              attribute or the local attribute's name; option is the term NAME (desired) and whatever
              WooCommerce returned (live: term SLUG for global, text for local) -- the planner maps.
    combo     variation attributes: dict attr-ref -> option (term NAME for global, text for local)
    meta      dict key -> value (desired: only keys the catalogue names; live: every meta row, first row
              per key wins; values as WooCommerce returns them: strings, or parsed JSON for lists/objects)

"absent = unmanaged": a field missing from a desired record's ``fields`` is not managed and never written —
unless wcsync wrote it before (a product's or variation's mark records its managed fields): then it is reset
to WooCommerce's default (``wcsync.core.ownership``).
"null = clear": a field present with value None (or () for refs) is managed and cleared.
"""

from __future__ import annotations

from typing import Final

from wcsync.core.kinds import Kind

PRODUCT_FIELDS: Final[dict[str, str]] = {
    "name": "text",
    "slug": "enum",
    "type": "enum",  # simple | variable | grouped | external
    "status": "enum",  # publish | draft | pending | private
    "featured": "bool",
    "catalog_visibility": "enum",  # visible | catalog | search | hidden
    "description": "html",
    "short_description": "html",
    "regular_price": "money",
    "sale_price": "money",
    "date_on_sale_from": "datetime",
    "date_on_sale_to": "datetime",
    "tax_status": "enum",  # taxable | shipping | none
    "tax_class": "text",
    "manage_stock": "bool",
    "stock_quantity": "int",
    "stock_status": "enum",  # instock | outofstock | onbackorder
    "backorders": "enum",  # no | notify | yes
    "low_stock_amount": "int",
    "sold_individually": "bool",
    "weight": "decimal",
    "dimensions": "dict",  # {"length", "width", "height"} -> decimal
    "shipping_class": "ref",  # shipping_class slug
    "reviews_allowed": "bool",
    "purchase_note": "html",
    "menu_order": "int",
    "virtual": "bool",
    "downloadable": "bool",
    "external_url": "text",  # external only
    "button_text": "text",  # external only
    "categories": "refs",  # category slug paths
    "tags": "refs",  # tag slugs
    "brands": "refs",  # brand slug paths; wire: brands [{"id"}]
    "images": "images",
    "attributes": "attrs",
    "default_attributes": "defaults",
    "upsells": "refs",  # product SKUs; wire: upsell_ids
    "cross_sells": "refs",  # product SKUs; wire: cross_sell_ids
    "grouped_products": "refs",  # product SKUs (grouped only); wire: grouped_products (ids)
    "meta": "meta",
}

VARIATION_FIELDS: Final[dict[str, str]] = {
    "sku": "text",
    "description": "html",
    "status": "enum",  # publish | private | draft | pending
    "regular_price": "money",
    "sale_price": "money",
    "date_on_sale_from": "datetime",
    "date_on_sale_to": "datetime",
    "tax_status": "enum",
    "tax_class": "text",
    "manage_stock": "bool",
    "stock_quantity": "int",
    "stock_status": "enum",
    "backorders": "enum",
    "weight": "decimal",
    "dimensions": "dict",
    "shipping_class": "ref",
    "virtual": "bool",
    "downloadable": "bool",
    "image": "image",
    "attributes": "combo",
    "menu_order": "int",
    "meta": "meta",
}

CATEGORY_FIELDS: Final[dict[str, str]] = {
    "name": "text",
    "slug": "enum",
    "parent": "ref",  # parent slug path; None = top level
    "description": "html",
    "display": "enum",  # default | products | subcategories | both
    "menu_order": "int",
    "image": "image",
}

#: brands (``product_brand``) are shaped like categories (11#94)
BRAND_FIELDS: Final[dict[str, str]] = dict(CATEGORY_FIELDS)

TAG_FIELDS: Final[dict[str, str]] = {"name": "text", "slug": "enum", "description": "html"}

ATTRIBUTE_FIELDS: Final[dict[str, str]] = {
    "name": "text",
    "slug": "enum",  # without pa_
    "type": "enum",  # select
    "order_by": "enum",  # menu_order | name | name_num | id
    "has_archives": "bool",
}

TERM_FIELDS: Final[dict[str, str]] = {"name": "text", "slug": "enum", "description": "html", "menu_order": "int"}

SHIPPING_CLASS_FIELDS: Final[dict[str, str]] = {"name": "text", "slug": "enum", "description": "html"}

FIELDS_BY_KIND: Final[dict[Kind, dict[str, str]]] = {
    Kind.PRODUCT: PRODUCT_FIELDS,
    Kind.VARIATION: VARIATION_FIELDS,
    Kind.CATEGORY: CATEGORY_FIELDS,
    Kind.BRAND: BRAND_FIELDS,
    Kind.TAG: TAG_FIELDS,
    Kind.ATTRIBUTE: ATTRIBUTE_FIELDS,
    Kind.TERM: TERM_FIELDS,
    Kind.SHIPPING_CLASS: SHIPPING_CLASS_FIELDS,
}

#: Meta key under which wcsync keeps its own bookkeeping on products and variations (a JSON object, see
#: ``wcsync.core.records.Mark``). Its presence marks the resource as managed (``ownership: marked``).
MARK_META_KEY: Final = "_wcsync"
