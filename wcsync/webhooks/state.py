"""Receiver state that must outlive a restart and be shared by every receiver of a store.

Two operations, two backends:

- ``claim(key, ttl)``: True the first time ``key`` is seen within ``ttl`` seconds (delivery ids, alert
  fingerprints), False after — so a retried or duplicated delivery, or the same drift seen by two receivers,
  alerts once;
- ``add_pending(items)`` / ``take_pending()``: the products waiting for the end of a coalescing window; taking
  is atomic, so with several receivers exactly one of them plans and alerts each product.

``SqliteState`` (default: one file, one receiver, survives restarts) and ``RedisState`` (``SET NX EX`` and a
set, for several receivers behind a load balancer).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from wcsync.errors import ConfigError

Clock = Callable[[], float]


class StateStore(Protocol):
    def claim(self, key: str, ttl: float) -> bool: ...

    def add_pending(self, items: Iterable[str]) -> None: ...

    def take_pending(self) -> list[str]: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


class SqliteState:
    """State in one SQLite file (created if missing)."""

    def __init__(self, path: str | Path, *, clock: Clock = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
            self._conn.execute("PRAGMA busy_timeout = 30000")
            self._conn.execute("PRAGMA journal_mode = WAL")  # survives a receiver crash; no fsync per claim
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, expires REAL NOT NULL)")
            self._conn.execute("CREATE TABLE IF NOT EXISTS pending (item TEXT PRIMARY KEY)")
        except (OSError, sqlite3.Error) as err:
            raise ConfigError(f"cannot open the receiver state file {self.path}: {err}",
                              hint="pass --state PATH in a writable folder") from err

    def describe(self) -> str:
        return f"SQLite {self.path}"

    def claim(self, key: str, ttl: float) -> bool:
        now = self._clock()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute("DELETE FROM seen WHERE expires <= ?", (now,))
                cursor = self._conn.execute("INSERT OR IGNORE INTO seen (key, expires) VALUES (?, ?)",
                                            (key, now + ttl))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return cursor.rowcount == 1

    def add_pending(self, items: Iterable[str]) -> None:
        with self._lock:
            self._conn.executemany("INSERT OR IGNORE INTO pending (item) VALUES (?)", [(i,) for i in items])

    def take_pending(self) -> list[str]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                items = [row[0] for row in self._conn.execute("SELECT item FROM pending ORDER BY item")]
                self._conn.execute("DELETE FROM pending")
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return items

    def close(self) -> None:
        self._conn.close()


class RedisState:
    """State in Redis, shared by every receiver that uses the same URL and ``prefix``."""

    def __init__(self, url: str, *, prefix: str = "wcsync:watch:", client: Any = None) -> None:
        import redis

        self.prefix = prefix
        self._url = url
        try:
            self._redis = client or redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)
            self._redis.ping()
        except (redis.RedisError, ValueError) as err:
            raise ConfigError(f"cannot reach Redis at {_public(url)}: {err}",
                              hint="check --redis URL (redis://HOST:PORT/DB) and that the server runs") from err

    def describe(self) -> str:
        return f"Redis {_public(self._url)}"

    def claim(self, key: str, ttl: float) -> bool:
        return bool(self._redis.set(self.prefix + "seen:" + key, b"1", nx=True, px=max(1, int(ttl * 1000))))

    def add_pending(self, items: Iterable[str]) -> None:
        values = list(items)
        if values:
            self._redis.sadd(self.prefix + "pending", *values)

    def take_pending(self) -> list[str]:
        pipe = self._redis.pipeline(transaction=True)
        pipe.smembers(self.prefix + "pending")
        pipe.delete(self.prefix + "pending")
        members, _ = pipe.execute()
        return sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members)

    def close(self) -> None:
        self._redis.close()


def _public(url: str) -> str:
    """A Redis URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password or parts.username:
        host = parts.hostname or ""
        netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return url
