"""``wcsync plan`` through click's CliRunner, with the catalogue loader and the store read faked (the real
project-file loader and the real planner run). Asserts stdout/stderr separation, exit codes, guard errors
naming their override flag, the plan file, and that secrets never appear anywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

import wcsync.catalog
import wcsync.cli.connect
import wcsync.store.fetch
from wcsync.catalog import LoadedCatalog
from wcsync.cli.main import cli
from wcsync.cli.plan import _ci_hint
from wcsync.core.kinds import Kind
from wcsync.core.plan import Plan
from wcsync.core.records import DesiredResource, DesiredState, LiveResource, LiveState, Mark
from wcsync.diagnostics import Diagnostic, Severity
from wcsync.errors import StoreError
from wcsync.settings import StoreSettings
from wcsync.store.budget import RequestStats

SECRET = "cs_TOPSECRET_4f1d9c2b7a"
KEY = "ck_KEYVALUE_0b8e6a"

PROJECT = """\
default_store: production
stores:
  production:
    url: https://shop.example.com
    consumer_key: ${WC_KEY}
    consumer_secret: ${WC_SECRET}
guards:
  max_price_drop_percent: 20
"""

DESIRED = DesiredState(
    catalog_version="c0ffee1234567890c0ffee",
    categories=(
        DesiredResource(kind=Kind.CATEGORY, key="mugs", fields={"name": "Mugs & Cups", "slug": "mugs"}),
    ),
    products=(
        DesiredResource(
            kind=Kind.PRODUCT,
            key="MUG-1",
            fields={
                "name": "Mug",
                "type": "simple",
                "regular_price": Decimal("9.5"),
                "categories": ("mugs",),
            },
        ),
    ),
)

WARNING = Diagnostic(
    "catalog/products/mug.yaml",
    2,
    1,
    "short_description is empty",
    severity=Severity.WARNING,
    rule="empty-short-description",
)
MUGS = LiveResource(
    kind=Kind.CATEGORY, id=15, key="mugs", fields={"name": "Mugs & Cups", "slug": "mugs", "parent": None}
)


def live_mug(price: str) -> LiveResource:
    return LiveResource(
        kind=Kind.PRODUCT,
        id=20,
        key="MUG-1",
        fields={"name": "Mug", "type": "simple", "regular_price": Decimal(price), "categories": (15,)},
        mark=Mark(),
        date_modified="2026-01-01T00:00:00",
    )


class FakeStore:
    """Stands in for open_client + fetch_live_state; remembers the settings it was opened with."""

    def __init__(self) -> None:
        self.live = LiveState(wc_version="11.0.1")
        self.error: Exception | None = None
        self.opened: list[StoreSettings] = []
        #: what a client counts (``WooClient.stats``): the API reports it when the client closes
        self.stats = RequestStats()

    def open_client(self, settings: StoreSettings, *, progress: Any = None, notify: Any = None) -> Any:
        self.opened.append(settings)
        store = self

        class Client:
            async def __aenter__(self) -> Any:
                return store

            async def __aexit__(self, *exc: object) -> None:
                return None

        return Client()

    async def fetch_live_state(self, client: Any, *, progress: Any = None, skus: Any = None,
                               desired: Any = None) -> LiveState:
        assert client is self
        if progress is not None:
            progress("products", 1, 2)
            progress("products", 2, 2)
            progress("products/categories", 1, 1)
        if self.error is not None:
            raise self.error
        return self.live


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStore]:
    fake = FakeStore()
    loaded: list[Path] = []

    def load_catalog(directory: Path, project: Any) -> LoadedCatalog:
        loaded.append(Path(directory))
        return LoadedCatalog(diagnostics=[WARNING], desired=DESIRED)

    monkeypatch.setattr(wcsync.catalog, "load_catalog", load_catalog, raising=False)
    monkeypatch.setattr(wcsync.cli.connect, "open_client", fake.open_client)
    monkeypatch.setattr(wcsync.store.fetch, "fetch_live_state", fake.fetch_live_state)
    monkeypatch.setenv("WC_KEY", KEY)
    monkeypatch.setenv("WC_SECRET", SECRET)
    for var in ("WCSYNC_URL", "NO_COLOR", "GITHUB_RUN_ID"):
        monkeypatch.delenv(var, raising=False)
    yield fake


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "wcsync.yaml").write_text(PROJECT, encoding="utf-8")
    return tmp_path


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["plan", "--project", str(project), *args])


def no_secret(result: Result, *files: Path) -> None:
    for text in (result.stdout, result.stderr, *(f.read_text(encoding="utf-8") for f in files)):
        assert SECRET not in text
        assert KEY not in text


def test_changes_print_on_stdout_status_on_stderr(store: FakeStore, project: Path) -> None:
    result = run(project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wcsync plan · store production (https://shop.example.com, WooCommerce 11.0.1) · catalog c0ffee1",
        "",
        '  + category  mugs                    "Mugs & Cups"',
        '  + product   MUG-1                   "Mug"',
        "",
        "Plan: 2 to create, 0 to update, 0 to adopt, 0 to delete.",
    ]
    assert result.stderr.splitlines() == [
        f"Loading the catalogue in {project.resolve()} …",
        "Reading store production (https://shop.example.com) …",
        "  read products (2 pages)",
        "  read products/categories (1 page)",
        "warning: catalog/products/mug.yaml:2:1: short_description is empty",
        "Planning …",
    ]
    # the store was opened with the secret resolved from the environment
    assert store.opened[0].consumer_secret is not None
    assert store.opened[0].consumer_secret.get_secret_value() == SECRET
    no_secret(result)


def test_detailed_exitcode_contract(store: FakeStore, project: Path) -> None:
    assert run(project, "--detailed-exitcode").exit_code == 2
    store.live = LiveState(wc_version="11.0.1", categories=(MUGS,), products=(live_mug("9.50"),))
    same = run(project, "--detailed-exitcode")
    assert same.exit_code == 0
    assert same.stdout.endswith("No changes. The store matches the catalogue.\n")
    store.live = LiveState(wc_version="11.0.1", categories=(MUGS,), products=(live_mug("9.00"),))
    assert run(project).exit_code == 0
    changed = run(project, "--detailed-exitcode")
    assert changed.exit_code == 2
    assert "      regular_price   9.00 → 9.50  (+5.6 %)" in changed.stdout.splitlines()
    store.error = StoreError("store production (https://shop.example.com) answered 503")
    failed = run(project, "--detailed-exitcode")
    assert failed.exit_code == 1
    assert failed.stdout == ""


def test_formats(store: FakeStore, project: Path) -> None:
    as_json = run(project, "--format", "json")
    plan = Plan.model_validate_json(as_json.stdout)
    assert [(c.kind.value, c.action.value, c.key) for c in plan.changes] == [
        ("category", "create", "mugs"),
        ("product", "create", "MUG-1"),
    ]
    assert plan.store.url == "https://shop.example.com"
    markdown = run(project, "--format", "markdown")
    assert markdown.stdout.startswith("<!-- wcsync-plan -->\n")
    assert "**Plan: 2 to create, 0 to update, 0 to adopt, 0 to delete.**" in markdown.stdout
    bad = run(project, "--format", "yaml")
    assert bad.exit_code == 2
    assert "'yaml' is not one of 'text', 'markdown', 'json'" in bad.stderr


def test_out_writes_the_json_plan_file(store: FakeStore, project: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run(project, "--out", str(out), "--target", "MUG-1")
    assert result.exit_code == 0
    assert result.stdout.startswith("wcsync plan · store production")
    assert f"Plan written to {out}" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format_version"] == 1
    assert data["settings"]["targets"] == ["MUG-1"]
    assert data["settings"]["max_price_drop_percent"] == 20
    assert not (tmp_path / "plan.json.tmp").exists()
    no_secret(result, out)


def test_guard_trips_with_the_override_flag_named(store: FakeStore, project: Path) -> None:
    store.live = LiveState(wc_version="11.0.1", categories=(MUGS,), products=(live_mug("19.00"),))
    result = run(project, "--detailed-exitcode")
    assert result.exit_code == 1
    # the guard never hides the plan: the whole of it on stdout, under the banner
    out = result.stdout.splitlines()
    assert out[2].startswith("Refused by 1 guard: ") and out[2].endswith("without --allow-price-drops.")
    assert "      resources: product MUG-1" in out and "      override:  --allow-price-drops" in out
    assert "      regular_price   19.00 → 9.50  (-50.0 %)" in out
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    assert "--allow-price-drops" in result.stderr
    assert "MUG-1" in result.stderr
    allowed = run(project, "--detailed-exitcode", "--allow-price-drops")
    assert allowed.exit_code == 2
    assert "      regular_price   19.00 → 9.50  (-50.0 %)" in allowed.stdout.splitlines()


def test_catalogue_errors_list_every_diagnostic(
    store: FakeStore, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diags = [
        Diagnostic("catalog/products/mug.yaml", 3, 1, "unknown field 'prise'", "did you mean 'price'?"),
        Diagnostic("catalog/tags.yaml", 1, 5, "duplicate slug 'sale'"),
    ]

    def broken(directory: Path, project: Any) -> LoadedCatalog:
        return LoadedCatalog(diagnostics=[*diags, WARNING], desired=None)

    monkeypatch.setattr(wcsync.catalog, "load_catalog", broken, raising=False)
    result = run(project)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert "catalog/products/mug.yaml:3:1: unknown field 'prise' — did you mean 'price'?" in lines
    assert "catalog/tags.yaml:1:5: duplicate slug 'sale'" in lines
    assert lines[-1] == (
        "Error: the catalogue has 2 error(s); no plan was made — fix them (`wcsync validate` lists them) "
        "and plan again"
    )
    assert "Planning …" not in lines  # the store is read while the catalogue loads, but no plan is made


def test_project_errors(store: FakeStore, tmp_path: Path) -> None:
    missing = run(tmp_path)
    assert missing.exit_code == 1
    assert "no wcsync.yaml in" in missing.stderr
    (tmp_path / "wcsync.yaml").write_text(PROJECT, encoding="utf-8")
    unknown = run(tmp_path, "--store", "prodution")
    assert unknown.exit_code == 1
    assert "no store named 'prodution' in wcsync.yaml" in unknown.stderr


def test_store_url_without_project_file_and_secrets_in_the_url_are_dropped(
    store: FakeStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WCSYNC_CONSUMER_KEY", KEY)
    monkeypatch.setenv("WCSYNC_CONSUMER_SECRET", SECRET)
    out = tmp_path / "plan.json"
    url = f"https://shop.example.com/?consumer_secret={SECRET}"
    result = run(tmp_path, "--store-url", url, "--out", str(out), "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert store.opened[0].url == url  # the client gets what the user gave …
    assert "Reading store shop.example.com (https://shop.example.com) …" in result.stderr
    assert Plan.model_validate_json(out.read_text(encoding="utf-8")).store.url == "https://shop.example.com"
    no_secret(result, out)  # … nothing else does
    # a user name and password in the URL: refused before any store is opened, never printed
    result = run(tmp_path, "--store-url", f"https://admin:{SECRET}@shop.example.com/", "--format", "markdown")
    assert result.exit_code == 1 and "has a user name or password in it" in result.stderr
    assert len(store.opened) == 1
    assert SECRET not in result.output


def test_store_error_message_without_traceback(store: FakeStore, project: Path) -> None:
    store.error = StoreError(
        "store production (https://shop.example.com): timed out after 60 s", hint="raise read_timeout"
    )
    result = run(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: store production (https://shop.example.com): timed out after 60 s — raise read_timeout"
    )
    assert "Traceback" not in result.stderr
    debug = run(project, "--debug")
    assert isinstance(debug.exception, StoreError)


def test_ci_hint() -> None:
    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "42"}
    assert (
        _ci_hint(env)
        == "The full plan is in the artifacts of [this CI run](https://github.com/acme/shop/actions/runs/42)."
    )
    assert _ci_hint({}) is None


def test_unexpected_errors_are_one_line_unless_debug(store: FakeStore, project: Path) -> None:
    store.error = KeyError("boom")
    result = run(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: unexpected KeyError: 'boom' — run again with --debug for the traceback, and report it"
    )
    assert isinstance(run(project, "--debug").exception, KeyError)


def test_colour_only_on_a_terminal(store: FakeStore, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run(project)
    assert "\x1b[" not in plain.stdout  # CliRunner's stdout is not a terminal
    monkeypatch.setattr("wcsync.cli.plan._color_stdout", lambda: True)
    coloured = run(project)
    assert "  \x1b[32m\x1b[1m+\x1b[0m \x1b[32mproduct  \x1b[0m MUG-1" in coloured.stdout
    assert click.unstyle(coloured.stdout) == plain.stdout
    as_json = run(project, "--format", "json")
    assert "\x1b[" not in as_json.stdout  # artifacts other than text are never coloured


def test_no_color_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from wcsync.cli.plan import _color_stdout

    monkeypatch.setenv("NO_COLOR", "1")
    assert _color_stdout() is False


def test_targets_repeat_or_comma_separated(store: FakeStore, project: Path) -> None:
    # OTHER is only in the store (a live tag): a target may name a live resource the catalogue lacks
    other = LiveResource(kind=Kind.TAG, id=7, key="other", fields={"name": "Other", "slug": "other"})
    store.live = LiveState(wc_version="11.0.1", tags=(other,))
    result = run(project, "--format", "json", "--target", "MUG-1, mugs", "--target", "OTHER")
    assert result.exit_code == 0, result.stderr
    plan = Plan.model_validate_json(result.stdout)
    assert plan.settings.targets == ("MUG-1", "mugs", "OTHER")
