"""Apply: runs a ``wcsync.core.plan.Plan`` against a store through a writer; never diffs again.

Public API: ``execute(plan, writer, encoder=…, continue_on_error=…, skip=…, progress=…) -> ApplyResult``
(executor); the writer seam (``model``: ``Writer``, ``Encoder``, ``WriteOp``, ``WriteResult``), which the store
implements (``wcsync.store.writer.StoreWriter``, ``wcsync.store.payload.ENCODER``) — this package never imports
``wcsync.store``; apply's bookkeeping policy (``bookkeeping``: the ``_wcsync`` mark, image map, links);
``wcsync.engine.stale.stale_changes(plan, live)`` (per-object staleness of a saved plan);
``wcsync.engine.converge.convergence_errors(remaining, result)`` (perpetual diffs after apply).
"""

from __future__ import annotations

from wcsync.engine.executor import Progress, execute
from wcsync.engine.model import (
    ApplyResult,
    Encoder,
    ItemResult,
    Op,
    Status,
    UnresolvedReference,
    WriteOp,
    Writer,
    WriteResult,
)

__all__ = ["ApplyResult", "Encoder", "ItemResult", "Op", "Progress", "Status", "UnresolvedReference", "WriteOp",
           "WriteResult", "Writer", "execute"]
