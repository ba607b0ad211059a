"""WooCommerce REST paths, relative to ``/wp-json/wc/v3/`` (the client's ``API_PREFIX``): the one place they are
spelled. Every read and write of the store layer (fetch, writer, re-read, lock, probe) and the webhook installer
build their paths here, one function per kind of path::

    kind            list / create                         item          batch
    product         products                              products/7    products/batch
    variation       products/<parent>/variations          …/9           …/batch
    attribute       products/attributes                   …/3           …/batch
    term            products/attributes/<attribute>/terms …/11          …/batch
    category        products/categories                   …/5           …/batch
    brand           products/brands                       …/4           …/batch
    tag             products/tags                         …/6           …/batch
    shipping_class  products/shipping_classes             …/8           …/batch

plus ``variations`` (WooCommerce ≥ 10.3's store-wide variation list), ``webhooks`` and ``system_status``.
Pure strings: no I/O.
"""

from __future__ import annotations

from wcsync.core.kinds import Kind

PRODUCTS = "products"
ATTRIBUTES = "products/attributes"
#: every variation of the store in one paginated list (WooCommerce ≥ 10.3)
STORE_VARIATIONS = "variations"
WEBHOOKS = "webhooks"
SYSTEM_STATUS = "system_status"

#: term taxonomies without a parent in their path
_TAXONOMIES: dict[Kind, str] = {
    Kind.CATEGORY: "products/categories",
    Kind.BRAND: "products/brands",
    Kind.TAG: "products/tags",
    Kind.SHIPPING_CLASS: "products/shipping_classes",
}


def variations(parent_id: int | None) -> str:
    """The variations of one variable product."""
    return f"{PRODUCTS}/{parent_id}/variations"


def attribute_terms(attribute_id: int | None) -> str:
    """The terms of one global attribute."""
    return f"{ATTRIBUTES}/{attribute_id}/terms"


def collection(kind: Kind, parent_id: int | None = None) -> str:
    """Where resources of ``kind`` are listed and created; ``parent_id`` is the product of a variation or the
    attribute of a term."""
    if kind is Kind.PRODUCT:
        return PRODUCTS
    if kind is Kind.VARIATION:
        return variations(parent_id)
    if kind is Kind.ATTRIBUTE:
        return ATTRIBUTES
    if kind is Kind.TERM:
        return attribute_terms(parent_id)
    return _TAXONOMIES[kind]


def item(kind: Kind, id_: int | None, parent_id: int | None = None) -> str:
    """One resource (``GET``, ``PUT``, ``DELETE``)."""
    return f"{collection(kind, parent_id)}/{id_}"


def batch(kind: Kind, parent_id: int | None = None) -> str:
    """The batch endpoint of ``kind`` (at most 100 creates + updates + deletes a request)."""
    return f"{collection(kind, parent_id)}/batch"


def webhook(id_: int | str) -> str:
    return f"{WEBHOOKS}/{id_}"


def route(path: str) -> str:
    """A path as the REST index (``GET /wp-json/``) names its route: ``/wc/v3/variations``."""
    return f"/wc/v3/{path}"
