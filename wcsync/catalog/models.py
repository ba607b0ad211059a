"""Pydantic models of the catalogue files (design.md §2): what a merchandiser may write, nothing more.

``extra="forbid"`` everywhere, so a misspelt field is an error. Which fields were written (``model_fields_set``)
decides what wcsync manages: absent = unmanaged, ``null`` = clear. Prices, decimals and dates are normalised
here (see ``values.py``); references stay as written and are resolved by ``resolve.py``.
These models are also the source of the JSON Schemas in ``schemas/`` (``wcsync schema``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, StrictBool, StrictInt
from pydantic.functional_validators import field_validator
from pydantic.json_schema import WithJsonSchema

from wcsync.catalog.producttypes import MetaTarget, ProductType
from wcsync.catalog.values import parse_datetime, parse_decimal, parse_price

ProductStatus = Literal["publish", "draft", "pending", "private"]
CatalogVisibility = Literal["visible", "catalog", "search", "hidden"]
TaxStatus = Literal["taxable", "shipping", "none"]
StockStatus = Literal["instock", "outofstock", "onbackorder"]
Backorders = Literal["no", "notify", "yes"]
CategoryDisplay = Literal["default", "products", "subcategories", "both"]
AttributeOrderBy = Literal["menu_order", "name", "name_num", "id"]
MetaType = Literal["string", "number", "boolean", "json", "enum"]
_PRODUCT_TARGETS: tuple[str, ...] = ("simple", "variable", "grouped", "external")

_NUMBER_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^\s*([0-9]+(\.[0-9]+)?)?\s*$"}, {"type": "number", "minimum": 0}]}


def _price(v: Any) -> Decimal | None:
    return parse_price(v)


def _decimal(v: Any) -> Decimal | None:
    return parse_decimal(v)


def _date(v: Any) -> str | None:
    return parse_datetime(v)


def _option(v: Any) -> Any:
    # Sizes like 36 or 7.5 are options too; YAML reads them as numbers.
    if isinstance(v, int | float) and not isinstance(v, bool):
        return str(v)
    return v


Price = Annotated[
    Decimal | None,
    BeforeValidator(_price),
    WithJsonSchema({"anyOf": [*_NUMBER_SCHEMA["anyOf"], {"type": "null"}], "description": "a price: 45, 45.0 or \"45.00\"; null clears"}),
]
Dec = Annotated[
    Decimal | None,
    BeforeValidator(_decimal),
    WithJsonSchema({"anyOf": [*_NUMBER_SCHEMA["anyOf"], {"type": "null"}]}),
]
DateTime = Annotated[
    str | None,
    BeforeValidator(_date),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$"}, {"type": "null"}],
            "description": "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, store-local time; null clears",
        }
    ),
]
Option = Annotated[str, BeforeValidator(_option), WithJsonSchema({"type": ["string", "number"]})]


#: WooCommerce's own column sizes: ``wc_product_meta_lookup.sku`` varchar(100); ``wp_posts.post_name`` and
#: ``wp_terms.slug``/``name`` varchar(200); an attribute slug at most 28 characters (``wc_create_attribute``:
#: "Slug is too long (28 characters max)", so ``pa_<slug>`` fits a 32-character taxonomy name)
SKU_MAX = 100
SLUG_MAX = 200
NAME_MAX = 200


def _check_sku(v: str) -> str:
    if "<" in v or ">" in v:
        shown = v if len(v) <= 60 else v[:59] + "…"
        raise ValueError(f"SKU {shown!r} contains '<' or '>' — WooCommerce strips HTML from SKUs: use letters, digits and dashes")
    if len(v) > SKU_MAX:
        raise ValueError(f"SKU of {len(v):,} characters, more than the {SKU_MAX} WooCommerce keeps — shorten it")
    return v


_GTIN = re.compile(r"^[0-9-]*X?$")


def _check_gtin(v: str | None) -> str | None:
    """WooCommerce keeps only digits, ``-`` and a final ``X`` of a ``global_unique_id`` (``set_global_unique_id``)
    and nothing longer than its SKU column holds."""
    if v is None:
        return v
    if not _GTIN.fullmatch(v):
        raise ValueError(f"{v!r} is not a GTIN, UPC, EAN or ISBN — write digits (dashes and a final X allowed), like \"04006381333931\"; quote it so a leading zero stays")
    if len(v) > SKU_MAX:
        raise ValueError(f"a GTIN of {len(v):,} characters, more than the {SKU_MAX} WooCommerce keeps — shorten it")
    return v


def _gtin_text(v: Any) -> Any:
    if isinstance(v, int | float) and not isinstance(v, bool):
        raise ValueError(f"{v!r} is a number, which drops leading zeros — write it in quotes, like \"{v}\" (with its leading zeros)")
    return v


Gtin = Annotated[
    str | None,
    BeforeValidator(_gtin_text),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": _GTIN.pattern}, {"type": "null"}],
                    "description": "GTIN, UPC, EAN or ISBN (global_unique_id), unique across products and variations; quote it to keep leading zeros; null clears"}),
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Image(Model):
    src: str = Field(description="image URL (http or https); wcsync uploads it once and re-uses it")
    alt: str | None = None
    name: str | None = None

    @field_validator("src")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError(f"image src {v!r} is not an http(s) URL — give the full URL, like https://cdn.example.com/a.jpg")
        return v


class Download(Model):
    """A downloadable file, identified by its URL: WooCommerce's own id for it is kept by wcsync, never written."""

    name: str = Field(min_length=1, description="the name customers see")
    file: str = Field(min_length=1, description="the file's URL, as WooCommerce stores it")


class Dimensions(Model):
    length: Dec = None
    width: Dec = None
    height: Dec = None


class ProductAttribute(Model):
    """A product's attribute: a global one (named by name or slug in attributes.yaml) or a local one."""

    name: str
    options: list[Option] = Field(min_length=1)
    visible: StrictBool = True
    variation: StrictBool = False


class VariationFields(Model):
    """Fields a variation can set (shared by explicit variations, the matrix and its overrides)."""

    description: str | None = None
    status: ProductStatus = "publish"
    regular_price: Price = None
    sale_price: Price = None
    date_on_sale_from: DateTime = None
    date_on_sale_to: DateTime = None
    tax_status: TaxStatus = "taxable"
    tax_class: str | None = None
    manage_stock: StrictBool = False
    stock_quantity: StrictInt | None = None
    stock_status: StockStatus = "instock"
    backorders: Backorders = "no"
    weight: Dec = None
    dimensions: Dimensions | None = None
    shipping_class: str | None = None
    virtual: StrictBool = False
    downloadable: StrictBool = False
    downloads: list[Download] | None = None
    download_limit: StrictInt | None = Field(default=None, ge=-1, description="downloads allowed; -1 or null: unlimited")
    download_expiry: StrictInt | None = Field(default=None, ge=-1, description="days a download is valid; -1 or null: never expires")
    image: Image | None = None
    menu_order: StrictInt | None = None
    meta: dict[str, Any] | None = None


class MatrixOverride(VariationFields):
    when: dict[str, Option] = Field(min_length=1, description="attribute → option; all must match")
    sku: str | None = None
    global_unique_id: Gtin = None

    @field_validator("global_unique_id")
    @classmethod
    def _gtin(cls, v: str | None) -> str | None:
        return _check_gtin(v)


class VariationMatrix(VariationFields):
    sku: str | None = Field(default=None, description="Jinja2 template, e.g. HOODIE-{{ Color | upper }}-{{ Size }}")
    overrides: list[MatrixOverride] = Field(default_factory=list)


class Variation(VariationFields):
    sku: str | None = None
    global_unique_id: Gtin = None
    attributes: dict[str, Option] = Field(default_factory=dict, description="attribute → option")

    @field_validator("sku")
    @classmethod
    def _sku(cls, v: str | None) -> str | None:
        return _check_sku(v) if v else v

    @field_validator("global_unique_id")
    @classmethod
    def _gtin(cls, v: str | None) -> str | None:
        return _check_gtin(v)


class Product(Model):
    """One product file (or one item of a ``products:`` list)."""

    sku: str = Field(min_length=1, max_length=SKU_MAX)
    global_unique_id: Gtin = None
    name: str = Field(min_length=1)
    slug: str | None = None  # longer than 200: reported by the product checks (WooCommerce cuts it)
    type: ProductType = "simple"
    status: ProductStatus = "publish"
    featured: StrictBool = False
    catalog_visibility: CatalogVisibility = "visible"
    description: str | None = None
    description_template: str | None = None
    short_description: str | None = None
    regular_price: Price = None
    sale_price: Price = None
    date_on_sale_from: DateTime = None
    date_on_sale_to: DateTime = None
    tax_status: TaxStatus = "taxable"
    tax_class: str | None = None
    manage_stock: StrictBool = False
    stock_quantity: StrictInt | None = None
    stock_status: StockStatus = "instock"
    backorders: Backorders = "no"
    low_stock_amount: StrictInt | None = None
    sold_individually: StrictBool = False
    weight: Dec = None
    dimensions: Dimensions | None = None
    shipping_class: str | None = None
    reviews_allowed: StrictBool = True
    purchase_note: str | None = None
    menu_order: StrictInt | None = None
    virtual: StrictBool = False
    downloadable: StrictBool = False
    downloads: list[Download] | None = None
    download_limit: StrictInt | None = Field(default=None, ge=-1, description="downloads allowed; -1 or null: unlimited")
    download_expiry: StrictInt | None = Field(default=None, ge=-1, description="days a download is valid; -1 or null: never expires")
    external_url: str | None = None
    button_text: str | None = None
    categories: list[str] | None = None
    tags: list[str] | None = None
    brands: list[str] | None = None
    images: list[Image] | None = None
    attributes: list[ProductAttribute] | None = None
    default_attributes: dict[str, Option] | None = None
    variation_matrix: VariationMatrix | None = None
    variations: list[Variation] = Field(default_factory=list)
    upsells: list[str] | None = None
    cross_sells: list[str] | None = None
    grouped_products: list[str] | None = None
    meta: dict[str, Any] | None = None
    protect: StrictBool = False

    @field_validator("sku")
    @classmethod
    def _sku(cls, v: str) -> str:
        return _check_sku(v)

    @field_validator("global_unique_id")
    @classmethod
    def _gtin(cls, v: str | None) -> str | None:
        return _check_gtin(v)

    @field_validator("external_url")
    @classmethod
    def _external_url(cls, v: str | None) -> str | None:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError(f"external_url {v!r} is not an http(s) URL — give the full URL, like https://partner.example.com/item (WooCommerce would mangle it)")
        return v


class ProductList(Model):
    products: list[Product]


ProductFile = RootModel[Product | ProductList]


class _TreeTerm(Model):
    """The fields of a term in a tree taxonomy (categories, brands); each kind adds its own ``children``."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    slug: str | None = Field(default=None, max_length=SLUG_MAX)
    description: str | None = None
    display: CategoryDisplay = "default"
    menu_order: StrictInt | None = None
    image: Image | None = None
    protect: StrictBool = False


class Category(_TreeTerm):
    children: list[Category] = Field(default_factory=list)


class Brand(_TreeTerm):
    """A brand (WooCommerce's ``product_brand`` taxonomy): shaped like a category, nested by ``children``."""

    children: list[Brand] = Field(default_factory=list)


class Tag(Model):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    slug: str | None = Field(default=None, max_length=SLUG_MAX)
    description: str | None = None
    protect: StrictBool = False


class Term(Model):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    slug: str | None = Field(default=None, max_length=SLUG_MAX)
    description: str | None = None
    menu_order: StrictInt | None = None
    protect: StrictBool = False


class Attribute(Model):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    # longer than 28 characters: reported by the taxonomy checks, also for a slug derived from the name
    slug: str | None = Field(default=None, description="without pa_")
    type: Literal["select"] = "select"
    order_by: AttributeOrderBy = "menu_order"
    has_archives: StrictBool = False
    terms: list[Term] = Field(default_factory=list)
    protect: StrictBool = False


class ShippingClass(Model):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    slug: str | None = Field(default=None, max_length=SLUG_MAX)
    description: str | None = None
    protect: StrictBool = False


class MetaField(Model):
    key: str = Field(min_length=1)
    type: MetaType = "string"
    values: list[Any] | None = Field(default=None, description="allowed values (required for type enum)")
    required: StrictBool = False
    applies_to: list[MetaTarget] = Field(
        default_factory=lambda: list(_PRODUCT_TARGETS),
        description="product types (and/or 'variation') the key may be used on",
    )
    description: str | None = None


class CategoriesDoc(Model):
    categories: list[Category]


class BrandsDoc(Model):
    brands: list[Brand]


class TagsDoc(Model):
    tags: list[Tag]


class AttributesDoc(Model):
    attributes: list[Attribute]


class ShippingClassesDoc(Model):
    shipping_classes: list[ShippingClass]


class MetaFieldsDoc(Model):
    meta_fields: list[MetaField]


CategoriesFile = RootModel[list[Category] | CategoriesDoc]
BrandsFile = RootModel[list[Brand] | BrandsDoc]
TagsFile = RootModel[list[Tag] | TagsDoc]
AttributesFile = RootModel[list[Attribute] | AttributesDoc]
ShippingClassesFile = RootModel[list[ShippingClass] | ShippingClassesDoc]
MetaFieldsFile = RootModel[list[MetaField] | MetaFieldsDoc]
