"""When and how long to wait before retrying a request: exponential backoff with full jitter, honouring
``Retry-After``.

What may be retried is decided by the client (reads always; writes only when the store certainly did not
process them); this module only knows statuses and delays.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

#: statuses worth another attempt
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: statuses that say "not processed, come back later" (safe to repeat even for a write), and that shrink
#: the concurrency limit
PUSHBACK_STATUSES = frozenset({429, 503})


@dataclass
class RetryPolicy:
    """Backoff parameters. ``sleep`` and ``rng`` are injectable so tests never wait."""

    base: float = 0.5
    cap: float = 30.0
    #: never wait longer than this for a ``Retry-After``, whatever the store asks
    max_retry_after: float = 120.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        backoff = self.rng.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))
        if retry_after is not None:
            return max(min(retry_after, self.max_retry_after), backoff)
        return backoff


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or unparsable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_TRANSPORT_WORDS: tuple[tuple[type[Exception], str], ...] = (
    (httpx.RemoteProtocolError, "the connection was closed before a complete answer arrived"),
    (httpx.ReadError, "the connection was reset while waiting for the answer"),
    (httpx.WriteError, "the connection broke while the request was being sent"),
    (httpx.ProxyError, "the proxy in between refused the connection"),
)


def transport_reason(exc: BaseException) -> str:
    """A broken connection in words, with httpx's own explanation — never the exception's class name."""
    words = next((text for cls, text in _TRANSPORT_WORDS if isinstance(exc, cls)), "the connection failed")
    detail = str(exc).strip()
    return f"{words} ({detail})" if detail and detail != type(exc).__name__ else words


@dataclass
class Attempts:
    """What happened to each attempt of one request, to say it when retries run out."""

    kinds: list[str] = field(default_factory=list)
    #: the store said "slow down": a 429, or a 503 with ``Retry-After``
    rate_limited: bool = False

    def add(self, kind: str, *, rate_limited: bool = False) -> None:
        self.kinds.append(kind)
        self.rate_limited = self.rate_limited or rate_limited

    @property
    def mixed(self) -> bool:
        """Did the attempts fail in more than one way?"""
        return len(set(self.kinds)) > 1

    def summary(self) -> str:
        """``4 × the connection dropped, 2 × HTTP 502 Bad Gateway`` (in the order first seen)."""
        counts = Counter(self.kinds)
        return ", ".join(f"{counts[kind]} × {kind}" for kind in dict.fromkeys(self.kinds))

    def hint(self) -> str:
        if self.rate_limited:
            return ("the store is rate-limiting wcsync (HTTP 429, or 503 with Retry-After): lower `concurrency` in "
                    "wcsync.yaml, or try again later")
        return ("the store or its host is overloaded or failing (a 502/504 comes from a proxy in front of PHP, a 500 "
                "from WordPress itself, a dropped connection from either): try again later, or lower `concurrency` "
                "in wcsync.yaml")


def status_kind(status: int) -> str:
    """``HTTP 502 Bad Gateway`` — an attempt's status in words."""
    reasons = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
               503: "Service Unavailable", 504: "Gateway Timeout"}
    return f"HTTP {status} {reasons[status]}" if status in reasons else f"HTTP {status}"
