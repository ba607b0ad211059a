"""Adaptive bounded concurrency (AIMD) for requests to one store.

At most ``limit`` requests are in flight. When the store pushes back (429 or 503) the limit halves
(multiplicative decrease, never below 1); every ``recovery`` successful responses raise it by one again
(additive increase), up to the configured maximum. ``max_in_flight`` records the most requests ever in flight,
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
        self._cond = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one request slot for the duration of the block."""
        async with self._cond:
            await self._cond.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            async with self._cond:
                self.in_flight -= 1
                self._cond.notify_all()

    def pushed_back(self) -> None:
        """The store answered 429/503: halve the limit."""
        self.limit = max(1, self.limit // 2)
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
