"""Every authentication method over the transport real stores use (uvicorn on 127.0.0.1): Basic, query keys
and application passwords over HTTPS, OAuth 1.0a over plain HTTP; TLS verification; real timeouts and
dropped connections; the error a read-only key or a wrong secret gives."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pydantic import SecretStr
from store_helpers import fast_retry

from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.client import WooClient
from wcsync.store.errors import (
    AuthenticationFailed,
    CertificateError,
    ReadOnlyKeyError,
    StoreTimeout,
    UnknownOutcome,
)
from wcsync.store.fetch import fetch_live_state

pytestmark = pytest.mark.e2e


def run(server: Any, body: Callable[[WooClient], Awaitable[Any]], **kw: Any) -> Any:
    values: dict[str, Any] = {
        "url": server.base_url,
        "consumer_key": SecretStr(kw.pop("key", server.consumer_key)),
        "consumer_secret": SecretStr(kw.pop("secret", server.consumer_secret)),
    }
    if server.ca_path is not None:
        values["ca_bundle"] = str(server.ca_path)
    values.update(kw)

    async def main() -> Any:
        async with WooClient(StoreSettings(**values), retry=fast_retry()) as client:
            return await body(client)

    return asyncio.run(main())


async def write_and_read(client: WooClient) -> Any:
    created = await client.post("products/categories", {"name": "Hoodies & Co"}, params={"context": "edit"})
    batch = await client.batch("products/tags/batch", create=[{"name": "Winter"}, {"name": "Sale"}])
    state = await fetch_live_state(client)
    return created, batch, state


def check_round_trip(result: Any) -> None:
    created, batch, state = result
    assert created["name"] == "Hoodies &amp; Co"
    assert [item.ok for item in batch.create] == [True, True]
    assert sorted(c.fields["name"] for c in state.categories) == ["Hoodies & Co", "Uncategorized"]
    assert sorted(t.key for t in state.tags) == ["sale", "winter"]


def test_basic_auth_over_https(sandbox_tls_server: Any) -> None:
    check_round_trip(run(sandbox_tls_server, write_and_read))


def test_query_string_keys_over_https(sandbox_tls_server: Any) -> None:
    check_round_trip(run(sandbox_tls_server, write_and_read, auth=AuthMethod.QUERY))
    log = sandbox_tls_server.stats()["log"]
    assert all("consumer_secret=***" in entry["query"] for entry in log if "/wc/" in entry["path"])


def test_oauth1_over_plain_http(sandbox_server: Any) -> None:
    check_round_trip(run(sandbox_server, write_and_read, auth=AuthMethod.OAUTH1))


def test_application_password_over_https(sandbox_tls_server: Any) -> None:
    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.keys import create_app_password

    conn = open_db(sandbox_tls_server.db_path)
    try:
        password = create_app_password(conn)
    finally:
        conn.close()
    check_round_trip(run(sandbox_tls_server, write_and_read, auth=AuthMethod.APP_PASSWORD, username="admin",
                         app_password=SecretStr(password)))


def test_untrusted_certificate(sandbox_tls_server: Any) -> None:
    with pytest.raises(CertificateError) as err:
        run(sandbox_tls_server, lambda c: c.get("products"), ca_bundle=None)
    assert str(err.value).startswith(f"the TLS certificate of {sandbox_tls_server.base_url} could not be verified "
                                     "(GET /wp-json/wc/v3/products)")
    assert "WCSYNC_CA_BUNDLE" in str(err.value)
    assert sandbox_tls_server.stats()["total"] == 0


def test_wrong_secret(sandbox_tls_server: Any) -> None:
    with pytest.raises(AuthenticationFailed) as err:
        run(sandbox_tls_server, lambda c: c.get("products"), secret="cs_" + "0" * 40)
    assert "wrong consumer key or secret" in str(err.value) and "cs_000" not in str(err.value)


def test_read_only_key_used_for_a_write(sandbox_tls_server: Any) -> None:
    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.keys import create_key

    conn = open_db(sandbox_tls_server.db_path)
    try:
        key, secret = create_key(conn, "read")
    finally:
        conn.close()
    assert run(sandbox_tls_server, lambda c: c.get("products"), key=key, secret=secret) == []
    with pytest.raises(ReadOnlyKeyError) as err:
        run(sandbox_tls_server, lambda c: c.post("products/tags", {"name": "x"}), key=key, secret=secret)
    assert str(err.value).startswith(f"POST /wp-json/wc/v3/products/tags on {sandbox_tls_server.base_url} was "
                                     "refused: the API key is read-only")


def test_read_timeout_over_a_socket_states_the_timeout(sandbox_tls_server: Any) -> None:
    sandbox_tls_server.set_faults(rate_hang=1.0, hang_seconds=3)
    with pytest.raises(StoreTimeout) as err:
        run(sandbox_tls_server, lambda c: c.get("products"), read_timeout=0.3, max_retries=1)
    assert "timed out: no answer within the read timeout of 0.3 s" in str(err.value)
    assert sandbox_tls_server.stats()["counts"] == {"GET /wp-json/wc/v3/products": 2}


def test_write_timeout_over_a_socket_is_an_unknown_outcome(sandbox_server: Any) -> None:
    sandbox_server.set_faults(rate_hang=1.0, hang_seconds=3)
    with pytest.raises(UnknownOutcome) as err:
        run(sandbox_server, lambda c: c.post("products/tags", {"name": "x"}), auth=AuthMethod.OAUTH1,
            write_timeout=0.3)
    assert "no answer within the 0.3 s read timeout" in str(err.value)
    assert sandbox_server.stats()["counts"] == {"POST /wp-json/wc/v3/products/tags": 1}


def test_dropped_connections_are_retried_for_reads(sandbox_server: Any) -> None:
    sandbox_server.set_faults(rate_drop=1.0, max_faults=2)
    assert run(sandbox_server, lambda c: c.get("products"), auth=AuthMethod.OAUTH1) == []
    assert sandbox_server.stats()["counts"] == {"GET /wp-json/wc/v3/products": 3}


def test_ca_bundle_from_the_environment(sandbox_tls_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WCSYNC_CA_BUNDLE", str(sandbox_tls_server.ca_path))
    assert run(sandbox_tls_server, lambda c: c.get("products"), ca_bundle=None) == []


def test_verification_off_works_and_is_warned(sandbox_tls_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(sandbox_tls_server, lambda c: c.get("products"), ca_bundle=None, verify_tls=False) == []
    assert "WARNING: TLS certificate verification is OFF" in capsys.readouterr().err
