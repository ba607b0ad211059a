"""``wcsync sandbox``: keys, reset, seed (through click's runner) and serve (a real subprocess, asked with curl
and httpx over HTTP with OAuth 1.0a and over HTTPS with Basic auth)."""

from __future__ import annotations

import re
import socket
import ssl
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from serve_helpers import curl, signed

from wcsync.cli.main import cli
from wcsync.sandbox import keys as store_keys
from wcsync.sandbox.db import open_db

KEY_LINE = re.compile(r"^WCSYNC_CONSUMER_KEY=(ck_[0-9a-f]{40})$")
SECRET_LINE = re.compile(r"^WCSYNC_CONSUMER_SECRET=(cs_[0-9a-f]{40})$")
CATEGORIES = "/wp-json/wc/v3/products/categories"


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, ["sandbox", *args], catch_exceptions=False)


def _create_key(db: Path, *extra: str) -> tuple[str, str]:
    result = _invoke("keys", "--db", str(db), "--create", *extra)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    key_match, secret_match = KEY_LINE.match(lines[0]), SECRET_LINE.match(lines[1])
    assert key_match and secret_match, lines
    return key_match.group(1), secret_match.group(1)


# --- keys ---------------------------------------------------------------------------------------------------


def test_keys_create_prints_two_sourceable_lines(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "store.db"  # parent folders are created
    key, secret = _create_key(db)
    with closing(open_db(db)) as conn:
        found = store_keys.find_key(conn, key)
        assert found is not None and found.consumer_secret == secret and found.permissions == "read_write"
        # the consumer key itself is not stored, only its hash
        assert key not in str([tuple(row) for row in conn.execute("SELECT * FROM wc_api_keys")])


@pytest.mark.parametrize("permissions", ["read", "write", "read_write"])
def test_keys_create_with_permissions(tmp_path: Path, permissions: str) -> None:
    key, _ = _create_key(tmp_path / "s.db", "--permissions", permissions)
    with closing(open_db(tmp_path / "s.db")) as conn:
        found = store_keys.find_key(conn, key)
    assert found is not None and found.permissions == permissions


def test_keys_list_shows_ids_and_permissions_without_secrets(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    empty = _invoke("keys", "--db", str(db))
    assert empty.stdout == "" and "No API keys in" in empty.stderr
    key1, secret1 = _create_key(db, "--description", "ci")
    key2, secret2 = _create_key(db, "--permissions", "read")
    listing = _invoke("keys", "--db", str(db)).stdout
    lines = listing.splitlines()
    assert lines[0].split() == ["id", "permissions", "key", "ends", "last", "access", "description"]
    assert lines[1].split() == ["1", "read_write", f"…{key1[-7:]}", "-", "ci"]
    assert lines[2].split() == ["2", "read", f"…{key2[-7:]}", "-"]
    for secret in (key1, key2, secret1, secret2):
        assert secret not in listing


def test_keys_app_password(tmp_path: Path) -> None:
    result = _invoke("keys", "--db", str(tmp_path / "s.db"), "--app-password")
    lines = result.stdout.splitlines()
    assert lines[0] == "WCSYNC_USERNAME=admin"
    assert re.fullmatch(r"WCSYNC_APP_PASSWORD=[A-Za-z0-9]{24}", lines[1])
    password = lines[1].split("=", 1)[1]
    with closing(open_db(tmp_path / "s.db")) as conn:
        assert store_keys.check_app_password(conn, 1, password)


def test_keys_rejects_unknown_permissions(tmp_path: Path) -> None:
    result = _invoke("keys", "--db", str(tmp_path / "s.db"), "--create", "--permissions", "admin")
    assert result.exit_code == 2 and "'admin' is not one of 'read', 'write', 'read_write'" in result.stderr


# --- reset and seed -----------------------------------------------------------------------------------------


def test_reset_empties_the_store_and_keeps_keys(sandbox_app: Any) -> None:
    created = sandbox_app.call("POST", CATEGORIES, json={"name": "Hoodies"})
    assert created.status_code == 201
    other_key, other_secret = _create_key(sandbox_app.db_path, "--permissions", "read")
    result = _invoke("reset", "--db", str(sandbox_app.db_path))
    assert result.exit_code == 0
    assert "2 API key(s) kept" in result.stderr
    listing = sandbox_app.call("GET", CATEGORIES)
    assert [c["name"] for c in listing.json()] == ["Uncategorized"]
    again = sandbox_app.call("GET", CATEGORIES, auth=(other_key, other_secret))
    assert again.status_code == 200


def test_seed_list_shows_the_shipped_seeds() -> None:
    result = _invoke("seed", "--list")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert "empty" in names
    assert "A fresh WooCommerce" in result.stdout


def test_seed_unknown_name_fails_with_the_known_ones(tmp_path: Path) -> None:
    result = _invoke("seed", "nope", "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 1
    assert "there is no seed named 'nope' — known seeds: " in result.stderr


def test_seed_empty_resets_the_store(sandbox_app: Any) -> None:
    assert sandbox_app.call("POST", CATEGORIES, json={"name": "Gone Soon"}).status_code == 201
    result = _invoke("seed", "empty", "--db", str(sandbox_app.db_path))
    assert result.exit_code == 0, result.output
    assert [c["name"] for c in sandbox_app.call("GET", CATEGORIES).json()] == ["Uncategorized"]


def test_seed_replays_calls_with_bound_ids(
    sandbox_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wcsync.sandbox import seeds

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mini.json").write_text(
        """{"description": "two categories",
            "calls": [
              {"method": "POST", "path": "/wp-json/wc/v3/products/categories", "body": {"name": "Clothing"},
               "bind": {"clothing": "/id"}},
              {"method": "POST", "path": "/wp-json/wc/v3/products/categories",
               "body": {"name": "Hoodies", "parent": "{clothing}"}}
            ]}""",
        encoding="utf-8",
    )
    monkeypatch.setattr(seeds, "seeds_dir", lambda: tmp_path / "seeds")
    result = _invoke("seed", "mini", "--db", str(sandbox_app.db_path))
    assert result.exit_code == 0, result.output
    assert "Seeded" in result.stderr and "(2 request(s))" in result.stderr
    cats = {c["name"]: c for c in sandbox_app.call("GET", CATEGORIES, params={"per_page": 100}).json()}
    assert cats["Hoodies"]["parent"] == cats["Clothing"]["id"]


def test_seed_reports_the_failing_call(
    sandbox_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wcsync.sandbox import seeds

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "broken.json").write_text(
        '[{"method": "PUT", "path": "/wp-json/wc/v3/products/categories/99999", "body": {"name": "x"}}]',
        encoding="utf-8",
    )
    monkeypatch.setattr(seeds, "seeds_dir", lambda: tmp_path / "seeds")
    result = _invoke("seed", "broken", "--db", str(sandbox_app.db_path))
    assert result.exit_code == 1
    assert "seed call 1 (PUT /wp-json/wc/v3/products/categories/99999) failed with 404" in result.stderr


# --- serve --------------------------------------------------------------------------------------------------


def test_serve_https_basic_and_http_oauth1_on_one_database(serve: Any, tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    key, secret = _create_key(db)
    secure = serve(db, "--tls")
    plain = serve(db)
    assert secure.url.startswith("https://") and plain.url.startswith("http://")
    assert secure.ca_path is not None and secure.ca_path.is_file()
    assert any("sign requests with OAuth 1.0a" in line for line in plain.stderr_lines)

    # HTTPS + Basic, as curl does it
    code, body = curl("--cacert", str(secure.ca_path), "-u", f"{key}:{secret}", f"{secure.url}{CATEGORIES}")
    assert code == 200 and [c["name"] for c in body] == ["Uncategorized"]
    code, body = curl("--cacert", str(secure.ca_path), "-u", f"{key}:cs_wrong", f"{secure.url}{CATEGORIES}")
    assert (code, body["message"]) == (401, "Consumer secret is invalid.")

    # plain HTTP: Basic is ignored (anonymous), OAuth 1.0a works
    code, body = curl("-u", f"{key}:{secret}", f"{plain.url}/wp-json/wc/v3/products")
    assert (code, body["code"]) == (401, "woocommerce_rest_cannot_view")
    signed_url = signed(f"{plain.url}{CATEGORIES}?per_page=5&_fields=id,name", key, secret)
    code, body = curl(signed_url)
    assert code == 200 and [c["name"] for c in body] == ["Uncategorized"]
    code, body = curl(signed_url)
    assert (code, body["message"]) == (401, "Invalid nonce - nonce has already been used.")

    # a write through one server is read through the other
    context = ssl.create_default_context(cafile=str(secure.ca_path))
    created = httpx.post(
        f"{secure.url}{CATEGORIES}", json={"name": "Shared"}, auth=(key, secret), verify=context
    )
    assert created.status_code == 201
    listed = httpx.get(signed(f"{plain.url}{CATEGORIES}?per_page=100", key, secret))
    assert sorted(c["name"] for c in listed.json()) == ["Shared", "Uncategorized"]

    # stats and faults are per server
    assert (
        httpx.get(f"{plain.url}/__sandbox/stats", headers=plain.control).json()["counts"]["GET /wp-json/wc/v3/products/categories"]
        == 3
    )


def test_serve_faults_from_the_command_line(serve: Any, tmp_path: Path) -> None:
    served = serve(tmp_path / "s.db", "--fault", "503=1", "--fault-methods", "POST", "--latency", "1")
    assert any(
        'Faults: {"latency_ms":1.0,"rate_503":1.0,"methods":["POST"]}' in line for line in served.stderr_lines
    )
    assert httpx.post(f"{served.url}{CATEGORIES}", json={}).status_code == 503
    assert httpx.get(f"{served.url}{CATEGORIES}").status_code == 401  # anonymous, not faulted
    faults = httpx.get(f"{served.url}/__sandbox/faults", headers=served.control).json()
    assert faults["rate_503"] == 1.0 and faults["methods"] == ["POST"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--fault", "teapot=1"],
            "--fault 'teapot=1': write KIND=RATE with KIND one of 500, 502, 503, 429, hang",
        ),
        (["--fault", "503=x"], "--fault '503=x': the rate must be a number between 0 and 1"),
        (
            ["--fault", "503=0.8", "--fault", "429=0.5"],
            "fault rates add up to 1.3; they must add up to at most 1",
        ),
    ],
)
def test_serve_rejects_bad_fault_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = _invoke("serve", "--db", str(tmp_path / "s.db"), *args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_serve_reports_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _invoke("serve", "--db", str(tmp_path / "s.db"), "--port", str(port))
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "pick another --port" in result.stderr


def test_fault_options_make_a_fault_config() -> None:
    from wcsync.cli.sandbox import fault_config

    config = fault_config(50, 10, 0.3, ("429=0.1", "drop=0.05"), 4, {"methods": ["POST"], "retry_after": 9})
    assert (config.latency_ms, config.jitter_ms, config.seed, config.retry_after) == (50, 10, 4, 9)
    assert [config.rate_500, config.rate_502, config.rate_503] == pytest.approx([0.1, 0.1, 0.1])
    assert (config.rate_429, config.rate_drop, config.rate_hang, config.methods) == (0.1, 0.05, 0.0, ["POST"])


def test_apply_seed_also_works_inside_a_running_event_loop(sandbox_app: Any) -> None:
    import asyncio

    from wcsync.sandbox.seeds import apply_seed, apply_seed_async

    assert sandbox_app.call("POST", CATEGORIES, json={"name": "Old"}).status_code == 201

    async def from_async_code() -> tuple[int, int]:
        return apply_seed(sandbox_app.db_path, "empty"), await apply_seed_async(sandbox_app.db_path, "empty")

    assert asyncio.run(from_async_code()) == (0, 0)
    assert [c["name"] for c in sandbox_app.call("GET", CATEGORIES).json()] == ["Uncategorized"]
