"""The executor after the newcomer review: dependents of a stale object are skipped with it (not failed), and
a store-wide refusal of writes stops the run at once as one error (exit 1 if nothing was written, else 3)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from typing import Any

from tests.engine.fakes import FakeWriter
from tests.engine.test_executor import ch, plan
from wcsync.cli.progress import StderrProgress
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action
from wcsync.engine import Status, execute
from wcsync.engine.executor import REFUSED
from wcsync.engine.model import ApplyResult, WriteOp, WriteResult
from wcsync.errors import StoreError
from wcsync.store.payload import ENCODER


def run(p: Any, writer: Any, **kw: Any) -> ApplyResult:
    return asyncio.run(execute(p, writer, encoder=ENCODER, **kw))


def test_variations_of_a_stale_parent_are_skipped_with_the_reason_not_failed() -> None:
    p = plan(
        ch(Kind.PRODUCT, Action.CREATE, "VAR", name="Variable"),
        ch(Kind.VARIATION, Action.CREATE, "VAR-S", parent_key="VAR", sku="VAR-S"),
        ch(Kind.VARIATION, Action.CREATE, "VAR-M", parent_key="VAR", sku="VAR-M"),
        ch(Kind.PRODUCT, Action.CREATE, "OTHER", name="Other"),
    )
    writer = FakeWriter()
    reason = "already exists in the store (created since planning); plan again"
    result = run(p, writer, skip={(Kind.PRODUCT, "VAR"): reason})
    assert [(i.key, i.status, i.error) for i in result.items] == [
        ("VAR", Status.STALE, reason),
        ("OTHER", Status.APPLIED, None),
        ("VAR-S", Status.SKIPPED, f"not run: its product 'VAR' was skipped ({reason})"),
        ("VAR-M", Status.SKIPPED, f"not run: its product 'VAR' was skipped ({reason})"),
    ]
    assert not any(i.bulk for i in result.items)  # listed one by one, with their reason
    assert result.stopped_after is None  # a skip is no failure: the run goes on
    assert writer.sequence() == [("product", "create", "OTHER")]
    assert result.summary() == "Apply: 1 applied, 1 stale, 2 skipped."
    assert result.exit_code == 3


def test_a_missing_parent_that_was_not_skipped_is_still_a_failure() -> None:
    p = plan(ch(Kind.VARIATION, Action.CREATE, "X-S", parent_key="X", sku="X-S"))
    result = run(p, FakeWriter())
    assert [(i.status, i.error) for i in result.items] == [
        (Status.FAILED, "parent refers to product 'X', which does not exist in the store")]


class RefusingWriter(FakeWriter):
    """Answers like ``StoreWriter`` once the store refused writing: every op ``refused``, ``refused`` set."""

    def __init__(self, *, refuse_from_call: int) -> None:
        super().__init__()
        self.refuse_from_call = refuse_from_call
        self.refused: StoreError | None = None

    async def write(self, kind: Kind, ops: Sequence[WriteOp]) -> list[WriteResult]:
        if len(self.calls) + 1 < self.refuse_from_call:
            return await super().write(kind, ops)
        self.calls.append((kind, list(ops)))
        self.refused = StoreError("POST /x was refused: the API key is read-only", hint="use a read/write key")
        return [WriteResult(ok=False, error="not written: the store refused writing", refused=True) for _ in ops]


def _three_stages() -> Any:
    return plan(
        ch(Kind.ATTRIBUTE, Action.CREATE, "size", name="Size"),
        ch(Kind.ATTRIBUTE, Action.CREATE, "color", name="Color"),
        ch(Kind.CATEGORY, Action.CREATE, "home", name="Home", parent=None),
        ch(Kind.PRODUCT, Action.CREATE, "P-1", name="One"),
        ch(Kind.PRODUCT, Action.CREATE, "P-2", name="Two"),
    )


def test_a_refusal_before_any_write_stops_the_run_with_exit_1() -> None:
    writer = RefusingWriter(refuse_from_call=1)
    out = io.StringIO()
    result = run(_three_stages(), writer, progress=StderrProgress(out, color=False), continue_on_error=True)
    assert len(writer.calls) == 1  # the attributes; nothing else is attempted
    assert result.refused is writer.refused
    assert [(i.key, i.status, i.error, i.bulk) for i in result.items] == [
        ("size", Status.SKIPPED, REFUSED, True), ("color", Status.SKIPPED, REFUSED, True),
        ("home", Status.SKIPPED, REFUSED, True), ("P-1", Status.SKIPPED, REFUSED, True),
        ("P-2", Status.SKIPPED, REFUSED, True)]
    assert result.count(Status.FAILED) == 0
    assert result.exit_code == 1
    assert result.summary() == "Apply: 0 applied, 5 skipped. Stopped: the store refused writing."
    assert result.as_json()["refused"] == "POST /x was refused: the API key is read-only — use a read/write key"
    assert out.getvalue() == "write attributes: 2 item(s)\n"  # no "done" line: the run's error follows


def test_a_refusal_after_some_writes_stops_the_run_with_exit_3() -> None:
    writer = RefusingWriter(refuse_from_call=3)  # attributes and categories written, products refused
    result = run(_three_stages(), writer)
    assert [(i.key, i.status) for i in result.items] == [
        ("size", Status.APPLIED), ("color", Status.APPLIED), ("home", Status.APPLIED),
        ("P-1", Status.SKIPPED), ("P-2", Status.SKIPPED)]
    assert result.refused is not None
    assert result.exit_code == 3
    assert result.summary() == "Apply: 3 applied, 2 skipped. Stopped: the store refused writing."
