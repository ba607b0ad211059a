"""Run coroutines concurrently as one unit: results in order, and on the first failure the others are
cancelled and that failure itself is raised (a ``StoreError`` the CLI can print, not an ``ExceptionGroup``).

``asyncio.gather`` would leave the siblings running after a failure (against a client about to close);
``asyncio.TaskGroup`` cancels them but wraps the error. This is the pair's good half each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def first_error() -> Iterator[None]:
    """Re-raise the first exception of an ``ExceptionGroup`` (from a ``TaskGroup``) unwrapped."""
    try:
        yield
    except BaseExceptionGroup as group:
        first: BaseException = group
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None


async def gather_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Await all concurrently; results in input order; fail fast, cancelling the rest."""

    async def wrap(awaitable: Awaitable[T]) -> T:
        return await awaitable

    with first_error():
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(wrap(a)) for a in awaitables]
    return [task.result() for task in tasks]


async def sliding(run: Callable[[int], Awaitable[None]], items: Iterable[int], window: int) -> None:
    """``run(i)`` for every item, at most ``window`` at once: a new one starts as soon as one ends (batches of
    ``window`` would each wait for their slowest). The first error cancels the rest and is raised."""
    pending: set[asyncio.Task[None]] = set()
    queue = iter(items)
    try:
        while True:
            for item in queue:
                pending.add(asyncio.ensure_future(run(item)))
                if len(pending) >= window:
                    break
            if not pending:
                return
            finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            errors = [task.exception() for task in finished if not task.cancelled()]
            first = next((e for e in errors if e is not None), None)
            if first is not None:
                raise first
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
