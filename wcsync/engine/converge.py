"""Convergence: after apply, what a fresh re-plan still wants to change among the resources apply wrote (and
the variations of the products it restored).

A resource whose write provably landed as sent (the store answered it) and that still differs is a perpetual
diff: the canonical forms (or the payload) are wrong, and every future plan would show it again. A resource
whose write's outcome was unknown (settled by re-reading the store) is not such proof: something else may
have written it since (``perpetual`` leaves it out). Each finding names the resource and field.

The re-plan runs against the store's answers to the writes (each batch answer is the saved object), with only
what no answer proves re-read (``wcsync.store.verify``): a wrong answer is a finding like a wrong store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change
from wcsync.engine.model import ApplyResult, Status


def _short(value: Any) -> str:
    if value is None:
        return "no value"
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def describe(change: Change) -> str:
    what = f"{change.kind.value} {change.key}"
    if change.action is Action.CREATE:
        return f"{what}: still missing from the store after apply created it"
    if change.action is Action.DELETE:
        return f"{what}: still in the store after apply deleted it"
    if change.action is Action.RESTORE:
        return f"{what}: still in the trash after apply"
    if not change.changes:
        return f"{what}: still planned as {change.action.value} after apply"
    fields = "; ".join(f"{fc.field} is {_short(fc.before)}, catalogue wants {_short(fc.after)}"
                       for fc in change.changes)
    return f"{what}: still differs after apply: {fields}"


def convergence_errors(remaining: Iterable[Change], result: ApplyResult) -> list[str]:
    """Findings for every remaining change on a resource that apply wrote successfully. A resource whose
    second pass (links, image map) failed is left out: its ``followup_error`` already says why it differs,
    and calling it a perpetual diff would be wrong."""
    written = {(i.kind, i.key) for i in result.items if i.status is Status.APPLIED and not i.followup_error}
    # a restored product brings its variations back: whatever the re-plan still wants of them is a finding too
    # (a restore that leaves variations in the trash has not converged)
    restored = {i.key.casefold() for i in result.items
                if i.kind is Kind.PRODUCT and i.action == Action.RESTORE.value and i.status is Status.APPLIED}
    return [describe(c) for c in remaining if (c.kind, c.key) in written
            or (c.kind is Kind.VARIATION and (c.parent_key or "").casefold() in restored)]


def perpetual(remaining: Iterable[Change], result: ApplyResult) -> list[str]:
    """The findings of ``convergence_errors`` on resources whose write the store answered (not settled by
    re-reading after an unknown outcome): only those prove a perpetual diff."""
    proven = {(i.kind, i.key) for i in result.items
              if i.status is Status.APPLIED and not i.followup_error and not i.recovered}
    return [describe(c) for c in remaining if (c.kind, c.key) in proven]
