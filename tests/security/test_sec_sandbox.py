"""Attacks 3 and 4 on the sandbox store, over real sockets (uvicorn on 127.0.0.1).

3. A read-only key tries to write by spelling the method twice: ``POST`` + ``X-HTTP-Method-Override: GET``,
   ``DELETE …?_method=GET``. The sandbox now routes with the same method it checks (WordPress'
   ``serve_request``: ``?_method=`` first, then the header), so the write never happens.
4. A web page (or a DNS-rebinding attacker) drives the control endpoints: no token → 401, a foreign ``Host``
   → 403; a secret in the query string never reaches the request log, however its name is encoded.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wcsync.sandbox.db import open_db
from wcsync.sandbox.keys import create_key

PRODUCTS = "/wp-json/wc/v3/products"


def _key(db: Any, permissions: str) -> tuple[str, str]:
    conn = open_db(db)
    try:
        return create_key(conn, permissions)
    finally:
        conn.close()


@pytest.fixture
def shop(sandbox_tls_server: Any) -> Any:
    with sandbox_tls_server.client() as admin:
        created = admin.post(PRODUCTS, json={"name": "Mug", "sku": "MUG", "regular_price": "5"})
        assert created.status_code == 201
    sandbox_tls_server.product_id = created.json()["id"]
    return sandbox_tls_server


def _count(server: Any) -> int:
    with server.client() as admin:
        return len(admin.get(PRODUCTS, params={"status": "any", "per_page": 100}).json())


@pytest.mark.parametrize("spelling", ["header", "query"])
def test_a_read_only_key_cannot_create_with_a_method_override(shop: Any, spelling: str) -> None:
    key, secret = _key(shop.db_path, "read")
    headers = {"X-HTTP-Method-Override": "GET"} if spelling == "header" else {}
    params = {"_method": "GET"} if spelling == "query" else {}
    with shop.client(auth=(key, secret)) as reader:
        response = reader.post(PRODUCTS, json={"name": "Pwned", "sku": "PWN"}, headers=headers, params=params)
    # routed as the GET it was checked as: the list, not a create
    assert response.status_code == 200 and isinstance(response.json(), list)
    assert _count(shop) == 1


def test_a_read_only_key_cannot_delete_with_method_get(shop: Any) -> None:
    key, secret = _key(shop.db_path, "read")
    with shop.client(auth=(key, secret)) as reader:
        response = reader.delete(f"{PRODUCTS}/{shop.product_id}", params={"_method": "GET", "force": "true"})
    assert response.status_code == 200 and response.json()["id"] == shop.product_id
    assert _count(shop) == 1


def test_an_override_to_a_write_is_checked_as_a_write(shop: Any) -> None:
    read_key = _key(shop.db_path, "read")
    with shop.client(auth=read_key) as reader:
        refused = reader.get(f"{PRODUCTS}/{shop.product_id}", params={"_method": "DELETE", "force": "true"})
        assert refused.status_code == 401
        assert refused.json()["message"] == "The API key provided does not have write permissions."
        refused = reader.get(f"{PRODUCTS}/{shop.product_id}", headers={"X-HTTP-Method-Override": "DELETE"})
        assert refused.status_code == 401
    assert _count(shop) == 1
    with shop.client() as admin:  # a read_write key: the same override deletes, as on WordPress
        done = admin.get(f"{PRODUCTS}/{shop.product_id}", params={"_method": "DELETE", "force": "true"})
    assert done.status_code == 200 and _count(shop) == 0


def test_the_query_parameter_wins_over_the_header_as_in_wordpress(shop: Any) -> None:
    key, secret = _key(shop.db_path, "read")
    with shop.client(auth=(key, secret)) as reader:
        response = reader.post(
            f"{PRODUCTS}/{shop.product_id}",
            params={"_method": "GET"},
            headers={"X-HTTP-Method-Override": "DELETE"},
        )
    assert response.status_code == 200 and _count(shop) == 1


# --- control endpoints -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "reset"), ("POST", "seed"), ("GET", "stats"), ("POST", "faults"), ("GET", "faults"), ("POST", "stats/reset")],
)
def test_control_endpoints_refuse_a_request_without_the_token(shop: Any, method: str, path: str) -> None:
    with httpx.Client(verify=shop.verify, timeout=10) as browser:
        response = browser.request(
            method, f"{shop.base_url}/__sandbox/{path}", content=b'{"name": "empty"}', headers={"Content-Type": "text/plain"}
        )
        assert response.status_code == 401
        wrong = browser.request(method, f"{shop.base_url}/__sandbox/{path}", headers={"X-Sandbox-Token": "guess"})
        assert wrong.status_code == 401
    assert _count(shop) == 1  # nothing was reset


def test_control_endpoints_refuse_a_foreign_host_even_with_the_token(shop: Any) -> None:
    with httpx.Client(verify=shop.verify, timeout=10) as client:
        for host in ("attacker.example", "attacker.example:8080", "127.0.0.1.attacker.example", "127.0.0.1:1@attacker.example"):
            headers = {"Host": host, "X-Sandbox-Token": shop.control_token}
            response = client.post(f"{shop.base_url}/__sandbox/reset", headers=headers)
            assert response.status_code == 403, host
            assert client.get(f"{shop.base_url}/__sandbox/health", headers={"Host": host}).status_code == 403
    assert _count(shop) == 1


def test_the_token_or_the_admin_key_opens_them(shop: Any) -> None:
    read_only = _key(shop.db_path, "read")
    with httpx.Client(verify=shop.verify, timeout=10) as client:
        assert client.get(f"{shop.base_url}/__sandbox/health").status_code == 200  # readiness: Host only
        assert client.get(f"{shop.base_url}/__sandbox/stats", auth=read_only).status_code == 401
        admin = (shop.consumer_key, shop.consumer_secret)
        assert client.get(f"{shop.base_url}/__sandbox/stats", auth=admin).status_code == 200
        bearer = {"Authorization": f"Bearer {shop.control_token}"}
        assert client.get(f"{shop.base_url}/__sandbox/stats", headers=bearer).status_code == 200
        localhost = {"Host": "localhost", "X-Sandbox-Token": shop.control_token}
        assert client.post(f"{shop.base_url}/__sandbox/reset", headers=localhost).status_code == 200
    assert _count(shop) == 0


@pytest.mark.parametrize(
    "name", ["consumer_secret", "consumer%5Fsecret", "consumer%5fsecret", "CONSUMER_SECRET", "consumer.secret", "consumer_secret%5B%5D"]
)
def test_stats_never_log_a_secret_however_its_name_is_spelt(sandbox_server: Any, name: str) -> None:
    secret = "cs_leaked_value_0123456789"
    with httpx.Client(timeout=10) as client:
        client.get(f"{sandbox_server.base_url}{PRODUCTS}?consumer_key=ck_x&{name}={secret}")
    stats = sandbox_server.stats()
    assert secret not in str(stats)
    assert stats["log"][-1]["query"] == f"consumer_key=ck_x&{name}=***"
