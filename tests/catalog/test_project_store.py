"""``resolve_store`` as a newcomer meets it: a project's relative ``sandbox:`` URL is the project's (not the
current directory's), ``WCSYNC_USERNAME`` / ``WCSYNC_APP_PASSWORD`` are read with a ``--store-url``, and the
settings say where their credentials came from."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.catalog.conftest import write
from wcsync.catalog.project import Project, load_project, resolve_store
from wcsync.cli.main import cli
from wcsync.errors import ConfigError
from wcsync.settings import AuthMethod

PROJECT = """\
default_store: local
stores:
  local:
    url: sandbox:.wcsync/sandbox.db
  absolute:
    url: sandbox:/var/tmp/shop.db
  production:
    url: https://shop.example.com
    consumer_key: ${WC_KEY}
    consumer_secret: ${WC_SECRET}
  literal:
    url: https://literal.example.com
    consumer_key: ck_literal
    consumer_secret: ${WC_SECRET}
  wp:
    url: https://blog.example.com
    auth: app_password
    username: ${WP_USER}
    app_password: ${WP_APP_PASSWORD}
"""
ENV = {"WC_KEY": "ck_k", "WC_SECRET": "cs_s", "WP_USER": "editor", "WP_APP_PASSWORD": "pw"}
#: every WCSYNC_* variable unset (the CliRunner's environment is the test process's otherwise)
CLEAN_ENV: dict[str, str | None] = {
    name: None
    for name in (
        "WCSYNC_URL", "WCSYNC_AUTH", "WCSYNC_CONSUMER_KEY", "WCSYNC_CONSUMER_SECRET", "WCSYNC_USERNAME",
        "WCSYNC_APP_PASSWORD", "WCSYNC_CA_BUNDLE",
    )
}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    write(tmp_path, "wcsync.yaml", PROJECT)
    return load_project(tmp_path)


def _one_product_project(root: Path, store_yaml: str = "") -> Path:
    write(root, "wcsync.yaml", store_yaml)
    write(root, "catalog/products/tee.yaml", "sku: TEE-1\nname: Tee\nregular_price: '10.00'\n")
    return root


# ------------------------------------------------------------------------------ relative sandbox: URLs


def test_a_relative_sandbox_url_of_the_project_file_is_the_project_directorys(
    tmp_path: Path, project: Project
) -> None:
    assert project.directory == tmp_path
    local = resolve_store(project, store=None, store_url=None, env={})
    assert local.url == f"sandbox:{tmp_path}/.wcsync/sandbox.db"
    absolute = resolve_store(project, store="absolute", store_url=None, env={})
    assert absolute.url == "sandbox:/var/tmp/shop.db"


def test_a_relative_sandbox_url_typed_by_the_user_stays_relative_to_the_current_directory(project: Project) -> None:
    flag = resolve_store(project, store=None, store_url="sandbox:here.db", env={})
    assert flag.url == "sandbox:here.db"
    env = resolve_store(project, store=None, store_url=None, env={"WCSYNC_URL": "sandbox:.wcsync/other.db"})
    assert env.url == "sandbox:.wcsync/other.db"


def test_a_project_built_in_code_has_no_directory_and_keeps_its_url() -> None:
    project = Project.model_validate({"stores": {"s": {"url": "sandbox:rel.db"}}})
    assert project.directory is None
    assert resolve_store(project, store=None, store_url=None, env={}).url == "sandbox:rel.db"


def test_plan_with_project_from_another_directory_uses_the_projects_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proj = _one_product_project(
        tmp_path / "proj", "default_store: sandbox\nstores:\n  sandbox:\n    url: sandbox:.wcsync/sandbox.db\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli, ["plan", "--project", "../proj"], env={**CLEAN_ENV, "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "Plan: 1 to create, 0 to update, 0 to adopt, 0 to delete." in result.output
    assert (proj / ".wcsync" / "sandbox.db").is_file()
    assert list(elsewhere.iterdir()) == []


# ------------------------------------------------------------------------------ application passwords


def test_store_url_reads_the_application_password_variables() -> None:
    env = {"WCSYNC_AUTH": "app_password", "WCSYNC_USERNAME": "admin", "WCSYNC_APP_PASSWORD": "abcd efgh"}
    s = resolve_store(None, store=None, store_url="https://shop.example.com", env=env)
    assert (s.auth, s.username) == (AuthMethod.APP_PASSWORD, "admin")
    assert s.app_password is not None and s.app_password.get_secret_value() == "abcd efgh"
    assert s.credentials_source == "WCSYNC_USERNAME / WCSYNC_APP_PASSWORD in the environment"


def test_application_password_is_chosen_when_only_its_variables_are_set() -> None:
    env = {"WCSYNC_USERNAME": "admin", "WCSYNC_APP_PASSWORD": "pw"}
    for url in ("https://shop.example.com", "http://127.0.0.1:8080"):
        assert resolve_store(None, store=None, store_url=url, env=env).auth is AuthMethod.APP_PASSWORD
    both = {**env, "WCSYNC_CONSUMER_KEY": "ck", "WCSYNC_CONSUMER_SECRET": "cs"}
    assert resolve_store(None, store=None, store_url="https://shop.example.com", env=both).auth is AuthMethod.BASIC
    assert resolve_store(None, store=None, store_url="http://127.0.0.1:8080", env=both).auth is AuthMethod.OAUTH1
    explicit = {**both, "WCSYNC_AUTH": "app_password"}
    assert resolve_store(None, store=None, store_url="https://x.example", env=explicit).auth is AuthMethod.APP_PASSWORD


def test_a_missing_application_password_variable_is_named() -> None:
    with pytest.raises(ConfigError) as exc:
        resolve_store(
            None, store=None, store_url="https://shop.example.com", env={"WCSYNC_AUTH": "app_password"}
        )
    assert str(exc.value) == (
        "store 'shop.example.com' has no username and no app_password — with --store-url, set WCSYNC_USERNAME and "
        "WCSYNC_APP_PASSWORD in the environment (`wcsync sandbox keys --app-password` prints them for a sandbox)"
    )
    with pytest.raises(ConfigError) as exc:
        resolve_store(None, store=None, store_url=None, env={"WCSYNC_URL": "https://s.example", "WCSYNC_USERNAME": "a"})
    assert str(exc.value) == (
        "store 's.example' has no app_password — with WCSYNC_URL, set WCSYNC_USERNAME and WCSYNC_APP_PASSWORD in "
        "the environment (`wcsync sandbox keys --app-password` prints them for a sandbox)"
    )


def test_sandbox_keys_app_password_lines_let_plan_reach_a_served_sandbox(
    sandbox_tls_server: Any, tmp_path: Path
) -> None:
    keys = CliRunner().invoke(cli, ["sandbox", "keys", "--db", str(sandbox_tls_server.db_path), "--app-password"])
    assert keys.exit_code == 0, keys.output
    lines = dict(
        line.split("=", 1) for line in keys.output.splitlines() if re.match(r"WCSYNC_[A-Z_]+=", line)
    )
    assert set(lines) == {"WCSYNC_USERNAME", "WCSYNC_APP_PASSWORD"}
    proj = _one_product_project(tmp_path / "bare")
    (proj / "wcsync.yaml").unlink()
    env = {**CLEAN_ENV, **lines, "WCSYNC_CA_BUNDLE": str(sandbox_tls_server.ca_path), "NO_COLOR": "1"}
    args = ["plan", "--project", str(proj), "--store-url", sandbox_tls_server.base_url]
    for extra in ({}, {"WCSYNC_AUTH": "app_password"}):
        result = CliRunner().invoke(cli, args, env={**env, **extra})
        assert result.exit_code == 0, result.output
        assert "Plan: 1 to create, 0 to update, 0 to adopt, 0 to delete." in result.output
        assert lines["WCSYNC_APP_PASSWORD"] not in result.output


# ------------------------------------------------------------------------------ credentials_source


def test_credentials_source_names_where_the_credentials_came_from(project: Project) -> None:
    def source(store: str | None, url: str | None = None, **env: str) -> str | None:
        return resolve_store(project, store=store, store_url=url, env={**ENV, **env}).credentials_source

    assert source("production") == (
        "WC_KEY / WC_SECRET (read by consumer_key / consumer_secret of store 'production' in wcsync.yaml)"
    )
    assert source("literal") == "consumer_key / consumer_secret of store 'literal' in wcsync.yaml"
    assert source("wp") == "WP_USER / WP_APP_PASSWORD (read by username / app_password of store 'wp' in wcsync.yaml)"
    assert source("local") is None
    assert source(None, "https://x.example", WCSYNC_CONSUMER_KEY="k", WCSYNC_CONSUMER_SECRET="s") == (
        "WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET in the environment"
    )
    assert source("production", "sandbox:x.db") is None
