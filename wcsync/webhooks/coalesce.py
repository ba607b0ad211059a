"""Coalescing: product events wait in the shared state until their window ends; then one plan covers them
all and at most one alert says what drifted. A bulk edit of 500 products in wp-admin is one alert.

Each drifted product is alerted once per state of the store: its fingerprint (store, SKU, the store's
``date_modified`` and the drifted values) is claimed in the state, so a second receiver, a redelivery with a
new delivery id or a restart does not repeat it. If the check fails (store unreachable, catalogue broken), the
events go back to the pending set and the next window tries again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from wcsync.errors import WcsyncError
from wcsync.webhooks.alerts import Alert, Sink
from wcsync.webhooks.drift import DriftChecker, ProductDrift
from wcsync.webhooks.state import StateStore

Log = Callable[[str], None]
ALERT_TTL = 7 * 24 * 3600.0


def fingerprint(store: str, drift: ProductDrift) -> str:
    text = json.dumps([store, dataclasses.asdict(drift)], sort_keys=True, default=str)
    return "alert:" + hashlib.sha256(text.encode()).hexdigest()


class Watcher:
    def __init__(self, state: StateStore, checker: DriftChecker | Any, sinks: Sequence[Sink], *, store: str,
                 window: float, log: Log, alert_ttl: float = ALERT_TTL) -> None:
        self.state = state
        self.checker = checker
        self.sinks = list(sinks)
        self.store = store
        self.window = window
        self.log = log
        self.alert_ttl = alert_ttl
        self._timer: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one check at a time
        self._pending_lock = asyncio.Lock()  # adding vs. taking the pending set
        self.counters = {"events": 0, "processed": 0, "checks": 0, "alerts": 0, "pending_deliveries": 0}

    async def event(self, resource_id: int) -> None:
        async with self._pending_lock:
            await asyncio.to_thread(self.state.add_pending, [str(resource_id)])
            self.counters["events"] += 1
            self.counters["pending_deliveries"] += 1
        if self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._later())

    async def _later(self) -> None:
        while True:
            await asyncio.sleep(self.window)
            await asyncio.shield(self.flush())
            if not self.counters["pending_deliveries"]:
                return

    async def flush(self) -> None:
        async with self._lock:
            async with self._pending_lock:
                items = await asyncio.to_thread(self.state.take_pending)
                deliveries, self.counters["pending_deliveries"] = self.counters["pending_deliveries"], 0
            if not items:
                self.counters["processed"] += deliveries
                return
            ids = [int(i) for i in items if i.isdigit()]
            try:
                result = await self.checker.check(ids)
            except Exception as err:  # the store or the catalogue: try again after the next window
                await asyncio.to_thread(self.state.add_pending, items)
                self.counters["pending_deliveries"] += deliveries
                what = str(err) if isinstance(err, WcsyncError) else f"unexpected error ({err}); please report it"
                self.log(f"drift check of {len(ids)} resource(s) failed, trying again in {self.window:g}s: {what}")
                return
            try:
                await self._report(result, len(ids), deliveries)
            finally:
                # counted last: /healthz shows a delivery as processed only once its alert (if any) is counted
                self.counters["checks"] += 1
                self.counters["processed"] += deliveries

    async def _report(self, result: Any, resources: int, deliveries: int) -> None:
        fresh = [d for d in result.drifted
                 if await asyncio.to_thread(self.state.claim, fingerprint(self.store, d), self.alert_ttl)]
        self.log(f"checked {len(result.checked)} catalogue product(s) from {resources} changed resource(s): "
                 f"{len(result.drifted)} drifted, {len(fresh)} new, {result.unmanaged} not managed")
        if not fresh:
            return
        alert = Alert(self.store, tuple(fresh), max(deliveries, 1))
        self.counters["alerts"] += 1
        for sink in self.sinks:
            await sink.send(alert)

    async def close(self) -> None:
        """Stop the window timer and check what is still pending (a graceful shutdown loses nothing)."""
        if self._timer is not None and not self._timer.done():
            self._timer.cancel()  # a flush already running is shielded and finishes under the lock
        await self.flush()
