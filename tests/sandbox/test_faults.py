"""wcsync.sandbox.faults in process: each fault kind, the seeded draws, filters, latency, runtime control.

The store behind the middlewares is a tiny app that counts the requests it handled ("commits"), so a test can
tell a fault that never reached the store from one that lost the response after the write.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from wcsync.sandbox import faults as faults_module
from wcsync.sandbox.faults import FAULT_KINDS, FaultConfig, FaultInjector
from wcsync.sandbox.server import IN_PROCESS_BASE_URL, SandboxASGI, build_asgi


class CountingStore:
    def __init__(self) -> None:
        self.handled: list[str] = []

        async def endpoint(request: Request) -> JSONResponse:
            await request.body()
            self.handled.append(f"{request.method} {request.url.path}")
            return JSONResponse(
                {"id": len(self.handled)}, status_code=201 if request.method == "POST" else 200
            )

        self.app = Starlette(
            routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "DELETE"])]
        )


class Setup:
    def __init__(self, tmp_path: Path, **config: Any) -> None:
        self.store = CountingStore()
        self.sandbox: SandboxASGI = build_asgi(
            tmp_path / "unused.db", store_app=self.store.app, faults=FaultConfig(**config), in_process=True
        )

    def run(self, *calls: tuple[str, str]) -> list[httpx.Response | Exception]:
        async def go() -> list[httpx.Response | Exception]:
            out: list[httpx.Response | Exception] = []
            transport = httpx.ASGITransport(app=self.sandbox)
            async with httpx.AsyncClient(
                transport=transport, base_url=IN_PROCESS_BASE_URL, headers={"X-Sandbox-Token": self.sandbox.control_token}
            ) as client:
                for method, path in calls:
                    try:
                        out.append(await client.request(method, path, json={} if method != "GET" else None))
                    except httpx.HTTPError as err:
                        out.append(err)
            return out

        return asyncio.run(go())

    def statuses(self, n: int, method: str = "GET", path: str = "/wp-json/wc/v3/products") -> list[int]:
        results = self.run(*[(method, path)] * n)
        assert all(isinstance(r, httpx.Response) for r in results)
        return [r.status_code for r in results if isinstance(r, httpx.Response)]


def _response(result: httpx.Response | Exception) -> httpx.Response:
    assert isinstance(result, httpx.Response), result
    return result


def test_no_faults_by_default(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    assert setup.statuses(20) == [200] * 20
    assert len(setup.store.handled) == 20
    assert setup.sandbox.stats.snapshot()["faults"] == {}


def test_503_and_502_are_nginx_pages_and_never_reach_the_store(tmp_path: Path) -> None:
    for status in (502, 503):
        setup = Setup(tmp_path, **{f"rate_{status}": 1.0})
        response = _response(setup.run(("POST", "/wp-json/wc/v3/products/batch"))[0])
        assert response.status_code == status
        assert response.headers["content-type"] == "text/html"
        title = {502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable"}[status]
        assert f"<title>{title}</title>" in response.text
        assert setup.store.handled == []


def test_500_is_wordpress_critical_error_json(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_500=1.0)
    response = _response(setup.run(("GET", "/wp-json/wc/v3/products"))[0])
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_server_error"
    assert body["data"] == {"status": 500}
    assert body["message"].startswith("<p>There has been a critical error on this website.</p>")


def test_429_carries_retry_after(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_429=1.0, retry_after=7)
    response = _response(setup.run(("GET", "/wp-json/wc/v3/products"))[0])
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert setup.store.handled == []


def test_hang_in_process_raises_read_timeout_without_calling_the_store(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_hang=1.0)
    result = setup.run(("POST", "/wp-json/wc/v3/products"))[0]
    assert isinstance(result, httpx.ReadTimeout)
    assert setup.store.handled == []
    entry = setup.sandbox.stats.snapshot()["log"][0]
    assert (entry["status"], entry["fault"]) == (None, "hang")


def test_drop_in_process_raises_remote_protocol_error(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_drop=1.0)
    result = setup.run(("GET", "/wp-json/wc/v3/products"))[0]
    assert isinstance(result, httpx.RemoteProtocolError)
    assert "peer closed connection without sending complete message body" in str(result)
    assert setup.store.handled == []


def test_fail_after_commit_writes_then_answers_502(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_fail_after_commit=1.0)
    response = _response(setup.run(("POST", "/wp-json/wc/v3/products/batch"))[0])
    assert response.status_code == 502
    assert setup.store.handled == ["POST /wp-json/wc/v3/products/batch"]
    entry = setup.sandbox.stats.snapshot()["log"][0]
    assert (entry["status"], entry["fault"], entry["inner_status"]) == (502, "fail_after_commit", 201)


def test_fail_after_commit_as_drop_writes_then_breaks_the_connection(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_fail_after_commit=1.0, fail_after_commit_as="drop")
    result = setup.run(("PUT", "/wp-json/wc/v3/products/431"))[0]
    assert isinstance(result, httpx.RemoteProtocolError)
    assert setup.store.handled == ["PUT /wp-json/wc/v3/products/431"]


def _expected(seed: int, n: int, rates: dict[str, float]) -> list[int]:
    """The documented draw: one random() per request, kinds in FAULT_KINDS order by cumulative rate."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        draw, cumulative, status = rng.random(), 0.0, 200
        for kind in FAULT_KINDS:
            cumulative += rates.get(kind, 0.0)
            if rates.get(kind, 0.0) > 0 and draw < cumulative:
                status = int(kind)
                break
        out.append(status)
    return out


def test_seeded_rates_are_repeatable(tmp_path: Path) -> None:
    rates = {"500": 0.1, "503": 0.2, "429": 0.15}
    config = {"seed": 42, "rate_500": 0.1, "rate_503": 0.2, "rate_429": 0.15}
    first = Setup(tmp_path, **config).statuses(60)
    second = Setup(tmp_path, **config).statuses(60)
    assert first == second == _expected(42, 60, rates)
    assert {200, 500, 503, 429} == set(first)
    other = Setup(tmp_path, **{**config, "seed": 7}).statuses(60)
    assert other == _expected(7, 60, rates) and other != first


def test_stats_count_faults_by_kind(tmp_path: Path) -> None:
    setup = Setup(tmp_path, seed=3, rate_503=0.5)
    statuses = setup.statuses(40)
    stats = setup.sandbox.stats.snapshot()
    assert stats["total"] == 40
    assert stats["faults"] == {"503": statuses.count(503)}
    assert stats["statuses"] == {"200": statuses.count(200), "503": statuses.count(503)}
    assert len(setup.store.handled) == statuses.count(200)


def test_method_filter_spares_reads(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_503=1.0, methods=["post", "PUT"])
    assert setup.statuses(3, "GET") == [200, 200, 200]
    assert setup.statuses(2, "POST") == [503, 503]
    assert setup.statuses(1, "DELETE") == [200]


def test_path_filter(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_503=1.0, path_contains="/batch")
    assert setup.statuses(1, "POST", "/wp-json/wc/v3/products") == [201]
    assert setup.statuses(1, "POST", "/wp-json/wc/v3/products/batch") == [503]


def test_max_faults_lets_the_retry_through(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_503=1.0, max_faults=2)
    assert setup.statuses(4, "POST") == [503, 503, 201, 201]


def test_control_endpoints_are_never_faulted_nor_counted(tmp_path: Path) -> None:
    setup = Setup(tmp_path, rate_drop=1.0)
    results = setup.run(
        ("GET", "/__sandbox/faults"), ("GET", "/__sandbox/stats"), ("GET", "/__sandbox/health")
    )
    assert [_response(r).status_code for r in results] == [200, 200, 200]
    assert _response(results[0]).json()["rate_drop"] == 1.0
    assert _response(results[1]).json()["total"] == 0


def test_faults_can_be_replaced_at_runtime(tmp_path: Path) -> None:
    setup = Setup(tmp_path)

    async def go() -> list[int]:
        transport = httpx.ASGITransport(app=setup.sandbox)
        async with httpx.AsyncClient(
            transport=transport, base_url=IN_PROCESS_BASE_URL, headers={"X-Sandbox-Token": setup.sandbox.control_token}
        ) as client:
            codes = [(await client.get("/wp-json/wc/v3/products")).status_code]
            switched = await client.post("/__sandbox/faults", json={"rate_429": 1.0, "retry_after": 3})
            assert switched.status_code == 200 and switched.json()["rate_429"] == 1.0
            codes.append((await client.get("/wp-json/wc/v3/products")).status_code)
            assert (await client.get("/__sandbox/faults")).json()["retry_after"] == 3
            bad = await client.post("/__sandbox/faults", json={"rate_503": 0.7, "rate_500": 0.6})
            assert bad.status_code == 400
            assert "fault rates add up to 1.3; they must add up to at most 1" in bad.json()["error"]
            unknown = await client.post("/__sandbox/faults", json={"rate_418": 1})
            assert unknown.status_code == 400 and "rate_418" in unknown.json()["error"]
            await client.post("/__sandbox/faults", json={})
            codes.append((await client.get("/wp-json/wc/v3/products")).status_code)
            return codes

    assert asyncio.run(go()) == [200, 429, 200]


def test_latency_sleeps_seeded_amounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(faults_module.anyio, "sleep", fake_sleep)
    setup = Setup(tmp_path, seed=5, latency_ms=40, jitter_ms=10)
    setup.run(*[("GET", "/wp-json/wc/v3/products")] * 5, ("GET", "/__sandbox/stats"))
    rng = random.Random(6)  # latency has its own generator: seed + 1
    assert slept == pytest.approx([(40 + rng.uniform(-10, 10)) / 1000 for _ in range(5)])
    assert all(0.03 <= s <= 0.05 for s in slept)

    slept.clear()
    fixed = Setup(tmp_path, latency_ms=25)
    fixed.run(("GET", "/wp-json/wc/v3/products"), ("POST", "/wp-json/wc/v3/products"))
    assert slept == [0.025, 0.025]


def test_latency_never_goes_negative() -> None:
    injector = FaultInjector(FaultConfig(seed=1, latency_ms=1, jitter_ms=50))
    delays = [injector.delay_seconds() for _ in range(200)]
    assert min(delays) == 0.0 and max(delays) <= 0.051


def test_changing_latency_does_not_change_which_requests_fail() -> None:
    plain = FaultInjector(FaultConfig(seed=9, rate_503=0.3))
    slow = FaultInjector(FaultConfig(seed=9, rate_503=0.3, latency_ms=10, jitter_ms=5))
    a = []
    b = []
    for _ in range(50):
        plain.delay_seconds()
        slow.delay_seconds()
        a.append(plain.decide("GET", "/x"))
        b.append(slow.decide("GET", "/x"))
    assert a == b and "503" in a


def test_fault_config_validation() -> None:
    with pytest.raises(ValidationError, match="at most 1"):
        FaultConfig(rate_500=0.5, rate_drop=0.6)
    with pytest.raises(ValidationError):
        FaultConfig(rate_429=1.5)
    with pytest.raises(ValidationError):
        FaultConfig(fail_after_commit_as="timeout")  # type: ignore[arg-type]
    assert not FaultConfig().active and FaultConfig(jitter_ms=1).active and FaultConfig(rate_hang=0.1).active
