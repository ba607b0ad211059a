"""wcsync.sandbox.server and stats: request counters, the request log, control endpoints, TLS files.

Middleware behaviour is checked against a tiny stand-in store; the real WooCommerce routes are exercised in
test_server_store.py.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from wcsync.sandbox.server import IN_PROCESS_BASE_URL, build_asgi
from wcsync.sandbox.stats import StatsRecorder, route_pattern
from wcsync.sandbox.tls import ensure_certificates


def _echo_app() -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        status = 404 if "missing" in request.url.path else 200
        return JSONResponse({"path": request.url.path}, status_code=status)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "DELETE"])])


def _run(app: Any, calls: list[tuple[str, str]]) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=IN_PROCESS_BASE_URL,
            headers={"X-Sandbox-Token": app.control_token},
        ) as client:
            return [await client.request(method, url) for method, url in calls]

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("/wp-json/wc/v3/products", "/wp-json/wc/v3/products"),
        ("/wp-json/wc/v3/products/431", "/wp-json/wc/v3/products/{id}"),
        ("/wp-json/wc/v3/products/431/variations/440", "/wp-json/wc/v3/products/{id}/variations/{id}"),
        (
            "/wp-json/wc/v3/products/attributes/3/terms/batch",
            "/wp-json/wc/v3/products/attributes/{id}/terms/batch",
        ),
        ("/wp-json/wc/v3/products/abc12", "/wp-json/wc/v3/products/abc12"),
        ("/wp-json/wc/v3/", "/wp-json/wc/v3/"),
    ],
)
def test_route_pattern(path: str, pattern: str) -> None:
    assert route_pattern(path) == pattern


def test_stats_count_per_method_and_route_and_log_each_request(tmp_path: Path) -> None:
    app = build_asgi(tmp_path / "x.db", store_app=_echo_app(), in_process=True)
    _run(
        app,
        [
            ("GET", "/wp-json/wc/v3/products?per_page=100&page=1"),
            ("GET", "/wp-json/wc/v3/products?per_page=100&page=2"),
            ("GET", "/wp-json/wc/v3/products/431/variations?per_page=100"),
            ("GET", "/wp-json/wc/v3/products/432/variations?per_page=100"),
            ("POST", "/wp-json/wc/v3/products/batch"),
            ("PUT", "/wp-json/wc/v3/products/missing"),
            ("GET", "/__sandbox/health"),
        ],
    )
    stats = _run(app, [("GET", "/__sandbox/stats")])[0].json()
    assert stats["total"] == 6
    assert stats["counts"] == {
        "GET /wp-json/wc/v3/products": 2,
        "GET /wp-json/wc/v3/products/{id}/variations": 2,
        "POST /wp-json/wc/v3/products/batch": 1,
        "PUT /wp-json/wc/v3/products/missing": 1,
    }
    assert stats["statuses"] == {"200": 5, "404": 1}
    assert stats["log"][0] == {
        "method": "GET",
        "path": "/wp-json/wc/v3/products",
        "query": "per_page=100&page=1",
        "status": 200,
        "fault": None,
    }
    assert [entry["status"] for entry in stats["log"]] == [200, 200, 200, 200, 200, 404]
    without_log = _run(app, [("GET", "/__sandbox/stats?log=0")])[0].json()
    assert "log" not in without_log and without_log["total"] == 6


def test_stats_reset(tmp_path: Path) -> None:
    app = build_asgi(tmp_path / "x.db", store_app=_echo_app(), in_process=True)
    _run(app, [("GET", "/wp-json/wc/v3/products")] * 3)
    assert _run(app, [("POST", "/__sandbox/stats/reset")])[0].json() == {"ok": True}
    _run(app, [("DELETE", "/wp-json/wc/v3/products/5")])
    stats = app.stats.snapshot()
    assert stats["total"] == 1 and stats["counts"] == {"DELETE /wp-json/wc/v3/products/{id}": 1}


def test_query_string_secrets_are_masked_in_the_log(tmp_path: Path) -> None:
    app = build_asgi(tmp_path / "x.db", store_app=_echo_app(), in_process=True)
    _run(app, [("GET", "/wp-json/wc/v3/products?consumer_key=ck_1&consumer_secret=cs_topsecret&page=2")])
    entry = app.stats.snapshot()["log"][0]
    assert entry["query"] == "consumer_key=ck_1&consumer_secret=***&page=2"


def test_log_keeps_the_most_recent_requests_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from wcsync.sandbox import stats as stats_module

    monkeypatch.setattr(stats_module, "LOG_LIMIT", 3)
    recorder = StatsRecorder()
    for n in range(5):
        recorder.record("GET", f"/wp-json/wc/v3/products/{n}", "", 200)
    snap = recorder.snapshot()
    assert snap["total"] == 5 and snap["counts"] == {"GET /wp-json/wc/v3/products/{id}": 5}
    assert [e["path"] for e in snap["log"]] == [f"/wp-json/wc/v3/products/{n}" for n in (2, 3, 4)]


def test_unknown_control_endpoint_is_404_and_not_counted(tmp_path: Path) -> None:
    app = build_asgi(tmp_path / "x.db", store_app=_echo_app(), in_process=True)
    assert _run(app, [("GET", "/__sandbox/nope")])[0].status_code == 404
    assert app.stats.snapshot()["total"] == 0


def test_seed_endpoint_rejects_unknown_seeds(tmp_path: Path) -> None:
    app = build_asgi(tmp_path / "x.db", store_app=_echo_app(), in_process=True)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=IN_PROCESS_BASE_URL,
            headers={"X-Sandbox-Token": app.control_token},
        ) as client:
            return await client.post("/__sandbox/seed", json={"name": "no-such-seed"})

    response = asyncio.run(go())
    assert response.status_code == 400
    assert response.json()["error"].startswith("there is no seed named 'no-such-seed' — known seeds: ")
    assert "empty" in response.json()["error"]


# --- TLS files ----------------------------------------------------------------------------------------------


def test_certificates_cover_localhost_and_are_reused(tmp_path: Path) -> None:
    files = ensure_certificates(tmp_path / "tls")
    cert = x509.load_pem_x509_certificate(files.cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"localhost"}
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    assert files.key_path.stat().st_mode & 0o077 == 0
    ca_before = files.ca_path.read_bytes()
    again = ensure_certificates(tmp_path / "tls")
    assert again == files and files.ca_path.read_bytes() == ca_before
    # a new host is not covered: new files
    other = ensure_certificates(tmp_path / "tls", ["sandbox.test"])
    cert = x509.load_pem_x509_certificate(other.cert_path.read_bytes())
    assert "sandbox.test" in cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ).value.get_values_for_type(x509.DNSName)
    assert other.ca_path.read_bytes() != ca_before


def test_ca_verifies_the_server_certificate(tmp_path: Path) -> None:
    files = ensure_certificates(tmp_path / "tls")
    ca = x509.load_pem_x509_certificate(files.ca_path.read_bytes())
    cert = x509.load_pem_x509_certificate(files.cert_path.read_bytes())
    cert.verify_directly_issued_by(ca)
    context = ssl.create_default_context(cafile=str(files.ca_path))
    context.load_cert_chain(str(files.cert_path), str(files.key_path))  # key matches the certificate


def test_stats_count_the_most_requests_in_flight_at_once(tmp_path: Path) -> None:
    from wcsync.sandbox.faults import FaultConfig

    app = build_asgi(tmp_path / "x.db", store_app=_echo_app(), in_process=True,
                     faults=FaultConfig(latency_ms=30))
    _run(app, [("GET", "/wp-json/wc/v3/products")] * 3)  # one after the other
    assert app.stats.snapshot()["max_in_flight"] == 1

    async def together(count: int) -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=IN_PROCESS_BASE_URL) as c:
            await asyncio.gather(*(c.get(f"/wp-json/wc/v3/products/{n}") for n in range(count)))

    asyncio.run(together(5))
    assert app.stats.snapshot()["max_in_flight"] == 5
    _run(app, [("POST", "/__sandbox/stats/reset")])
    assert app.stats.snapshot()["max_in_flight"] == 0 and app.stats.in_flight == 0
    asyncio.run(together(2))
    assert app.stats.snapshot()["max_in_flight"] == 2 and app.stats.in_flight == 0


def test_a_reset_during_requests_keeps_counting_them_in_flight() -> None:
    recorder = StatsRecorder()
    recorder.started()
    recorder.started()
    recorder.reset()
    assert recorder.snapshot()["max_in_flight"] == 2  # still in flight
    recorder.record("GET", "/wp-json/wc/v3/products", "", 200)
    recorder.started()
    assert recorder.snapshot()["max_in_flight"] == 2 and recorder.in_flight == 2
