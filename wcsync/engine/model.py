"""Values of the apply engine: what is sent to a store writer, what comes back, and the per-item results.

Pure data; no I/O. This module is the writer seam, owned by the engine: ``WriteOp``/``WriteResult`` pass
between the executor and a ``Writer`` (``wcsync.store.writer.StoreWriter`` in production, an in-memory fake in
tests), and an ``Encoder`` maps a change's desired values to the store's request body
(``wcsync.store.payload.ENCODER``). The store implements both and imports this module; the engine never
imports ``wcsync.store``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from wcsync.core.kinds import Kind
from wcsync.core.plan import Change
from wcsync.errors import WcsyncError

#: (kind, natural key) -> live id, or None when the store has no such resource (yet)
Resolver = Callable[[Kind, str], "int | None"]


class UnresolvedReference(Exception):
    """A field refers to a resource that has no id: it does not exist and was not created in this run."""

    def __init__(self, field: str, kind: Kind, key: str) -> None:
        super().__init__(f"{field} refers to {kind.value} {key!r}, which does not exist in the store")
        self.field = field
        self.kind = kind
        self.key = key


class Encoder(Protocol):
    """Maps desired values to the store's request bodies; references resolve through ``resolve`` and raise
    ``UnresolvedReference`` when they cannot. Apply's bookkeeping (the ``_wcsync`` mark, a restore's
    status) is not its business: ``wcsync.engine.bookkeeping`` adds it to the body."""

    def body(self, change: Change, resolve: Resolver, omit: Iterable[str] = ()) -> dict[str, Any]:
        """The create/update body of ``change`` (``omit``: product link fields deferred to a second pass)."""
        ...

    def links(self, links: Mapping[str, Iterable[str]], resolve: Resolver) -> dict[str, Any]:
        """The body that sets product links (field → target SKUs) once the targets have ids."""
        ...


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    #: permanent delete (batch)
    DELETE = "delete"
    #: move a product to the trash (single ``DELETE`` without force: batch deletes are always permanent)
    TRASH = "trash"


@dataclass(frozen=True)
class WriteOp:
    """One item of a write. ``key`` is the natural key (used to re-read after an unknown outcome)."""

    kind: Kind
    op: Op
    key: str
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    #: variation: the parent product id; term: the attribute id
    parent_id: int | None = None
    #: live ``date_modified`` at planning (an unknown-outcome update is judged applied when it changed)
    date_modified: str | None = None


@dataclass(frozen=True)
class WriteResult:
    """The outcome of one ``WriteOp``, matched by position."""

    ok: bool
    id: int = 0
    error: str | None = None
    #: attachment ids of the written resource's images in order (variation/category: the one image)
    image_ids: tuple[int, ...] | None = None
    #: the written resource's images as the store answered them (``wcsync.store.wire.image`` form: id, src,
    #: alt, name), as a fetch would read them; None when the answer is not known
    images: tuple[dict[str, Any], ...] | None = None
    #: the outcome was unknown and was settled by re-reading the store
    recovered: bool = False
    #: not written because the store refused writing at all (the writer's ``refused`` says why)
    refused: bool = False


class BatchCallback(Protocol):
    """Progress callback of a writer: ``items`` written (``failed`` of them failed) in ``requests`` requests
    (one batch; or several single trash ``DELETE`` requests reported together)."""

    def __call__(self, kind: Kind, items: int, failed: int, requests: int = 1) -> None: ...


class Writer(Protocol):
    """Writes ops of ONE kind (and one parent for variations/terms); returns one result per op, in order.

    A writer may also have a ``refused`` attribute: the store-wide refusal (read-only key, 401/403 on the
    first write) after which it sends nothing more; the executor then stops the run.
    """

    async def write(self, kind: Kind, ops: Sequence[WriteOp]) -> list[WriteResult]: ...


class Status(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"
    #: not attempted: an earlier stage failed (without --continue-on-error)
    SKIPPED = "skipped"
    #: changed in the store since the plan was made; left alone
    STALE = "stale"
    #: a saved plan's change the store already holds (an earlier run applied it): nothing to write
    ALREADY_APPLIED = "already applied"


@dataclass
class ItemResult:
    """What happened to one plan change."""

    kind: Kind
    key: str
    action: str
    status: Status
    id: int = 0
    error: str | None = None
    recovered: bool = False
    #: the second pass (links to new products, image map) failed after the item itself was written
    followup_error: str | None = None
    #: skipped with the rest of the run (a failed stage, a refusal): summarised, not listed one by one
    bulk: bool = False

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value, "key": self.key, "action": self.action,
                               "status": self.status.value, "id": self.id}
        if self.error:
            out["error"] = self.error
        if self.followup_error:
            out["followup_error"] = self.followup_error
        if self.recovered:
            out["recovered"] = True
        return out


@dataclass
class ApplyResult:
    """Every item's result, plus convergence findings."""

    items: list[ItemResult] = field(default_factory=list)
    #: stage after which apply stopped (None = every stage ran)
    stopped_after: str | None = None
    #: "kind key: field still differs (...)" — perpetual diffs found when re-planning after apply
    convergence_errors: list[str] = field(default_factory=list)
    #: the store refused writing at all (authentication / permission): the run stopped at once
    refused: WcsyncError | None = None
    #: why convergence could not be checked (the store could not be re-read after the writes): unproven
    unproven: str | None = None

    def count(self, status: Status) -> int:
        return sum(1 for i in self.items if i.status is status)

    @property
    def ok(self) -> bool:
        done = (Status.APPLIED, Status.ALREADY_APPLIED)
        return (all(i.status in done and not i.followup_error for i in self.items)
                and not self.convergence_errors and self.unproven is None)

    @property
    def exit_code(self) -> int:
        """0 all applied and converged; 1 the store refused writing and nothing was written; 3 otherwise (an
        item failed, was skipped or did not converge, or convergence is unproven: the store could not be
        re-read afterwards)."""
        if self.refused is not None and not self.count(Status.APPLIED):
            return 1
        return 0 if self.ok else 3

    def summary(self) -> str:
        parts = [f"{self.count(Status.APPLIED)} applied"]
        for status in (Status.ALREADY_APPLIED, Status.FAILED, Status.STALE, Status.SKIPPED):
            if n := self.count(status):
                parts.append(f"{n} {status.value}")
        text = "Apply: " + ", ".join(parts) + "."
        if self.refused is not None:
            text += " Stopped: the store refused writing."
        elif self.stopped_after:
            text += f" Stopped after the failed stage {self.stopped_after} (--continue-on-error runs the rest)."
        if self.convergence_errors:
            text += f" {len(self.convergence_errors)} resource(s) did not converge."
        if self.unproven is not None:
            text += " Convergence unproven: the store could not be re-read afterwards; run `wcsync plan` to check."
        return text

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "summary": self.summary(), "stopped_after": self.stopped_after,
                               "convergence_errors": list(self.convergence_errors),
                               "items": [i.as_json() for i in self.items]}
        if self.refused is not None:
            out["refused"] = str(self.refused)
        if self.unproven is not None:
            out["convergence_unproven"] = self.unproven
        return out
