"""AdaptiveLimiter (AIMD) and the retry delays."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import pytest

from wcsync.store.limiter import AdaptiveLimiter
from wcsync.store.retry import RetryPolicy, parse_retry_after


def test_pushback_halves_and_successes_recover_one_slot_at_a_time() -> None:
    async def main() -> list[int]:
        limiter = AdaptiveLimiter(8, recovery=3)
        seen = [limiter.limit]
        limiter.pushed_back()
        seen.append(limiter.limit)
        limiter.pushed_back()
        seen.append(limiter.limit)
        for _ in range(3):
            await limiter.succeeded()
        seen.append(limiter.limit)
        for _ in range(30):
            await limiter.succeeded()
        seen.append(limiter.limit)
        for _ in range(5):
            limiter.pushed_back()
        seen.append(limiter.limit)
        return seen

    assert asyncio.run(main()) == [8, 4, 2, 3, 8, 1]


def test_slots_never_exceed_the_limit() -> None:
    async def main() -> tuple[int, int]:
        limiter = AdaptiveLimiter(3)
        running = 0
        worst = 0

        async def job() -> None:
            nonlocal running, worst
            async with limiter.slot():
                running += 1
                worst = max(worst, running)
                await asyncio.sleep(0.001)
                running -= 1

        await asyncio.gather(*(job() for _ in range(40)))
        return worst, limiter.max_in_flight

    assert asyncio.run(main()) == (3, 3)


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="concurrency must be at least 1"):
        AdaptiveLimiter(0)


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Sat, 28 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_grows_exponentially_with_jitter_and_caps() -> None:
    policy = RetryPolicy(base=1.0, cap=10.0, max_retry_after=60.0, rng=random.Random(3))
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)]:
        delays = [policy.delay(attempt) for _ in range(200)]
        assert min(delays) >= 0 and max(delays) <= ceiling
        assert max(delays) > ceiling / 2  # jitter spreads over the whole window
    assert policy.delay(1, retry_after=30) == 30
    assert policy.delay(1, retry_after=3600) == 60  # a store asking for an hour gets a minute


def test_gather_all_keeps_order_and_raises_the_first_error_cancelling_the_rest() -> None:
    from wcsync.errors import StoreError
    from wcsync.store.concurrent import gather_all

    cancelled: list[int] = []

    async def ok(n: int) -> int:
        await asyncio.sleep(0.001 * (5 - n))
        return n

    async def slow(n: int) -> int:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(n)
            raise
        return n

    async def boom() -> int:
        await asyncio.sleep(0.001)
        raise StoreError("the store said no")

    assert asyncio.run(gather_all(ok(n) for n in range(5))) == [0, 1, 2, 3, 4]
    with pytest.raises(StoreError, match="the store said no"):
        asyncio.run(gather_all([slow(1), boom(), slow(2)]))
    assert sorted(cancelled) == [1, 2]


def test_one_congestion_event_halves_once() -> None:
    async def main() -> list[int]:
        limiter = AdaptiveLimiter(8)
        epochs = []
        for _ in range(4):  # four requests in flight together, all answered 429
            async with limiter.slot() as epoch:
                epochs.append(epoch)
        for epoch in epochs:
            limiter.pushed_back(epoch)
        seen = [limiter.limit]
        async with limiter.slot() as later:  # a request sent after the decrease
            pass
        limiter.pushed_back(later)
        seen.append(limiter.limit)
        return seen

    assert asyncio.run(main()) == [4, 2]


def test_sliding_keeps_the_window_full_and_stops_at_the_first_error() -> None:
    """``sliding``: at most ``window`` at once, the next starting as soon as any one ends (not when the whole
    window has); the first error cancels the ones running and is raised as itself."""
    from wcsync.store.concurrent import sliding

    async def main() -> tuple[list[str], list[int]]:
        events: list[str] = []
        gates = {i: asyncio.Event() for i in range(6)}
        running: set[int] = set()
        most: list[int] = []

        async def run(i: int) -> None:
            running.add(i)
            most.append(len(running))
            events.append(f"start {i}")
            try:
                await gates[i].wait()
            finally:
                running.discard(i)
            if i == 4:
                raise ValueError("page 4 failed")
            events.append(f"end {i}")

        job = asyncio.ensure_future(sliding(run, range(6), 3))
        for _ in range(5):
            await asyncio.sleep(0)
        assert events == ["start 0", "start 1", "start 2"]
        gates[1].set()  # one ends: the next starts at once, while 0 and 2 still run
        for _ in range(5):
            await asyncio.sleep(0)
        assert events[-2:] == ["end 1", "start 3"]
        gates[3].set()
        for _ in range(5):
            await asyncio.sleep(0)
        assert events[-2:] == ["end 3", "start 4"]
        gates[4].set()
        with pytest.raises(ValueError, match="page 4 failed"):
            await job
        assert not running  # 0 and 2 were cancelled; 5 never started
        return events, most

    events, most = asyncio.run(main())
    assert "start 5" not in events and max(most) == 3
