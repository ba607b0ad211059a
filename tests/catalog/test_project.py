"""wcsync.yaml: validation with file:line errors, store resolution, plan settings, secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.conftest import write
from wcsync.catalog.project import Project, load_project, plan_settings, resolve_store
from wcsync.core.plan import DeleteMode, PlanSettings
from wcsync.errors import CatalogError, ConfigError
from wcsync.settings import AuthMethod

SECRET = "cs_TOPSECRET_0123456789"
KEY = "ck_KEYVALUE_987654"

PROJECT = """\
default_store: production
stores:
  production:
    url: https://shop.example.com
    consumer_key: ${WC_KEY}
    consumer_secret: ${WC_SECRET}
    concurrency: 2
    read_timeout: 30
  staging:
    url: http://staging.example.com
    auth: oauth1
    consumer_key: ${WC_KEY}
    consumer_secret: ${WC_SECRET}
  wp:
    url: https://blog.example.com
    auth: app_password
    username: editor
    app_password: ${WP_APP_PASSWORD}
  local:
    url: sandbox:.wcsync/sandbox.db
ownership: all
delete: force
store_owned: [stock_quantity, stock_status]
guards:
  max_deletes: 5
  max_changed_percent: 25
  max_price_drop_percent: 40.5
lint:
  image-missing-alt: error
  empty-short-description: off
"""

ENV = {"WC_KEY": KEY, "WC_SECRET": SECRET, "WP_APP_PASSWORD": SECRET}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    write(tmp_path, "wcsync.yaml", PROJECT)
    return load_project(tmp_path)


def _errors(tmp_path: Path, text: str) -> list[str]:
    write(tmp_path, "wcsync.yaml", text)
    with pytest.raises(CatalogError) as exc:
        load_project(tmp_path)
    return [str(d) for d in exc.value.diagnostics]


def test_project_file_is_loaded(project: Project) -> None:
    assert project.ownership == "all"
    assert project.lint == {"image-missing-alt": "error", "empty-short-description": "off"}
    assert project.stores["production"].concurrency == 2
    assert project.catalog == "catalog"


def test_plan_settings(project: Project) -> None:
    assert plan_settings(project) == PlanSettings(
        ownership="all",
        delete=DeleteMode.FORCE,
        store_owned=("stock_quantity", "stock_status"),
        max_deletes=5,
        max_changed_percent=25.0,
        max_price_drop_percent=40.5,
    )
    assert plan_settings(Project()) == PlanSettings()


def test_missing_project_file(tmp_path: Path) -> None:
    assert load_project(tmp_path, required=False) == Project()
    with pytest.raises(CatalogError) as exc:
        load_project(tmp_path)
    assert [str(d) for d in exc.value.diagnostics] == [
        f"wcsync.yaml: no wcsync.yaml in {tmp_path} — create one, or point --project at the project directory"
    ]


def test_project_errors_have_positions(tmp_path: Path) -> None:
    text = """\
default_store: prod
stores:
  production:
    url: https://shop.example.com
    concurrancy: 4
    batch_size: 500
ownership: some
delete: trash
store_owned: [stock_qty]
guards:
  max_deletes: many
lint:
  image-alt-missing: error
  sale-window-inverted: loud
"""
    assert _errors(tmp_path, text) == [
        "wcsync.yaml:5:5: unknown field 'concurrancy' — did you mean 'concurrency'?",
        "wcsync.yaml:6:17: stores.production.batch_size: Input should be less than or equal to 100",
        "wcsync.yaml:7:12: ownership: 'some' is not allowed — use one of: marked, all",
        "wcsync.yaml:11:16: guards.max_deletes: expected a whole number, got the text 'many' — write a number without quotes, like 5",
        "wcsync.yaml:14:25: lint.sale-window-inverted: 'loud' is not allowed — use one of: error, warning, off",
    ]


def test_project_semantic_errors(tmp_path: Path) -> None:
    text = """\
default_store: prod
stores:
  production:
    url: shop.example.com
store_owned: [stock_qty]
lint:
  image-alt-missing: error
"""
    assert _errors(tmp_path, text) == [
        "wcsync.yaml:1:16: default_store 'prod' is not one of the stores — declare it under stores:",
        "wcsync.yaml:4:10: store 'production': url is not an http(s) URL or sandbox:PATH — write the WordPress site URL, like https://shop.example.com",
        "wcsync.yaml:5:15: store_owned: 'stock_qty' is not a product or variation field — did you mean 'stock_quantity'?",
        "wcsync.yaml:7:3: lint: unknown rule 'image-alt-missing' — did you mean 'image-missing-alt'?",
    ]


def test_project_yaml_errors(tmp_path: Path) -> None:
    assert _errors(tmp_path, "stores:\n  a:\n    url: x\n  a:\n    url: y\n") == [
        "wcsync.yaml:4:3: duplicate key 'a' — a key may appear only once in a mapping: remove or rename one of them"
    ]


def test_store_from_project(project: Project) -> None:
    s = resolve_store(project, store=None, store_url=None, env=ENV)
    assert (s.name, s.url, s.auth, s.concurrency, s.read_timeout) == ("production", "https://shop.example.com", AuthMethod.BASIC, 2, 30.0)
    assert s.consumer_key is not None and s.consumer_key.get_secret_value() == KEY
    assert s.consumer_secret is not None and s.consumer_secret.get_secret_value() == SECRET
    staging = resolve_store(project, store="staging", store_url=None, env=ENV)
    assert (staging.name, staging.auth) == ("staging", AuthMethod.OAUTH1)
    wp = resolve_store(project, store="wp", store_url=None, env=ENV)
    assert wp.username == "editor" and wp.app_password is not None and wp.app_password.get_secret_value() == SECRET
    local = resolve_store(project, store="local", store_url=None, env={})
    assert local.is_sandbox and local.consumer_key is None


def test_store_url_flag_wins(project: Project) -> None:
    env = {**ENV, "WCSYNC_URL": "https://env.example.com", "WCSYNC_CONSUMER_KEY": "ck_flag", "WCSYNC_CONSUMER_SECRET": "cs_flag"}
    s = resolve_store(project, store="staging", store_url="https://flag.example.com", env=env)
    assert s.url == "https://flag.example.com"
    assert s.consumer_key is not None and s.consumer_key.get_secret_value() == "ck_flag"
    s = resolve_store(project, store="staging", store_url=None, env=env)
    assert s.url == "https://env.example.com"
    s = resolve_store(None, store=None, store_url="sandbox:/tmp/x.db", env={})
    assert (s.name, s.url, s.consumer_key) == ("sandbox", "sandbox:/tmp/x.db", None)


def test_store_url_ca_bundle_and_plain_http(project: Project) -> None:
    env = {"WCSYNC_CONSUMER_KEY": "k", "WCSYNC_CONSUMER_SECRET": "s", "WCSYNC_CA_BUNDLE": "/etc/ca.pem"}
    s = resolve_store(None, store=None, store_url="http://127.0.0.1:8080", env=env)
    assert (s.ca_bundle, s.auth, s.name) == ("/etc/ca.pem", AuthMethod.OAUTH1, "127.0.0.1")


def test_store_url_without_credentials() -> None:
    with pytest.raises(ConfigError) as exc:
        resolve_store(None, store=None, store_url="https://shop.example.com", env={})
    assert str(exc.value) == (
        "store 'shop.example.com' has no consumer_key and no consumer_secret — with --store-url, set "
        "WCSYNC_CONSUMER_KEY and WCSYNC_CONSUMER_SECRET in the environment (or WCSYNC_USERNAME and "
        "WCSYNC_APP_PASSWORD for a WordPress application password)"
    )


def test_missing_env_variable_names_variable_and_store(project: Project) -> None:
    with pytest.raises(ConfigError) as exc:
        resolve_store(project, store=None, store_url=None, env={"WC_KEY": KEY})
    assert str(exc.value) == (
        "store 'production': consumer_secret uses ${WC_SECRET} but the environment variable WC_SECRET is not set "
        "— export WC_SECRET=… before running wcsync (or set it as a CI secret)"
    )
    assert KEY not in str(exc.value)


def test_unknown_store(project: Project) -> None:
    with pytest.raises(ConfigError) as exc:
        resolve_store(project, store="prodution", store_url=None, env=ENV)
    assert str(exc.value) == "no store named 'prodution' in wcsync.yaml — did you mean 'production'?"
    with pytest.raises(ConfigError) as exc:
        resolve_store(Project(), store=None, store_url=None, env={})
    assert str(exc.value) == "no store to talk to — pass --store-url URL (or set WCSYNC_URL), or declare stores in wcsync.yaml"


def test_secrets_never_printed(tmp_path: Path, project: Project) -> None:
    literal = PROJECT.replace("${WC_SECRET}", SECRET).replace("${WC_KEY}", KEY)
    write(tmp_path, "wcsync.yaml", literal)
    with_literals = load_project(tmp_path)
    for p in (project, with_literals):
        s = resolve_store(p, store=None, store_url=None, env=ENV)
        for text in (repr(p), str(p), repr(s), str(s), s.model_dump_json(), p.model_dump_json()):
            assert SECRET not in text and KEY not in text
    broken = literal.replace("concurrency: 2", "concurrency: two")
    write(tmp_path, "wcsync.yaml", broken)
    with pytest.raises(CatalogError) as exc:
        load_project(tmp_path)
    assert all(SECRET not in str(d) for d in exc.value.diagnostics)
    write(tmp_path, "wcsync.yaml", literal.replace("consumer_secret: " + SECRET, "consumer_secret: [" + SECRET + "]", 1))
    with pytest.raises(CatalogError) as exc:
        load_project(tmp_path)
    assert [str(d) for d in exc.value.diagnostics] == [
        "wcsync.yaml:6:22: stores.production.consumer_secret: expected text, got a value of the wrong kind (not shown: it may be a secret) — put the value in quotes, like \"…\""
    ]


def test_credential_fields_are_never_echoed(tmp_path: Path) -> None:
    text = f"stores:\n  s:\n    url: https://x.example.com\n    consumer_key: [{KEY}]\n    auth: {SECRET}\n    app_password: 99887766\n"
    errors = _errors(tmp_path, text)
    assert errors == [
        "wcsync.yaml:4:19: stores.s.consumer_key: expected text, got a value of the wrong kind (not shown: it may be a secret) — put the value in quotes, like \"…\"",
        f"wcsync.yaml:5:11: stores.s.auth: '{SECRET}' is not allowed — use one of: basic, oauth1, query, app_password",
        "wcsync.yaml:6:19: stores.s.app_password: expected text, got a value of the wrong kind (not shown: it may be a secret) — put the value in quotes, like \"…\"",
    ]
    assert all(KEY not in e and "99887766" not in e for e in errors)


def test_ca_bundle_from_the_environment_also_for_a_named_store(tmp_path: Path) -> None:
    write(tmp_path, "wcsync.yaml", PROJECT.replace("    concurrency: 2\n", "    concurrency: 2\n    ca_bundle: /etc/project-ca.pem\n"))
    p = load_project(tmp_path)
    assert resolve_store(p, store=None, store_url=None, env=ENV).ca_bundle == "/etc/project-ca.pem"
    env = {**ENV, "WCSYNC_CA_BUNDLE": "/etc/env-ca.pem", "WCSYNC_CONSUMER_KEY": "ck_other", "WCSYNC_CONSUMER_SECRET": "cs_other"}
    s = resolve_store(p, store=None, store_url=None, env=env)
    # the CA bundle from the environment wins; a named store keeps the credentials of wcsync.yaml
    assert (s.name, s.ca_bundle) == ("production", "/etc/env-ca.pem")
    assert s.consumer_key is not None and s.consumer_key.get_secret_value() == KEY
    flag = resolve_store(p, store=None, store_url="https://flag.example.com", env=env)
    assert (flag.ca_bundle, flag.name) == ("/etc/env-ca.pem", "flag.example.com")
    assert flag.consumer_key is not None and flag.consumer_key.get_secret_value() == "ck_other"
