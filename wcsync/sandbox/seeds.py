"""Named live states of the sandbox store: JSON files of REST calls replayed through the store's own routes.

A seed is ``wcsync/sandbox/seeds/NAME.json``: either a list of calls or ``{"description": …, "calls": [...]}``.
A call is ``{"method", "path", "query"?, "body"?, "bind"?}``; ``path`` is a ``/wp-json/…`` path. ``bind``
names values of the call's response (JSON pointers, as in the captures: ``{"hoodie": "/id"}``) that later
calls use as ``{hoodie}`` in their path, query values and body — a string that is exactly ``"{hoodie}"``
becomes the bound value with its own type (ids stay integers), inside a longer string it is text.

Calls are made in-process as the shop's administrator (the store's in-process read_write key over HTTPS), in
order; any error response, or any per-item error inside a batch response, stops the seed with a
``SeedError`` naming the call. Seeding normally starts from a reset store (``wcsync sandbox seed NAME``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.types import ASGIApp

from wcsync.errors import WcsyncError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_BASE_URL = "https://sandbox.invalid"


class SeedError(WcsyncError):
    """A seed does not exist, is malformed, or one of its calls failed."""


class SeedCall(BaseModel):
    """One REST call of a seed."""

    model_config = ConfigDict(extra="forbid")

    method: str = Field(pattern=r"^(GET|POST|PUT|PATCH|DELETE)$")
    path: str = Field(pattern=r"^/wp-json/")
    query: dict[str, Any] = Field(default_factory=dict)
    body: Any = None
    bind: dict[str, str] = Field(default_factory=dict)


class SeedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    calls: list[SeedCall] = Field(default_factory=list)


def seeds_dir() -> Path:
    """Where the shipped seeds live."""
    return Path(str(resources.files("wcsync.sandbox") / "seeds"))


def list_seeds() -> dict[str, str]:
    """Seed name → description, for every shipped seed."""
    found: dict[str, str] = {}
    for path in sorted(seeds_dir().glob("*.json")):
        try:
            found[path.stem] = _parse(path).description
        except SeedError as err:
            found[path.stem] = f"(unreadable: {err})"
    return found


def load_seed(name: str) -> list[SeedCall]:
    """The calls of seed ``name``."""
    if not _NAME.match(name):
        raise SeedError(f"{name!r} is not a seed name", hint="names are lower-case letters, digits, - and _")
    path = seeds_dir() / f"{name}.json"
    if not path.is_file():
        known = ", ".join(list_seeds()) or "none"
        raise SeedError(f"there is no seed named {name!r}", hint=f"known seeds: {known}")
    return _parse(path).calls


def _parse(path: Path) -> SeedFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(raw, list):
            raw = {"calls": raw}
        return SeedFile.model_validate(raw)
    except (OSError, ValueError, ValidationError) as err:
        raise SeedError(f"seed file {path} is invalid: {err}") from err


def _substitute(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in names:
            return names[whole.group(1)]
        return _PLACEHOLDER.sub(
            lambda m: str(names[m.group(1)]) if m.group(1) in names else m.group(0), value
        )
    if isinstance(value, list):
        return [_substitute(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, names) for k, v in value.items()}
    return value


def _pointer(doc: Any, pointer: str) -> Any:
    current = doc
    for token in pointer.lstrip("/").split("/") if pointer not in ("", "/") else []:
        token = token.replace("~1", "/").replace("~0", "~")
        current = current[int(token)] if isinstance(current, list) else current[token]
    return current


def _batch_errors(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    problems = []
    for action in ("create", "update", "delete"):
        for position, item in enumerate(body.get(action) or []):
            if isinstance(item, dict) and isinstance(item.get("error"), dict):
                problems.append(f"{action}[{position}]: {item['error'].get('message', item['error'])}")
    return problems


async def replay(store_app: ASGIApp, db_path: str | Path, calls: list[SeedCall]) -> int:
    """Make ``calls`` against ``store_app`` (the WooCommerce routes of the store at ``db_path``) as the
    administrator; returns the number of calls made."""
    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.keys import ensure_key

    conn = open_db(db_path)
    try:
        credentials = ensure_key(conn)
    finally:
        conn.close()
    names: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=store_app)
    async with httpx.AsyncClient(transport=transport, base_url=_BASE_URL, auth=credentials) as client:
        for number, call in enumerate(calls, start=1):
            where = f"call {number} ({call.method} {call.path})"
            path = _substitute(call.path, names)
            query = {k: _query_value(_substitute(v, names)) for k, v in call.query.items()}
            body = _substitute(call.body, names)
            response = await client.request(
                call.method, path, params=query, json=body if call.body is not None else None
            )
            try:
                data = response.json()
            except ValueError:
                data = response.text
            if response.status_code >= 400:
                message = data.get("message", data) if isinstance(data, dict) else data
                raise SeedError(f"seed {where} failed with {response.status_code}: {message}")
            problems = _batch_errors(data)
            if problems:
                raise SeedError(f"seed {where} had item errors: {'; '.join(problems)}")
            for name, pointer in call.bind.items():
                try:
                    names[name] = _pointer(data, pointer)
                except (KeyError, IndexError, ValueError, TypeError) as err:
                    raise SeedError(
                        f"seed {where}: cannot bind {name!r} to {pointer!r} in the response"
                    ) from err
    return len(calls)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def apply_seed_async(
    db_path: str | Path, name: str, *, reset: bool = True, wc_version: str = "11.0.1"
) -> int:
    """``apply_seed`` for callers already inside an event loop."""
    from wcsync.sandbox.app import create_app
    from wcsync.sandbox.server import reset_database

    calls = load_seed(name)
    if reset:
        reset_database(db_path)
    store_app = create_app(Path(db_path), wc_version=wc_version)
    return await replay(store_app, db_path, calls)


def apply_seed(db_path: str | Path, name: str, *, reset: bool = True, wc_version: str = "11.0.1") -> int:
    """Load seed ``name`` into the store at ``db_path`` (after emptying it, unless ``reset=False``); returns
    the number of calls made. Works from synchronous code and from inside a running event loop (the seed then
    runs on a helper thread with its own loop)."""

    def run() -> int:
        return anyio.run(
            functools.partial(apply_seed_async, db_path, name, reset=reset, wc_version=wc_version)
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
