"""Brands end to end over HTTP against the sandbox: validate → apply (brands created, products carry them by
id) → plan empty → a brand moved to another one and a product's brands changed → cleared (``brands: []`` on
the wire changes nothing, 11#100) → import into an empty project → plan empty → a brand left out of the
catalogue deleted only under ``ownership: all``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"

BRANDS = """\
brands:
  - name: Acme & Co
    description: Tools since 1920.
    children:
      - name: Acme Kids
  - name: Globex
    slug: globex
"""

PRODUCTS = """\
products:
  - sku: B-HAMMER
    name: Hammer
    regular_price: "12.00"
    brands: [acme-co]
  - sku: B-KITE
    name: Kite
    regular_price: "20.00"
    brands: [acme-co/acme-kids, globex]
  - sku: B-PLAIN
    name: Plain
    regular_price: "3.00"
"""


def _project(root: Path, server: Any, *, brands: str = BRANDS, products: str = PRODUCTS, extra: str = "") -> Path:
    (root / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    if brands:
        (root / "catalog" / "brands.yaml").write_text(brands, encoding="utf-8")
    elif (root / "catalog" / "brands.yaml").exists():
        (root / "catalog" / "brands.yaml").unlink()
    (root / "catalog" / "products" / "all.yaml").write_text(products, encoding="utf-8")
    (root / "wcsync.yaml").write_text(_settings(server, extra), encoding="utf-8")
    return root


def _settings(server: Any, extra: str = "") -> str:
    return (f"default_store: test\nstores:\n  test:\n    url: {server.base_url}\n    auth: oauth1\n"
            "    consumer_key: ${SANDBOX_KEY}\n    consumer_secret: ${SANDBOX_SECRET}\n" + extra)


def _live(server: Any) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    with server.client() as client:
        brands = {b["slug"]: b for b in client.get(f"{API}/products/brands", params={"per_page": 100}).json()}
        rows = client.get(f"{API}/products", params={"per_page": 100, "_fields": "sku,brands"}).json()
    return brands, {r["sku"]: sorted(b["slug"] for b in r["brands"]) for r in rows}


def test_brands_apply_converge_change_clear_and_round_trip_through_import(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path / "p", sandbox_server)
    valid = wcsync(project, sandbox_server, "validate")
    assert valid.exit_code == 0, valid.output

    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "+ brand" in run.stdout and "acme-co/acme-kids" in run.stdout
    brands, products = _live(sandbox_server)
    assert brands["acme-co"]["name"] == "Acme &amp; Co" and brands["acme-co"]["parent"] == 0
    assert brands["acme-kids"]["parent"] == brands["acme-co"]["id"]
    assert products == {"B-HAMMER": ["acme-co"], "B-KITE": ["acme-kids", "globex"], "B-PLAIN": []}
    again = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout

    # move Acme Kids under Globex, swap the hammer's brand, clear the kite's
    moved = BRANDS.replace("    children:\n      - name: Acme Kids\n", "") + "    children:\n      - name: Acme Kids\n"
    changed = PRODUCTS.replace("brands: [acme-co]", "brands: [globex]").replace(
        "brands: [acme-co/acme-kids, globex]", "brands: []")
    _project(project, sandbox_server, brands=moved, products=changed)
    plan = wcsync(project, sandbox_server, "plan")
    assert "~ brand     globex/acme-kids" in plan.stdout and "parent          acme-co → globex" in plan.stdout
    assert "brands          [acme-co] → [globex]" in plan.stdout
    assert "brands          [acme-co/acme-kids, globex] → []" in plan.stdout
    assert "Plan: 0 to create, 3 to update, 0 to adopt, 0 to delete." in plan.stdout
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    brands, products = _live(sandbox_server)
    assert brands["acme-kids"]["parent"] == brands["globex"]["id"]
    assert products == {"B-HAMMER": ["globex"], "B-KITE": [], "B-PLAIN": []}
    assert wcsync(project, sandbox_server, "plan", "--detailed-exitcode").exit_code == 0

    imported = tmp_path / "imported"
    imported.mkdir()
    (imported / "wcsync.yaml").write_text(_settings(sandbox_server), encoding="utf-8")
    out = wcsync(imported, sandbox_server, "import")
    assert out.exit_code == 0, out.output
    text = (imported / "catalog" / "brands.yaml").read_text(encoding="utf-8")
    assert "Acme & Co" in text and "Acme Kids" in text and "Tools since 1920." in text
    hammer = next((imported / "catalog" / "products").rglob("b-hammer.yaml")).read_text(encoding="utf-8")
    assert "brands:" in hammer and "globex" in hammer
    assert wcsync(imported, sandbox_server, "validate").exit_code == 0
    plan = wcsync(imported, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "No changes." in plan.stdout


def test_a_brand_left_out_is_kept_under_marked_and_deleted_under_all(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path / "p", sandbox_server)
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    fewer = "brands:\n  - name: Acme & Co\n    description: Tools since 1920.\n    children:\n      - name: Acme Kids\n"
    products = PRODUCTS.replace("brands: [acme-co/acme-kids, globex]", "brands: [acme-kids]")
    _project(project, sandbox_server, brands=fewer, products=products)
    plan = wcsync(project, sandbox_server, "plan")
    assert "1 live brand(s) not in the catalogue left alone" in plan.stdout, plan.stdout
    assert "- brand" not in plan.stdout

    _project(project, sandbox_server, brands=fewer, products=products, extra="ownership: all\n")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "- brand" in run.stdout and "globex" in run.stdout
    brands, live = _live(sandbox_server)
    assert set(brands) == {"acme-co", "acme-kids"}
    assert live["B-KITE"] == ["acme-kids"]


def test_an_unknown_brand_is_a_catalogue_error_with_a_suggestion(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path / "p", sandbox_server, products=PRODUCTS.replace("[acme-co]", "[acme-coo]"))
    valid = wcsync(project, sandbox_server, "validate")
    assert valid.exit_code == 1
    assert "catalog/products/all.yaml:5:" in valid.output
    assert "unknown brand 'acme-coo'" in valid.output and "acme-co" in valid.output.split("unknown brand")[1]
