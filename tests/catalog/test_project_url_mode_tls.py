"""Store resolution details the CI plan relies on: ``WCSYNC_VERIFY_TLS`` with a URL from the flag or the
environment, and a relative ``ca_bundle`` of wcsync.yaml being a file of the project (whatever the cwd)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.conftest import write
from tests.catalog.test_project import ENV, PROJECT
from wcsync.catalog.project import load_project, resolve_store
from wcsync.errors import ConfigError

KEYS = {"WCSYNC_CONSUMER_KEY": "ck_x", "WCSYNC_CONSUMER_SECRET": "cs_x"}


@pytest.mark.parametrize(("value", "expected"), [("", True), ("true", True), ("false", False), ("FALSE", False)])
def test_verify_tls_from_the_environment_with_a_url(value: str, expected: bool) -> None:
    s = resolve_store(None, store=None, store_url="https://shop.example.com", env={**KEYS, "WCSYNC_VERIFY_TLS": value})
    assert s.verify_tls is expected


def test_an_unreadable_verify_tls_is_refused() -> None:
    with pytest.raises(ConfigError, match="WCSYNC_VERIFY_TLS 'no' is neither true nor false"):
        resolve_store(None, store=None, store_url="https://shop.example.com", env={**KEYS, "WCSYNC_VERIFY_TLS": "no"})


def test_verify_tls_from_the_environment_is_not_read_for_a_named_store(tmp_path: Path) -> None:
    write(tmp_path, "wcsync.yaml", PROJECT)
    s = resolve_store(load_project(tmp_path), store=None, store_url=None, env={**ENV, "WCSYNC_VERIFY_TLS": "false"})
    assert s.verify_tls is True


def test_a_relative_ca_bundle_is_a_file_of_the_project(tmp_path: Path) -> None:
    write(tmp_path, "wcsync.yaml", PROJECT.replace("    concurrency: 2\n", "    concurrency: 2\n    ca_bundle: certs/ca.pem\n"))
    p = load_project(tmp_path)
    assert resolve_store(p, store=None, store_url=None, env=ENV).ca_bundle == str(tmp_path / "certs" / "ca.pem")
    flag = resolve_store(p, store="production", store_url="https://flag.example.com", env={**ENV, **KEYS})
    assert flag.ca_bundle == str(tmp_path / "certs" / "ca.pem")
