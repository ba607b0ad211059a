"""When and how long to wait before retrying a request: exponential backoff with full jitter, honouring
``Retry-After``.

What may be retried is decided by the client (reads always; writes only when the store certainly did not
process them); this module only knows statuses and delays.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

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
