"""Adaptive bounded concurrency (AIMD) for requests to one store.

At most ``limit`` requests are in flight. When the store pushes back (429 or 503) the limit halves
(multiplicative decrease, never below 1) — once per congestion event: pushbacks on requests that were already
in flight when the limit last dropped do not halve it again. Every ``recovery`` successful responses raise it
by one (additive increase), up to the configured maximum. ``max_in_flight`` records the most requests ever in flight,
so tests can assert the bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class AdaptiveLimiter:
    def __init__(self, maximum: int, *, recovery: int = 8) -> None:
        if maximum < 1:
            raise ValueError("concurrency must be at least 1")
        self.maximum = maximum
        self.limit = maximum
        self.recovery = recovery
        self.in_flight = 0
        self.max_in_flight = 0
        self._successes = 0
        #: bumped on every decrease; a request remembers the epoch it started in
        self.epoch = 0
        self._cond = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        """Hold one request slot for the duration of the block; yields the epoch the request started in."""
        async with self._cond:
            await self._cond.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield self.epoch
        finally:
            async with self._cond:
                self.in_flight -= 1
                self._cond.notify_all()

    def pushed_back(self, epoch: int | None = None) -> None:
        """The store answered 429/503 to a request started in ``epoch``: halve the limit, unless it was
        already halved since that request started (one decrease per congestion event)."""
        if epoch is not None and epoch != self.epoch:
            return
        self.limit = max(1, self.limit // 2)
        self.epoch += 1
        self._successes = 0

    async def succeeded(self) -> None:
        """A request went through: recover one slot every ``recovery`` successes."""
        if self.limit >= self.maximum:
            return
        self._successes += 1
        if self._successes >= self.recovery:
            self._successes = 0
            async with self._cond:
                self.limit += 1
                self._cond.notify_all()
