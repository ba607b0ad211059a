"""The field table: one description per field, shared by desired records (from the catalogue) and live
records (from the store).

Both sides put their values in ``fields: dict[str, Any]`` using the names and canonical types below, so the
planner can compare them. Field names follow WooCommerce's REST API except where a ``FieldSpec.wire`` says
otherwise. Every layer derives its per-field knowledge from these tables instead of keeping a copy: the
catalogue's conversions (``catalog/fieldconv.py``), the wire reader (``store/wire.py``), the payload writer
(``store/payload.py``), the release defaults (``core/ownership.py``), the export (``export/products.py``,
``export/variations.py``) and the sandbox's field rules; ``tests/core/test_field_table.py`` checks the
hand-written pieces (the pydantic catalogue models, the JSON Schemas) against them. Adding a field is one
entry here plus its tests.

Canonical value types:

    text      str, plain text with HTML entities DECODED (``Hoodies & Co``, never ``&amp;``)
    html      str, HTML as stored (descriptions); compared after the planner's HTML canonicalisation
    money     decimal.Decimal, or None for "no price" (WooCommerce's ""); ``core.canonical.to_decimal`` reads
              it, ``core.canonical.money`` spells it (``"45.00"``), ``store.payload`` sends that text
    decimal   decimal.Decimal or None (weight, dimension values)
    int       int or None
    bool      bool
    enum      str from the allowed set (``FieldSpec.choices``)
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
    dict      dimensions: {"length", "width", "height"} -> decimal or None
    downloads downloadable files, in order: tuple of {"name", "file"} (live side also "id", the store's UUID);
              compared by (file, name): the id never shows as a change
    meta      dict key -> value (desired: only keys the catalogue names; live: every meta row, first row
              per key wins; values as WooCommerce returns them: strings, or parsed JSON for lists/objects)

"absent = unmanaged": a field missing from a desired record's ``fields`` is not managed and never written —
unless wcsync wrote it before (a product's or variation's mark records its managed fields): then it is reset
to WooCommerce's default (``FieldSpec.default``, used by ``wcsync.core.ownership``).
"null = clear": a field present with value None (or () for refs) is managed and cleared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from wcsync.core.kinds import PRODUCT_TYPES, Kind


class _NoDefault:
    """The marker of a field without a default a store can go back to (released without being reset)."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault()

#: canonical types (see the module docstring)
TYPES: Final = frozenset(
    {"text", "html", "money", "decimal", "int", "bool", "enum", "datetime", "refs", "ref", "images", "image",
     "attrs", "defaults", "combo", "dict", "meta", "downloads"}
)

_PRICED: Final = frozenset({"simple", "external"})  # variable and grouped products have no prices of their own


@dataclass(frozen=True, eq=False)
class FieldSpec:
    """One field of one kind of record."""

    #: the record's field name (the catalogue's key)
    name: str
    #: canonical type (``TYPES``)
    type: str
    #: the kind of record it belongs to
    kind: Kind
    #: WooCommerce's name for it on the wire
    wire: str
    #: the kind a ``ref``/``refs`` field points to
    ref: Kind | None = None
    #: the catalogue may write ``null`` (clears the field)
    nullable: bool = True
    #: WooCommerce's default, in the catalogue's (desired-side) vocabulary: what a released field is reset to;
    #: ``NO_DEFAULT`` for a field a store cannot go back to (released without being reset)
    default: Any = NO_DEFAULT
    #: the product types that have it (None: every type; only products)
    product_types: frozenset[str] | None = None
    #: may be listed under ``store_owned`` in wcsync.yaml
    store_ownable: bool = True
    #: the allowed values of an ``enum`` (empty: any text, e.g. slugs)
    choices: tuple[str, ...] = ()
    #: unique among live products and variations, like the SKU (``global_unique_id``)
    unique: bool = False

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


def _table(kind: Kind, *rows: tuple[Any, ...]) -> dict[str, FieldSpec]:
    """``(name, type, {options})`` rows → name → spec (wire name = name unless given). bool and enum fields are
    not nullable unless said so."""
    out: dict[str, FieldSpec] = {}
    for name, ftype, *rest in rows:
        opts: dict[str, Any] = dict(rest[0]) if rest else {}
        opts.setdefault("wire", name)
        opts.setdefault("nullable", ftype not in ("bool", "enum"))
        out[name] = FieldSpec(name=name, type=ftype, kind=kind, **opts)
    return out


_NO_DIMENSIONS: Final[dict[str, Any]] = {"length": None, "width": None, "height": None}
_STATUSES: Final = ("publish", "draft", "pending", "private")
_TAX_STATUS: Final = ("taxable", "shipping", "none")
_STOCK_STATUS: Final = ("instock", "outofstock", "onbackorder")
_BACKORDERS: Final = ("no", "notify", "yes")

# Sources of the defaults: ``WC_Product::$data`` (``includes/abstracts/abstract-wc-product.php``),
# ``WC_Product_Variation::__construct`` (``tax_class`` ``parent``), ``WC_Product_External::$extra_data`` and the
# REST products schema (``status`` ``publish`` on create); the captures confirm the prices, stock, tax and
# category ones (05, 06).

PRODUCT_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.PRODUCT,
    ("name", "text", {"nullable": False}),
    ("slug", "enum", {"nullable": True}),
    ("type", "enum", {"choices": PRODUCT_TYPES, "store_ownable": False}),
    ("status", "enum", {"choices": _STATUSES, "default": "publish"}),
    # GTIN/UPC/EAN/ISBN (WooCommerce 9.1+): digits, '-' and a final 'X'; unique like the SKU (11#104-111)
    ("global_unique_id", "text", {"default": "", "unique": True}),
    ("featured", "bool", {"default": False}),
    ("catalog_visibility", "enum", {"choices": ("visible", "catalog", "search", "hidden"), "default": "visible"}),
    ("description", "html", {"default": ""}),
    ("short_description", "html", {"default": ""}),
    ("regular_price", "money", {"default": None, "product_types": _PRICED}),
    ("sale_price", "money", {"default": None, "product_types": _PRICED}),
    ("date_on_sale_from", "datetime", {"default": None, "product_types": _PRICED}),
    ("date_on_sale_to", "datetime", {"default": None, "product_types": _PRICED}),
    ("tax_status", "enum", {"choices": _TAX_STATUS, "default": "taxable"}),
    ("tax_class", "text", {"default": ""}),
    ("manage_stock", "bool", {"default": False}),
    ("stock_quantity", "int", {"default": None}),
    ("stock_status", "enum", {"choices": _STOCK_STATUS, "default": "instock"}),
    ("backorders", "enum", {"choices": _BACKORDERS, "default": "no"}),
    ("low_stock_amount", "int", {"default": None}),
    ("sold_individually", "bool", {"default": False}),
    ("weight", "decimal", {"default": None}),
    ("dimensions", "dict", {"default": _NO_DIMENSIONS}),
    ("shipping_class", "ref", {"ref": Kind.SHIPPING_CLASS, "default": None}),  # by slug on the wire
    ("reviews_allowed", "bool", {"default": True}),
    ("purchase_note", "html", {"default": ""}),
    ("menu_order", "int", {"default": 0}),
    ("virtual", "bool", {"default": False}),
    ("downloadable", "bool", {"default": False}),
    # downloadable files [{name, file}], identified by file URL: the store's generated ids are kept, never a
    # change (11#112-115); limit and expiry -1 = unlimited (11#116)
    ("downloads", "downloads", {"default": ()}),
    ("download_limit", "int", {"default": -1}),
    ("download_expiry", "int", {"default": -1}),
    ("external_url", "text", {"default": "", "product_types": frozenset({"external"})}),
    ("button_text", "text", {"default": "", "product_types": frozenset({"external"})}),
    # WooCommerce puts a product without a category in its default one (``default_product_cat``)
    ("categories", "refs", {"ref": Kind.CATEGORY, "default": ("uncategorized",)}),  # category slug paths
    ("tags", "refs", {"ref": Kind.TAG, "default": ()}),  # tag slugs
    # brand slug paths; wire: [{"id"}] (``[]`` changes nothing, 11#100: none is sent as ``[{"id": 0}]``)
    ("brands", "refs", {"ref": Kind.BRAND, "default": ()}),
    ("images", "images", {"default": ()}),
    ("attributes", "attrs", {"default": ()}),
    ("default_attributes", "defaults", {"default": {}}),
    ("upsells", "refs", {"ref": Kind.PRODUCT, "wire": "upsell_ids", "default": ()}),  # product SKUs
    ("cross_sells", "refs", {"ref": Kind.PRODUCT, "wire": "cross_sell_ids", "default": ()}),  # product SKUs
    ("grouped_products", "refs",
     {"ref": Kind.PRODUCT, "default": (), "product_types": frozenset({"grouped"})}),  # product SKUs
    ("meta", "meta", {"wire": "meta_data"}),
)

VARIATION_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.VARIATION,
    ("sku", "text", {"default": ""}),
    ("global_unique_id", "text", {"default": "", "unique": True}),
    ("description", "html", {"default": ""}),
    ("status", "enum", {"choices": _STATUSES, "default": "publish"}),
    ("regular_price", "money", {"default": None}),
    ("sale_price", "money", {"default": None}),
    ("date_on_sale_from", "datetime", {"default": None}),
    ("date_on_sale_to", "datetime", {"default": None}),
    ("tax_status", "enum", {"choices": _TAX_STATUS, "default": "taxable"}),
    # a variation's own tax class defaults to its parent's (WC_Product_Variation)
    ("tax_class", "text", {"default": "parent"}),
    ("manage_stock", "bool", {"default": False}),
    ("stock_quantity", "int", {"default": None}),
    ("stock_status", "enum", {"choices": _STOCK_STATUS, "default": "instock"}),
    ("backorders", "enum", {"choices": _BACKORDERS, "default": "no"}),
    ("weight", "decimal", {"default": None}),
    ("dimensions", "dict", {"default": _NO_DIMENSIONS}),
    ("shipping_class", "ref", {"ref": Kind.SHIPPING_CLASS, "default": None}),
    ("virtual", "bool", {"default": False}),
    ("downloadable", "bool", {"default": False}),
    ("downloads", "downloads", {"default": ()}),
    ("download_limit", "int", {"default": -1}),
    ("download_expiry", "int", {"default": -1}),
    ("image", "image", {"default": None}),
    ("attributes", "combo", {"nullable": False, "store_ownable": False}),
    ("menu_order", "int", {"default": 0}),
    ("meta", "meta", {"wire": "meta_data"}),
)

CATEGORY_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.CATEGORY,
    ("name", "text", {"nullable": False}),
    ("slug", "enum", {"nullable": True}),
    ("parent", "ref", {"ref": Kind.CATEGORY}),  # parent slug path; None = top level
    ("description", "html"),
    ("display", "enum", {"choices": ("default", "products", "subcategories", "both")}),
    ("menu_order", "int", {"default": 0}),
    ("image", "image"),
)

#: brands (``product_brand``) are shaped like categories (11#94)
BRAND_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.BRAND,
    ("name", "text", {"nullable": False}),
    ("slug", "enum", {"nullable": True}),
    ("parent", "ref", {"ref": Kind.BRAND}),  # parent slug path; None = top level
    ("description", "html"),
    ("display", "enum", {"choices": ("default", "products", "subcategories", "both")}),
    ("menu_order", "int", {"default": 0}),
    ("image", "image"),
)

TAG_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.TAG, ("name", "text", {"nullable": False}), ("slug", "enum", {"nullable": True}), ("description", "html")
)

ATTRIBUTE_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.ATTRIBUTE,
    ("name", "text", {"nullable": False}),
    ("slug", "enum", {"nullable": True}),  # without pa_
    ("type", "enum", {"choices": ("select",)}),
    ("order_by", "enum", {"choices": ("menu_order", "name", "name_num", "id")}),
    ("has_archives", "bool"),
)

TERM_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.TERM,
    ("name", "text", {"nullable": False}),
    ("slug", "enum", {"nullable": True}),
    ("description", "html"),
    ("menu_order", "int", {"default": 0}),
)

SHIPPING_CLASS_TABLE: Final[dict[str, FieldSpec]] = _table(
    Kind.SHIPPING_CLASS,
    ("name", "text", {"nullable": False}),
    ("slug", "enum", {"nullable": True}),
    ("description", "html"),
)

#: kind -> field name -> spec (the field table)
TABLES: Final[dict[Kind, dict[str, FieldSpec]]] = {
    Kind.PRODUCT: PRODUCT_TABLE,
    Kind.VARIATION: VARIATION_TABLE,
    Kind.CATEGORY: CATEGORY_TABLE,
    Kind.BRAND: BRAND_TABLE,
    Kind.TAG: TAG_TABLE,
    Kind.ATTRIBUTE: ATTRIBUTE_TABLE,
    Kind.TERM: TERM_TABLE,
    Kind.SHIPPING_CLASS: SHIPPING_CLASS_TABLE,
}


def spec(kind: Kind, name: str) -> FieldSpec | None:
    """The spec of ``kind``'s field ``name``, or None."""
    return TABLES.get(kind, {}).get(name)


def names_of(kind: Kind, *types: str) -> tuple[str, ...]:
    """The fields of ``kind`` of the given canonical types, in table order."""
    return tuple(s.name for s in TABLES[kind].values() if s.type in types)


def _types(kind: Kind) -> dict[str, str]:
    return {s.name: s.type for s in TABLES[kind].values()}


# -- derived views (name -> canonical type), kept for the code that reads them -----------------------------

PRODUCT_FIELDS: Final[dict[str, str]] = _types(Kind.PRODUCT)
VARIATION_FIELDS: Final[dict[str, str]] = _types(Kind.VARIATION)
CATEGORY_FIELDS: Final[dict[str, str]] = _types(Kind.CATEGORY)
BRAND_FIELDS: Final[dict[str, str]] = _types(Kind.BRAND)
TAG_FIELDS: Final[dict[str, str]] = _types(Kind.TAG)
ATTRIBUTE_FIELDS: Final[dict[str, str]] = _types(Kind.ATTRIBUTE)
TERM_FIELDS: Final[dict[str, str]] = _types(Kind.TERM)
SHIPPING_CLASS_FIELDS: Final[dict[str, str]] = _types(Kind.SHIPPING_CLASS)

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

#: record field name -> WooCommerce wire name, where they differ (the same for every kind that has the field)
WIRE_NAMES: Final[dict[str, str]] = {
    s.name: s.wire for table in TABLES.values() for s in table.values() if s.wire != s.name
}

#: kind -> field -> WooCommerce's default, as a catalogue value (fields that have one)
DEFAULTS: Final[dict[Kind, dict[str, Any]]] = {
    kind: {s.name: s.default for s in TABLES[kind].values() if s.has_default}
    for kind in (Kind.PRODUCT, Kind.VARIATION)
}

#: the product fields that refer to other products (set in a second pass when the target is new)
PRODUCT_LINK_FIELDS: Final[tuple[str, ...]] = tuple(
    s.name for s in PRODUCT_TABLE.values() if s.type == "refs" and s.ref is Kind.PRODUCT
)

#: the field names ``store_owned`` may list
STORE_OWNABLE: Final[frozenset[str]] = frozenset(
    s.name for table in (PRODUCT_TABLE, VARIATION_TABLE) for s in table.values() if s.store_ownable
)

#: fields unique among live products and variations, like the SKU (compared trimmed)
UNIQUE_FIELDS: Final[tuple[str, ...]] = tuple(s.name for s in PRODUCT_TABLE.values() if s.unique)

#: Meta key under which wcsync keeps its own bookkeeping on products and variations (a JSON object, see
#: ``wcsync.core.records.Mark``). Its presence marks the resource as managed (``ownership: marked``).
MARK_META_KEY: Final = "_wcsync"
