"""Desired records (what the catalogue wants) and live records (what the store has).

Both carry ``fields`` in the vocabulary of ``wcsync.core.fields``. Desired records use natural keys for
references; live records use ids (the planner resolves ids to keys through the live state).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wcsync.core.kinds import Kind


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Source(_Frozen):
    """Where a desired record was declared (for messages): path relative to the project, 1-based line."""

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class Mark(_Frozen):
    """wcsync's bookkeeping, stored on each managed product/variation as meta ``_wcsync`` (a JSON object).

    - presence: the resource is managed (created or adopted by wcsync);
    - ``meta_keys``: the meta keys wcsync has written, so only those are ever deleted;
    - ``images``: image source URL (as written in the catalogue) -> attachment id it became, so an unchanged
      image is re-used by id and never uploaded twice;
    - ``fields``: the fields wcsync manages (``wcsync.core.ownership``), sorted; None for a mark written
      before field ownership was recorded (absent, or PHP's empty ``[]``/``{}``): nothing is released on its
      account.

    ``unreadable`` is not stored: it says why a mark that is present could not be read (not JSON, wrong shape);
    such a mark still marks the resource as managed, but its bookkeeping is unknown (not "wrote nothing").
    """

    v: int = 1
    meta_keys: tuple[str, ...] = ()
    images: dict[str, int] = Field(default_factory=dict)
    unreadable: str | None = Field(default=None, exclude=True)
    fields: tuple[str, ...] | None = None

    @field_validator("fields", mode="before")
    @classmethod
    def _tolerant_fields(cls, value: Any) -> Any:
        # read tolerantly: only a non-empty list of names is a field list (PHP may answer [] or {} for none)
        if not isinstance(value, list | tuple) or not value:
            return None
        names = sorted({v for v in value if isinstance(v, str) and v})
        return tuple(names) or None


class DesiredResource(_Frozen):
    """One resource as the catalogue wants it. Only managed fields are present in ``fields``."""

    kind: Kind
    key: str
    #: variation: the parent product's SKU; term: the attribute slug; otherwise None
    parent_key: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    protect: bool = False
    source: Source | None = None


class DesiredState(_Frozen):
    """The whole catalogue, resolved: matrices expanded, templates rendered, references as keys."""

    attributes: tuple[DesiredResource, ...] = ()
    terms: tuple[DesiredResource, ...] = ()
    categories: tuple[DesiredResource, ...] = ()
    brands: tuple[DesiredResource, ...] = ()
    tags: tuple[DesiredResource, ...] = ()
    shipping_classes: tuple[DesiredResource, ...] = ()
    products: tuple[DesiredResource, ...] = ()
    variations: tuple[DesiredResource, ...] = ()
    #: content hash of the catalogue files (plan files record it; apply refuses another version)
    catalog_version: str = ""

    def of_kind(self, kind: Kind) -> tuple[DesiredResource, ...]:
        records: tuple[DesiredResource, ...] = _by_kind(self, kind)
        return records


class LiveResource(_Frozen):
    """One resource as the store has it, mapped from the wire by ``wcsync.store.wire``."""

    kind: Kind
    id: int
    #: natural key derivable from the record alone: SKU (product/variation; None when it has none),
    #: slug (category/brand/tag/term/shipping class), slug without ``pa_`` (attribute)
    key: str | None
    #: variation: parent product id; term: attribute id; otherwise None
    parent_id: int | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    #: products/variations: WooCommerce's status (``trash`` for trashed products)
    status: str | None = None
    #: wcsync's bookkeeping meta (None = not managed)
    mark: Mark | None = None
    #: ISO ``date_modified_gmt`` as the store reported it; the per-object staleness fingerprint
    date_modified: str | None = None


class LiveState(_Frozen):
    """Everything wcsync read from a store, in one value."""

    wc_version: str | None = None
    attributes: tuple[LiveResource, ...] = ()
    terms: tuple[LiveResource, ...] = ()
    categories: tuple[LiveResource, ...] = ()
    brands: tuple[LiveResource, ...] = ()
    tags: tuple[LiveResource, ...] = ()
    shipping_classes: tuple[LiveResource, ...] = ()
    products: tuple[LiveResource, ...] = ()
    variations: tuple[LiveResource, ...] = ()
    #: trashed products (status ``trash``), fetched separately: they still hold their SKUs
    trashed_products: tuple[LiveResource, ...] = ()
    #: trashed variations (status ``trash``) of the parents a restore brings back: trashed variable products and
    #: variable products restored before (they carry ``_wp_trash_meta_status``); restoring a parent leaves its
    #: variations in the trash (11#14-17), so the plan restores them too
    trashed_variations: tuple[LiveResource, ...] = ()

    def of_kind(self, kind: Kind) -> tuple[LiveResource, ...]:
        records: tuple[LiveResource, ...] = _by_kind(self, kind)
        return records


_PLURAL = {
    Kind.ATTRIBUTE: "attributes",
    Kind.TERM: "terms",
    Kind.CATEGORY: "categories",
    Kind.BRAND: "brands",
    Kind.TAG: "tags",
    Kind.SHIPPING_CLASS: "shipping_classes",
    Kind.PRODUCT: "products",
    Kind.VARIATION: "variations",
}


def _by_kind(state: BaseModel, kind: Kind) -> Any:
    return getattr(state, _PLURAL[kind])
