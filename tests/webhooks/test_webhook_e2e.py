"""Drift alerts end to end: the sandbox store delivers signed webhooks to ``wcsync watch`` (a subprocess)
over real HTTP; a wp-admin edit raises exactly one alert naming the product and the field; wcsync's own apply,
a duplicated delivery, a forged one and a replay after a restart raise none."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.helpers import env_for, make_project, small_catalogue
from tests.webhooks.watch_helpers import (
    SECRET,
    Watch,
    control,
    edit_in_wp_admin,
    product_id,
    run_queue,
)
from wcsync.cli.main import cli

pytestmark = pytest.mark.e2e


def _wcsync(project: Path, server: Any, *args: str) -> Any:
    from click.testing import CliRunner

    env = {**env_for(server), "WCSYNC_WEBHOOK_SECRET": SECRET}
    result = CliRunner().invoke(cli, [*args, "--project", str(project)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _signed(server: Any, sku: str, delivery_id: str, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    """A product.updated delivery as WooCommerce builds it (view-context product, signed raw body)."""
    from wcsync.sandbox.webhook_delivery import sign, wp_json_encode

    with server.client() as client:
        payload = client.get(f"/wp-json/wc/v3/products/{product_id(server, sku)}").json()
    body = wp_json_encode(payload)
    return body, {"Content-Type": "application/json", "X-WC-Webhook-Topic": "product.updated",
                  "X-WC-Webhook-Resource": "product", "X-WC-Webhook-Event": "updated",
                  "X-WC-Webhook-Signature": sign(body, secret), "X-WC-Webhook-ID": "2",
                  "X-WC-Webhook-Delivery-ID": delivery_id}


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_one_alert_for_a_wp_admin_edit_none_for_apply_duplicates_forgeries_and_replays(
    tmp_path: Path, sandbox_server: Any, backend: str, request: pytest.FixtureRequest
) -> None:
    server = sandbox_server
    project = make_project(tmp_path, server, catalog=False)
    small_catalogue(project, ["WH-A", "WH-B"])
    _wcsync(project, server, "apply", "--auto-approve")
    control(server, "POST", "webhooks", {"queue": "manual"})
    state = (["--redis", request.getfixturevalue("redis_url")] if backend == "redis"
             else ["--state", str(tmp_path / "watch-state.db")])
    watch = Watch(project, server, *state, "--window", "0.2")

    # install: four webhooks, each pinged (form body, no signature) and answered 200
    installed = _wcsync(project, server, "webhooks", "install", "--url", watch.url, "--allow-unsafe-url")
    assert installed.stdout.count(" created") == 4
    assert SECRET not in installed.output
    pings = run_queue(server)
    assert [(p["kind"], p["status"]) for p in pings] == [("ping", 200)] * 4
    assert _wcsync(project, server, "webhooks", "install", "--url", watch.url, "--allow-unsafe-url").stdout.count("unchanged") == 4

    # wcsync's own apply: the store is told, the receiver checks, nothing drifted
    small_catalogue(project, ["WH-A", "WH-B"], price="12.00")
    _wcsync(project, server, "apply", "--auto-approve")
    delivered = run_queue(server)
    topics = [d["topic"] for d in delivered]
    # the two products' updates, and the create of the store's apply lock (wcsync.store.lock); its release is
    # a permanent delete, which WooCommerce's product.deleted (hooked on wp_trash_post) does not hear
    assert sorted(topics) == ["product.created", "product.updated", "product.updated"]
    # the lock is gone by delivery time (WooCommerce's payload is then its "Invalid ID" error): acknowledged,
    # never a failed delivery (five in a row and WooCommerce disables the webhook)
    assert all(d["status"] == 202 for d in delivered)
    health = watch.settled()
    assert health["checks"] >= 1 and health["alerts"] == 0

    # a shop manager edits WH-B in wp-admin; the store delivers it twice (same delivery id)
    control(server, "POST", "webhooks", {"faults": {"duplicate": 1}})
    edit_in_wp_admin(server, "WH-B", regular_price="9.00")
    delivered = run_queue(server)
    assert [d["status"] for d in delivered] == [202, 200]  # accepted, then acknowledged as a duplicate
    assert delivered[0]["delivery_id"] == delivered[1]["delivery_id"]
    # a forged delivery (wrong secret) claiming WH-A changed is refused
    body, headers = _signed(server, "WH-A", uuid.uuid4().hex, secret="not-the-secret-at-all")
    forged = httpx.post(watch.url, content=body, headers=headers, timeout=30)
    assert forged.status_code == 401
    health = watch.settled()
    assert health["alerts"] == 1 and health["refused"] == 1
    alerts = watch.stop()
    assert len(alerts) == 1
    alert = alerts[0]
    assert [p["sku"] for p in alert["products"]] == ["WH-B"]
    assert [(f["field"], f["store"], f["catalogue"]) for f in alert["products"][0]["fields"]] == [
        ("regular_price", "9.00", "12.00")]
    assert "WH-B (regular_price)" in alert["message"]
    assert "signature does not match" in "\n".join(watch.stderr)
    assert SECRET not in "\n".join(watch.stderr + watch.stdout)

    # a restart keeps the dedupe state: the same delivery again, or the same drift under a new delivery id
    watch = Watch(project, server, *state, "--window", "0.2")
    first = delivered[0]["delivery_id"]
    body, headers = _signed(server, "WH-B", first)
    replay = httpx.post(watch.url, content=body, headers=headers, timeout=30)
    assert replay.status_code == 200 and replay.json() == {"duplicate": True}
    body, headers = _signed(server, "WH-B", uuid.uuid4().hex)
    assert httpx.post(watch.url, content=body, headers=headers, timeout=30).status_code == 202
    health = watch.settled()
    assert health["checks"] == 1 and health["alerts"] == 0
    assert watch.stop() == []
