"""A variable product removed from the catalogue goes to the trash with its variations; brought back, ONE apply
restores the parent and its variations (the same ids, not new ones), converges, and the next plan is empty —
over real HTTP against the sandbox, which keeps the variations trashed when the parent is restored, as the real
store does (11#14-17)."""

from __future__ import annotations

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


def _variations(server: Any, parent_id: int, status: str | None = None) -> list[tuple[int, str, str]]:
    params = {"status": status} if status else {}
    with server.client() as client:
        rows = client.get(f"{API}/products/{parent_id}/variations", params=params).json()
    return sorted((r["id"], r["sku"], r["status"]) for r in rows)


def test_a_variable_product_brought_back_is_restored_with_its_variations_in_one_apply(
        tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["S-1"])
    variable = project / "catalog" / "products" / "variable.yaml"
    variable.write_text(VARIABLE, encoding="utf-8")
    first = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    parent = next(p for p in all_products(sandbox_server) if p["sku"] == "VAR")
    created = _variations(sandbox_server, parent["id"])
    assert [(sku, status) for _, sku, status in created] == [("VAR-M", "publish"), ("VAR-S", "publish")]

    variable.unlink()
    trashing = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert trashing.exit_code == 0, trashing.output
    assert _variations(sandbox_server, parent["id"], "trash") == [(i, sku, "trash") for i, sku, _ in created]

    variable.write_text(VARIABLE, encoding="utf-8")
    back = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert back.exit_code == 0, back.output
    assert "Plan: 0 to create, 0 to update, 3 to restore, 0 to adopt, 0 to delete." in back.stdout
    assert "Apply: 3 applied." in back.stderr
    assert "not converged" not in back.stderr
    # the same variations, out of the trash: no new ones, none left behind
    assert _variations(sandbox_server, parent["id"]) == [(i, sku, "publish") for i, sku, _ in created]
    assert _variations(sandbox_server, parent["id"], "trash") == []
    plan = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "No changes. The store matches the catalogue." in plan.stdout
