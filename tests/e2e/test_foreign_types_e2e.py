"""Live products of a type wcsync does not manage (a plugin's ``subscription`` and ``bundle``) over HTTP
against a sandbox seeded with them: plan lists them as information, apply never touches them (not even under
``ownership: all``, not even one that carries wcsync's mark), import keeps them with their type, and the
imported catalogue validates and plans no change."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"
PRODUCTS = """\
products:
  - sku: KNOWN-1
    name: Known one
    regular_price: "5.00"
    short_description: A simple product.
"""


def _settings(server: Any, extra: str = "") -> str:
    return (f"default_store: test\nstores:\n  test:\n    url: {server.base_url}\n    auth: oauth1\n"
            "    consumer_key: ${SANDBOX_KEY}\n    consumer_secret: ${SANDBOX_SECRET}\n" + extra)


def _project(root: Path, server: Any, products: str = PRODUCTS, extra: str = "") -> Path:
    (root / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (root / "catalog" / "products" / "all.yaml").write_text(products, encoding="utf-8")
    (root / "wcsync.yaml").write_text(_settings(server, extra), encoding="utf-8")
    return root


def _seed_plugin_products(server: Any) -> dict[str, int]:
    """Two products made through the API, then given a plugin's type in the store's database (as the plugin
    would: WooCommerce only accepts a type some plugin registered); the subscription carries wcsync's mark."""
    mark = {"key": "_wcsync", "value": json.dumps({"v": 1, "meta_keys": [], "fields": ["name", "regular_price"]})}
    ids: dict[str, int] = {}
    with server.client() as client:
        for sku, ptype, meta in (("SUB-MONTHLY", "subscription", [mark]), ("BUNDLE-GIFT", "bundle", [])):
            made = client.post(f"{API}/products", json={"name": f"Plugin {ptype}", "sku": sku, "regular_price": "9.00",
                                                        "meta_data": meta})
            assert made.status_code == 201, made.text
            ids[ptype] = made.json()["id"]
    conn = sqlite3.connect(server.db_path)
    with conn:
        for ptype, pid in ids.items():
            conn.execute("UPDATE sb_posts SET type = ?, data = json_set(data, '$.type', ?) WHERE id = ?",
                         (ptype, ptype, pid))
    conn.close()
    return ids


def _snapshot(server: Any) -> dict[str, tuple[Any, ...]]:
    return {p["sku"]: (p["type"], p["name"], p["regular_price"], p["status"], p["date_modified_gmt"])
            for p in all_products(server) if p["sku"] in ("SUB-MONTHLY", "BUNDLE-GIFT")}


def test_plugin_products_pass_through_plan_apply_and_import_untouched(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path / "p", sandbox_server)
    ids = _seed_plugin_products(sandbox_server)
    before = _snapshot(sandbox_server)
    assert {sku: row[0] for sku, row in before.items()} == {"SUB-MONTHLY": "subscription", "BUNDLE-GIFT": "bundle"}

    plan = wcsync(project, sandbox_server, "plan")
    assert plan.exit_code == 0, plan.output
    assert ("2 live product(s) of a type wcsync does not manage left alone (never updated or deleted, whatever "
            "the ownership): BUNDLE-GIFT (bundle), SUB-MONTHLY (subscription)") in plan.stdout
    assert "+ product   KNOWN-1" in plan.stdout

    _project(project, sandbox_server, extra="ownership: all\n")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "Plan: 1 to create, 0 to update, 0 to adopt, 0 to delete." in run.stdout  # KNOWN-1 only
    assert "BUNDLE-GIFT (bundle), SUB-MONTHLY (subscription)" in run.stdout
    assert _snapshot(sandbox_server) == before
    again = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    imported = tmp_path / "imported"
    imported.mkdir()
    (imported / "wcsync.yaml").write_text(_settings(sandbox_server), encoding="utf-8")
    out = wcsync(imported, sandbox_server, "import")
    assert out.exit_code == 0, out.output
    assert "'subscription' is not one wcsync manages" in out.output
    sub = next((imported / "catalog" / "products").rglob("sub-monthly.yaml")).read_text(encoding="utf-8")
    assert "type: subscription" in sub and "regular_price" not in sub
    valid = wcsync(imported, sandbox_server, "validate")
    assert valid.exit_code == 0, valid.output
    plan = wcsync(imported, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert f"live product #{ids['subscription']} is a 'subscription' product, a type wcsync does not manage: left " \
           "alone" in plan.stdout
    assert _snapshot(sandbox_server) == before


def test_a_catalogue_product_over_a_plugin_product_is_not_written(tmp_path: Path, sandbox_server: Any) -> None:
    _seed_plugin_products(sandbox_server)
    before = _snapshot(sandbox_server)
    products = PRODUCTS + '  - sku: SUB-MONTHLY\n    name: Renamed\n    regular_price: "1.00"\n'
    project = _project(tmp_path / "p", sandbox_server, products=products)
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "(the catalogue's simple product is not written)" in run.stdout
    assert _snapshot(sandbox_server) == before
