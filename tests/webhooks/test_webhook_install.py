"""``wcsync webhooks install|list|remove`` against the in-process sandbox, and the delivery-URL rules of
WordPress that ``install`` enforces."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wcsync.cli.main import cli
from wcsync.webhooks.install import unsafe_reason

SECRET = "install-test-secret-0123456789"
URL = "https://hooks.example.com/wcsync"


@pytest.mark.parametrize(("url", "store", "problem"), [
    ("https://hooks.example.com/x", "https://shop.example.com", None),
    ("http://hooks.example.com:8080/x", "https://shop.example.com", None),
    ("https://hooks.example.com:8443/x", "https://shop.example.com", "ports 80, 443 and 8080"),
    ("http://10.0.0.5/x", "https://shop.example.com", "private or loopback address 10.0.0.5"),
    ("http://127.0.0.1/x", "https://shop.example.com", "private or loopback address 127.0.0.1"),
    ("http://localhost/x", "https://shop.example.com", "localhost"),
    ("http://127.0.0.1/x", "http://127.0.0.1", None),  # the site's own host
    ("http://127.0.0.1:9000/x", "http://127.0.0.1:9000", None),  # … and its own port
    ("http://127.0.0.1:9001/x", "http://127.0.0.1:9000", "not 9001"),
    ("ftp://hooks.example.com/x", "https://shop.example.com", "http:// or https://"),
])
def test_wordpress_safe_url_rules(url: str, store: str, problem: str | None) -> None:
    reason = unsafe_reason(url, store)
    if problem is None:
        assert reason is None
    else:
        assert reason is not None and problem in reason


def _cli(tmp_path: Path, *args: str, secret: str | None = SECRET) -> Result:
    env = {"WCSYNC_WEBHOOK_SECRET": secret} if secret is not None else {"WCSYNC_WEBHOOK_SECRET": ""}
    return CliRunner().invoke(cli, ["webhooks", *args, "--store-url", f"sandbox:{tmp_path / 'store.db'}"],
                              env=env, catch_exceptions=False)


def _disable(tmp_path: Path, topic: str) -> None:
    from wcsync.sandbox.db import open_db

    conn = open_db(tmp_path / "store.db")
    conn.execute("UPDATE sb_webhooks SET status = 'disabled', failure_count = 6 WHERE topic = ?", (topic,))
    conn.close()


def test_install_is_idempotent_list_says_disabled_and_install_reenables(tmp_path: Path) -> None:
    first = _cli(tmp_path, "install", "--url", URL)
    assert first.exit_code == 0, first.output
    assert [line.split()[-1] for line in first.stdout.splitlines()[1:]] == ["created"] * 4
    assert SECRET not in first.output
    again = _cli(tmp_path, "install", "--url", URL)
    assert [line.split()[-1] for line in again.stdout.splitlines()[1:]] == ["unchanged"] * 4
    _disable(tmp_path, "product.updated")
    listed = _cli(tmp_path, "list")
    assert listed.exit_code == 0
    assert "product.updated   disabled" in listed.stdout
    assert "disabled it after repeated failed deliveries" in listed.stdout
    assert "run `wcsync webhooks install` again" in listed.stdout
    fixed = _cli(tmp_path, "install", "--url", URL)
    assert "product.updated   #2  re-enabled" in fixed.stdout
    assert "disabled" not in _cli(tmp_path, "list").stdout
    rotated = _cli(tmp_path, "install", "--url", URL, "--rotate-secret")
    assert rotated.stdout.count("secret updated") == 4


def test_remove_touches_only_wcsyncs_webhooks(tmp_path: Path) -> None:
    from wcsync.sandbox.db import open_db

    assert _cli(tmp_path, "install", "--url", URL).exit_code == 0
    conn = open_db(tmp_path / "store.db")
    conn.execute("INSERT INTO sb_webhooks (name, status, topic, delivery_url, secret, date_created, date_modified) "
                 "VALUES ('ERP sync', 'active', 'product.updated', 'https://erp.example/hook', 's', '', '')")
    conn.close()
    removed = _cli(tmp_path, "remove", "--url", URL)
    assert removed.stdout.count("removed") == 4
    assert "No wcsync webhooks in store" in _cli(tmp_path, "list").stdout
    conn = open_db(tmp_path / "store.db")
    assert [r[0] for r in conn.execute("SELECT name FROM sb_webhooks")] == ["ERP sync"]
    conn.close()


def test_install_refuses_an_unsafe_url_and_a_missing_secret(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "wcsync.yaml").write_text(
        "default_store: live\nstores:\n  live:\n    url: https://shop.example.com\n"
        "    consumer_key: ck_x\n    consumer_secret: cs_x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["webhooks", "install", "--project", str(project), "--url",
                                      "http://127.0.0.1:8787/"], env={"WCSYNC_WEBHOOK_SECRET": SECRET})
    assert result.exit_code == 1
    assert "WooCommerce would not deliver to http://127.0.0.1:8787/" in result.output
    assert "--allow-unsafe-url" in result.output
    missing = _cli(tmp_path, "install", "--url", URL, secret=None)
    assert missing.exit_code == 1 and "WCSYNC_WEBHOOK_SECRET is not set" in missing.output
