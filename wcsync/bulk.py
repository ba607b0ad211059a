"""Building a whole store's catalogue at once (read, exported, written: millions of small objects) without
paying for CPython's cyclic garbage collector over and over.

The collector runs after every few hundred allocations and, as the heap grows, re-scans all of it again and
again: for an import of 10,000 products / 40,000 variations that was about a quarter of the client's CPU, for
objects that are freed by reference counting anyway (JSON bodies, records, documents hold no cycles).
``paused_gc`` switches the automatic collector off for such a stretch and back on after it; nested and
interleaved pauses (concurrent tasks, threads) leave it on once the last one that found it on is done.

``run_async`` runs a coroutine like ``asyncio.run`` but does not leave a large result on the main task:
on Python 3.11 ``asyncio.run`` formats the repr of the main task — result included — when it restores the
SIGINT handler (``signal.signal`` → ``enum`` → ``ValueError("%r …")``), which for a ``LiveState`` of a
10,000-product store cost about a second of CPU, twice.
"""

from __future__ import annotations

import asyncio
import functools
import gc
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """The automatic cyclic garbage collector off for the ``with`` block (back on after, if it was on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def gc_paused(fn: Callable[P, Awaitable[T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    """Decorator: ``paused_gc`` around a whole coroutine function (across its awaits)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with paused_gc():
            return await fn(*args, **kwargs)

    return wrapper


def run_async(main: Awaitable[T]) -> T:
    """``asyncio.run(main)`` with the result handed back outside the main task (see the module's note)."""
    box: list[T] = []

    async def runner() -> None:
        box.append(await main)

    asyncio.run(runner())
    return box[0]
