"""Open a client for a configured store: a real HTTPS/HTTP client, or, for a ``sandbox:PATH`` store URL, the
embedded sandbox served in-process through an httpx ASGI transport (no socket) with its own API key.
Also: where a store's credentials came from, said so that error hints name the right variable or setting.

The CLI may import the sandbox; ``wcsync.store`` never does — that is why this lives here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from wcsync.cli.common import status
from wcsync.errors import ConfigError
from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.client import Notify, Progress, WooClient

#: base URL of the in-process sandbox (``.invalid`` can never resolve: nothing leaves the process)
SANDBOX_BASE_URL = "https://sandbox.invalid"
#: ``${VAR}`` as the whole value of a project-file credential field


def sandbox_path(settings: StoreSettings) -> str:
    path = settings.url.removeprefix("sandbox:")
    if not path:
        raise ConfigError(
            f"store {settings.name!r}: the sandbox URL {settings.url!r} names no database file",
            hint="write it as sandbox:PATH, e.g. sandbox:.wcsync/sandbox.db",
        )
    return path


def open_client(
    settings: StoreSettings, *, progress: Progress | None = None, notify: Notify | None = None
) -> WooClient:
    """A ``WooClient`` for ``settings`` (use it as an async context manager). ``notify`` hears status lines
    (retries); a sandbox store that does not exist yet is created, and said so on stderr."""
    if not settings.is_sandbox:
        return WooClient(settings, progress=progress, notify=notify)
    from pydantic import SecretStr

    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.keys import ensure_key

    path = sandbox_path(settings)
    created = not Path(path).exists()
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = open_db(path)
    except (OSError, sqlite3.Error) as err:
        raise ConfigError(
            f"store {settings.name!r}: cannot open the sandbox store {path}: {err}",
            hint="check the path after sandbox: and the permissions of its folder",
        ) from err
    try:
        key, secret = ensure_key(conn)
    finally:
        conn.close()
    if created:
        (notify or status)(f"created a new, empty sandbox store at {Path(path).resolve()}")
    sandbox_settings = settings.model_copy(
        update={
            "auth": AuthMethod.BASIC,
            "consumer_key": SecretStr(key),
            "consumer_secret": SecretStr(secret),
        }
    )
    return WooClient(
        sandbox_settings,
        transport=_sandbox_transport(path),
        base_url=SANDBOX_BASE_URL,
        progress=progress,
        notify=notify,
    )


def _sandbox_transport(path: str) -> httpx.AsyncBaseTransport:
    from wcsync.sandbox.server import asgi_transport

    return asgi_transport(path)
