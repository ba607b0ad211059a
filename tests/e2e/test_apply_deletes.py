"""Deletes over real HTTP (design.md §3): WooCommerce's batch delete is always permanent, so ``delete: trash``
takes one ``DELETE`` (without ``force``) per product or variation, ``delete: force`` uses the batch endpoints,
and categories (which cannot be trashed) are always deleted through the batch, deepest level first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, count, make_project, stats_without_lock, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"

VARIABLE = """sku: VAR
name: Variable product
type: variable
short_description: Three sizes.
attributes:
  - name: Size
    options: [{options}]
    variation: true
variation_matrix:
  sku: "VAR-{{{{ Size }}}}"
  regular_price: "20.00"
"""


def _catalogue(project: Path, simple: list[str], sizes: list[str]) -> None:
    products = project / "catalog" / "products"
    products.mkdir(parents=True, exist_ok=True)
    lines = ["products:"]
    for sku in simple:
        lines += [f"  - sku: {sku}", f"    name: Product {sku}", "    type: simple", '    regular_price: "10.00"',
                  "    short_description: A product."]
    (products / "simple.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (products / "variable.yaml").write_text(VARIABLE.format(options=", ".join(sizes)), encoding="utf-8")


def _project(tmp_path: Path, server: Any, mode: str) -> Path:
    project = make_project(tmp_path, server, catalog=False)
    yaml = project / "wcsync.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("delete: trash", f"delete: {mode}"), encoding="utf-8")
    _catalogue(project, ["D-1", "D-2", "D-3"], ["S", "M", "L"])
    first = wcsync(project, server, "apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    _catalogue(project, ["D-1"], ["S"])  # two products and two variations to delete
    server.reset_stats()
    return project


def _deletes(server: Any) -> list[tuple[str, str]]:
    return [(e["path"].removeprefix(API), e["query"]) for e in stats_without_lock(server)["log"]
            if e["method"] == "DELETE"]


def test_trash_mode_sends_one_delete_without_force_per_product_and_variation(tmp_path: Path,
                                                                           sandbox_server: Any) -> None:
    project = _project(tmp_path, sandbox_server, "trash")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    # VAR's attribute options shrink (an update), D-2, D-3, VAR-M and VAR-L go
    assert "Plan: 0 to create, 1 to update, 0 to adopt, 4 to delete." in run.stdout
    stats = stats_without_lock(sandbox_server)
    assert count(stats, f"DELETE {API}/products/{{id}}") == 2
    assert count(stats, f"DELETE {API}/products/{{id}}/variations/{{id}}") == 2
    # the one batch is VAR's update; no delete goes through a batch (it would delete permanently)
    assert [k for k in stats["counts"] if k.startswith("POST")] == [f"POST {API}/products/batch"]
    assert count(stats, f"POST {API}/products/batch") == 1
    assert all("force" not in query for _, query in _deletes(sandbox_server))
    # progress hears every single request
    assert "delete products: 2 item(s)\n  product: 1/2 (1 in this request) · " in run.stderr
    assert "\n  product: 2/2 (1 in this request) · " in run.stderr
    by_sku = {p["sku"]: p["status"] for p in all_products(sandbox_server)}
    assert by_sku == {"D-1": "publish", "D-2": "trash", "D-3": "trash", "VAR": "publish"}
    _plan_is_empty(project, sandbox_server)


def test_force_mode_deletes_through_the_batch_endpoints(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path, sandbox_server, "force")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    stats = stats_without_lock(sandbox_server)
    # VAR's update (write stage), then the variations' and the products' deletes (delete stages)
    assert count(stats, f"POST {API}/products/batch") == 2
    assert count(stats, f"POST {API}/products/{{id}}/variations/batch") == 1
    assert _deletes(sandbox_server) == []
    # permanently gone: not even in the trash
    assert {p["sku"]: p["status"] for p in all_products(sandbox_server)} == {"D-1": "publish", "VAR": "publish"}
    _plan_is_empty(project, sandbox_server)


def test_categories_are_deleted_with_force_through_the_batch_deepest_first(tmp_path: Path,
                                                                         sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    yaml = project / "wcsync.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("ownership: marked", "ownership: all"),
                    encoding="utf-8")
    _catalogue(project, ["D-1"], ["S"])
    categories = project / "catalog" / "categories.yaml"
    categories.write_text(
        "categories:\n  - name: Keep\n    slug: keep\n  - name: Old\n    slug: old\n    children:\n"
        "      - name: Old Child\n        slug: old-child\n        children:\n"
        "          - name: Old Grandchild\n            slug: old-grandchild\n", encoding="utf-8")
    first = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    categories.write_text("categories:\n  - name: Keep\n    slug: keep\n", encoding="utf-8")
    sandbox_server.reset_stats()
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--allow-deletes")
    assert run.exit_code == 0, run.output
    assert "Plan: 0 to create, 0 to update, 0 to adopt, 3 to delete." in run.stdout
    log = stats_without_lock(sandbox_server)["log"]
    assert [(e["method"], e["path"]) for e in log if e["method"] != "GET"] == [
        ("POST", f"{API}/products/categories/batch")] * 3  # one per depth: 2, 1, 0
    assert _deletes(sandbox_server) == []
    with sandbox_server.client() as client:
        slugs = {c["slug"] for c in client.get(f"{API}/products/categories", params={"per_page": 100}).json()}
    assert "keep" in slugs and not slugs & {"old", "old-child", "old-grandchild"}
    _plan_is_empty(project, sandbox_server)


def _plan_is_empty(project: Path, server: Any) -> None:
    run = wcsync(project, server, "plan", "--detailed-exitcode")
    assert run.exit_code == 0, run.output
