"""The drift check itself (``DriftChecker``) against the in-process sandbox: drift is what the plan would
change on the named products, against the working tree or a git ref of the catalogue."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.e2e.helpers import small_catalogue
from wcsync.cli.connect import open_client
from wcsync.cli.main import cli
from wcsync.webhooks.drift import DriftChecker


def _project(tmp_path: Path, db: str = ".wcsync/sandbox.db") -> Path:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "wcsync.yaml").write_text(
        f"default_store: local\nstores:\n  local:\n    url: sandbox:{db}\nownership: marked\n",
        encoding="utf-8")
    small_catalogue(project, ["D-1", "D-2"], price="10.00")
    result = CliRunner().invoke(cli, ["apply", "--auto-approve", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project


def _checker(project: Path, ref: str | None = None) -> DriftChecker:
    from wcsync.catalog.project import load_project, resolve_store

    settings = resolve_store(load_project(project), store=None, store_url=None, env={})
    return DriftChecker(project, settings, open_client, ref=ref)


def _ids(project: Path, db: Path | None = None) -> dict[str, int]:
    from wcsync.sandbox.db import open_db

    conn = open_db(db or project / ".wcsync" / "sandbox.db")
    try:
        return {r["sku"]: r["id"] for r in conn.execute("SELECT id, sku FROM sb_posts WHERE post_type = 'product'")}
    finally:
        conn.close()


def test_only_changes_the_catalogue_does_not_contain_are_drift(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ids = _ids(project)
    clean = asyncio.run(_checker(project).check([ids["D-1"], ids["D-2"], 999999]))
    assert clean.drifted == [] and sorted(clean.checked) == ["D-1", "D-2"] and clean.unmanaged == 1
    small_catalogue(project, ["D-1", "D-2"], price="11.00")  # a merge the store has not seen yet
    drifted = asyncio.run(_checker(project).check([ids["D-2"]]))
    assert [(d.sku, [(f.field, f.store, f.catalogue) for f in d.fields]) for d in drifted.drifted] == [
        ("D-2", [("regular_price", "10.00", "11.00")])]


def test_the_catalogue_at_a_git_ref(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ids = _ids(project)
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "wcsync.yaml", "catalog"], check=True)
    subprocess.run([*git, "commit", "-qm", "catalogue"], check=True)
    small_catalogue(project, ["D-1", "D-2"], price="11.00")  # uncommitted: not at HEAD
    at_head = asyncio.run(_checker(project, "HEAD").check([ids["D-1"]]))
    assert at_head.drifted == [] and at_head.checked == ["D-1"]
    working_tree = asyncio.run(_checker(project).check([ids["D-1"]]))
    assert [d.sku for d in working_tree.drifted] == ["D-1"]


def test_a_trashed_product_and_a_variation_count_for_their_catalogue_product(tmp_path: Path, sandbox_app: Any) -> None:
    project = _project(tmp_path, str(sandbox_app.db_path))
    ids = _ids(project, sandbox_app.db_path)
    assert sandbox_app.call("DELETE", f"/wp-json/wc/v3/products/{ids['D-1']}").status_code == 200  # to the trash
    result = asyncio.run(_checker(project).check([ids["D-1"]]))  # product.deleted carries only the id
    assert [(d.sku, d.action) for d in result.drifted] == [("D-1", "restore")]
