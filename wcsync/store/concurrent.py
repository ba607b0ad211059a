"""Run coroutines concurrently as one unit: results in order, and on the first failure the others are
cancelled and that failure itself is raised (a ``StoreError`` the CLI can print, not an ``ExceptionGroup``).

``asyncio.gather`` would leave the siblings running after a failure (against a client about to close);
``asyncio.TaskGroup`` cancels them but wraps the error. This is the pair's good half each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Iterator
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
