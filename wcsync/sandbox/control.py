"""Who may use the sandbox's control endpoints (``/__sandbox/…``: reset the store, load a seed, read the
request log, inject faults).

A web page the user visits could otherwise reset their sandbox: a ``POST`` with ``Content-Type: text/plain``
needs no CORS preflight, and DNS rebinding makes any ``Host`` reach 127.0.0.1. So a control request must

- name a local host in its ``Host`` header (``127.0.0.1``, ``localhost``, ``[::1]``, the in-process
  ``sandbox.invalid``, or the host the server was explicitly bound to) — a rebinding attacker's page sends its
  own domain;
- carry the server's control token (``X-Sandbox-Token: …`` or ``Authorization: Bearer …``; printed by
  ``wcsync sandbox serve`` at start, or chosen with ``--control-token`` / ``WCSYNC_SANDBOX_TOKEN``), or the
  consumer key and secret of one of the store's ``read_write`` keys as Basic credentials (the admin key).
  A browser cannot add either header to a cross-site request without a preflight the sandbox never grants.

``GET /__sandbox/health`` needs only the local ``Host`` (readiness checks poll it before they know anything).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "sandbox.invalid"})
TOKEN_HEADER = "x-sandbox-token"
PUBLIC_PATHS = frozenset({"/__sandbox/health"})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _hostname(host_header: str) -> str:
    """The host of a ``Host`` header (``name``, ``name:port``, ``[v6]:port``); anything else stays as it is
    (and matches no allowed host)."""
    host = host_header.strip().lower()
    if host.startswith("[") and "]" in host:
        name, _, rest = host[1:].partition("]")
        return name if rest == "" or (rest.startswith(":") and rest[1:].isdigit()) else host
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() and ":" not in name else host


class ControlGuard:
    """Checks one control request: a local ``Host``, then the token or an admin key."""

    def __init__(self, token: str, db_path: Path, extra_hosts: Iterable[str] = ()) -> None:
        self.token = token
        self.db_path = db_path
        self.hosts = LOCAL_HOSTS | {_hostname(h) for h in extra_hosts if h not in ("0.0.0.0", "::", "")}

    def refusal(self, request: Request) -> JSONResponse | None:
        """None when the request may go on, else the response to send."""
        if _hostname(request.headers.get("host", "")) not in self.hosts:
            return _refuse(403, "control endpoints answer only requests addressed to 127.0.0.1 or localhost")
        if request.url.path in PUBLIC_PATHS:
            return None
        if self._token_ok(request) or self._admin_key_ok(request.headers.get("authorization", "")):
            return None
        return _refuse(
            401,
            "control endpoints need the token `wcsync sandbox serve` printed at start (X-Sandbox-Token header) "
            "or a read_write key of this store as Basic credentials",
        )

    def _token_ok(self, request: Request) -> bool:
        given = request.headers.get(TOKEN_HEADER)
        auth = request.headers.get("authorization", "")
        if given is None and auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def _admin_key_ok(self, header: str) -> bool:
        if header[:6].lower() != "basic ":
            return False
        try:
            user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        from wcsync.sandbox.db import open_db
        from wcsync.sandbox.keys import find_key

        try:
            conn = open_db(self.db_path)
        except sqlite3.Error:
            return False
        try:
            key = find_key(conn, user)
        finally:
            conn.close()
        return (
            key is not None
            and key.permissions == "read_write"
            and hmac.compare_digest(key.consumer_secret.encode(), password.encode())
        )


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)
