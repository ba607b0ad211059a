"""Apply: runs a ``wcsync.core.plan.Plan`` against a store through a writer; never diffs again.

Public API: ``execute(plan, writer, continue_on_error=…, skip=…, progress=…) -> ApplyResult`` (executor);
``wcsync.engine.stale.stale_changes(plan, live)`` (per-object staleness of a saved plan);
``wcsync.engine.converge.convergence_errors(remaining, result)`` (perpetual diffs after apply);
``wcsync.engine.progress.StderrProgress`` (progress on stderr). The production writer is
``wcsync.store.writer.StoreWriter``.
"""

from __future__ import annotations

from wcsync.engine.executor import Progress, execute
from wcsync.engine.model import ApplyResult, ItemResult, Op, Status, WriteOp, Writer, WriteResult

__all__ = ["ApplyResult", "ItemResult", "Op", "Progress", "Status", "WriteOp", "WriteResult", "Writer", "execute"]
