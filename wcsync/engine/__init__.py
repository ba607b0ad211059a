"""Apply: runs a ``wcsync.core.plan.Plan`` against a store through a writer; never diffs again.

Public API: ``execute(plan, writer, continue_on_error=…, skip=…, progress=…) -> ApplyResult`` (executor),
``stale_changes(plan, live)`` (staleness), ``convergence_errors(...)`` (re-plan check).
"""

from __future__ import annotations

from wcsync.engine.executor import Progress, execute
from wcsync.engine.model import ApplyResult, ItemResult, Op, Status, WriteOp, Writer, WriteResult

__all__ = ["ApplyResult", "ItemResult", "Op", "Progress", "Status", "WriteOp", "WriteResult", "Writer", "execute"]
