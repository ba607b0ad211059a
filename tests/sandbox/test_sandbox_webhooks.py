"""The sandbox's webhooks, like WooCommerce's: the ``/wc/v3/webhooks`` routes, the ping on creation, queued
product deliveries (view-context payload, headers, signature over the raw body), the failure count that
disables a webhook, retries with the same delivery id, and the delivery faults."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

SECRET = "sandbox-webhook-secret-1234567890"
API = "/wp-json/wc/v3"


@dataclass
class Recorder:
    """A receiver on 127.0.0.1 that records every request and answers ``statuses`` in turn (then 200)."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            rec.requests.append({"headers": dict(self.headers.items()), "body": body})
            status = rec.statuses.pop(0) if rec.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _hook(sandbox: Any, recorder: Recorder, topic: str = "product.updated") -> dict[str, Any]:
    body = {"name": "drift", "topic": topic, "delivery_url": recorder.url, "secret": SECRET}
    return dict(_ok(sandbox.call("POST", f"{API}/webhooks", json=body), 201))


def _run(sandbox: Any, everything: bool = False) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = _ok(sandbox.call("POST", "/__sandbox/webhooks/run", json={"all": everything}))[
        "delivered"]
    return result


def _product(sandbox: Any, **fields: Any) -> dict[str, Any]:
    body = {"name": "Mug / Tasse é", "type": "simple", "sku": "MUG-1", "regular_price": "10.00", **fields}
    return dict(_ok(sandbox.call("POST", f"{API}/products", json=body), 201))


def test_webhook_routes_answer_like_woocommerce(sandbox_app: Any, recorder: Recorder) -> None:
    created = sandbox_app.call("POST", f"{API}/webhooks", json={
        "name": "drift", "topic": "product.updated", "delivery_url": recorder.url, "secret": SECRET})
    body = _ok(created, 201)
    assert created.headers["Location"].endswith(f"/wc/v3/webhooks/{body['id']}")
    assert body["status"] == "active" and body["resource"] == "product" and body["event"] == "updated"
    assert body["hooks"] == ["woocommerce_process_product_meta", "woocommerce_update_product",
                             "woocommerce_update_product_variation"]
    assert "secret" not in body and SECRET not in created.text
    bad_topic = sandbox_app.call("POST", f"{API}/webhooks", json={"topic": "product.eaten", "delivery_url": "x"})
    assert _ok(bad_topic, 400)["code"] == "woocommerce_rest_webhook_invalid_topic"
    bad_url = sandbox_app.call("POST", f"{API}/webhooks", json={"topic": "product.created", "delivery_url": "ftp://x"})
    assert _ok(bad_url, 400)["code"] == "woocommerce_rest_webhook_invalid_delivery_url"
    listed = _ok(sandbox_app.call("GET", f"{API}/webhooks"))
    assert [h["id"] for h in listed] == [body["id"]]
    paused = _ok(sandbox_app.call("PUT", f"{API}/webhooks/{body['id']}", json={"status": "paused"}))
    assert paused["status"] == "paused"
    assert _ok(sandbox_app.call("GET", f"{API}/webhooks", params={"status": "active"})) == []
    trash = sandbox_app.call("DELETE", f"{API}/webhooks/{body['id']}")
    assert _ok(trash, 501)["code"] == "woocommerce_rest_trash_not_supported"
    _ok(sandbox_app.call("DELETE", f"{API}/webhooks/{body['id']}", params={"force": "true"}))
    assert _ok(sandbox_app.call("GET", f"{API}/webhooks/{body['id']}"), 404)["code"] == \
        "woocommerce_rest_webhook_invalid_id"
    assert sandbox_app.call("GET", f"{API}/webhooks").json() == []


def test_ping_then_a_queued_signed_view_context_delivery(sandbox_app: Any, recorder: Recorder) -> None:
    hook = _hook(sandbox_app, recorder)
    product = _product(sandbox_app)
    assert recorder.requests == []  # nothing is delivered from the request itself: the queue runs later
    _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"regular_price": "11.00"}))
    _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"regular_price": "12.00"}))
    ran = _run(sandbox_app)
    assert [(r["kind"], r["status"]) for r in ran] == [("ping", 200), ("deliver", 200)]  # one per pending product
    ping, delivery = recorder.requests
    assert ping["body"] == f"webhook_id={hook['id']}".encode()
    assert ping["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert not any(k.lower().startswith("x-wc-webhook") for k in ping["headers"])
    assert ping["headers"]["User-Agent"].startswith("WooCommerce/11.0.1 Hookshot (WordPress/")
    headers, raw = delivery["headers"], delivery["body"]
    expected = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
    assert headers["X-WC-Webhook-Signature"] == expected
    assert headers["X-WC-Webhook-Topic"] == "product.updated"
    assert (headers["X-WC-Webhook-Resource"], headers["X-WC-Webhook-Event"]) == ("product", "updated")
    assert headers["X-WC-Webhook-ID"] == str(hook["id"])
    assert len(headers["X-WC-Webhook-Delivery-ID"]) == 32 and int(headers["X-WC-Webhook-Delivery-ID"], 16) >= 0
    assert headers["X-WC-Webhook-Source"].endswith("/")
    assert b"\\/" in raw and b"\\u00e9" in raw  # wp_json_encode: escaped slashes, ASCII only
    payload = json.loads(raw)
    assert payload["id"] == product["id"] and payload["regular_price"] == "12.00"  # built when the queue ran
    assert "permalink" in payload and "meta_data" in payload


def test_topics_follow_the_hooks_trash_restore_and_variations(sandbox_app: Any, recorder: Recorder) -> None:
    hooks = {t: _hook(sandbox_app, recorder, t)["id"] for t in
             ("product.created", "product.updated", "product.deleted", "product.restored")}
    _run(sandbox_app)
    recorder.requests.clear()
    product = _product(sandbox_app, type="variable", attributes=[{"name": "Size", "options": ["S"], "variation": True}])
    variation = _ok(sandbox_app.call("POST", f"{API}/products/{product['id']}/variations", json={
        "regular_price": "5.00", "attributes": [{"name": "Size", "option": "S"}]}), 201)
    _run(sandbox_app)
    created = sorted(json.loads(r["body"])["id"] for r in recorder.requests)
    assert created == sorted([product["id"], variation["id"]])
    assert {r["headers"]["X-WC-Webhook-ID"] for r in recorder.requests} == {str(hooks["product.created"])}
    recorder.requests.clear()
    _ok(sandbox_app.call("DELETE", f"{API}/products/{product['id']}"))  # trash
    _run(sandbox_app)
    assert [(r["headers"]["X-WC-Webhook-Topic"], json.loads(r["body"])) for r in recorder.requests] == [
        ("product.deleted", {"id": product["id"]})]
    recorder.requests.clear()
    _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"status": "publish"}))
    _run(sandbox_app)
    assert [r["headers"]["X-WC-Webhook-Topic"] for r in recorder.requests] == ["product.restored"]
    recorder.requests.clear()
    _ok(sandbox_app.call("DELETE", f"{API}/products/{product['id']}", params={"force": "true"}))
    assert _run(sandbox_app) == []  # a permanent delete sends nothing (only wp_trash_post is hooked)


def test_failures_are_retried_with_the_same_delivery_id_and_disable_the_webhook(
    sandbox_app: Any, recorder: Recorder
) -> None:
    hook = _hook(sandbox_app, recorder)
    _run(sandbox_app)
    product = _product(sandbox_app)
    recorder.statuses = [500, 503]
    _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"name": "Again"}))
    assert [r["status"] for r in _run(sandbox_app)] == [500]
    assert _run(sandbox_app) == []  # the retry waits for its delay …
    retried = _run(sandbox_app, everything=True) + _run(sandbox_app, everything=True)  # … unless run now
    assert [r["status"] for r in retried] == [503, 200]
    ids = {r["headers"]["X-WC-Webhook-Delivery-ID"] for r in recorder.requests[1:]}
    assert len(ids) == 1
    state = _ok(sandbox_app.call("GET", "/__sandbox/webhooks"))
    assert state["webhooks"][0]["failure_count"] == 0  # a success resets it
    # seven failures in a row: counts 1..6, then the webhook is disabled (failures > 5)
    _ok(sandbox_app.call("POST", "/__sandbox/webhooks", json={"retries": 0}))
    recorder.statuses = [500] * 10
    for price in range(1, 8):
        _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"regular_price": f"{price}.00"}))
        _run(sandbox_app)
        status = _ok(sandbox_app.call("GET", f"{API}/webhooks/{hook['id']}"))["status"]
        assert status == ("disabled" if price == 7 else "active"), price
    _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"regular_price": "9.00"}))
    assert _run(sandbox_app) == []  # a disabled webhook delivers nothing


def test_faults_duplicate_bad_signature_and_late(sandbox_app: Any, recorder: Recorder) -> None:
    _hook(sandbox_app, recorder)
    _run(sandbox_app)
    recorder.requests.clear()
    first, second = _product(sandbox_app, sku="A"), _product(sandbox_app, sku="B")
    _ok(sandbox_app.call("POST", "/__sandbox/webhooks", json={"faults": {"duplicate": 1, "bad_signature": 1}}))
    for product in (first, second):
        _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"name": "Edited"}))
    ran = _run(sandbox_app)
    assert [r["fault"] for r in ran] == ["duplicate", "duplicate", "bad_signature"]
    dup1, dup2, forged = recorder.requests
    assert dup1 == dup2
    raw = forged["body"]
    good = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
    assert forged["headers"]["X-WC-Webhook-Signature"] != good
    recorder.requests.clear()
    _ok(sandbox_app.call("POST", "/__sandbox/webhooks", json={"faults": {"late": 1}, "late_seconds": 3600}))
    _ok(sandbox_app.call("PUT", f"{API}/products/{first['id']}", json={"name": "Late"}))
    _ok(sandbox_app.call("PUT", f"{API}/products/{second['id']}", json={"name": "On time"}))
    assert [json.loads(r["body"])["id"] for r in recorder.requests] == []
    on_time = _run(sandbox_app)
    assert [r["arg"] for r in on_time] == [second["id"]]
    late = _run(sandbox_app, everything=True)
    assert [(r["arg"], r["fault"]) for r in late] == [(first["id"], "late")]


def test_a_webhook_problem_never_breaks_the_write(sandbox_app: Any, recorder: Recorder) -> None:
    _hook(sandbox_app, recorder)
    from wcsync.sandbox.db import open_db

    conn = open_db(sandbox_app.db_path)
    conn.execute("DROP TABLE sb_webhook_queue")
    conn.execute("CREATE TABLE sb_webhook_queue (id INTEGER)")  # broken: every insert fails
    conn.close()
    product = _product(sandbox_app)
    edited = _ok(sandbox_app.call("PUT", f"{API}/products/{product['id']}", json={"regular_price": "13.00"}))
    assert edited["regular_price"] == "13.00"


@pytest.mark.e2e
def test_a_served_store_runs_its_queue_by_itself(sandbox_server: Any, recorder: Recorder) -> None:
    import time

    with sandbox_server.client() as client:
        _ok(client.post(f"{API}/webhooks", json={"topic": "product.created", "delivery_url": recorder.url,
                                                 "secret": SECRET}), 201)
        created = _ok(client.post(f"{API}/products", json={"name": "Auto", "sku": "AUTO-1"}), 201)
    deadline = time.monotonic() + 60  # an upper bound for the background runner, not a timing assertion
    while len(recorder.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    ping, delivery = recorder.requests
    assert ping["body"].startswith(b"webhook_id=")
    assert json.loads(delivery["body"])["id"] == created["id"]
