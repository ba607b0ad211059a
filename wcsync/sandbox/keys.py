"""Credentials of the sandbox store: WooCommerce REST API keys, OAuth 1.0a nonces and WordPress application
passwords, kept in the store's SQLite database next to the catalogue tables.

Modelled on WooCommerce's ``woocommerce_api_keys`` table: the consumer key is stored only as
``hmac_sha256("wc-api", key)`` (so it can be looked up, never read back), the consumer secret is stored as is
(WooCommerce needs it to verify OAuth signatures), ``truncated_key`` holds the last seven characters for
display. Every key belongs to the one WordPress user of the sandbox, ``admin`` (user id 1).

Role: storage only. Deciding who a request is belongs to ``wcsync.sandbox.auth``. ``reset_store`` (in
``wcsync.sandbox.db``) empties the catalogue and leaves these tables alone, as resetting a shop keeps its keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import string
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

Permissions = Literal["read", "write", "read_write"]
PERMISSIONS: tuple[Permissions, ...] = ("read", "write", "read_write")

#: the sandbox's only WordPress user: an administrator, like the account a shop owner creates keys with
ADMIN_USER_ID = 1
ADMIN_LOGIN = "admin"
ADMIN_EMAIL = "admin@example.com"

#: WooCommerce forgets OAuth nonces older than its timestamp window (15 minutes)
NONCE_WINDOW_SECONDS = 15 * 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS wc_api_keys (
    key_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL DEFAULT 1,
    description     TEXT    NOT NULL DEFAULT '',
    permissions     TEXT    NOT NULL CHECK (permissions IN ('read', 'write', 'read_write')),
    consumer_key    TEXT    NOT NULL UNIQUE,
    consumer_secret TEXT    NOT NULL,
    truncated_key   TEXT    NOT NULL,
    last_access     TEXT,
    -- only for the key ensure_key hands out to in-process callers; WooCommerce itself keeps no copy
    sandbox_plain_key TEXT
);
CREATE TABLE IF NOT EXISTS wc_oauth_nonces (
    key_id    INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    nonce     TEXT    NOT NULL,
    PRIMARY KEY (key_id, timestamp)
);
CREATE TABLE IF NOT EXISTS wp_application_passwords (
    uuid      TEXT    PRIMARY KEY,
    user_id   INTEGER NOT NULL DEFAULT 1,
    name      TEXT    NOT NULL DEFAULT '',
    password  TEXT    NOT NULL,
    created   INTEGER NOT NULL,
    last_used INTEGER
);
"""


@dataclass(frozen=True)
class ApiKey:
    """One stored key, as the store sees it (``consumer_key`` is the lookup hash, not the key)."""

    key_id: int
    user_id: int
    description: str
    permissions: Permissions
    consumer_secret: str
    truncated_key: str
    last_access: str | None


@contextmanager
def _write(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, also on autocommit connections (``open_db`` makes those): several server
    processes may share the database, so the read-then-write of a nonce must not interleave."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the credential tables if they do not exist (idempotent; called by ``open_db``)."""
    conn.executescript(_SCHEMA)


def api_hash(consumer_key: str) -> str:
    """WooCommerce's ``wc_api_hash``: ``hash_hmac('sha256', key, 'wc-api')``."""
    return hmac.new(b"wc-api", consumer_key.encode("utf-8"), hashlib.sha256).hexdigest()


def create_key(
    conn: sqlite3.Connection, permissions: str = "read_write", description: str = ""
) -> tuple[str, str]:
    """Create an API key for the admin user and return ``(consumer_key, consumer_secret)``.

    Both look like WooCommerce's: ``ck_`` / ``cs_`` followed by 40 lower-case hex digits.
    """
    if permissions not in PERMISSIONS:
        raise ValueError(f"permissions must be one of {', '.join(PERMISSIONS)}, not {permissions!r}")
    ensure_schema(conn)
    consumer_key = "ck_" + secrets.token_hex(20)
    consumer_secret = "cs_" + secrets.token_hex(20)
    with _write(conn):
        conn.execute(
            "INSERT INTO wc_api_keys (user_id, description, permissions, consumer_key, consumer_secret,"
            " truncated_key) VALUES (?, ?, ?, ?, ?, ?)",
            (
                ADMIN_USER_ID,
                description,
                permissions,
                api_hash(consumer_key),
                consumer_secret,
                consumer_key[-7:],
            ),
        )
    return consumer_key, consumer_secret


def ensure_key(conn: sqlite3.Connection) -> tuple[str, str]:
    """Return the read_write key the sandbox hands to in-process callers, creating it the first time.

    WooCommerce keeps only a hash of a consumer key, so an ordinary key cannot be read back; this one key
    (description ``wcsync sandbox (in-process)``) keeps a copy so the ``sandbox:PATH`` quick start needs no
    credentials.
    """
    ensure_schema(conn)
    row = conn.execute(
        "SELECT sandbox_plain_key, consumer_secret FROM wc_api_keys"
        " WHERE permissions = 'read_write' AND sandbox_plain_key IS NOT NULL ORDER BY key_id LIMIT 1"
    ).fetchone()
    if row is not None:
        return str(row[0]), str(row[1])
    consumer_key, consumer_secret = create_key(conn, "read_write", IN_PROCESS_KEY_DESCRIPTION)
    with _write(conn):
        conn.execute(
            "UPDATE wc_api_keys SET sandbox_plain_key = ? WHERE consumer_key = ?",
            (consumer_key, api_hash(consumer_key)),
        )
    return consumer_key, consumer_secret


IN_PROCESS_KEY_DESCRIPTION = "wcsync sandbox (in-process)"


def find_key(conn: sqlite3.Connection, consumer_key: str) -> ApiKey | None:
    """The key whose consumer key is ``consumer_key``, or None (WooCommerce's ``get_user_data_by_consumer_key``)."""
    row = conn.execute(
        "SELECT key_id, user_id, description, permissions, consumer_secret, truncated_key, last_access"
        " FROM wc_api_keys WHERE consumer_key = ?",
        (api_hash(consumer_key.strip()),),
    ).fetchone()
    if row is None:
        return None
    return ApiKey(int(row[0]), int(row[1]), str(row[2]), row[3], str(row[4]), str(row[5]), row[6])


def list_keys(conn: sqlite3.Connection) -> list[ApiKey]:
    """Every key, oldest first (secrets included: callers must not print them)."""
    ensure_schema(conn)
    rows = conn.execute(
        "SELECT key_id, user_id, description, permissions, consumer_secret, truncated_key, last_access"
        " FROM wc_api_keys ORDER BY key_id"
    ).fetchall()
    return [ApiKey(int(r[0]), int(r[1]), str(r[2]), r[3], str(r[4]), str(r[5]), r[6]) for r in rows]


def touch_key(conn: sqlite3.Connection, key: ApiKey, *, now: float | None = None) -> None:
    """Record the key's last access (WooCommerce's ``update_last_access``).

    At most once a minute per key: a write per request would make every read contend for the database
    lock with the other server processes sharing it.
    """
    moment = time.gmtime(time.time() if now is None else now)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", moment)
    if key.last_access is not None and key.last_access[:16] == stamp[:16]:
        return
    with _write(conn):
        conn.execute("UPDATE wc_api_keys SET last_access = ? WHERE key_id = ?", (stamp, key.key_id))


def use_nonce(conn: sqlite3.Connection, key_id: int, timestamp: int, nonce: str, *, now: float) -> bool:
    """Remember ``nonce`` for ``key_id``; False when this key already used it within the window.

    Like WooCommerce, nonces are remembered per key *by timestamp*: a second nonce with the same timestamp
    replaces the first one, and nonces older than the window are forgotten.
    """
    with _write(conn):
        used = conn.execute(
            "SELECT 1 FROM wc_oauth_nonces WHERE key_id = ? AND nonce = ? LIMIT 1", (key_id, nonce)
        ).fetchone()
        if used is not None:
            return False
        conn.execute(
            "INSERT OR REPLACE INTO wc_oauth_nonces (key_id, timestamp, nonce) VALUES (?, ?, ?)",
            (key_id, timestamp, nonce),
        )
        conn.execute(
            "DELETE FROM wc_oauth_nonces WHERE key_id = ? AND timestamp < ?",
            (key_id, int(now) - NONCE_WINDOW_SECONDS),
        )
    return True


# --- WordPress application passwords ---------------------------------------------------------------------

_APP_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def _hash_app_password(password: str, salt: str) -> str:
    return salt + "$" + hashlib.sha256((salt + password).encode("utf-8")).hexdigest()


def _normalise_app_password(password: str) -> str:
    # WordPress strips everything but letters and digits, so the displayed "abcd efgh …" form works too
    return "".join(ch for ch in password if ch.isascii() and ch.isalnum())


def create_app_password(conn: sqlite3.Connection, user: str = ADMIN_LOGIN, name: str = "wcsync") -> str:
    """Create an application password for the admin user and return it as WordPress shows it once:
    24 letters and digits in groups of four (``abcd EFGH 1234 …``)."""
    if user not in (ADMIN_LOGIN, ADMIN_EMAIL):
        raise ValueError(f"the sandbox has one WordPress user, {ADMIN_LOGIN!r}; not {user!r}")
    ensure_schema(conn)
    raw = "".join(secrets.choice(_APP_PASSWORD_ALPHABET) for _ in range(24))
    with _write(conn):
        conn.execute(
            "INSERT INTO wp_application_passwords (uuid, user_id, name, password, created) VALUES (?, ?, ?, ?, ?)",
            (
                secrets.token_hex(16),
                ADMIN_USER_ID,
                name,
                _hash_app_password(raw, secrets.token_hex(8)),
                int(time.time()),
            ),
        )
    return " ".join(raw[i : i + 4] for i in range(0, 24, 4))


def user_id_for_login(login: str) -> int | None:
    """WordPress accepts the login name or the e-mail address."""
    return ADMIN_USER_ID if login in (ADMIN_LOGIN, ADMIN_EMAIL) else None


def check_app_password(conn: sqlite3.Connection, user_id: int, password: str) -> bool:
    """True when ``password`` is one of the user's application passwords (records its last use)."""
    candidate = _normalise_app_password(password)
    rows = conn.execute(
        "SELECT uuid, password FROM wp_application_passwords WHERE user_id = ?", (user_id,)
    ).fetchall()
    for uuid, stored in rows:
        salt = str(stored).split("$", 1)[0]
        if hmac.compare_digest(_hash_app_password(candidate, salt), str(stored)):
            with _write(conn):
                conn.execute(
                    "UPDATE wp_application_passwords SET last_used = ? WHERE uuid = ?",
                    (int(time.time()), uuid),
                )
            return True
    return False
