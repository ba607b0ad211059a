"""wcsync.sandbox.keys: key format and storage, the in-process key, nonces, application passwords."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wcsync.sandbox import keys


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "keys.db", isolation_level=None)
    keys.ensure_schema(connection)
    yield connection
    connection.close()


def test_keys_look_like_woocommerce_keys_and_only_a_hash_is_stored(conn: sqlite3.Connection) -> None:
    key, secret = keys.create_key(conn, "read", "reporting")
    assert re.fullmatch(r"ck_[0-9a-f]{40}", key) and re.fullmatch(r"cs_[0-9a-f]{40}", secret)
    row = conn.execute(
        "SELECT consumer_key, consumer_secret, truncated_key, permissions, description FROM wc_api_keys"
    ).fetchone()
    assert row == (keys.api_hash(key), secret, key[-7:], "read", "reporting")
    found = keys.find_key(conn, key)
    assert found is not None and (found.permissions, found.description, found.user_id) == (
        "read",
        "reporting",
        1,
    )
    assert keys.find_key(conn, "ck_" + "0" * 40) is None


def test_api_hash_is_woocommerce_wc_api_hash() -> None:
    import hashlib
    import hmac

    assert keys.api_hash("ck_abc") == hmac.new(b"wc-api", b"ck_abc", hashlib.sha256).hexdigest()


def test_create_key_rejects_unknown_permissions(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="permissions must be one of read, write, read_write, not 'admin'"):
        keys.create_key(conn, "admin")


def test_ensure_key_returns_the_same_read_write_key(conn: sqlite3.Connection) -> None:
    keys.create_key(conn, "read_write", "someone else's")  # cannot be handed out: only its hash is kept
    first = keys.ensure_key(conn)
    assert keys.ensure_key(conn) == first
    found = keys.find_key(conn, first[0])
    assert found is not None and found.consumer_secret == first[1] and found.permissions == "read_write"
    assert found.description == keys.IN_PROCESS_KEY_DESCRIPTION
    assert len(keys.list_keys(conn)) == 2


def test_nonces_are_single_use_per_key_and_forgotten_after_the_window(conn: sqlite3.Connection) -> None:
    now = time.time()
    assert keys.use_nonce(conn, 1, int(now), "n1", now=now)
    assert not keys.use_nonce(conn, 1, int(now), "n1", now=now)
    assert keys.use_nonce(conn, 2, int(now), "n1", now=now)  # another key
    # WooCommerce keys nonces by timestamp: a later nonce with the same timestamp replaces the first
    assert keys.use_nonce(conn, 1, int(now), "n2", now=now)
    assert keys.use_nonce(conn, 1, int(now), "n1", now=now)
    # expired entries are dropped on the next use
    later = now + keys.NONCE_WINDOW_SECONDS + 5
    assert keys.use_nonce(conn, 1, int(later), "n3", now=later)
    assert conn.execute("SELECT nonce FROM wc_oauth_nonces WHERE key_id = 1").fetchall() == [("n3",)]


def test_app_passwords(conn: sqlite3.Connection) -> None:
    shown = keys.create_app_password(conn)
    assert re.fullmatch(r"([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}", shown)
    assert keys.check_app_password(conn, 1, shown)
    assert keys.check_app_password(conn, 1, shown.replace(" ", ""))
    assert not keys.check_app_password(conn, 1, shown.lower() if shown != shown.lower() else shown.upper())
    assert not keys.check_app_password(conn, 1, "")
    assert shown.replace(" ", "") not in str(
        conn.execute("SELECT * FROM wp_application_passwords").fetchall()
    )
    assert keys.user_id_for_login("admin") == 1 and keys.user_id_for_login("admin@example.com") == 1
    assert keys.user_id_for_login("editor") is None
    with pytest.raises(ValueError, match="one WordPress user"):
        keys.create_app_password(conn, user="editor")


def test_touch_key_writes_at_most_once_a_minute(conn: sqlite3.Connection) -> None:
    key, _ = keys.create_key(conn)
    found = keys.find_key(conn, key)
    assert found is not None
    keys.touch_key(conn, found, now=1_800_000_000)
    first = keys.find_key(conn, key)
    assert first is not None and first.last_access == "2027-01-15 08:00:00"
    keys.touch_key(conn, first, now=1_800_000_030)
    assert keys.find_key(conn, key).last_access == "2027-01-15 08:00:00"  # type: ignore[union-attr]
    keys.touch_key(conn, first, now=1_800_000_075)
    assert keys.find_key(conn, key).last_access == "2027-01-15 08:01:15"  # type: ignore[union-attr]
