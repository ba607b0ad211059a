"""Newcomer review of ``wcsync apply`` over real HTTP: an unwritable ``--report`` path is refused before any
write, comma-separated and unknown ``--target`` keys, a read-only key stops the run as one error, and a spent
plan file re-applied after a cut-short run finishes what is missing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, make_project, small_catalogue, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"

VARIABLE = """sku: VAR
name: Variable product
type: variable
short_description: Two sizes.
attributes:
  - name: Size
    options: [S, M]
    variation: true
variation_matrix:
  sku: "VAR-{{ Size }}"
  regular_price: "20.00"
"""


def _writes(server: Any) -> list[str]:
    return sorted(k for k in server.stats(log=False)["counts"] if k.startswith(("POST", "PUT", "DELETE")))


def test_spent_plan_finishes_the_variations_of_an_already_applied_parent(tmp_path: Path,
                                                                          sandbox_server: Any) -> None:
    """Re-applying a plan whose first run was cut short: what the store already holds is "already applied"
    (not stale), and the rest (the variations the first run did not write) is written under the parent the
    first run created."""
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["S-1"])
    (project / "catalog" / "products" / "variable.yaml").write_text(VARIABLE, encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    planned = wcsync(project, sandbox_server, "plan", "--out", str(plan_file))
    assert planned.exit_code == 0, planned.output
    first = wcsync(project, sandbox_server, "apply", str(plan_file))
    assert first.exit_code == 0, first.output
    # the run was cut short in the middle: VAR exists, its variations do not (deleted here to simulate it)
    var = next(p for p in all_products(sandbox_server) if p["sku"] == "VAR")
    with sandbox_server.client() as client:
        for variation in client.get(f"{API}/products/{var['id']}/variations").json():
            client.delete(f"{API}/products/{var['id']}/variations/{variation['id']}",
                          params={"force": "true"}).raise_for_status()
    sandbox_server.reset_stats()
    report = tmp_path / "r.json"
    again = wcsync(project, sandbox_server, "apply", str(plan_file), "--report", str(report))
    assert again.exit_code == 0, again.output
    assert "2 change(s) already applied: the store already holds what the plan wanted" in again.stderr
    assert "skipped" not in again.stderr and "failed" not in again.stderr.replace("failed in", "")
    assert "Apply: 2 applied, 2 already applied." in again.stderr
    items = {i["key"]: i for i in json.loads(report.read_text())["items"]}
    assert {k: i["status"] for k, i in items.items()} == {
        "S-1": "already applied", "VAR": "already applied", "VAR-S": "applied", "VAR-M": "applied"}
    assert items["VAR"]["id"] == var["id"]
    assert _writes(sandbox_server) == [f"POST {API}/products/{{id}}/variations/batch"]
    with sandbox_server.client() as client:
        skus = sorted(v["sku"] for v in client.get(f"{API}/products/{var['id']}/variations").json())
    assert skus == ["VAR-M", "VAR-S"]


def test_unwritable_report_path_is_refused_before_anything_is_written(tmp_path: Path,
                                                                      sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["R-1"])
    report = tmp_path / "nonexistent" / "r.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    assert run.exit_code == 1, run.output
    assert run.stderr.strip().splitlines()[-1] == (
        f"Error: cannot write the report file {report}: the directory {report.parent} does not exist; nothing "
        "was written — pass a --report path in an existing, writable directory")
    assert "Traceback" not in run.output
    assert sandbox_server.stats(log=False)["counts"] == {}  # the store was not even read
    assert all_products(sandbox_server) == []


def test_a_report_that_fails_after_writing_is_said_and_the_exit_code_stays_truthful(
        tmp_path: Path, sandbox_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import wcsync.cli.apply as apply_cli

    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["R-1"])
    report = tmp_path / "gone" / "r.json"
    # the directory disappears between the check and the end of the run
    monkeypatch.setattr(apply_cli, "_check_report_path", lambda _: None)
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    assert run.exit_code == 0, run.output
    assert "Apply: 1 applied." in run.stderr
    assert (f"Warning: could not write the report file {report} (No such file or directory); the results "
            "above are complete") in run.stderr
    assert [p["sku"] for p in all_products(sandbox_server)] == ["R-1"]


def test_comma_separated_targets_are_split(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["T-1", "T-2", "T-3"])
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--target", "T-1, t-3")
    assert run.exit_code == 0, run.output
    assert "Plan: 2 to create, 0 to update, 0 to adopt, 0 to delete." in run.stdout
    assert sorted(p["sku"] for p in all_products(sandbox_server)) == ["T-1", "T-3"]


def test_an_unknown_target_is_an_error_with_close_matches(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["T-1", "T-2"])
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--target", "T-1,TT-2x")
    assert run.exit_code == 1, run.output
    assert run.stderr.strip().splitlines()[-1] == (
        "Error: --target TT-2x matches nothing in the catalogue or in store test — did you mean 'T-2'?; a "
        "target is a product or variation SKU, a category or brand path or slug, or a tag, attribute or shipping-class "
        "slug")
    assert _writes(sandbox_server) == []


def _read_only(project: Path, server: Any) -> None:
    from wcsync.sandbox import keys

    conn = sqlite3.connect(server.db_path)
    try:
        key, secret = keys.create_key(conn, "read", "read-only")
    finally:
        conn.close()
    yaml = project / "wcsync.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("${SANDBOX_KEY}", key)
                    .replace("${SANDBOX_SECRET}", secret), encoding="utf-8")


def test_a_read_only_key_stops_apply_at_once_with_one_error(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)  # the example catalogue: 197 creates in many stages
    _read_only(project, sandbox_server)
    report = tmp_path / "r.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    assert run.exit_code == 1, run.output
    assert "write attributes: 4 item(s)\nError: " in run.stderr  # no per-item or "done" line in between
    errors = [line for line in run.stderr.splitlines() if "Error" in line or "401" in line]
    assert errors == [
        f"Error: POST /wp-json/wc/v3/products/attributes/batch on {sandbox_server.base_url} was refused: the "
        "API key is read-only (401 woocommerce_rest_authentication_error: The API key provided does not have "
        "write permissions.); nothing was written — create a key with Read/Write permissions in WooCommerce → "
        "Settings → Advanced → REST API and use it for apply"]
    assert "failed" not in run.stderr.replace("0 failed in", "")
    assert "skipped" not in run.stderr and "Apply:" not in run.stderr
    assert _writes(sandbox_server) == [f"POST {API}/products/attributes/batch"]  # the one refused request
    assert sandbox_server.stats(log=False)["counts"][f"POST {API}/products/attributes/batch"] == 1
    data = json.loads(report.read_text())
    assert data["refused"].startswith("POST /wp-json/wc/v3/products/attributes/batch on ")
    assert {i["status"] for i in data["items"]} == {"skipped"} and len(data["items"]) == 197
    assert all_products(sandbox_server) == []
