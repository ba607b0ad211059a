"""Resource kinds and their natural keys, and the one table that fixes dependency order.

Natural keys (design.md §2; no state file, no ids in YAML):

    kind            key                                   example
    attribute       global attribute slug without ``pa_``  ``color``
    term            ``<attribute slug>/<term slug>``       ``color/red``
    category        slug path from the root                ``clothing/hoodies``
    brand           slug path from the root (like category) ``acme/acme-kids``
    tag             slug                                  ``winter``
    shipping_class  slug                                  ``bulky``
    product         SKU                                   ``HOODIE-CLASSIC``
    variation       its SKU, else ``<parent SKU>[<attr>=<option>,…]`` (attrs sorted)

Dependency order (create/update top-down, delete bottom-up)::

    attribute ─► term ─┐
    category (by depth)├─► product ─► variation
    brand (by depth) ──┤
    tag ───────────────┤
    shipping_class ────┘
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    ATTRIBUTE = "attribute"
    TERM = "term"
    CATEGORY = "category"
    BRAND = "brand"
    TAG = "tag"
    SHIPPING_CLASS = "shipping_class"
    PRODUCT = "product"
    VARIATION = "variation"


#: Create/update order. Deletes run in the reverse of this order. Categories are further ordered by depth
#: (parents first on create, children first on delete) inside their stage.
APPLY_ORDER: tuple[Kind, ...] = (
    Kind.ATTRIBUTE,
    Kind.TERM,
    Kind.CATEGORY,
    Kind.BRAND,
    Kind.TAG,
    Kind.SHIPPING_CLASS,
    Kind.PRODUCT,
    Kind.VARIATION,
)

DELETE_ORDER: tuple[Kind, ...] = tuple(reversed(APPLY_ORDER))

#: the product types wcsync manages. A live product of another type (a plugin's ``subscription``, ``bundle``,
#: ``variable-subscription`` …) is never written, adopted or deleted, whatever the ownership: wcsync does not
#: know its fields, and deleting one (with its subscriptions or bundled stock) cannot be undone. The plan lists
#: such products as information; import keeps them with their type; a catalogue entry of such a type is a
#: record of the product, never written.
PRODUCT_TYPES: tuple[str, ...] = ("simple", "variable", "grouped", "external")


#: what a product type name may look like (WooCommerce's are slugs: ``simple``, ``variable-subscription``)
TYPE_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


def is_foreign_type(product_type: object) -> bool:
    """A product type wcsync does not manage (``None``/empty: unknown, treated as simple)."""
    return isinstance(product_type, str) and product_type != "" and product_type not in PRODUCT_TYPES


#: hierarchical term taxonomies (``parent``, keyed by slug path, referenced by path or unique leaf slug):
#: categories and brands (``product_brand`` is hierarchical like ``product_cat``, 11#94)
TREE_KINDS: tuple[Kind, ...] = (Kind.CATEGORY, Kind.BRAND)


def variation_combo_key(parent_sku: str, attributes: dict[str, str]) -> str:
    """Key of a variation without its own SKU: ``PARENT[Color=Red,Size=M]`` (attributes sorted by name,
    compared case-insensitively by the planner)."""
    combo = ",".join(f"{k}={v}" for k, v in sorted(attributes.items(), key=lambda kv: kv[0].lower()))
    return f"{parent_sku}[{combo}]"
