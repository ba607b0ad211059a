"""``wcsync plan`` findings of a newcomer review: an unknown ``--target`` is an error with close matches, the
progress lines name the resolved project path, a missing wcsync.yaml is said once, the credentials' origin is
handed to the client, and a new sandbox store is announced."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_plan
from click.testing import CliRunner
from test_plan import KEY, PROJECT, SECRET, FakeStore, run

from wcsync.cli.main import cli
from wcsync.core.kinds import Kind
from wcsync.core.records import LiveResource, LiveState

store = test_plan.store  # the fixture: open_client / fetch_live_state / load_catalog faked


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "wcsync.yaml").write_text(PROJECT, encoding="utf-8")
    return tmp_path


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error: ")]


def test_unknown_target_is_an_error_with_close_matches(store: FakeStore, project: Path) -> None:
    result = run(project, "--target", "MUG-2")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert error_lines(result.stderr) == [
        "Error: --target MUG-2 matches nothing in the catalogue or in store production — did you mean 'MUG-1' or "
        "'mugs'?; "
        "a target is a product or variation SKU, a category or brand path or slug, or a tag, attribute or shipping-class "
        "slug"
    ]
    assert "Planning …" not in result.stderr


def test_several_unknown_targets_are_named_together(store: FakeStore, project: Path) -> None:
    hats = LiveResource(kind=Kind.CATEGORY, id=9, key="hats", fields={"name": "Hats", "slug": "hats"})
    store.live = LiveState(wc_version="11.0.1", categories=(hats,))
    result = run(project, "--target", "mug-1,hat,NOPE-SKU")  # mug-1: SKUs compare case-insensitively
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [
        "Error: --target hat, NOPE-SKU match nothing in the catalogue or in store production — did you mean "
        "'hats' (for hat)?; a target is a product or variation SKU, a category or brand path or slug, or a tag, attribute "
        "or shipping-class slug"
    ]


def test_known_targets_from_either_side_still_plan(store: FakeStore, project: Path) -> None:
    hats = LiveResource(kind=Kind.CATEGORY, id=9, key="hats", fields={"name": "Hats", "slug": "hats"})
    color = LiveResource(kind=Kind.ATTRIBUTE, id=3, key="pa_color", fields={"name": "Color", "slug": "pa_color"})
    store.live = LiveState(wc_version="11.0.1", categories=(hats,), attributes=(color,))
    result = run(project, "--target", "hats", "--target", "pa_color,color,MUG-1,mugs")
    assert result.exit_code == 0, result.stderr
    assert "Planning …" in result.stderr


def test_progress_names_the_resolved_project_path(
    store: FakeStore, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["plan"])  # --project defaults to "."
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"Loading the catalogue in {project.resolve()} …"


def test_missing_project_file_is_said_once(store: FakeStore, tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: no wcsync.yaml in {tmp_path.resolve()}, so there is no store to plan against — create "
        "wcsync.yaml there (with `stores:`), pass --project DIR pointing at the project that has one, or pass "
        "--store-url URL (or set WCSYNC_URL)"
    ]
    gone = run(tmp_path / "nope")
    assert gone.stderr.splitlines() == [
        f"Error: the project directory {(tmp_path / 'nope').resolve()} does not exist — pass --project DIR "
        "pointing at the folder that holds wcsync.yaml and catalog/"
    ]
    assert store.opened == []


def test_credentials_source_reaches_the_client(
    store: FakeStore, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(project).exit_code == 0
    assert store.opened[-1].credentials_source == (
        "WC_KEY / WC_SECRET (read by consumer_key / consumer_secret of store 'production' in wcsync.yaml)"
    )
    monkeypatch.setenv("WCSYNC_CONSUMER_KEY", KEY)
    monkeypatch.setenv("WCSYNC_CONSUMER_SECRET", SECRET)
    assert run(project, "--store-url", "https://other.example.com").exit_code == 0
    assert store.opened[-1].credentials_source == "WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET in the environment"


def test_a_new_sandbox_store_is_announced_once(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    (project / "catalog" / "products").mkdir(parents=True)
    (project / "catalog" / "products" / "one.yaml").write_text("sku: ONE\nname: One\nregular_price: '5'\n",
                                                               encoding="utf-8")
    db = tmp_path / "not" / "yet" / "there.db"
    args = ["plan", "--project", str(project), "--store-url", f"sandbox:{db}"]
    first = CliRunner().invoke(cli, args, env={"WCSYNC_URL": ""})
    assert first.exit_code == 0, first.output
    assert f"created a new, empty sandbox store at {db.resolve()}" in first.stderr.splitlines()
    assert db.is_file()
    again = CliRunner().invoke(cli, args, env={"WCSYNC_URL": ""})
    assert again.exit_code == 0, again.output
    assert "created a new" not in again.stderr


def test_plan_help_metavars_match_the_messages() -> None:
    text = CliRunner().invoke(cli, ["plan", "--help"]).output
    assert "--project DIR " in text  # messages say "pass --project DIR"
    assert "--store NAME " in text and "--store-url URL " in text and "--target KEY " in text
    assert "DIRECTORY" not in text


def test_a_sandbox_path_that_cannot_be_created_is_a_plain_error(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    (project / "catalog" / "products").mkdir(parents=True)
    (project / "catalog" / "products" / "one.yaml").write_text("sku: ONE\nname: One\nregular_price: '5'\n",
                                                               encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    db = blocker / "x.db"  # its "folder" is a file
    result = CliRunner().invoke(cli, ["plan", "--project", str(project), "--store-url", f"sandbox:{db}"],
                                env={"WCSYNC_URL": ""})
    assert result.exit_code == 1
    line = error_lines(result.stderr)[-1]
    assert line.startswith(f"Error: store 'sandbox': cannot open the sandbox store {db}: "), line
    assert line.endswith("— check the path after sandbox: and the permissions of its folder")
    assert "unexpected" not in result.stderr
