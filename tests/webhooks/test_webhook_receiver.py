"""The receiver judged on raw bytes: pings, unsigned/forged/malformed requests, duplicates, product events;
and the coalescing window (a burst is one check and one alert; a drift is alerted once)."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from wcsync.errors import StoreError
from wcsync.webhooks.alerts import Alert, ChatSink, StdoutSink
from wcsync.webhooks.coalesce import Watcher
from wcsync.webhooks.drift import CheckResult, FieldDrift, ProductDrift
from wcsync.webhooks.receiver import create_receiver
from wcsync.webhooks.signature import sign, verify
from wcsync.webhooks.state import RedisState, SqliteState

SECRET = "receiver-test-secret-abcdefgh"


class FakeChecker:
    def __init__(self, drift: dict[int, ProductDrift] | None = None) -> None:
        self.drift = drift or {}
        self.calls: list[list[int]] = []
        self.fail = 0

    async def check(self, ids: list[int]) -> CheckResult:
        self.calls.append(sorted(ids))
        if self.fail:
            self.fail -= 1
            raise StoreError("store test: unreachable", hint="later")
        found = [self.drift[i] for i in sorted(ids) if i in self.drift]
        return CheckResult(drifted=found, checked=[f"SKU-{i}" for i in ids])


class Sink:
    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    async def send(self, alert: Alert) -> None:
        self.alerts.append(alert)


def _drift(sku: str, price: str) -> ProductDrift:
    return ProductDrift(sku=sku, name=sku, action="update", fields=(FieldDrift("regular_price", price, "10.00"),),
                        date_modified="2026-01-01T00:00:00")


class Rig:
    def __init__(self, tmp_path: Path, checker: FakeChecker, window: float = 3600, redis_url: str | None = None
                 ) -> None:
        self.logs: list[str] = []
        self.state: Any = RedisState(redis_url) if redis_url else SqliteState(tmp_path / "state.db")
        self.sink = Sink()
        self.watcher = Watcher(self.state, checker, [self.sink], store="test", window=window, log=self.logs.append)
        self.app = create_receiver(SECRET, self.state, self.watcher, self.logs.append)

    async def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app, client=("203.0.113.9", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
            return await client.post("/hooks/wc", content=body, headers=headers)


def _delivery(product_id: int, *, secret: str = SECRET, delivery_id: str | None = None,
              topic: str = "product.updated") -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": product_id, "name": "Caf\u00e9 \\/ mug"}).encode()
    return body, {"Content-Type": "application/json", "X-WC-Webhook-Topic": topic,
                  "X-WC-Webhook-Signature": sign(body, secret), "X-WC-Webhook-ID": "3",
                  "X-WC-Webhook-Delivery-ID": delivery_id or uuid.uuid4().hex}


def test_signature_is_checked_on_the_exact_bytes() -> None:
    body = b'{"id":1,"permalink":"https:\\/\\/shop.example\\/p\\/"}'
    signature = sign(body, SECRET)
    assert verify(body, signature, SECRET)
    assert not verify(json.dumps(json.loads(body)).encode(), signature, SECRET)  # re-serialised: no match
    assert not verify(body, signature, SECRET + "x")
    assert not verify(body, None, SECRET) and not verify(body, "", SECRET) and not verify(body, "é", SECRET)


def test_ping_unsigned_forged_and_malformed_requests(tmp_path: Path) -> None:
    rig = Rig(tmp_path, FakeChecker())

    async def go() -> None:
        ping = await rig.post(b"webhook_id=4", {"Content-Type": "application/x-www-form-urlencoded"})
        assert (ping.status_code, ping.json()) == (200, {"ok": True, "ping": 4})
        unsigned = await rig.post(b'{"id": 1}', {"Content-Type": "application/json"})
        assert unsigned.status_code == 401
        body, headers = _delivery(5, secret="someone-else")
        assert (await rig.post(body, headers)).status_code == 401
        body, headers = _delivery(5)
        assert (await rig.post(body + b" ", headers)).status_code == 401  # one byte more: not what was signed
        body, headers = _delivery(5, delivery_id="bad id with spaces")
        assert (await rig.post(body, headers)).status_code == 400
        body, headers = _delivery(5, topic="")
        assert (await rig.post(body, headers)).status_code == 400
        garbage = b"not json"
        headers = {**_delivery(5)[1], "X-WC-Webhook-Signature": sign(garbage, SECRET)}
        assert (await rig.post(garbage, headers)).status_code == 400
        no_id = b'{"name": "x"}'
        headers = {**_delivery(5)[1], "X-WC-Webhook-Signature": sign(no_id, SECRET)}
        assert (await rig.post(no_id, headers)).status_code == 400
        body, headers = _delivery(5, topic="order.updated")
        assert (await rig.post(body, headers)).status_code == 202

    asyncio.run(go())
    assert rig.watcher.counters["events"] == 0
    log = "\n".join(rig.logs)
    assert "ping from WooCommerce webhook 4" in log
    assert log.count("refused a delivery from 203.0.113.9") == 7
    assert "no X-WC-Webhook-Signature" in log and "signature does not match" in log and "not JSON" in log
    assert SECRET not in log and "Caf" not in log  # never the secret, never the body


def test_a_duplicate_delivery_is_acknowledged_and_dropped(tmp_path: Path) -> None:
    rig = Rig(tmp_path, FakeChecker())
    body, headers = _delivery(9, delivery_id="43ee47cb8685cbe5022b010c29bfd113")

    async def go() -> list[httpx.Response]:
        return [await rig.post(body, headers), await rig.post(body, headers)]

    first, second = asyncio.run(go())
    assert first.status_code == 202 and second.status_code == 200 and second.json() == {"duplicate": True}
    assert rig.watcher.counters["events"] == 1
    assert rig.state.take_pending() == ["9"]


def test_a_burst_is_one_check_and_one_alert_and_a_drift_is_alerted_once(tmp_path: Path) -> None:
    checker = FakeChecker({i: _drift(f"SKU-{i}", "7.00") for i in range(1, 501)})
    rig = Rig(tmp_path, checker)

    async def go() -> None:
        for product_id in range(1, 501):
            body, headers = _delivery(product_id)
            assert (await rig.post(body, headers)).status_code == 202
        await rig.watcher.flush()
        body, headers = _delivery(42)  # the same product in the same state, under a new delivery id
        await rig.post(body, headers)
        await rig.watcher.close()

    asyncio.run(go())
    assert checker.calls == [list(range(1, 501)), [42]]
    assert len(rig.sink.alerts) == 1
    alert = rig.sink.alerts[0]
    assert len(alert.products) == 500 and alert.deliveries == 500
    assert alert.summary().startswith("Store test: 500 products changed outside the catalogue: SKU-1 (regular_price)")


def test_the_window_timer_checks_and_a_failed_check_is_retried(tmp_path: Path) -> None:
    checker = FakeChecker({3: _drift("SKU-3", "8.00")})
    checker.fail = 1
    rig = Rig(tmp_path, checker, window=0.01)

    async def go() -> None:
        body, headers = _delivery(3)
        await rig.post(body, headers)
        while not rig.sink.alerts:  # the first check fails; the next window succeeds
            await asyncio.sleep(0.01)

    asyncio.run(asyncio.wait_for(go(), 60))
    assert checker.calls == [[3], [3]]
    assert any("failed, trying again" in line and "unreachable" in line for line in rig.logs)
    assert rig.watcher.counters["processed"] == rig.watcher.counters["events"] == 1


def test_stdout_and_chat_sinks() -> None:
    alert = Alert("prod", (_drift("MUG", "7.00"),), 2)
    out = io.StringIO()
    asyncio.run(StdoutSink(out).send(alert))
    line = json.loads(out.getvalue())
    assert line["alert"] == "drift" and line["store"] == "prod"
    assert line["products"][0]["fields"] == [{"field": "regular_price", "store": "7.00", "catalogue": "10.00"}]
    seen: list[dict[str, Any]] = []

    def chat(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(500 if len(seen) > 1 else 200)

    logs: list[str] = []
    sink = ChatSink("https://chat.example/hooks/T0K3N", logs.append, transport=httpx.MockTransport(chat))
    asyncio.run(sink.send(alert))
    asyncio.run(sink.send(alert))
    assert seen[0]["text"].startswith("Store prod: 1 product changed outside the catalogue: MUG (regular_price)")
    assert logs == ["chat alert not sent: the chat webhook answered HTTP 500 (the alert is on stdout)"]
    assert not any("T0K3N" in line for line in logs)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    logs.clear()
    asyncio.run(ChatSink("https://chat.example/hooks/T0K3N", logs.append, transport=httpx.MockTransport(down))
                .send(alert))
    assert logs == ["chat alert not sent: the chat webhook could not be reached (the alert is on stdout)"]


@pytest.mark.parametrize("listen", ["nohost", "127.0.0.1:notaport", "127.0.0.1:70000"])
def test_watch_refuses_a_bad_listen_address(listen: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from wcsync.cli.main import cli

    result = CliRunner().invoke(cli, ["watch", "--listen", listen, "--store-url", "sandbox:x.db"],
                                env={"WCSYNC_WEBHOOK_SECRET": SECRET})
    assert result.exit_code == 1 and "is not HOST:PORT" in result.output


def test_two_receivers_behind_a_load_balancer_alert_once(tmp_path: Path, redis_url: str) -> None:
    drift = {i: _drift(f"SKU-{i}", "7.00") for i in range(1, 11)}
    checkers = [FakeChecker(drift), FakeChecker(drift)]
    rigs = [Rig(tmp_path, checker, redis_url=redis_url) for checker in checkers]

    async def go() -> list[int]:
        statuses = []
        for product_id in range(1, 11):  # the balancer alternates
            body, headers = _delivery(product_id, delivery_id=f"d{product_id}")
            statuses.append((await rigs[product_id % 2].post(body, headers)).status_code)
        body, headers = _delivery(3, delivery_id="d3")  # a redelivery that reaches the other receiver
        statuses.append((await rigs[0].post(body, headers)).status_code)
        for rig in rigs:
            await rig.watcher.close()
        return statuses

    assert asyncio.run(go()) == [202] * 10 + [200]
    assert [c.calls for c in checkers] == [[list(range(1, 11))], []]  # the first to flush takes every product
    assert [len(r.sink.alerts) for r in rigs] == [1, 0]
    assert len(rigs[0].sink.alerts[0].products) == 10
