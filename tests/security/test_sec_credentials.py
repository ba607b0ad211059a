"""Attacks 2 and 7: credentials that would travel in clear or leak through a URL. A plain-HTTP server on
127.0.0.1 records every request: the application password must never reach it (unless the store opts in,
loudly), and a URL with ``user:pass@`` must be refused before anything is sent, without printing the secret."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.security.conftest import HostileStore, Seen
from wcsync.cli.main import cli

PASSWORD = "abcd EFGH 1234 ijkl MNOP 6789"
CLEAN = {
    "WCSYNC_URL": None,
    "WCSYNC_AUTH": None,
    "WCSYNC_CONSUMER_KEY": None,
    "WCSYNC_CONSUMER_SECRET": None,
    "WCSYNC_USERNAME": None,
    "WCSYNC_APP_PASSWORD": None,
    "WCSYNC_CA_BUNDLE": None,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "catalog/products").mkdir(parents=True)
    (root / "catalog/products/mug.yaml").write_text("sku: MUG\nname: Mug\ntype: simple\nregular_price: 5\n")
    return root


def wordpress(seen: Seen) -> tuple[int, dict[str, str], list[bytes]]:
    if seen.path.startswith("/wp-json/wc/"):
        return 200, {"Content-Type": "application/json", "X-WP-Total": "0", "X-WP-TotalPages": "0"}, [b"[]"]
    body = json.dumps({"namespaces": ["wp/v2", "wc/v3"], "routes": {}}).encode()
    return 200, {"Content-Type": "application/json", "Content-Length": str(len(body))}, [body]


def plan(project: Path, *args: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(cli, ["plan", "--project", str(project), *args], env={**CLEAN, **env})


def leaked(store: HostileStore, secret: str) -> bool:
    token = base64.b64encode(f"admin:{secret}".encode()).decode()
    return any(secret in s.path or token in s.headers.get("authorization", "") for s in store.requests)


def test_app_password_over_http_is_refused_before_anything_is_sent(project: Path, hostile_store: HostileStore) -> None:
    hostile_store.answer = wordpress
    env = {"WCSYNC_USERNAME": "admin", "WCSYNC_APP_PASSWORD": PASSWORD}
    for extra in ({}, {"WCSYNC_AUTH": "app_password"}):
        result = plan(project, "--store-url", hostile_store.url, env={**env, **extra})
        assert result.exit_code == 1
        assert "refusing to send the application password" in result.output and "over plain HTTP" in result.output
        assert "allow_insecure_app_password: true" in result.output
        assert PASSWORD not in result.output
    assert hostile_store.requests == []


def test_app_password_from_wcsync_yaml_over_http_is_refused(project: Path, hostile_store: HostileStore) -> None:
    (project / "wcsync.yaml").write_text(
        f"stores:\n  local:\n    url: {hostile_store.url}\n    auth: app_password\n    username: admin\n"
        "    app_password: ${WP_APP_PASSWORD}\n"
    )
    result = plan(project, env={"WP_APP_PASSWORD": PASSWORD})
    assert result.exit_code == 1
    assert "refusing to send the application password of store 'local' over plain HTTP" in result.output
    assert hostile_store.requests == [] and PASSWORD not in result.output


def test_the_local_opt_in_works_and_warns_on_every_run(project: Path, hostile_store: HostileStore) -> None:
    hostile_store.answer = wordpress
    (project / "wcsync.yaml").write_text(
        f"stores:\n  local:\n    url: {hostile_store.url}\n    auth: app_password\n    username: admin\n"
        "    app_password: ${WP_APP_PASSWORD}\n    allow_insecure_app_password: true\n"
    )
    for _ in range(2):
        result = plan(project, env={"WP_APP_PASSWORD": PASSWORD})
        assert "WARNING: the application password of store 'local' is sent UNENCRYPTED" in result.stderr
        assert PASSWORD not in result.output
    assert leaked(hostile_store, PASSWORD)  # it was sent, as asked


@pytest.mark.parametrize("where", ["flag", "env", "yaml"])
def test_credentials_in_the_store_url_are_refused_and_never_printed(
    project: Path, hostile_store: HostileStore, where: str
) -> None:
    hostile_store.answer = wordpress
    secret = "s3cr3t-in-url"
    url = hostile_store.url.replace("http://", f"https://ck_user:{secret}@")
    env: dict[str, str | None] = {"WCSYNC_CONSUMER_KEY": "ck", "WCSYNC_CONSUMER_SECRET": "cs"}
    args: list[str] = []
    if where == "flag":
        args = ["--store-url", url]
    elif where == "env":
        env["WCSYNC_URL"] = url
    else:
        (project / "wcsync.yaml").write_text(f"stores:\n  shop:\n    url: {url}\n    verify_tls: false\n")
    result = plan(project, *args, env=env)
    assert result.exit_code == 1
    assert "user name or password in it" in result.output
    assert "consumer_key / consumer_secret" in result.output  # names the right settings
    assert secret not in result.output and "ck_user" not in result.output
    assert hostile_store.requests == []


def test_credentials_in_a_url_given_as_a_variable_in_wcsync_yaml(project: Path, hostile_store: HostileStore) -> None:
    (project / "wcsync.yaml").write_text("stores:\n  shop:\n    url: ${SHOP_URL}\n    auth: oauth1\n")
    url = hostile_store.url.replace("http://", "http://u:pw-in-url@")
    result = plan(project, env={"SHOP_URL": url, "WCSYNC_CONSUMER_KEY": "ck", "WCSYNC_CONSUMER_SECRET": "cs"})
    assert result.exit_code == 1
    assert "store 'shop': the url in wcsync.yaml has a user name or password in it" in result.output
    assert "pw-in-url" not in result.output and hostile_store.requests == []
