"""Dedupe and pending state: SQLite (survives a restart) and a real redis-server (shared by receivers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wcsync.errors import ConfigError
from wcsync.webhooks.state import RedisState, SqliteState, StateStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "redis"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Opens a state store; every store opened by one test shares the same data (file or server)."""
    opened: list[StateStore] = []
    if request.param == "sqlite":
        def open_() -> StateStore:
            store = SqliteState(tmp_path / "state.db")
            opened.append(store)
            return store
    else:
        url = request.getfixturevalue("redis_url")

        def open_() -> StateStore:
            store = RedisState(url, prefix="t:")
            opened.append(store)
            return store
    yield open_
    for store in opened:
        store.close()


def test_a_key_is_claimed_once_across_restarts_and_receivers(opener: Any) -> None:
    first = opener()
    assert first.claim("delivery:abc", 3600) is True
    assert first.claim("delivery:abc", 3600) is False
    assert first.claim("delivery:other", 3600) is True
    first.close()
    second, third = opener(), opener()  # a restarted receiver, and a second one behind the load balancer
    assert second.claim("delivery:abc", 3600) is False
    assert third.claim("delivery:abc", 3600) is False


def test_pending_items_are_taken_by_exactly_one_receiver(opener: Any) -> None:
    one, two = opener(), opener()
    one.add_pending(["12", "7"])
    two.add_pending(["7", "30"])
    taken = [one.take_pending(), two.take_pending()]
    assert taken == [["12", "30", "7"], []]


def test_sqlite_claims_expire(tmp_path: Path) -> None:
    clock = Clock()
    store = SqliteState(tmp_path / "s.db", clock=clock)
    assert store.claim("k", 60)
    clock.now += 59
    assert not store.claim("k", 60)
    clock.now += 2
    assert store.claim("k", 60)
    store.close()


def test_redis_claims_expire(redis_url: str) -> None:
    import redis

    store = RedisState(redis_url, prefix="x:")
    assert store.claim("k", 600)
    ttl = redis.Redis.from_url(redis_url).pttl("x:seen:k")
    assert 0 < ttl <= 600_000
    store.close()


def test_unreachable_redis_is_a_config_error_without_the_password() -> None:
    with pytest.raises(ConfigError) as caught:
        RedisState("redis://user:hunter2-secret@127.0.0.1:1/0")
    assert "hunter2" not in str(caught.value) and "***@127.0.0.1:1" in str(caught.value)
