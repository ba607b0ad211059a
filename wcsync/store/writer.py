"""``StoreWriter``: the engine's writes as WooCommerce batch requests, safe under lost answers.

- creates, updates and permanent deletes of one kind (and one parent) go in batches of at most
  ``batch_size`` items (WooCommerce's limit is 100, counted over create + update + delete); the chunks are
  sent concurrently and the client's limiter bounds how many are in flight;
- WooCommerce's batch delete is always permanent, so moving to the trash takes one ``DELETE`` per item
  (without ``force``);
- results are matched to the ops by position (a failed create answers ``id: 0``);
- a write whose outcome is unknown (``UnknownOutcome``: timeout, dropped connection, 5xx after sending; or
  an item a 2xx batch answer has no entry for) is never repeated blindly: the affected resources are re-read
  by natural key first (a product restore also in the trash); what the store already has is settled as
  applied, only the rest is sent again. So no product or variation is ever created twice;
- a store-wide refusal (a read-only key; any 401/403 before a write succeeded) stops every write at once:
  ``refused`` holds the store's error, and every op not yet written answers ``refused`` instead of its own
  copy of the same 401.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wcsync.core.kinds import Kind
from wcsync.engine.model import BatchCallback, Op, WriteOp, WriteResult
from wcsync.errors import StoreError
from wcsync.store.batch import ItemResult
from wcsync.store.client import WooClient
from wcsync.store.errors import ReadOnlyKeyError, RequestFailed, UnknownOutcome
from wcsync.store.wire import image as wire_image
from wcsync.store.wire import images as wire_images

#: rounds of (send → unknown outcome → re-read) before an item is given up as unknown
MAX_ROUNDS = 5
#: the error code ``wcsync.store.batch.parse_batch`` gives an item the store's answer has no entry for
MISSING_RESULT = "wcsync_missing_result"
#: trash progress: report every this many ``DELETE`` requests …
TRASH_REPORT_EVERY = 10
#: … or once this many seconds have passed since the last report (plus the first and the final count)
TRASH_REPORT_SECONDS = 1.0


def batch_path(kind: Kind, parent_id: int | None) -> str:
    if kind is Kind.PRODUCT:
        return "products/batch"
    if kind is Kind.VARIATION:
        return f"products/{parent_id}/variations/batch"
    if kind is Kind.ATTRIBUTE:
        return "products/attributes/batch"
    if kind is Kind.TERM:
        return f"products/attributes/{parent_id}/terms/batch"
    return {Kind.CATEGORY: "products/categories/batch", Kind.TAG: "products/tags/batch",
            Kind.SHIPPING_CLASS: "products/shipping_classes/batch"}[kind]


def item_path(kind: Kind, id_: int | None, parent_id: int | None) -> str:
    if kind is Kind.VARIATION:
        return f"products/{parent_id}/variations/{id_}"
    return f"products/{id_}"


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
        results: list[WriteResult | None] = [None] * len(ops)
        todo = list(range(len(ops)))
        path = batch_path(kind, ops[0].parent_id)
        for _ in range(MAX_ROUNDS):
            if self.refused is not None:
                break
            try:
                answered = await self._send(path, [ops[i] for i in todo])
            except UnknownOutcome:
                unknown = todo
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
                for i, res in zip(todo, answered, strict=True):
                    if res is None:
                        unknown.append(i)
                    else:
                        results[i] = res
            todo = await self._settle_unknown(kind, ops, unknown, results)
            if not todo:
                break
        for i in todo:
            if self.refused is not None:
                results[i] = self._refused(ops[i])
                continue
            results[i] = WriteResult(ok=False, id=ops[i].id or 0, error=(
                f"the store's answer was lost {MAX_ROUNDS} times; re-run apply (it re-reads before writing)"))
        final = [r if r is not None else WriteResult(ok=False, error="not sent") for r in results]
        if self.on_batch and not all(r.refused for r in final):
            self.on_batch(kind, len(ops), sum(1 for r in final if not r.ok))
        return final

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
                              results: list[WriteResult | None]) -> list[int]:
        """Re-read the ops whose outcome is unknown; settle what the store proves; return what to send again."""
        if not unknown:
            return []
        try:
            found = await reread(self.client, kind, [ops[i] for i in unknown])
        except StoreError as exc:
            for i in unknown:
                results[i] = WriteResult(ok=False, id=ops[i].id or 0, error=(
                    f"outcome unknown and the store could not be re-read ({exc}); re-run apply"))
            return []
        still: list[int] = []
        for i in unknown:
            settled = _settle(kind, ops[i], found.get(ops[i].key))
            if settled is None:
                still.append(i)
            else:
                results[i] = settled
        return still

    async def _send(self, path: str, ops: list[WriteOp]) -> list[WriteResult | None]:
        """One batch request; per op its result, or None when the answer has no entry for it."""
        groups: dict[Op, list[int]] = {Op.CREATE: [], Op.UPDATE: [], Op.DELETE: []}
        for i, op in enumerate(ops):
            groups[op.op].append(i)
        response = await self.client.batch(
            path,
            create=[ops[i].payload for i in groups[Op.CREATE]],
            update=[{**ops[i].payload, "id": ops[i].id} for i in groups[Op.UPDATE]],
            delete=[ops[i].id for i in groups[Op.DELETE]],
        )
        out: list[WriteResult | None] = [None] * len(ops)
        for op_kind, items in ((Op.CREATE, response.create), (Op.UPDATE, response.update),
                               (Op.DELETE, response.delete)):
            for i, item in zip(groups[op_kind], items, strict=True):
                missing = not item.ok and (item.error or {}).get("code") == MISSING_RESULT
                out[i] = None if missing else _result(ops[i], item)
        return out

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
        path = item_path(kind, op.id, op.parent_id)
        for _ in range(MAX_ROUNDS):
            if self.refused is not None:
                return self._refused(op)
            try:
                await self.client.delete(path)
                self._wrote = True
                return WriteResult(ok=True, id=op.id or 0)
            except UnknownOutcome:
                try:
                    found = await reread(self.client, kind, [op])
                except StoreError as exc:
                    return WriteResult(ok=False, id=op.id or 0, error=f"outcome unknown, re-read failed: {exc}")
                state = found.get(op.key)
                if state is None or state.status == "trash" or state.id != op.id:
                    return WriteResult(ok=True, id=op.id or 0, recovered=True)
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


def _settle(kind: Kind, op: WriteOp, found: Found | None) -> WriteResult | None:
    """After an unknown outcome: the result the store's current state proves, or None (send again)."""
    if op.op is Op.CREATE:
        if found is None:
            return None
        return _ok(kind, found.id, found.body, recovered=True)
    if op.op is Op.DELETE:
        return WriteResult(ok=True, id=op.id or 0, recovered=True) if found is None else None
    # update: applied if the store changed the object since planning; else sending again is harmless
    if found is None:
        return WriteResult(ok=False, id=op.id or 0, error="the resource no longer exists in the store")
    if found.status == "trash" and op.payload.get("status", "trash") != "trash":
        return None  # a restore that did not happen: still in the trash, send it again
    if op.date_modified and found.date_modified and found.date_modified != op.date_modified:
        return _ok(kind, found.id, found.body, recovered=True)
    return None


# -- re-reading after an unknown outcome ----------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A resource as the store has it now (re-read by natural key)."""

    id: int
    date_modified: str | None = None
    status: str | None = None
    body: dict[str, Any] = field(default_factory=dict)


_TERM_LISTS = {Kind.CATEGORY: "products/categories", Kind.TAG: "products/tags",
               Kind.SHIPPING_CLASS: "products/shipping_classes"}


async def reread(client: WooClient, kind: Kind, ops: Sequence[WriteOp]) -> dict[str, Found]:
    """Re-read the resources ``ops`` write, by natural key (SKU, slug, attribute combination)."""
    if not ops:
        return {}
    if any(op.op is Op.TRASH for op in ops):
        return await _reread_by_id(client, kind, ops)
    if kind is Kind.PRODUCT:
        found = await _products_by_sku(client, ops, "any")
        # a restore (an update of a trashed product) that did not happen leaves it in the trash, which
        # status=any does not list; creates never match a trashed product
        lost = [op for op in ops if op.op is Op.UPDATE and op.key not in found]
        if lost:
            found.update(await _products_by_sku(client, lost, "trash"))
        return found
    if kind is Kind.VARIATION:
        path = f"products/{ops[0].parent_id}/variations"
        rows = await client.list_all(path)
        found = {op.key: _found(row) for op in ops if (row := _match_variation(op, rows)) is not None}
        # a restore that did not happen leaves the variation in the trash, listed only with status=trash (11#9)
        lost = [op for op in ops if op.op is Op.UPDATE and op.key not in found]
        if lost:
            trashed = await client.list_all(path, {"status": "trash"})
            found.update({op.key: _found(row) for op in lost if (row := _match_variation(op, trashed)) is not None})
        return found
    if kind is Kind.ATTRIBUTE:
        rows = await client.list_all("products/attributes")
        slugs = {str(r.get("slug") or "").removeprefix("pa_"): r for r in rows}
        return {op.key: _found(slugs[op.key]) for op in ops if op.key in slugs}
    path = f"products/attributes/{ops[0].parent_id}/terms" if kind is Kind.TERM else _TERM_LISTS[kind]
    rows = await client.list_all(path)
    out: dict[str, Found] = {}
    for op in ops:
        leaf = op.key.rsplit("/", 1)[-1]
        for row in rows:
            if row.get("slug") != leaf and row.get("id") != op.id:
                continue
            if kind is Kind.CATEGORY and "parent" in op.payload and row.get("parent") != op.payload["parent"]:
                continue
            out[op.key] = _found(row)
            break
    return out


async def _products_by_sku(client: WooClient, ops: Sequence[WriteOp], status: str) -> dict[str, Found]:
    skus = sorted({op.key for op in ops})
    rows = await client.list_all("products", {"sku": ",".join(skus), "status": status})
    by_sku = {str(r.get("sku") or "").strip().lower(): r for r in rows if r.get("type") != "variation"}
    return {op.key: _found(row) for op in ops if (row := by_sku.get(op.key.strip().lower())) is not None}


async def _reread_by_id(client: WooClient, kind: Kind, ops: Sequence[WriteOp]) -> dict[str, Found]:
    out: dict[str, Found] = {}
    for op in ops:
        try:
            row = await client.get(item_path(kind, op.id, op.parent_id))
        except RequestFailed as exc:
            if exc.status in (400, 404, 410):
                continue
            raise
        if isinstance(row, dict):
            out[op.key] = _found(row)
    return out


def _found(row: dict[str, Any]) -> Found:
    modified = row.get("date_modified_gmt") or row.get("date_modified")
    return Found(id=int(row.get("id") or 0), date_modified=str(modified) if modified else None,
                 status=row.get("status"), body=row)


def _combo(attrs: Any) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for attr in attrs or ():
        if not isinstance(attr, dict):
            continue
        ref = str(attr["id"]) if attr.get("id") else str(attr.get("name") or "").lower()
        # a global option comes back as the term's entity-encoded name (``Rot &amp; Weiß``, 11#72)
        out.add((ref, html.unescape(str(attr.get("option") or "")).lower()))
    return out


def _match_variation(op: WriteOp, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    sku = str(op.payload.get("sku") or "").strip().lower()
    if sku:
        return next((r for r in rows if str(r.get("sku") or "").strip().lower() == sku), None)
    if op.id:
        return next((r for r in rows if r.get("id") == op.id), None)
    wanted = _combo(op.payload.get("attributes"))
    return next((r for r in rows if _combo(r.get("attributes")) == wanted), None) if wanted else None
