"""``StoreWriter``: the engine's writes as WooCommerce batch requests, safe under lost answers.

- creates, updates and permanent deletes of one kind (and one parent) go in batches of at most
  ``batch_size`` items (WooCommerce's limit is 100, counted over create + update + delete); the chunks are
  sent concurrently and the client's limiter bounds how many are in flight;
- WooCommerce's batch delete is always permanent, so moving to the trash takes one ``DELETE`` per item
  (without ``force``);
- results are matched to the ops by position (a failed create answers ``id: 0``);
- a write whose outcome is unknown (``UnknownOutcome``: timeout, dropped connection, 5xx after sending; or
  an item a 2xx batch answer has no entry for) is never repeated blindly: the affected resources are re-read
  by natural key first (a product restore also in the trash; ``wcsync.store.reread``) and compared with
  what was sent (``wcsync.store.settle``): what the store has as sent is settled as applied, what differs is
  written again as an update of those fields, what is missing is sent again. So no product or variation is
  ever created twice, and none is counted as applied while it differs from what was sent. Each such
  settlement is said on the client's ``notify`` (stderr), like a retry;
- a create refused because its SKU is taken is re-read by SKU too: a holder that is ours (marked, or this
  create's own earlier attempt) is updated instead; a foreign holder is named in words;
- a store-wide refusal (a read-only key; any 401/403 before a write succeeded) stops every write at once:
  ``refused`` holds the store's error, and every op not yet written answers ``refused`` instead of its own
  copy of the same 401;
- the store's answer to each batch item is the saved object, in edit context, with ``meta_data``
  (woocommerce-api.md §4.3, §11; 06#8, 07#1, 11#3): ``answers`` keeps it (the wire fields a fetch reads, the
  last write of a resource winning) so the convergence proof compares it instead of re-reading the store
  (``wcsync.store.verify``). A permanent delete the store answered (or answered 404) is proven gone. A write
  settled by re-reading, and a move to the trash (its answer shows the product before trashing, 05#124), has
  no answer that proves anything: ``answers`` holds ``body=None`` for it, or nothing.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from wcsync.core.kinds import Kind
from wcsync.engine.model import BatchCallback, Op, WriteOp, WriteResult
from wcsync.errors import StoreError
from wcsync.store import endpoints
from wcsync.store.batch import ItemResult
from wcsync.store.client import WooClient
from wcsync.store.errors import ReadOnlyKeyError, RequestFailed, UnknownOutcome
from wcsync.store.reread import _match_variation, reread  # noqa: F401 (re-exported)
from wcsync.store.settle import describe_fields, foreign_sku, is_marked, settle, sku_taken
from wcsync.store.wire import image as wire_image
from wcsync.store.wire import images as wire_images
from wcsync.store.wire import wire_fields

#: rounds of (send → unknown outcome → re-read) before an item is given up as unknown
MAX_ROUNDS = 5
#: the error code ``wcsync.store.batch.parse_batch`` gives an item the store's answer has no entry for
MISSING_RESULT = "wcsync_missing_result"
#: trash progress: report every this many ``DELETE`` requests …
TRASH_REPORT_EVERY = 10
#: … or once this many seconds have passed since the last report (plus the first and the final count)
TRASH_REPORT_SECONDS = 1.0


@dataclass(frozen=True)
class Answer:
    """What the store answered for one written resource: the saved object (its wire fields), or a delete it
    proved. ``body`` None and ``gone`` False: nothing is proven (settled by re-reading; re-read it to verify)."""

    kind: Kind
    op: Op
    id: int
    parent_id: int | None = None
    body: dict[str, Any] | None = None
    gone: bool = False


def answer_body(kind: Kind, body: dict[str, Any] | None) -> dict[str, Any] | None:
    """The wire fields a fetch reads, from a batch answer's full object (the rest is not kept)."""
    if not isinstance(body, dict):
        return None
    return {name: body[name] for name in wire_fields(kind) if name in body}


def image_ids(kind: Kind, body: dict[str, Any] | None) -> tuple[int, ...] | None:
    """Attachment ids of a written resource's images, in order, from the store's answer."""
    if not body:
        return None
    if kind is Kind.PRODUCT:
        return tuple(int(img["id"]) for img in body.get("images") or () if isinstance(img, dict) and img.get("id"))
    image = body.get("image")
    if isinstance(image, dict) and image.get("id"):
        return (int(image["id"]),)
    return ()


def written_images(kind: Kind, body: dict[str, Any] | None) -> tuple[dict[str, Any], ...] | None:
    """A written product's or variation's images as a fetch would read them, from the store's answer."""
    if not body or kind not in (Kind.PRODUCT, Kind.VARIATION):
        return None
    if kind is Kind.PRODUCT:
        return wire_images(body.get("images"))
    one = wire_image(body.get("image"))
    return (one,) if one else ()


def _ok(kind: Kind, id_: int, body: dict[str, Any] | None, *, recovered: bool = False) -> WriteResult:
    return WriteResult(ok=True, id=id_, image_ids=image_ids(kind, body), images=written_images(kind, body),
                       recovered=recovered)


def describe_error(error: dict[str, Any] | None) -> str:
    if not error:
        return "the store reported a failure without details"
    code = error.get("code")
    message = html.unescape(str(error.get("message") or ""))
    return f"{code}: {message}" if code else message


class StoreWriter:
    """Implements ``wcsync.engine.model.Writer`` over a ``WooClient``."""

    def __init__(self, client: WooClient, *, batch_size: int | None = None,
                 on_batch: BatchCallback | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        limit = client.settings.batch_size
        self.batch_size = max(1, min(batch_size or limit, limit, 100))
        self.on_batch = on_batch
        #: the store refused writing at all (read-only key; 401/403 before any write succeeded): once set,
        #: nothing more is sent and every op not yet written answers ``refused``
        self.refused: RequestFailed | None = None
        self._wrote = False
        self._clock = clock
        #: (kind, key) → the store's answer to the last write of that resource (see ``Answer``)
        self.answers: dict[tuple[Kind, str], Answer] = {}

    async def write(self, kind: Kind, ops: Sequence[WriteOp]) -> list[WriteResult]:
        out: list[WriteResult | None] = [None] * len(ops)
        batched = [i for i, op in enumerate(ops) if op.op is not Op.TRASH]
        trashed = [i for i, op in enumerate(ops) if op.op is Op.TRASH]
        chunks = [batched[n:n + self.batch_size] for n in range(0, len(batched), self.batch_size)]
        tasks = [self._chunk(kind, [ops[i] for i in chunk]) for chunk in chunks]
        tasks += [self._trash_many(kind, [ops[i] for i in trashed])] if trashed else []
        answers = await asyncio.gather(*tasks)
        for indexes, answer in zip([*chunks, trashed] if trashed else chunks, answers, strict=True):
            for i, res in zip(indexes, answer, strict=True):
                out[i] = res
        return [r if r is not None else WriteResult(ok=False, error="not sent") for r in out]

    # -- batches -----------------------------------------------------------------------------------------

    async def _chunk(self, kind: Kind, ops: list[WriteOp]) -> list[WriteResult]:
        ops = list(ops)  # an op settled as "store differs from what was sent" becomes the update still due
        results: list[WriteResult | None] = [None] * len(ops)
        todo = list(range(len(ops)))
        #: ops whose outcome was unknown at least once; those settled by re-reading (not by sending them again)
        tried: set[int] = set()
        settled: set[int] = set()
        path = endpoints.batch(kind, ops[0].parent_id)
        for _ in range(MAX_ROUNDS):
            if self.refused is not None:
                break
            taken: dict[int, dict[str, Any]] = {}
            try:
                answered = await self._send(path, [ops[i] for i in todo])
            except UnknownOutcome as exc:
                unknown = todo
                self._say(f"{len(todo)} {kind.value} write(s) with an unknown outcome ({exc.reason}): re-reading "
                          "them from the store before deciding; nothing is sent again blindly")
            except RequestFailed as exc:
                if not self._refusal(exc):
                    for i in todo:
                        results[i] = WriteResult(ok=False, id=ops[i].id or 0, error=str(exc))
                    todo = []
                break
            except StoreError as exc:
                for i in todo:
                    results[i] = WriteResult(ok=False, id=ops[i].id or 0, error=str(exc))
                todo = []
                break
            else:
                self._wrote = True
                # an item the answer has no entry for (a truncated answer) is as unknown as a lost answer
                unknown = []
                for i, (res, error) in zip(todo, answered, strict=True):
                    if res is None:
                        unknown.append(i)
                    elif error is not None:
                        taken[i] = error
                    else:
                        results[i] = res
                if unknown:
                    self._say(f"{len(unknown)} {kind.value} write(s) missing from the store's answer: re-reading "
                              "them from the store before deciding")
            tried.update(unknown)
            todo = await self._settle_unknown(kind, ops, unknown, results, taken, (tried, settled))
            if not todo:
                break
        for i in todo:
            if self.refused is not None:
                results[i] = self._refused(ops[i])
                continue
            results[i] = WriteResult(ok=False, id=ops[i].id or 0, error=(
                f"the store's answer was lost {MAX_ROUNDS} times; re-run apply (it re-reads before writing)"))
        final = [r if r is not None else WriteResult(ok=False, error="not sent") for r in results]
        final = [replace(r, recovered=True) if i in settled and r.ok else r for i, r in enumerate(final)]
        for i in settled:  # what a re-read settled is not proven by an answer: verified by re-reading it
            if final[i].ok:
                self.answers[(kind, ops[i].key)] = Answer(kind, ops[i].op, final[i].id, ops[i].parent_id)
        if self.on_batch and not all(r.refused for r in final):
            self.on_batch(kind, len(ops), sum(1 for r in final if not r.ok))
        return final

    def _say(self, text: str) -> None:
        if self.client.notify is not None:
            self.client.notify(text)

    def _refusal(self, exc: RequestFailed) -> bool:
        """Is ``exc`` the store refusing writes altogether? Then remember it (the first one) and say so."""
        store_wide = isinstance(exc, ReadOnlyKeyError) or (exc.status in (401, 403) and not self._wrote)
        if store_wide and self.refused is None:
            self.refused = exc
        return store_wide

    @staticmethod
    def _refused(op: WriteOp) -> WriteResult:
        return WriteResult(ok=False, id=op.id or 0, error="not written: the store refused writing", refused=True)

    async def _settle_unknown(self, kind: Kind, ops: list[WriteOp], unknown: list[int],
                              results: list[WriteResult | None], taken: dict[int, dict[str, Any]],
                              sets: tuple[set[int], set[int]]) -> list[int]:
        """Re-read the ops whose outcome is unknown (and the creates refused for a taken SKU); settle what the
        store proves; return what to send again (``ops[i]`` replaced by the update of what still differs)."""
        reread_ops = [*unknown, *taken]
        tried, settled = sets
        if not reread_ops:
            return []
        try:
            found = await reread(self.client, kind, [ops[i] for i in reread_ops],
                                 also_trash=[ops[i].key for i in taken])
        except StoreError as exc:
            for i in unknown:
                results[i] = WriteResult(ok=False, id=ops[i].id or 0, error=(
                    f"outcome unknown and the store could not be re-read ({exc}); re-run apply"))
            for i, error in taken.items():
                results[i] = WriteResult(ok=False, error=f"{describe_error(error)} (and re-reading it failed: {exc})")
            return []
        still: list[int] = []
        counts = {"as sent": 0, "again": 0, "resend": 0}
        for i in reread_ops:
            op, here = ops[i], found.get(ops[i].key)
            if i in taken and here is not None and here.status != "trash" and (is_marked(here.body) or i in tried):
                self._say(f"  {kind.value} {op.key}: its SKU is taken by #{here.id}, "
                          + ("made by this run's earlier attempt" if i in tried else "which wcsync manages")
                          + ": updating it instead of creating it")
                settled.add(i)
            elif i in taken:
                results[i] = WriteResult(ok=False, error=foreign_sku(kind, op, here, taken[i]))
                continue
            outcome = settle(kind, op, here)
            if outcome is True:
                assert here is not None
                results[i] = _ok(kind, here.id, here.body, recovered=True)
                settled.add(i)
                counts["as sent"] += 1
            elif outcome is False:
                results[i] = WriteResult(ok=False, id=op.id or 0, error="the resource no longer exists in the store")
            elif outcome is None:
                still.append(i)
                counts["resend"] += 1
            else:
                self._say(f"  {kind.value} {op.key} is in the store but differs from what was sent "
                          f"({describe_fields(outcome.payload)}): writing that again")
                ops[i] = outcome
                settled.add(i)
                still.append(i)
                counts["again"] += 1
        if unknown:
            self._say(f"  settled by re-reading: {counts['as sent']} written as sent, {counts['again']} to complete, "
                      f"{counts['resend']} not written yet (sending again)")
        return still

    async def _send(self, path: str, ops: list[WriteOp]) -> list[tuple[WriteResult | None, dict[str, Any] | None]]:
        """One batch request; per op its result (None when the answer has no entry for it), and the store's
        error when a create was refused because its SKU is taken (settled by re-reading, not failed)."""
        groups: dict[Op, list[int]] = {Op.CREATE: [], Op.UPDATE: [], Op.DELETE: []}
        for i, op in enumerate(ops):
            groups[op.op].append(i)
        response = await self.client.batch(
            path,
            create=[ops[i].payload for i in groups[Op.CREATE]],
            update=[{**ops[i].payload, "id": ops[i].id} for i in groups[Op.UPDATE]],
            delete=[ops[i].id for i in groups[Op.DELETE]],
        )
        out: list[tuple[WriteResult | None, dict[str, Any] | None]] = [(None, None)] * len(ops)
        for op_kind, items in ((Op.CREATE, response.create), (Op.UPDATE, response.update),
                               (Op.DELETE, response.delete)):
            for i, item in zip(groups[op_kind], items, strict=True):
                missing = not item.ok and (item.error or {}).get("code") == MISSING_RESULT
                taken = op_kind is Op.CREATE and not item.ok and sku_taken(item.error)
                out[i] = (None, None) if missing else (_result(ops[i], item), item.error if taken else None)
                self._remember(ops[i], out[i][0], item)
        return out

    def _remember(self, op: WriteOp, result: WriteResult | None, item: ItemResult) -> None:
        """Keep the store's answer to a written item (``answers``)."""
        if result is None or not result.ok:
            return
        where = (op.kind, op.key)
        if op.op is Op.DELETE:
            self.answers[where] = Answer(op.kind, op.op, result.id, op.parent_id, gone=True)
        else:
            self.answers[where] = Answer(op.kind, op.op, result.id, op.parent_id, answer_body(op.kind, item.body))

    # -- trash -------------------------------------------------------------------------------------------

    async def _trash_many(self, kind: Kind, ops: list[WriteOp]) -> list[WriteResult]:
        """One ``DELETE`` per op, concurrently. Progress hears the first request, then every
        ``TRASH_REPORT_EVERY`` requests or once per ``TRASH_REPORT_SECONDS``, and the rest at the end."""
        counts = [0, 0]  # requests and failures not yet reported
        last = [float("-inf")]

        def report(force: bool) -> None:
            if self.on_batch and counts[0] and (
                    force or counts[0] >= TRASH_REPORT_EVERY or self._clock() - last[0] >= TRASH_REPORT_SECONDS):
                self.on_batch(kind, counts[0], counts[1], requests=counts[0])
                counts[0] = counts[1] = 0
                last[0] = self._clock()

        async def one(op: WriteOp) -> WriteResult:
            result = await self._trash(kind, op)
            if not result.refused:
                counts[0] += 1
                counts[1] += 0 if result.ok else 1
                report(False)
            return result

        results = list(await asyncio.gather(*(one(op) for op in ops)))
        report(True)
        return results

    async def _trash(self, kind: Kind, op: WriteOp) -> WriteResult:
        path = endpoints.item(kind, op.id, op.parent_id)
        for _ in range(MAX_ROUNDS):
            if self.refused is not None:
                return self._refused(op)
            try:
                await self.client.delete(path)
                self._wrote = True
                return WriteResult(ok=True, id=op.id or 0)
            except UnknownOutcome as lost:
                try:
                    found = await reread(self.client, kind, [op])
                except StoreError as exc:
                    return WriteResult(ok=False, id=op.id or 0, error=f"outcome unknown, re-read failed: {exc}")
                state = found.get(op.key)
                if state is None or state.status == "trash" or state.id != op.id:
                    self._say(f"{kind.value} {op.key}: moving it to the trash had an unknown outcome "
                              f"({lost.reason}); re-read: it is in the trash")
                    return WriteResult(ok=True, id=op.id or 0, recovered=True)
                self._say(f"{kind.value} {op.key}: moving it to the trash had an unknown outcome ({lost.reason}); "
                          "re-read: not in the trash yet, sending it again")
            except RequestFailed as exc:
                # already in the trash (410) or already gone (404): the goal is reached
                if exc.status in (404, 410):
                    return WriteResult(ok=True, id=op.id or 0)
                if self._refusal(exc):
                    return self._refused(op)
                return WriteResult(ok=False, id=op.id or 0, error=str(exc))
            except StoreError as exc:
                return WriteResult(ok=False, id=op.id or 0, error=str(exc))
        return WriteResult(ok=False, id=op.id or 0, error="the store's answer was lost repeatedly; re-run apply")


def _result(op: WriteOp, item: ItemResult) -> WriteResult:
    if item.ok:
        return _ok(op.kind, item.id or op.id or 0, item.body)
    error = describe_error(item.error)
    if op.op is Op.DELETE and item.error and (item.error.get("data") or {}).get("status") == 404:
        return WriteResult(ok=True, id=op.id or 0)  # already gone: the goal of a delete is reached
    return WriteResult(ok=False, id=0 if op.op is Op.CREATE else (op.id or 0), error=error)
