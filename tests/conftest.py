"""Shared fixtures: the sandbox store, in-process and over real sockets.

- ``sandbox_db``: a fresh store database (``open_db`` applied) in the test's tmp dir → ``Path``.
- ``sandbox_app``: the in-process store (``httpx.ASGITransport``, base URL ``https://sandbox.invalid``, so
  Basic auth applies) → ``InProcessSandbox`` with ``.transport``, ``.base_url``, ``.consumer_key``,
  ``.consumer_secret``, ``.db_path``, ``.client()`` (an ``httpx.AsyncClient`` with Basic auth), ``.call(method,
  path, **kw)`` (one request, synchronously), ``.stats()``, ``.reset_stats()``, ``.set_faults(**cfg)``,
  ``.reset()``.
- ``sandbox_server`` (plain HTTP) / ``sandbox_tls_server`` (HTTPS, ``.ca_path`` is the CA to trust): uvicorn on
  a free 127.0.0.1 port in a thread, started and stopped per test → ``RunningSandbox`` with ``.base_url``,
  ``.db_path``, ``.consumer_key``, ``.consumer_secret``, ``.ca_path``, ``.client()`` (sync httpx client: Basic
  over HTTPS, OAuth 1.0a over HTTP), ``.oauth1(...)`` (an ``httpx.Auth``), ``.stats()``, ``.reset_stats()``,
  ``.set_faults(**cfg)``, ``.reset()``, ``.seed(name)``, ``.env()`` (``WCSYNC_*`` variables for a ``wcsync``
  subprocess).
- ``sandbox_server_factory(db_path=None, *, tls=False, wc_version="11.0.1", faults=None, store_app=None)``:
  more servers, e.g. two on one database (``store_app`` replaces the WooCommerce routes, for middleware tests).

Everything binds 127.0.0.1 on a port the OS picks and lives in the test's own tmp dir: safe under
``pytest -n auto``. The sandbox modules are imported inside the fixtures, so tests that do not use them never
import the sandbox.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings as hypothesis_settings

from tests.threaded import ThreadedUvicorn

# CI (CI=true) runs property tests on a fixed sequence of examples, so a submission's CI cannot fail on an
# example no earlier run saw; local runs keep exploring new examples (and remember failures).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


class OAuth1(httpx.Auth):
    """OAuth 1.0a one-legged signing with oauthlib, as WooCommerce wants it over plain HTTP: HMAC-SHA256 (or
    -SHA1) with the consumer secret, parameters in the query string (or the Authorization header); a JSON
    body is not signed."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        *,
        signature_method: str = "HMAC-SHA256",
        placement: str = "query",
    ) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.signature_method = signature_method
        self.placement = placement

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        from oauthlib import oauth1

        client = oauth1.Client(
            self.consumer_key,
            client_secret=self.consumer_secret,
            signature_method=self.signature_method,
            signature_type=oauth1.SIGNATURE_TYPE_QUERY
            if self.placement == "query"
            else oauth1.SIGNATURE_TYPE_AUTH_HEADER,
        )
        form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        body = request.read().decode() if form else None
        uri, headers, _ = client.sign(
            str(request.url),
            http_method=request.method,
            body=body,
            headers={"Content-Type": request.headers["content-type"]} if form else None,
        )
        request.url = httpx.URL(uri)
        if "Authorization" in headers:
            request.headers["Authorization"] = headers["Authorization"]
        yield request


@pytest.fixture
def sandbox_db(tmp_path: Path) -> Path:
    """A fresh sandbox store database (only "Uncategorized"), with no API keys yet."""
    from wcsync.sandbox.db import open_db

    path = tmp_path / "sandbox.db"
    open_db(path).close()
    return path


# --- in-process -------------------------------------------------------------------------------------------


@dataclass
class InProcessSandbox:
    db_path: Path
    transport: httpx.ASGITransport
    base_url: str
    consumer_key: str
    consumer_secret: str

    @property
    def app(self) -> Any:
        """The ``SandboxASGI`` behind the transport (``.stats``, ``.faults``)."""
        return self.transport.app

    def client(self, **kw: Any) -> httpx.AsyncClient:
        kw.setdefault("auth", (self.consumer_key, self.consumer_secret))
        return httpx.AsyncClient(transport=self.transport, base_url=self.base_url, **kw)

    def call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """One request through the in-process store, run to completion (for synchronous tests)."""
        auth = kw.pop("auth", (self.consumer_key, self.consumer_secret))

        async def go() -> httpx.Response:
            async with httpx.AsyncClient(
                transport=self.transport, base_url=self.base_url, auth=auth
            ) as client:
                response = await client.request(method, path, **kw)
                await response.aread()
                return response

        return asyncio.run(go())

    def stats(self) -> dict[str, Any]:
        snapshot: dict[str, Any] = self.app.stats.snapshot()
        return snapshot

    def reset_stats(self) -> None:
        self.app.stats.reset()

    def set_faults(self, **cfg: Any) -> None:
        from wcsync.sandbox.faults import FaultConfig

        self.app.faults.configure(FaultConfig(**cfg))

    def reset(self) -> None:
        from wcsync.sandbox.server import reset_database

        reset_database(self.db_path)


@pytest.fixture
def sandbox_app(tmp_path: Path) -> InProcessSandbox:
    """The in-process sandbox store on a fresh database, with its read_write key."""
    from wcsync.sandbox.server import connect_in_process

    store = connect_in_process(tmp_path / "sandbox.db")
    return InProcessSandbox(
        store.db_path, store.transport, store.base_url, store.consumer_key, store.consumer_secret
    )


# --- over sockets -----------------------------------------------------------------------------------------


@dataclass
class RunningSandbox:
    base_url: str
    db_path: Path
    consumer_key: str
    consumer_secret: str
    ca_path: Path | None = None
    _stop: Callable[[], None] = field(default=lambda: None, repr=False)
    #: what ``/__sandbox/…`` requests send as ``X-Sandbox-Token``
    control_token: str = ""

    @property
    def is_tls(self) -> bool:
        return self.base_url.startswith("https:")

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """What to pass as httpx's ``verify=``: trust the sandbox CA over HTTPS."""
        return ssl.create_default_context(cafile=str(self.ca_path)) if self.ca_path else True

    def oauth1(self, *, signature_method: str = "HMAC-SHA256", placement: str = "query") -> OAuth1:
        return OAuth1(
            self.consumer_key, self.consumer_secret, signature_method=signature_method, placement=placement
        )

    def client(self, *, auth: Any = "default", **kw: Any) -> httpx.Client:
        """A client of this server: Basic auth over HTTPS (trusting ``ca_path``), OAuth 1.0a over HTTP."""
        if auth == "default":
            auth = (self.consumer_key, self.consumer_secret) if self.is_tls else self.oauth1()
        kw.setdefault("verify", self.verify)
        kw.setdefault("timeout", 10.0)
        return httpx.Client(base_url=self.base_url, auth=auth, **kw)

    def _control(self, method: str, path: str, json: Any = None) -> Any:
        with httpx.Client(verify=self.verify, timeout=10.0) as client:
            response = client.request(
                method, f"{self.base_url}/__sandbox/{path}", json=json, headers={"X-Sandbox-Token": self.control_token}
            )
        response.raise_for_status()
        return response.json()

    def stats(self, *, log: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = self._control("GET", "stats" if log else "stats?log=0")
        return result

    def reset_stats(self) -> None:
        self._control("POST", "stats/reset")

    def set_faults(self, **cfg: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._control("POST", "faults", cfg)
        return result

    def reset(self) -> None:
        self._control("POST", "reset")

    def seed(self, name: str, *, reset: bool = True) -> None:
        self._control("POST", "seed", {"name": name, "reset": reset})

    def stop(self) -> None:
        self._stop()

    def env(self) -> dict[str, str]:
        """Environment for a ``wcsync`` subprocess talking to this server (``WCSYNC_URL``, keys, auth, CA)."""
        values = {
            "WCSYNC_URL": self.base_url,
            "WCSYNC_CONSUMER_KEY": self.consumer_key,
            "WCSYNC_CONSUMER_SECRET": self.consumer_secret,
            "WCSYNC_AUTH": "basic" if self.is_tls else "oauth1",
        }
        if self.ca_path is not None:
            values["WCSYNC_CA_BUNDLE"] = str(self.ca_path)
        return values


@pytest.fixture(scope="session")
def sandbox_tls_files(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A CA and a server certificate for 127.0.0.1/localhost (one set per test worker)."""
    from wcsync.sandbox.tls import ensure_certificates

    return ensure_certificates(tmp_path_factory.mktemp("sandbox-tls"))


ServerFactory = Callable[..., RunningSandbox]


@pytest.fixture
def sandbox_server_factory(tmp_path: Path, sandbox_tls_files: Any) -> Iterator[ServerFactory]:
    """Start sandbox servers: ``factory(db_path=None, *, tls=False, wc_version="11.0.1", faults=None,
    store_app=None)``.
    Servers on the same ``db_path`` share the store; each gets the same first read_write key."""
    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.faults import FaultConfig
    from wcsync.sandbox.keys import ensure_key
    from wcsync.sandbox.server import build_asgi

    running: list[ThreadedUvicorn] = []

    def start(
        db_path: Path | None = None,
        *,
        tls: bool = False,
        wc_version: str = "11.0.1",
        faults: dict[str, Any] | None = None,
        store_app: Any = None,
    ) -> RunningSandbox:
        path = db_path or tmp_path / "sandbox.db"
        conn = open_db(path)
        try:
            key, secret = ensure_key(conn)
        finally:
            conn.close()
        app = build_asgi(
            path, wc_version=wc_version, faults=FaultConfig(**faults) if faults else None, store_app=store_app
        )
        ssl = (
            {"ssl_certfile": str(sandbox_tls_files.cert_path), "ssl_keyfile": str(sandbox_tls_files.key_path)}
            if tls
            else {}
        )
        server = ThreadedUvicorn(app, ssl)
        running.append(server)
        scheme = "https" if tls else "http"
        return RunningSandbox(
            base_url=f"{scheme}://127.0.0.1:{server.port}",
            db_path=path,
            consumer_key=key,
            consumer_secret=secret,
            ca_path=sandbox_tls_files.ca_path if tls else None,
            _stop=server.stop,
            control_token=app.control_token,
        )

    yield start
    for server in running:
        server.stop()


@pytest.fixture
def sandbox_server(sandbox_server_factory: ServerFactory) -> RunningSandbox:
    """A plain-HTTP sandbox server on a fresh database (use OAuth 1.0a: ``.client()`` does)."""
    return sandbox_server_factory()


@pytest.fixture
def sandbox_tls_server(sandbox_server_factory: ServerFactory) -> RunningSandbox:
    """An HTTPS sandbox server on a fresh database (``.ca_path`` is the CA to trust; ``.client()`` does)."""
    return sandbox_server_factory(tls=True)
