"""Latency and faults on demand: what a busy or broken shop does to a client, reproducibly.

``FaultConfig`` says what to inject; ``FaultInjector`` holds it with its seeded random generators and decides
request by request; ``FaultMiddleware`` (ASGI) applies the decision in front of the store:

- latency: ``latency_ms`` plus a uniform ``±jitter_ms`` before every request (never below zero);
- ``500`` (WordPress's JSON "critical error"), ``502``/``503`` (nginx's HTML pages), ``429`` with
  ``Retry-After: retry_after`` — the store is not called;
- ``hang``: no answer. Over a socket the response waits ``hang_seconds`` (or until the client gives up) and
  the connection is then closed; in-process (no socket, so no client timeout can fire) the client gets
  ``httpx.ReadTimeout`` at once. The store is not called;
- ``drop``: the connection breaks mid-response (a ``Content-Length`` is announced, a few bytes are sent, then
  the connection is closed), which httpx reports as ``RemoteProtocolError``; in-process that error is raised
  directly. The store is not called;
- ``fail_after_commit``: the store handles the request (the write happens), then the response is lost as a
  ``502`` or a ``drop`` (``fail_after_commit_as``) — what real shops do under load.

Each request draws one number from a generator seeded with ``seed`` and picks at most one fault kind by
cumulative rate, in the order of ``FAULT_KINDS``; latency has its own generator so changing latency does not
change which requests fail. ``methods`` and ``path_contains`` restrict faults (not latency) to some
requests; requests outside the filter draw nothing. ``max_faults`` stops injecting after that many faults, so
"the first write fails, its retry succeeds" is ``rate_503=1, max_faults=1``. Replacing the configuration
restarts the generators. Control endpoints (``/__sandbox/…``) are never delayed or faulted.
"""

from __future__ import annotations

import json
import random
import threading
from typing import Literal

import anyio
import httpx
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FaultKind = Literal["500", "502", "503", "429", "hang", "drop", "fail_after_commit"]
FAULT_KINDS: tuple[FaultKind, ...] = ("500", "502", "503", "429", "hang", "drop", "fail_after_commit")

#: scope key where the middleware notes the injected fault (the stats middleware reads it)
SCOPE_FAULT = "wcsync.sandbox.fault"
#: scope key for the status the store answered before the response was lost (fail_after_commit)
SCOPE_INNER_STATUS = "wcsync.sandbox.inner_status"
CONTROL_PREFIX = "/__sandbox/"

_Rate = Field(default=0.0, ge=0.0, le=1.0)


class FaultConfig(BaseModel):
    """What to inject. All rates are probabilities per request (0..1) and add up to at most 1."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 0
    latency_ms: float = Field(default=0.0, ge=0.0)
    jitter_ms: float = Field(default=0.0, ge=0.0)
    rate_500: float = _Rate
    rate_502: float = _Rate
    rate_503: float = _Rate
    rate_429: float = _Rate
    #: seconds sent in ``Retry-After`` with a 429
    retry_after: int = Field(default=1, ge=0)
    rate_hang: float = _Rate
    #: how long a hung response waits before the connection is closed (longer than a client's timeout)
    hang_seconds: float = Field(default=30.0, ge=0.0)
    rate_drop: float = _Rate
    rate_fail_after_commit: float = _Rate
    fail_after_commit_as: Literal["502", "drop"] = "502"
    #: only requests with these methods get faults (e.g. ``["POST", "PUT", "DELETE"]``); None: all
    methods: list[str] | None = None
    #: only requests whose path contains this text get faults; None: all
    path_contains: str | None = None
    #: stop injecting after this many faults; None: no limit
    max_faults: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _rates_fit(self) -> FaultConfig:
        total = sum(self.rate(kind) for kind in FAULT_KINDS)
        if total > 1.0 + 1e-9:
            raise ValueError(f"fault rates add up to {total:g}; they must add up to at most 1")
        if self.methods is not None:
            self.methods = [m.upper() for m in self.methods]
        return self

    def rate(self, kind: FaultKind) -> float:
        value = getattr(self, f"rate_{kind}")
        assert isinstance(value, float)
        return value

    @property
    def active(self) -> bool:
        """True when anything at all is injected."""
        return self.latency_ms > 0 or self.jitter_ms > 0 or any(self.rate(k) > 0 for k in FAULT_KINDS)


class FaultInjector:
    """The live fault configuration of one server, with its random generators and fault count."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        # in-process clients may share one injector from several threads; draws must stay in sequence
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        """Replace the configuration and restart the generators and the fault count."""
        with self._lock:
            self.config = config
            self._faults = random.Random(config.seed)
            self._latency = random.Random(config.seed + 1)
            self.injected = 0

    def delay_seconds(self) -> float:
        cfg = self.config
        if cfg.latency_ms <= 0 and cfg.jitter_ms <= 0:
            return 0.0
        with self._lock:
            jitter = self._latency.uniform(-cfg.jitter_ms, cfg.jitter_ms) if cfg.jitter_ms > 0 else 0.0
        return max(0.0, cfg.latency_ms + jitter) / 1000.0

    def decide(self, method: str, path: str) -> FaultKind | None:
        """The fault for this request, if any (draws from the generator only for matching requests)."""
        cfg = self.config
        if cfg.methods is not None and method.upper() not in cfg.methods:
            return None
        if cfg.path_contains is not None and cfg.path_contains not in path:
            return None
        with self._lock:
            if cfg.max_faults is not None and self.injected >= cfg.max_faults:
                return None
            draw = self._faults.random()
            cumulative = 0.0
            for kind in FAULT_KINDS:
                rate = cfg.rate(kind)
                cumulative += rate
                if rate > 0 and draw < cumulative:
                    self.injected += 1
                    return kind
        return None


_WP_CRITICAL_ERROR = {
    "code": "internal_server_error",
    "message": '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/'
    'documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>',
    "data": {"status": 500},
    "additional_errors": [],
}
_REASONS = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Temporarily Unavailable"}


def _nginx_page(status: int) -> bytes:
    title = f"{status} {_REASONS[status]}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode()


async def _send_simple(
    send: Send, status: int, body: bytes, content_type: str, extra: dict[str, str]
) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


_DROP_ANNOUNCED = 4096
_DROP_SENT = b'{"id":'


class FaultMiddleware:
    """Applies ``FaultInjector`` decisions in front of ``app``. ``in_process`` is True under
    ``httpx.ASGITransport``, where broken connections and timeouts must be raised as httpx errors."""

    def __init__(self, app: ASGIApp, injector: FaultInjector, *, in_process: bool = False) -> None:
        self.app = app
        self.injector = injector
        self.in_process = in_process

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        delay = self.injector.delay_seconds()
        if delay > 0:
            await anyio.sleep(delay)
        kind = self.injector.decide(scope["method"], scope["path"])
        if kind is None:
            await self.app(scope, receive, send)
            return
        scope[SCOPE_FAULT] = kind
        if kind == "500":
            body = json.dumps(_WP_CRITICAL_ERROR).encode()
            await _send_simple(send, 500, body, "application/json; charset=UTF-8", {})
        elif kind in ("502", "503"):
            await _send_simple(send, int(kind), _nginx_page(int(kind)), "text/html", {})
        elif kind == "429":
            retry = {"Retry-After": str(self.injector.config.retry_after)}
            await _send_simple(send, 429, _nginx_page(429), "text/html", retry)
        elif kind == "hang":
            await self._hang(receive, send)
        elif kind == "drop":
            await self._drop(send)
        else:
            await self._fail_after_commit(scope, receive, send)

    async def _hang(self, receive: Receive, send: Send) -> None:
        if self.in_process:
            raise httpx.ReadTimeout("sandbox fault 'hang': the store did not answer")
        with anyio.move_on_after(self.injector.config.hang_seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
            return  # the client gave up: nothing left to answer
        await self._drop(send)

    async def _drop(self, send: Send) -> None:
        if self.in_process:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body: "
                f"received {len(_DROP_SENT)} bytes, expected {_DROP_ANNOUNCED}"
            )
        headers = [
            (b"content-type", b"application/json; charset=UTF-8"),
            (b"content-length", str(_DROP_ANNOUNCED).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": _DROP_SENT, "more_body": True})
        # returning without finishing the body makes uvicorn close the connection

    async def _fail_after_commit(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                scope[SCOPE_INNER_STATUS] = message["status"]

        await self.app(scope, receive, swallow)
        if self.injector.config.fail_after_commit_as == "drop":
            await self._drop(send)
        else:
            await _send_simple(send, 502, _nginx_page(502), "text/html", {})
