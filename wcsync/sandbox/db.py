"""SQLite storage of the sandbox store: schema, id sequences, clock and reset.

One database file may be served by several processes at once (WAL journal + busy timeout). Products,
variations and attachments share one id sequence (WordPress ``wp_posts``); categories, tags, shipping
classes and attribute terms share another (``wp_terms``); global attributes and meta rows have their own.
Rows keep the searchable columns (status, sku, slug, dates, price) next to a JSON document ``data`` with
every stored field. This module must not know WooCommerce's wire format.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as _dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: First ids handed out by a fresh store: those of the recorded WooCommerce store, so that replayed
#: captures read naturally (its "Uncategorized" category is term 15, its first product post 429).
FIRST_IDS = {"post": 429, "term": 18, "attribute": 1, "meta": 8272}
DEFAULT_CATEGORY_ID = 15

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sb_sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sb_posts (
    id INTEGER PRIMARY KEY,
    post_type TEXT NOT NULL,          -- product | product_variation | attachment
    parent_id INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'publish',
    type TEXT NOT NULL DEFAULT '',
    sku TEXT NOT NULL DEFAULT '',
    sku_lower TEXT NOT NULL DEFAULT '',
    slug TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    menu_order INTEGER NOT NULL DEFAULT 0,
    price REAL,
    date_created TEXT NOT NULL DEFAULT '',
    date_modified TEXT NOT NULL DEFAULT '',
    search TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS sb_posts_type_status ON sb_posts (post_type, status, id);
CREATE INDEX IF NOT EXISTS sb_posts_parent ON sb_posts (parent_id, post_type);
CREATE INDEX IF NOT EXISTS sb_posts_sku ON sb_posts (sku_lower);
CREATE INDEX IF NOT EXISTS sb_posts_slug ON sb_posts (slug);
CREATE INDEX IF NOT EXISTS sb_posts_modified ON sb_posts (post_type, date_modified);
CREATE INDEX IF NOT EXISTS sb_posts_created ON sb_posts (post_type, date_created, id);
CREATE INDEX IF NOT EXISTS sb_posts_gtin ON sb_posts (json_extract(data, '$.global_unique_id'));
CREATE TABLE IF NOT EXISTS sb_terms (
    id INTEGER PRIMARY KEY,
    taxonomy TEXT NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    parent INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    menu_order INTEGER NOT NULL DEFAULT 0,
    display TEXT NOT NULL DEFAULT 'default',
    image_id INTEGER
);
CREATE INDEX IF NOT EXISTS sb_terms_tax_slug ON sb_terms (taxonomy, slug);
CREATE INDEX IF NOT EXISTS sb_terms_tax_parent ON sb_terms (taxonomy, parent);
CREATE TABLE IF NOT EXISTS sb_term_relationships (
    post_id INTEGER NOT NULL,
    term_id INTEGER NOT NULL,
    PRIMARY KEY (post_id, term_id)
);
CREATE INDEX IF NOT EXISTS sb_term_rel_term ON sb_term_relationships (term_id, post_id);
CREATE TABLE IF NOT EXISTS sb_attributes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'select',
    order_by TEXT NOT NULL DEFAULT 'menu_order',
    has_archives INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sb_uploads (name TEXT PRIMARY KEY);
"""

_MY_TABLES = (
    "sb_posts",
    "sb_terms",
    "sb_term_relationships",
    "sb_attributes",
    "sb_uploads",
    "sb_sequences",
)


def open_db(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the store database at ``path`` and make sure every table exists.

    The connection is in autocommit mode; writers wrap their work in :func:`transaction`.
    """
    conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    with contextlib.suppress(sqlite3.OperationalError):  # e.g. a read-only medium
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(_SCHEMA)
    _ensure_key_schema(conn)
    _initialise_if_new(conn)
    return conn


def _initialise_if_new(conn: sqlite3.Connection) -> None:
    """A new file gets the fresh store's content — once, even when two servers open it together."""
    if conn.execute("SELECT COUNT(*) FROM sb_sequences").fetchone()[0]:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT COUNT(*) FROM sb_sequences").fetchone()[0] == 0:
            _fill_fresh(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _ensure_key_schema(conn: sqlite3.Connection) -> None:
    from wcsync.sandbox import keys  # the credential tables live in the same file (reset keeps them)

    keys.ensure_schema(conn)


def reset_store(conn: sqlite3.Connection) -> None:
    """Empty the catalogue to what a fresh WooCommerce has: only the "Uncategorized" category.

    Tables this module did not create (API keys, OAuth nonces) are left alone.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        _fill_fresh(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _fill_fresh(conn: sqlite3.Connection) -> None:
    for table in _MY_TABLES:
        conn.execute(f"DELETE FROM {table}")
    for name, first in FIRST_IDS.items():
        conn.execute("INSERT INTO sb_sequences (name, value) VALUES (?, ?)", (name, first))
    conn.execute(
        "INSERT INTO sb_terms (id, taxonomy, name, slug) VALUES (?, 'product_cat', 'Uncategorized', "
        "'uncategorized')",
        (DEFAULT_CATEGORY_ID,),
    )


class transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def next_id(conn: sqlite3.Connection, sequence: str) -> int:
    """Hand out the next id of ``sequence`` (post, term, attribute, meta)."""
    row = conn.execute(
        "UPDATE sb_sequences SET value = value + 1 WHERE name = ? RETURNING value - 1", (sequence,)
    ).fetchone()
    if row is None:
        raise KeyError(sequence)
    return int(row[0])


def _wall_clock() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


_clock: Callable[[], _dt.datetime] = _wall_clock


def set_clock(clock: Callable[[], _dt.datetime] | None) -> None:
    """Replace the store clock (tests replaying recorded scenarios); ``None`` restores the wall clock."""
    global _clock
    _clock = clock or _wall_clock


def now() -> _dt.datetime:
    """The store clock (naive UTC, one-second resolution, like WordPress)."""
    moment = _clock()
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.UTC)
    return moment.replace(microsecond=0, tzinfo=None)


def unix(moment: _dt.datetime) -> int:
    return calendar.timegm(moment.timetuple())


def iso(moment: _dt.datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") if moment is not None else None


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
