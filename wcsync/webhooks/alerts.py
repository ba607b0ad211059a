"""Drift alerts: the value, and where it goes.

An alert is one JSON object per coalescing window (``"alert": "drift"``, the store, each drifted product with
its fields as the store has them and as the catalogue wants them). Sinks: ``StdoutSink`` (one JSON line on
stdout, for a log pipeline) and ``ChatSink`` (POST ``{"text": …, "alert": …}`` to a chat webhook URL, the
shape Slack, Mattermost and Discord-compatible incoming webhooks accept). Another target — a GitHub issue
comment — is one more class with ``async send(alert)``. A sink that fails says so in one log line and never
stops the receiver; a webhook URL is never logged (it is a credential).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from wcsync.webhooks.drift import ProductDrift

Log = Callable[[str], None]


@dataclass(frozen=True)
class Alert:
    store: str
    products: tuple[ProductDrift, ...]
    deliveries: int

    def to_json(self) -> dict[str, Any]:
        return {
            "alert": "drift",
            "store": self.store,
            "message": self.summary(),
            "deliveries": self.deliveries,
            "products": [dataclasses.asdict(p) for p in self.products],
        }

    def summary(self) -> str:
        parts = []
        for product in self.products:
            names = [f.field for f in product.fields]
            names += [f"variation {v['sku']}" for v in product.variations]
            what = ", ".join(names) if names else product.action
            parts.append(f"{product.sku} ({what})")
        count = len(self.products)
        return (f"Store {self.store}: {count} product{'s' if count != 1 else ''} changed outside the catalogue: "
                f"{'; '.join(parts)}. The next apply will revert this — put the change in the catalogue, or "
                "list the field under store_owned, to keep it.")


class Sink(Protocol):
    async def send(self, alert: Alert) -> None: ...


class StdoutSink:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, alert: Alert) -> None:
        stream = self._stream or sys.stdout
        stream.write(json.dumps(alert.to_json(), ensure_ascii=False, default=str) + "\n")
        stream.flush()


class ChatSink:
    """POST the alert to a chat incoming-webhook URL."""

    def __init__(self, url: str, log: Log, *, transport: Any = None) -> None:
        self._url = url
        self._log = log
        self._transport = transport

    async def send(self, alert: Alert) -> None:
        import httpx

        try:
            async with httpx.AsyncClient(timeout=15.0, transport=self._transport) as client:
                response = await client.post(self._url, json={"text": alert.summary(), "alert": alert.to_json()})
        except (httpx.HTTPError, httpx.InvalidURL, ValueError):
            self._log("chat alert not sent: the chat webhook could not be reached (the alert is on stdout)")
            return
        if response.status_code >= 300:
            self._log(f"chat alert not sent: the chat webhook answered HTTP {response.status_code} "
                      "(the alert is on stdout)")
