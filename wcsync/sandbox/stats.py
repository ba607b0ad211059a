"""Request counters and a request log, so tests and benchmarks can assert how a client used the store.

``StatsRecorder`` counts every request that reaches the store (also the ones a fault answered) by
``"METHOD /route-pattern"`` — numeric path segments become ``{id}``, e.g.
``"PUT /wp-json/wc/v3/products/{id}/variations/{id}"`` — and keeps a log of method, path, query, status and
injected fault, and the most requests it ever had in flight at once (``max_in_flight``, counted from the moment
a request arrives — injected latency included — until its response is sent), so a client's concurrency bound
can be asserted from the server's side; ``connections`` is the number of distinct client connections (address and
port) the requests came over, so HTTP keep-alive can be asserted too. ``StatsMiddleware`` records; ``/__sandbox/stats``
(``wcsync.sandbox.server``) reads.
Control endpoints (``/__sandbox/…``) are never recorded.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, deque
from typing import Any
from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wcsync.sandbox.faults import CONTROL_PREFIX, SCOPE_FAULT, SCOPE_INNER_STATUS

_NUMERIC_SEGMENT = re.compile(r"(?<=/)\d+(?=/|$)")
#: query parameters whose values never reach the log, by the name PHP would see (decoded, case-folded, with
#: PHP's ``.``/space → ``_`` and without ``[…]``): ``consumer%5Fsecret=`` is ``consumer_secret`` to WordPress
SECRET_PARAMS = frozenset(
    {"consumer_secret", "password", "app_password", "oauth_token_secret", "token", "access_token", "_wpnonce"}
)
#: the log keeps the most recent requests only (counters are never truncated)
LOG_LIMIT = 100_000


def redact_query(raw: str) -> str:
    """``raw`` with the value of every secret parameter (``SECRET_PARAMS``) replaced by ``***``."""
    parts = []
    for part in raw.split("&"):
        name, eq, _value = part.partition("=")
        php_name = unquote_plus(name).split("[", 1)[0].replace(".", "_").replace(" ", "_").strip().lower()
        parts.append(f"{name}=***" if php_name in SECRET_PARAMS and eq else part)
    return "&".join(parts)


def route_pattern(path: str) -> str:
    """``/wp-json/wc/v3/products/431/variations/440`` → ``/wp-json/wc/v3/products/{id}/variations/{id}``."""
    return _NUMERIC_SEGMENT.sub("{id}", path)


class StatsRecorder:
    """Counters and log of one server (thread-safe: in-process clients may live on several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.counts: Counter[str] = Counter()
            self.statuses: Counter[str] = Counter()
            self.faults: Counter[str] = Counter()
            self.log: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
            self.clients: set[str] = set()
            # requests in flight stay in flight across a reset
            self.max_in_flight = self.in_flight

    def started(self, client: str | None = None) -> None:
        """A request arrived over connection ``client`` (it is in flight until ``record``)."""
        with self._lock:
            if client is not None:
                self.clients.add(client)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def record(
        self,
        method: str,
        path: str,
        query: str,
        status: int | None,
        fault: str | None = None,
        inner_status: int | None = None,
    ) -> None:
        """One request. ``status`` is None when no complete response was sent (hang, drop)."""
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)
            self.total += 1
            self.counts[f"{method} {route_pattern(path)}"] += 1
            self.statuses[str(status) if status is not None else "none"] += 1
            if fault is not None:
                self.faults[fault] += 1
            entry: dict[str, Any] = {"method": method, "path": path, "query": query, "status": status}
            entry["fault"] = fault
            if inner_status is not None:
                entry["inner_status"] = inner_status
            self.log.append(entry)

    def snapshot(self, *, with_log: bool = True) -> dict[str, Any]:
        """The JSON served at ``GET /__sandbox/stats``."""
        with self._lock:
            data: dict[str, Any] = {
                "total": self.total,
                "counts": dict(sorted(self.counts.items())),
                "statuses": dict(sorted(self.statuses.items())),
                "faults": dict(sorted(self.faults.items())),
                "max_in_flight": self.max_in_flight,
                "connections": len(self.clients),
            }
            if with_log:
                data["log"] = list(self.log)
        return data


class StatsMiddleware:
    """Records every non-control HTTP request after its response (or its failure)."""

    def __init__(self, app: ASGIApp, recorder: StatsRecorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = {"status": None, "complete": False}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                state["complete"] = True
            await send(message)

        client = scope.get("client")
        self.recorder.started(f"{client[0]}:{client[1]}" if client else None)
        try:
            await self.app(scope, receive, watch)
        finally:
            # the log is for tests to read: query-string secrets are masked like everywhere else
            query = redact_query(scope.get("query_string", b"").decode("latin-1"))
            self.recorder.record(
                scope["method"],
                scope["path"],
                query,
                state["status"] if state["complete"] else None,
                scope.get(SCOPE_FAULT),
                scope.get(SCOPE_INNER_STATUS),
            )
