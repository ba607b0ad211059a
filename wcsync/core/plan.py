"""The plan: a frozen, versioned, serialisable value (design.md §5).

``build_plan(desired, live, settings) -> Plan`` (wcsync.core.planner) makes it; renderers print it;
``wcsync.engine`` applies it and never diffs again. ``Plan.model_dump_json()`` is the JSON format
(``wcsync plan --format json`` / ``--out plan.json``); ``Plan.model_validate_json()`` reads it back.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from wcsync.core.kinds import Kind

PLAN_FORMAT_VERSION = 1


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    #: exists live with the catalogue's key but is not marked as managed: update + mark
    ADOPT = "adopt"
    #: the key belongs to a trashed product: untrash, then update
    RESTORE = "restore"
    DELETE = "delete"


class DeleteMode(StrEnum):
    TRASH = "trash"
    FORCE = "force"
    NEVER = "never"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldChange(_Frozen):
    """One managed field that differs. Values are canonical and JSON-able (money as strings "45.00")."""

    field: str
    before: Any = None
    after: Any = None
    #: why the field changes when the catalogue did not ask for this value: ``removed from the catalogue``
    #: (a field wcsync managed, reset to WooCommerce's default; see ``wcsync.core.ownership``); left out of
    #: the JSON when None
    reason: str | None = None

    @model_serializer(mode="wrap")
    def _without_empty_reason(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("reason") is None:
            data.pop("reason", None)
        return data


class Note(_Frozen):
    """An impact note a reviewer should read (slug change, price change %, unpublish, …)."""

    code: str  # stable id: slug-change, sku-change, type-change, price-change, option-in-use, ...
    message: str
    #: the changed field the note is about, when it is about one (price-change: ``regular_price`` or
    #: ``sale_price``); renderers print such a note next to that field's change
    field: str | None = None
    #: price-change: the change in percent of the old price, e.g. ``12.5`` or ``-20.0``
    percent: float | None = None


class Change(_Frozen):
    """One resource change."""

    kind: Kind
    action: Action
    key: str
    #: variation: parent SKU; term: attribute slug
    parent_key: str | None = None
    #: live id (None for creates)
    live_id: int | None = None
    #: live parent id where known (variation: product id; term: attribute id)
    live_parent_id: int | None = None
    #: human label, e.g. the product name
    title: str | None = None
    #: create: every desired field (before None); update/adopt/restore: the differing managed fields;
    #: delete: empty
    changes: tuple[FieldChange, ...] = ()
    #: meta keys to delete (wcsync wrote them before and the catalogue no longer names them)
    meta_deletes: tuple[str, ...] = ()
    #: the live values of the ``meta_deletes`` keys, so a reviewer sees what is removed (display only)
    meta_deleted: dict[str, Any] = Field(default_factory=dict)
    #: image source -> existing attachment id to re-use instead of uploading (products, variations, categories)
    attachments: dict[str, int] = Field(default_factory=dict)
    #: the bookkeeping mark to write with this change (products/variations), without the images map,
    #: which apply completes from the store's response
    mark_meta_keys: tuple[str, ...] | None = None
    #: the fields the mark records as managed after this change (``wcsync.core.ownership``); None: keep none
    mark_fields: tuple[str, ...] | None = None
    #: delete only: how
    delete_mode: DeleteMode | None = None
    notes: tuple[Note, ...] = ()
    #: live ``date_modified`` at planning time, for per-object staleness checks at apply
    date_modified: str | None = None

    def desired_values(self) -> dict[str, Any]:
        """The desired value of each changed field (its ``FieldChange.after``), by field name."""
        return {fc.field: fc.after for fc in self.changes}


class Info(_Frozen):
    """Information that is not a change: store-owned field drift, unmanaged resources left alone."""

    kind: Kind
    key: str
    message: str
    field: str | None = None
    before: Any = None
    after: Any = None


class GuardResource(_Frozen):
    """A resource that made a guard trip."""

    kind: Kind
    key: str


class GuardTrip(_Frozen):
    """A guard that refuses the plan: which (``max_deletes``, ``max_changed_percent``,
    ``max_price_drop_percent``, ``vanished_catalogue``, ``protect``), what and the numbers (``message``), what
    to do (``hint``), the command-line flag that overrides it (None: none does, e.g. ``protect: true``), and
    the resources that tripped it."""

    guard: str
    message: str
    hint: str
    override: str | None = None
    resources: tuple[GuardResource, ...] = ()


class StoreRef(_Frozen):
    name: str
    url: str
    wc_version: str | None = None


class PlanSettings(_Frozen):
    """What the planner needs from the project file and the command line."""

    ownership: str = "marked"  # marked | all
    delete: DeleteMode = DeleteMode.TRASH
    store_owned: tuple[str, ...] = ()
    max_deletes: int | None = None
    max_changed_percent: float | None = None
    max_price_drop_percent: float | None = None
    #: override flags given on the command line
    allow_deletes: bool = False
    allow_changes: bool = False
    allow_price_drops: bool = False
    targets: tuple[str, ...] = ()


class Plan(_Frozen):
    """The frozen plan value."""

    format_version: int = PLAN_FORMAT_VERSION
    store: StoreRef
    catalog_version: str
    #: a guard refused the plan: it is shown in full, but apply refuses it without the override flags
    refused: bool = False
    #: every guard that tripped (empty when none did)
    guards: tuple[GuardTrip, ...] = ()
    #: changes in dependency order (see wcsync.core.kinds.APPLY_ORDER; deletes last, bottom-up)
    changes: tuple[Change, ...] = ()
    info: tuple[Info, ...] = ()
    #: ids of live resources the changes refer to, by kind value then natural key
    refs: dict[str, dict[str, int]] = Field(default_factory=dict)
    settings: PlanSettings = Field(default_factory=PlanSettings)

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def summary(self) -> str:
        """``Plan: N to create, N to update, N to adopt, N to delete.`` (``N to restore`` after the updates
        when the plan restores trashed products)."""
        if self.is_empty:
            if self.info:
                return "No changes. The store matches the catalogue; the information shown is not a change."
            return "No changes. The store matches the catalogue."
        create = self.count(Action.CREATE)
        update = self.count(Action.UPDATE)
        restore = self.count(Action.RESTORE)
        adopt = self.count(Action.ADOPT)
        delete = self.count(Action.DELETE)
        restored = f" {restore} to restore," if restore else ""
        return f"Plan: {create} to create, {update} to update,{restored} {adopt} to adopt, {delete} to delete."
