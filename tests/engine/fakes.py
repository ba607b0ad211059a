"""An in-memory writer for executor tests: records every call and answers per op."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wcsync.core.kinds import Kind
from wcsync.engine.model import Op, WriteOp, WriteResult


class FakeWriter:
    def __init__(self, *, fail: dict[str, str] | None = None, first_id: int = 100,
                 image_ids: dict[str, tuple[int, ...]] | None = None,
                 images: dict[str, tuple[dict[str, Any], ...]] | None = None) -> None:
        self.calls: list[tuple[Kind, list[WriteOp]]] = []
        self.fail = fail or {}
        self.next_id = first_id
        self.image_ids = image_ids or {}
        #: the images the store answers per key (id, src, alt, name); unknown (None) unless given
        self.images = images or {}

    async def write(self, kind: Kind, ops: Sequence[WriteOp]) -> list[WriteResult]:
        self.calls.append((kind, list(ops)))
        out = []
        for op in ops:
            if (op.key in self.fail and op.op is not Op.UPDATE) or f"{op.op.value}:{op.key}" in self.fail:
                error = self.fail.get(op.key) or self.fail[f"{op.op.value}:{op.key}"]
                out.append(WriteResult(ok=False, id=0 if op.op is Op.CREATE else (op.id or 0), error=error))
                continue
            if op.op is Op.CREATE:
                self.next_id += 1
                id_ = self.next_id
            else:
                id_ = op.id or 0
            answered = self.images.get(op.key)
            ids = self.image_ids.get(op.key)
            if answered is not None and ids is None:
                ids = tuple(int(img["id"]) for img in answered)
            out.append(WriteResult(ok=True, id=id_, image_ids=ids, images=answered))
        return out

    def sequence(self) -> list[tuple[str, str, str]]:
        """(kind, op, key) of every op in call order."""
        return [(k.value, op.op.value, op.key) for k, ops in self.calls for op in ops]
