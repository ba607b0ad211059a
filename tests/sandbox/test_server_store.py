"""The sandbox with its real WooCommerce routes behind auth, stats and faults: in-process and over uvicorn.

Authentication answers are compared with the recorded ones (``01#5`` = captures/01-auth.json, 5th exchange).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from wcsync.sandbox.db import open_db
from wcsync.sandbox.keys import create_key

PRODUCTS = "/wp-json/wc/v3/products"
CATEGORIES = "/wp-json/wc/v3/products/categories"
CANNOT_LIST = {
    "code": "woocommerce_rest_cannot_view",
    "message": "Sorry, you cannot list resources.",
    "data": {"status": 401},
}
CANNOT_VIEW_ONE = {
    "code": "woocommerce_rest_cannot_view",
    "message": "Sorry, you cannot view this resource.",
    "data": {"status": 401},
}
CANNOT_CREATE = {
    "code": "woocommerce_rest_cannot_create",
    "message": "Sorry, you are not allowed to create resources.",
    "data": {"status": 401},
}
NO_WRITE = {
    "code": "woocommerce_rest_authentication_error",
    "message": "The API key provided does not have write permissions.",
    "data": {"status": 401},
}


def test_in_process_store_speaks_https_basic(sandbox_app: Any) -> None:
    assert sandbox_app.base_url == "https://sandbox.invalid"
    first = sandbox_app.call("GET", PRODUCTS)  # 01#1
    assert first.status_code == 200 and first.json() == []
    assert first.headers["X-WP-Total"] == "0" and first.headers["Allow"] == "GET, POST"
    created = sandbox_app.call("POST", CATEGORIES, json={"name": "Via In-Process"})
    assert created.status_code == 201
    assert created.json()["_links"]["self"][0]["href"].startswith("https://sandbox.invalid/wp-json/wc/v3/")
    assert sandbox_app.stats()["counts"] == {
        "GET /wp-json/wc/v3/products": 1,
        "POST /wp-json/wc/v3/products/categories": 1,
    }


def test_in_process_anonymous_and_bad_credentials(sandbox_app: Any) -> None:
    assert sandbox_app.call("GET", PRODUCTS, auth=None).json() == CANNOT_LIST  # 01#6
    uncategorized = sandbox_app.call("GET", CATEGORIES).json()[0]["id"]
    assert (
        sandbox_app.call("GET", f"{CATEGORIES}/{uncategorized}", auth=None).json() == CANNOT_VIEW_ONE
    )  # 01#7
    unknown = sandbox_app.call("GET", PRODUCTS, auth=("ck_" + "1" * 40, "cs_" + "1" * 40))
    assert (unknown.status_code, unknown.json()) == (401, CANNOT_LIST)  # 01#9
    wrong = sandbox_app.call("GET", PRODUCTS, auth=(sandbox_app.consumer_key, "cs_" + "0" * 40))
    assert wrong.json()["message"] == "Consumer secret is invalid."  # 01#8
    # 01#28: ?rest_route= is not a /wp-json/wc/ URI, so the key is not looked at
    routed = sandbox_app.call("GET", "/", params={"rest_route": "/wc/v3/products"})
    assert (routed.status_code, routed.json()) == (401, CANNOT_LIST)


def test_in_process_plain_http_url_ignores_basic(sandbox_app: Any) -> None:
    response = sandbox_app.call("POST", f"http://sandbox.invalid{CATEGORIES}", json={"name": "No"})  # 01#5
    assert (response.status_code, response.json()) == (401, CANNOT_CREATE)


def test_in_process_faults_and_reset(sandbox_app: Any) -> None:
    sandbox_app.set_faults(rate_fail_after_commit=1.0, methods=["POST"])
    lost = sandbox_app.call("POST", CATEGORIES, json={"name": "Committed Anyway"})
    assert lost.status_code == 502
    sandbox_app.set_faults()
    names = [c["name"] for c in sandbox_app.call("GET", CATEGORIES).json()]
    assert "Committed Anyway" in names
    sandbox_app.reset()
    assert [c["name"] for c in sandbox_app.call("GET", CATEGORIES).json()] == ["Uncategorized"]


def test_server_over_http_with_oauth1(sandbox_server: Any) -> None:
    with sandbox_server.client() as client:  # OAuth 1.0a, query string
        created = client.post(CATEGORIES, json={"name": "Via OAuth"})  # 01#18
        assert created.status_code == 201
        assert created.json()["_links"]["self"][0]["href"].startswith(sandbox_server.base_url)
        category = created.json()["id"]
        assert client.put(f"{CATEGORIES}/{category}", json={"description": "d"}).status_code == 200  # 01#19
        assert client.delete(f"{CATEGORIES}/{category}", params={"force": "true"}).status_code == 200  # 01#20
    with sandbox_server.client(
        auth=sandbox_server.oauth1(signature_method="HMAC-SHA1", placement="header")
    ) as client:
        assert client.get(PRODUCTS).status_code == 200  # 01#15-16
    with sandbox_server.client(auth=(sandbox_server.consumer_key, sandbox_server.consumer_secret)) as client:
        assert client.get(PRODUCTS).json() == CANNOT_LIST  # 01#4: Basic over plain HTTP is ignored
    stats = sandbox_server.stats()
    assert stats["total"] == 5
    assert stats["counts"] == {
        "DELETE /wp-json/wc/v3/products/categories/{id}": 1,
        "GET /wp-json/wc/v3/products": 2,
        "POST /wp-json/wc/v3/products/categories": 1,
        "PUT /wp-json/wc/v3/products/categories/{id}": 1,
    }
    assert stats["statuses"] == {"200": 3, "201": 1, "401": 1}


def test_server_over_https_with_basic_and_a_read_only_key(sandbox_tls_server: Any) -> None:
    conn = open_db(sandbox_tls_server.db_path)
    read_key, read_secret = create_key(conn, "read")
    conn.close()
    with sandbox_tls_server.client() as client:
        assert client.get(PRODUCTS).status_code == 200
        assert client.post(CATEGORIES, json={"name": "Basic Made"}).status_code == 201
    with sandbox_tls_server.client(auth=(read_key, read_secret)) as client:
        listed = client.get(CATEGORIES)
        assert listed.status_code == 200 and len(listed.json()) == 2  # 01#29
        refused = client.post(CATEGORIES, json={"name": "no"})
        assert (refused.status_code, refused.json()) == (401, NO_WRITE)  # 01#31
    with sandbox_tls_server.client(auth=None) as client:
        assert (
            client.get(
                PRODUCTS, params={"consumer_key": read_key, "consumer_secret": read_secret}
            ).status_code
            == 200
        )


def test_server_reset_keeps_keys_and_stats_reset(sandbox_server: Any) -> None:
    with sandbox_server.client() as client:
        assert client.post(CATEGORIES, json={"name": "Temporary"}).status_code == 201
    sandbox_server.reset()
    with sandbox_server.client() as client:
        after = client.get(CATEGORIES)
    assert after.status_code == 200 and [c["name"] for c in after.json()] == ["Uncategorized"]
    assert sandbox_server.stats(log=False)["total"] == 2  # control calls are not counted
    sandbox_server.reset_stats()
    assert sandbox_server.stats() == {"total": 0, "counts": {}, "statuses": {}, "faults": {}, "max_in_flight": 0,
                                      "connections": 0, "log": []}


def test_server_seed_endpoint(sandbox_server: Any) -> None:
    with sandbox_server.client() as client:
        assert client.post(CATEGORIES, json={"name": "Before Seed"}).status_code == 201
        sandbox_server.seed("empty")
        assert [c["name"] for c in client.get(CATEGORIES).json()] == ["Uncategorized"]


def test_two_servers_share_one_database(sandbox_server_factory: Any, tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    secure = sandbox_server_factory(db, tls=True)
    plain = sandbox_server_factory(db)
    assert secure.consumer_key == plain.consumer_key
    with secure.client() as client:
        made = client.post(CATEGORIES, json={"name": "Seen Twice"})
    with plain.client() as client:
        seen = client.get(f"{CATEGORIES}/{made.json()['id']}")
    assert seen.status_code == 200 and seen.json()["name"] == "Seen Twice"
    assert seen.json()["_links"]["self"][0]["href"].startswith(plain.base_url)
    assert secure.stats()["total"] == 1 and plain.stats()["total"] == 1


@pytest.mark.parametrize(("version", "status"), [("11.0.1", 200), ("9.8", 404)])
def test_wc_version_reaches_the_store(sandbox_server_factory: Any, version: str, status: int) -> None:
    server = sandbox_server_factory(wc_version=version)
    assert httpx.get(f"{server.base_url}/__sandbox/health").json()["wc_version"] == version
    with server.client() as client:
        assert client.get("/wp-json/wc/v3/variations").status_code == status


def test_sandbox_db_fixture_is_a_fresh_store(sandbox_db: Path) -> None:
    import asyncio

    from wcsync.sandbox.server import connect_in_process

    store = connect_in_process(sandbox_db)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=store.transport,
            base_url=store.base_url,
            auth=(store.consumer_key, store.consumer_secret),
        ) as client:
            return await client.get(CATEGORIES)

    assert [c["slug"] for c in asyncio.run(go()).json()] == ["uncategorized"]


@pytest.mark.parametrize("tls", [False, True], ids=["http-oauth1", "https-basic"])
def test_wcsync_plan_against_a_running_server(sandbox_server_factory: Any, tmp_path: Path, tls: bool) -> None:
    import os
    import subprocess
    import sys

    server = sandbox_server_factory(tls=tls)
    import shutil

    root = Path(__file__).resolve().parents[2]
    project = tmp_path / "project"
    shutil.copytree(root / "catalog", project / "catalog")  # the repository's example catalogue
    shutil.copy(root / "wcsync.yaml", project / "wcsync.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "wcsync.cli.main", "plan", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **server.env(), "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "to create" in done.stdout
    log = server.stats()["log"]
    assert any(entry["path"] == "/wp-json/wc/v3/products/categories" for entry in log)
    assert all(entry["status"] == 200 for entry in log), log
