"""The sandbox store as one ASGI application: the WooCommerce routes (``wcsync.sandbox.app``) behind the
request counters and the fault injector, plus control endpoints for tests and benchmarks.

    request ──> /__sandbox/…  control endpoints (never delayed, faulted or counted)
            └─> StatsMiddleware ──> FaultMiddleware ──> WooCommerce routes (create_app)

Control endpoints (``wcsync.sandbox.control``: a local ``Host`` and the control token — ``X-Sandbox-Token``,
printed by ``wcsync sandbox serve`` — or a read_write key as Basic credentials; health needs only the Host):

- ``GET /__sandbox/health`` — ``{"ok": true, "wc_version": …}``;
- ``GET /__sandbox/stats`` (``?log=0`` leaves the request log out), ``POST /__sandbox/stats/reset``;
- ``POST /__sandbox/reset`` — empty the store to a fresh WooCommerce (API keys are kept);
- ``POST /__sandbox/seed`` ``{"name": "demo", "reset": true}`` — load a named seed (``wcsync.sandbox.seeds``);
- ``GET /__sandbox/faults``, ``POST /__sandbox/faults`` with a ``FaultConfig`` (replaces it; ``{}`` = off);
- ``GET|POST /__sandbox/webhooks``, ``POST /__sandbox/webhooks/run`` — webhook queue (``webhook_delivery``).

Two ways in: ``asgi_transport(db_path)`` for in-process clients (``httpx.AsyncClient(transport=…,
base_url=IN_PROCESS_BASE_URL)`` — HTTPS, so Basic auth applies), or uvicorn (``wcsync sandbox serve``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from wcsync.sandbox.control import ControlGuard, new_token
from wcsync.sandbox.faults import CONTROL_PREFIX, FaultConfig, FaultInjector, FaultMiddleware
from wcsync.sandbox.stats import StatsMiddleware, StatsRecorder
from wcsync.sandbox.webhook_delivery import control_routes as webhook_control_routes

#: base URL of the in-process store; ``.invalid`` can never resolve, so nothing leaves the process
IN_PROCESS_BASE_URL = "https://sandbox.invalid"
DEFAULT_WC_VERSION = "11.0.1"


class SandboxASGI:
    """The served application. ``stats`` and ``faults`` are the live recorder and injector."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        wc_version: str = DEFAULT_WC_VERSION,
        faults: FaultConfig | None = None,
        store_app: ASGIApp | None = None,
        in_process: bool = False,
        control_token: str | None = None,
        allowed_hosts: tuple[str, ...] = (),
    ) -> None:
        self.db_path = Path(db_path)
        #: what ``X-Sandbox-Token`` must say on ``/__sandbox/…`` requests (a fresh random one by default)
        self.control_token = control_token or new_token()
        self._guard = ControlGuard(self.control_token, self.db_path, allowed_hosts)
        self.wc_version = wc_version
        if store_app is None:
            from wcsync.sandbox.app import create_app

            store_app = create_app(self.db_path, wc_version=wc_version)
        self.store_app = store_app
        self.stats = StatsRecorder()
        self.faults = FaultInjector(faults)
        self._pipeline = StatsMiddleware(
            FaultMiddleware(store_app, self.faults, in_process=in_process), self.stats
        )
        self._control = Starlette(
            routes=[
                Route(CONTROL_PREFIX + "health", self._health, methods=["GET"]),
                Route(CONTROL_PREFIX + "stats", self._get_stats, methods=["GET"]),
                Route(CONTROL_PREFIX + "stats/reset", self._reset_stats, methods=["POST"]),
                Route(CONTROL_PREFIX + "reset", self._reset_store, methods=["POST"]),
                Route(CONTROL_PREFIX + "seed", self._seed, methods=["POST"]),
                Route(CONTROL_PREFIX + "faults", self._get_faults, methods=["GET"]),
                Route(CONTROL_PREFIX + "faults", self._set_faults, methods=["POST"]),
                *webhook_control_routes(CONTROL_PREFIX, self.db_path, wc_version, serve=not in_process),
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CONTROL_PREFIX):
            refusal = self._guard.refusal(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            await self._control(scope, receive, send)
        else:
            await self._pipeline(scope, receive, send)

    # --- control endpoints -------------------------------------------------------------------------------

    async def _health(self, request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "wc_version": self.wc_version, "db": str(self.db_path)})

    async def _get_stats(self, request: Request) -> JSONResponse:
        with_log = request.query_params.get("log", "1") not in ("0", "false", "no")
        return JSONResponse(self.stats.snapshot(with_log=with_log))

    async def _reset_stats(self, request: Request) -> JSONResponse:
        self.stats.reset()
        return JSONResponse({"ok": True})

    async def _reset_store(self, request: Request) -> JSONResponse:
        reset_database(self.db_path)
        return JSONResponse({"ok": True})

    async def _seed(self, request: Request) -> JSONResponse:
        from wcsync.sandbox import seeds

        payload = await _json_object(request)
        if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
            return _control_error('send {"name": "<seed>", "reset": true}')
        try:
            calls = seeds.load_seed(payload["name"])
        except seeds.SeedError as err:
            return _control_error(str(err))
        if payload.get("reset", True):
            reset_database(self.db_path)
        try:
            count = await seeds.replay(self.store_app, self.db_path, calls)
        except seeds.SeedError as err:
            return _control_error(str(err), status=500)
        return JSONResponse({"ok": True, "seed": payload["name"], "calls": count})

    async def _get_faults(self, request: Request) -> JSONResponse:
        return JSONResponse(self.faults.config.model_dump(mode="json"))

    async def _set_faults(self, request: Request) -> JSONResponse:
        payload = await _json_object(request)
        try:
            config = FaultConfig.model_validate(payload if payload is not None else {})
        except ValidationError as err:
            return _control_error("invalid fault configuration: " + "; ".join(_errors(err)))
        self.faults.configure(config)
        return JSONResponse(config.model_dump(mode="json"))


async def _json_object(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"$invalid": True}


def _errors(err: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in err.errors()]


def _control_error(message: str, *, status: int = 400) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def reset_database(db_path: str | Path) -> None:
    """Empty the store at ``db_path`` to a fresh WooCommerce (only "Uncategorized"), keeping API keys."""
    from wcsync.sandbox.db import open_db, reset_store

    conn = open_db(db_path)
    try:
        reset_store(conn)
    finally:
        conn.close()


def build_asgi(
    db_path: str | Path,
    *,
    wc_version: str = DEFAULT_WC_VERSION,
    faults: FaultConfig | None = None,
    store_app: ASGIApp | None = None,
    in_process: bool = False,
    control_token: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
) -> SandboxASGI:
    """The sandbox ASGI application for the store database at ``db_path``.

    ``store_app`` replaces the WooCommerce routes (tests of the middlewares); ``in_process`` makes dropped
    connections and hangs raise httpx errors, as there is no socket to break. ``control_token`` (default: a
    random one, ``.control_token``) guards ``/__sandbox/…``; ``allowed_hosts`` adds the host the server is
    bound to when it is not a loopback name.
    """
    return SandboxASGI(
        db_path,
        wc_version=wc_version,
        faults=faults,
        store_app=store_app,
        in_process=in_process,
        control_token=control_token,
        allowed_hosts=allowed_hosts,
    )


def asgi_transport(db_path: str | Path, **kw: Any) -> httpx.ASGITransport:
    """An httpx transport that serves requests from the sandbox in this process (no socket).

    Use it with ``base_url=IN_PROCESS_BASE_URL``; ``transport.app`` is the ``SandboxASGI`` (its ``stats``
    and ``faults``).
    """
    kw.setdefault("in_process", True)
    return httpx.ASGITransport(app=build_asgi(db_path, **kw))


@dataclass(frozen=True)
class InProcessStore:
    """Everything a client needs to talk to the in-process sandbox at ``db_path``."""

    db_path: Path
    transport: httpx.ASGITransport
    base_url: str
    consumer_key: str
    consumer_secret: str

    @property
    def app(self) -> SandboxASGI:
        app = self.transport.app
        assert isinstance(app, SandboxASGI)
        return app


def connect_in_process(db_path: str | Path, **kw: Any) -> InProcessStore:
    """Open (creating if needed) the store at ``db_path`` and return a transport plus the read_write key the
    sandbox keeps for in-process use (``wcsync.sandbox.keys.ensure_key``): what ``sandbox:PATH`` URLs use."""
    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.keys import ensure_key

    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = open_db(path)
    try:
        consumer_key, consumer_secret = ensure_key(conn)
    finally:
        conn.close()
    return InProcessStore(
        path, asgi_transport(path, **kw), IN_PROCESS_BASE_URL, consumer_key, consumer_secret
    )
