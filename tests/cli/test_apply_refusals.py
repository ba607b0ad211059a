"""``wcsync apply plan.json`` refuses plans made for another store or another catalogue version, before it
touches the store (exit 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wcsync.cli.main import cli
from wcsync.core.plan import Plan, StoreRef

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(REPO / "wcsync.yaml", tmp_path / "wcsync.yaml")
    shutil.copytree(REPO / "catalog", tmp_path / "catalog")
    return tmp_path


def _version(project: Path) -> str:
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project

    loaded = load_catalog(project, load_project(project))
    assert loaded.desired is not None
    return loaded.desired.catalog_version


def _write(path: Path, plan: Plan) -> Path:
    path.write_text(plan.model_dump_json(), encoding="utf-8")
    return path


def test_plan_for_another_store_is_refused(project: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    plan = Plan(store=StoreRef(name="production", url="https://shop.example.com"),
                catalog_version=_version(project))
    result = CliRunner().invoke(cli, ["apply", str(_write(tmp_path / "p.json", plan)), "--project", str(project),
                                      "--store-url", f"sandbox:{db}"])
    assert result.exit_code == 1
    assert (f"was made for store production (https://shop.example.com), not for sandbox (sandbox:{db})"
            in result.output)
    assert "plan again against this store, or pass the --store / --store-url the plan was made for" in result.output
    assert not db.exists()


def test_plan_of_another_catalogue_version_is_refused(project: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    plan = Plan(store=StoreRef(name="sandbox", url=f"sandbox:{db}"), catalog_version="0123456789abcdef")
    result = CliRunner().invoke(cli, ["apply", str(_write(tmp_path / "p.json", plan)), "--project", str(project),
                                      "--store-url", f"sandbox:{db}"])
    assert result.exit_code == 1
    assert "was made from catalogue version 0123456789ab, but the catalogue is now" in result.output
    assert "the catalogue changed since planning: run `wcsync plan --out plan.json` again" in result.output
    assert not db.exists()


def test_not_a_plan_file(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["apply", str(bad), "--project", str(project),
                                      "--store-url", f"sandbox:{tmp_path / 's.db'}"])
    assert result.exit_code == 1
    assert f"{bad} is not a wcsync plan file" in result.output
