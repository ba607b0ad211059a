"""The executor: runs a ``Plan`` stage by stage through a ``Writer`` and never diffs again.

- stages in dependency order (``wcsync.engine.order``), each item built by its (kind, action) handler;
- references to resources created earlier in the run resolve to their new ids (``RunRefs``);
- independent writes run concurrently: terms of different attributes, variations of different parents;
- product links (upsells, cross-sells, grouped children) to products created in this run, and the ``_wcsync``
  images map of freshly uploaded images, are written in a second pass once their ids are known; the image
  map only where the next plan could not find those attachments by itself (``_next_plan_recovers``);
- partial success is normal: every change gets an ``ItemResult``; by default the run stops after the first
  stage with a failure, ``continue_on_error`` runs every stage (items whose dependencies failed fail alone).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from wcsync.core.images import recovers
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, Plan
from wcsync.core.records import Mark
from wcsync.engine import bookkeeping
from wcsync.engine.handlers import HANDLERS
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
from wcsync.engine.order import Stage, stages
from wcsync.engine.refs import RunRefs
from wcsync.errors import WcsyncError

#: why an item was not written after the store refused writing (the run's one error says why)
REFUSED = "not run: the store refused writing (see the error)"


class Progress(Protocol):
    def stage_started(self, name: str, items: int) -> None: ...

    def stage_done(self, name: str, applied: int, failed: int) -> None: ...


class _Quiet:
    def stage_started(self, name: str, items: int) -> None:
        pass

    def stage_done(self, name: str, applied: int, failed: int) -> None:
        pass


@dataclass
class _Pending:
    """A written item whose second pass is still due."""

    change: Change
    item: ItemResult
    links: dict[str, list[str]] = field(default_factory=dict)
    assigned: dict[int, int] = field(default_factory=dict)


def _next_plan_recovers(change: Change, images: Sequence[Mapping[str, Any] | None], assigned: Mapping[int, int],
                        res: WriteResult) -> bool:
    """Whether the next plan finds the attachments of the images uploaded by ``src`` (``assigned``:
    position → attachment id) from the store's answer and the mark the first pass wrote (re-used
    attachments only), by the planner's own unambiguous matching (``wcsync.core.images.recovers``).
    Then writing them into the mark's image map would cost a second request on the batch endpoint
    for nothing; later updates complete the map from the plan's ``Change.attachments``."""
    if res.images is None or not bookkeeping.wants_mark(change):
        return False
    written = Mark(meta_keys=tuple(sorted(set(change.mark_meta_keys or ()))), images=bookkeeping.mark_images(change))
    uploaded = {str(img.get("src") or ""): assigned[pos] for pos, img in enumerate(images) if img and pos in assigned}
    return recovers(res.images, written, [img for img in images if img], uploaded)


async def execute(
    plan: Plan,
    writer: Writer,
    *,
    encoder: Encoder,
    continue_on_error: bool = False,
    skip: Mapping[tuple[Kind, str], str] | None = None,
    progress: Progress | None = None,
    already: Mapping[tuple[Kind, str], int] | None = None,
) -> ApplyResult:
    """Apply ``plan`` through ``writer``, its request bodies made by ``encoder`` (the store's
    ``wcsync.store.payload.ENCODER``). ``skip`` maps (kind, key) → reason for changes left alone (stale since
    planning); ``already`` maps (kind, key) → live id for changes the store already holds (recorded, not
    written)."""
    run = _Run(plan, writer, encoder, continue_on_error, dict(skip or {}), progress or _Quiet())
    run.already = dict(already or {})
    return await run.run()


class _Run:
    def __init__(self, plan: Plan, writer: Writer, encoder: Encoder, keep_going: bool,
                 skip: dict[tuple[Kind, str], str], progress: Progress) -> None:
        self.plan = plan
        self.writer = writer
        self.encoder = encoder
        self.keep_going = keep_going
        self.skip = skip
        self.already: dict[tuple[Kind, str], int] = {}
        self.progress = progress
        self.refs = RunRefs(plan)
        self.result = ApplyResult()
        self._index: dict[tuple[Kind, str, str], ItemResult] = {}
        #: product keys this run creates (links to them wait for the second pass)
        self.new_products = {c.key for c in plan.changes if c.kind is Kind.PRODUCT and c.action is Action.CREATE}

    async def run(self) -> ApplyResult:
        plan_stages = stages(self.plan.changes)
        for index, stage in enumerate(plan_stages):
            failed = await self._stage(stage)
            if self.result.refused is not None:
                why = REFUSED
            elif failed and not self.keep_going:
                self.result.stopped_after = stage.name
                why = f"not run: stage {stage.name!r} failed"
            else:
                continue
            for later in plan_stages[index + 1:]:
                for change in later.changes:
                    self._record(change, Status.SKIPPED, error=why).bulk = True
            break
        return self.result

    async def _stage(self, stage: Stage) -> int:
        self.progress.stage_started(stage.name, len(stage.changes))
        pending: list[tuple[Change, WriteOp, ItemResult]] = []
        failed = 0
        for change in stage.changes:
            done = self.already.get((change.kind, change.key))
            if done is not None:  # an earlier run applied it: nothing to write, and its id serves later stages
                self._record(change, Status.ALREADY_APPLIED, id_=done)
                if change.action is Action.CREATE and done:
                    self.refs.created(change.kind, change.key, done)
                continue
            reason = self.skip.get((change.kind, change.key))
            if reason is not None:
                self._record(change, Status.STALE, error=reason)
                self.refs.failed[(change.kind, change.key)] = f"which was skipped: {reason}"
                self.refs.skipped[(change.kind, change.key)] = reason
                continue
            omit = self._deferred_links(change)
            handler = HANDLERS[(change.kind, change.action)]
            try:
                op = handler(change, self.refs, omit, self.encoder)
            except UnresolvedReference as exc:
                skipped = self.refs.skipped.get((exc.kind, exc.key))
                if skipped is not None:  # depends on a stale object: skipped with it, not a failure
                    self._skip_dependent(change, exc, skipped)
                    continue
                failed += 1
                self._fail(change, self._explain(exc))
                continue
            except (ValueError, TypeError) as exc:  # a value the store cannot take (e.g. a hand-edited plan)
                failed += 1
                self._fail(change, f"could not build the request: {exc}; nothing was sent for it")
                continue
            item = self._record(change, Status.FAILED, id_=change.live_id or 0)
            pending.append((change, op, item))
        results = await self._write_grouped(stage.kind, [op for _, op, _ in pending])
        second: list[_Pending] = []
        for (change, op, item), res in zip(pending, results, strict=True):
            item.recovered = res.recovered
            if res.refused:  # the store refused writing at all: one error for the run, not one per item
                item.status, item.error, item.bulk = Status.SKIPPED, REFUSED, True
                self.refs.failed[(change.kind, change.key)] = "which was not written (the store refused writing)"
                continue
            if not res.ok:
                failed += 1
                item.error = res.error or "failed"
                self.refs.failed[(change.kind, change.key)] = f"its {change.action.value} failed: {item.error}"
                continue
            item.status = Status.APPLIED
            item.id = res.id or item.id
            if op.op is Op.CREATE:
                self.refs.created(change.kind, change.key, res.id)
            follow = self._followup(change, item, op, res)
            if follow is not None:
                second.append(follow)
        refusal = getattr(self.writer, "refused", None)
        if isinstance(refusal, WcsyncError):
            self.result.refused = refusal
        if second:
            self.progress.stage_started(f"{stage.name}: second pass (links to new products, image map)",
                                        len(second))
            await self._second_pass(stage.kind, second)
        if self.result.refused is None:  # else the run's one error follows, not a "done" line
            applied = sum(1 for c in stage.changes if self._status(c) is Status.APPLIED)
            self.progress.stage_done(stage.name, applied, failed)
        return failed

    # -- second pass -------------------------------------------------------------------------------------

    def _deferred_links(self, change: Change) -> list[str]:
        if change.kind is not Kind.PRODUCT or change.action is Action.DELETE:
            return []
        links = bookkeeping.link_fields(change)
        return [f for f, keys in links.items() if any(k in self.new_products for k in keys)]

    def _followup(self, change: Change, item: ItemResult, op: WriteOp, res: WriteResult) -> _Pending | None:
        if op.op in (Op.DELETE, Op.TRASH):
            return None
        pend = _Pending(change, item)
        deferred = self._deferred_links(change)
        if deferred:
            links = bookkeeping.link_fields(change)
            pend.links = {f: links[f] for f in deferred}
        images = bookkeeping.desired_images(change)
        if images is not None and change.kind in (Kind.PRODUCT, Kind.VARIATION):
            uploaded = bookkeeping.uploads(images, change.attachments)
            if uploaded:
                ids = res.image_ids or ()
                compact = [i for i, img in enumerate(images) if img]
                pend.assigned = {pos: ids[n] for n, pos in enumerate(compact) if n < len(ids) and pos in uploaded}
                if pend.assigned and _next_plan_recovers(change, images, pend.assigned, res):
                    pend.assigned = {}  # the first pass's mark is enough: no second request for the map
        return pend if (pend.links or pend.assigned) else None

    async def _second_pass(self, kind: Kind, pending: Sequence[_Pending]) -> None:
        ops: list[WriteOp] = []
        owners: list[_Pending] = []
        for pend in pending:
            body: dict[str, object] = {}
            try:
                body.update(self.encoder.links(pend.links, self.refs))
            except UnresolvedReference as exc:
                pend.item.followup_error = self._explain(exc)
            if pend.assigned and bookkeeping.wants_mark(pend.change):
                images = bookkeeping.mark_images(pend.change, pend.assigned)
                body["meta_data"] = [bookkeeping.mark_row(pend.change.mark_meta_keys or (), images,
                                                          pend.change.mark_fields)]
            if not body:
                continue
            ops.append(WriteOp(kind=kind, op=Op.UPDATE, key=pend.change.key, payload=body, id=pend.item.id,
                               parent_id=self._parent_of(pend.change)))
            owners.append(pend)
        results = await self._write_grouped(kind, ops)
        for pend, res in zip(owners, results, strict=True):
            if not res.ok:
                pend.item.followup_error = f"second pass (links, image map) failed: {res.error}"

    def _parent_of(self, change: Change) -> int | None:
        if change.kind is Kind.VARIATION:
            return change.live_parent_id or self.refs(Kind.PRODUCT, change.parent_key or "")
        if change.kind is Kind.TERM:
            return change.live_parent_id or self.refs(Kind.ATTRIBUTE, change.parent_key or "")
        return None

    # -- writing -----------------------------------------------------------------------------------------

    async def _write_grouped(self, kind: Kind, ops: list[WriteOp]) -> list[WriteResult]:
        """Ops of different parents go to different endpoints: write them concurrently."""
        if not ops:
            return []
        groups: dict[int | None, list[int]] = {}
        for index, op in enumerate(ops):
            groups.setdefault(op.parent_id, []).append(index)
        batches = list(groups.values())
        answers = await asyncio.gather(*(self.writer.write(kind, [ops[i] for i in idx]) for idx in batches))
        out: list[WriteResult | None] = [None] * len(ops)
        for idx, answer in zip(batches, answers, strict=True):
            if len(answer) != len(idx):
                raise RuntimeError(f"writer returned {len(answer)} results for {len(idx)} {kind.value} writes")
            for i, res in zip(idx, answer, strict=True):
                out[i] = res
        return [r for r in out if r is not None]

    # -- results -----------------------------------------------------------------------------------------

    def _explain(self, exc: UnresolvedReference) -> str:
        why = self.refs.why_missing(exc.kind, exc.key)
        if why:
            return f"{exc.field}: depends on {exc.kind.value} {exc.key!r}, {why}"
        return str(exc)

    def _record(self, change: Change, status: Status, *, id_: int = 0, error: str | None = None) -> ItemResult:
        item = ItemResult(kind=change.kind, key=change.key, action=change.action.value, status=status,
                          id=id_ or (change.live_id or 0), error=error)
        self.result.items.append(item)
        self._index[(change.kind, change.key, change.action.value)] = item
        return item

    def _skip_dependent(self, change: Change, exc: UnresolvedReference, reason: str) -> None:
        """``change`` needs an object that was skipped (stale): skip it too, saying which and why."""
        what = f"its {exc.kind.value}" if exc.field == "parent" else f"{exc.field}: {exc.kind.value}"
        self._record(change, Status.SKIPPED, error=f"not run: {what} {exc.key!r} was skipped ({reason})")
        self.refs.failed[(change.kind, change.key)] = f"which was skipped: {reason}"
        self.refs.skipped[(change.kind, change.key)] = reason

    def _fail(self, change: Change, error: str) -> None:
        self._record(change, Status.FAILED, error=error)
        self.refs.failed[(change.kind, change.key)] = f"which could not be written: {error}"

    def _status(self, change: Change) -> Status | None:
        item = self._index.get((change.kind, change.key, change.action.value))
        return item.status if item else None
