"""Take a store's apply lock from a test, as another runner would."""

from __future__ import annotations

import asyncio
from pathlib import Path

from wcsync.settings import StoreSettings
from wcsync.store.lock import StoreLock


def hold_lock(db: Path, *, holder: str) -> None:
    """Acquire the lock of the sandbox store at ``db`` and never release it (a killed run's lock)."""
    from wcsync.cli.connect import open_client

    async def go() -> None:
        async with open_client(StoreSettings(name="shop", url=f"sandbox:{db}")) as client:
            await StoreLock(client, store="shop", holder=holder, renew=False).acquire()

    asyncio.run(go())
