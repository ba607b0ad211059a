"""Downloadable files end to end over HTTP against the sandbox, on a simple product and on variations:
apply → plan empty (the store's UUIDs are no change) → rename a file (its UUID is kept: customers' download
permissions name it) → remove the lines (reset to no downloads, unlimited) → import round trip plans empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"
PRODUCTS = """\
products:
  - sku: EBOOK
    name: Field guide
    regular_price: "9.00"
    short_description: A book.
    virtual: true
    downloadable: true
    downloads:
      - name: Field guide (PDF)
        file: https://files.example.com/guide.pdf
      - name: Field guide (EPUB)
        file: https://files.example.com/guide.epub
    download_limit: 5
    download_expiry: 30
  - sku: MAPS
    name: Maps
    type: variable
    short_description: Maps.
    attributes:
      - name: Region
        options: [North, South]
        variation: true
    variations:
      - sku: MAPS-N
        attributes: {Region: North}
        regular_price: "4.00"
        virtual: true
        downloadable: true
        downloads:
          - name: North map
            file: https://files.example.com/north.pdf
      - sku: MAPS-S
        attributes: {Region: South}
        regular_price: "4.00"
"""


def _project(root: Path, server: Any, products: str = PRODUCTS) -> Path:
    (root / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (root / "catalog" / "products" / "all.yaml").write_text(products, encoding="utf-8")
    (root / "wcsync.yaml").write_text(_settings(server), encoding="utf-8")
    return root


def _settings(server: Any) -> str:
    return (f"default_store: test\nstores:\n  test:\n    url: {server.base_url}\n    auth: oauth1\n"
            "    consumer_key: ${SANDBOX_KEY}\n    consumer_secret: ${SANDBOX_SECRET}\n")


def _ebook(server: Any) -> dict[str, Any]:
    return next(p for p in all_products(server) if p["sku"] == "EBOOK")


def _variation(server: Any, sku: str) -> dict[str, Any]:
    maps = next(p for p in all_products(server) if p["sku"] == "MAPS")
    with server.client() as client:
        rows = client.get(f"{API}/products/{maps['id']}/variations", params={"context": "edit"}).json()
    return next(v for v in rows if v["sku"] == sku)


def test_downloads_apply_converge_keep_their_ids_reset_and_round_trip(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path / "p", sandbox_server)
    assert wcsync(project, sandbox_server, "validate").exit_code == 0
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    ebook = _ebook(sandbox_server)
    assert [(d["name"], d["file"]) for d in ebook["downloads"]] == [
        ("Field guide (PDF)", "https://files.example.com/guide.pdf"),
        ("Field guide (EPUB)", "https://files.example.com/guide.epub")]
    assert (ebook["download_limit"], ebook["download_expiry"]) == (5, 30)
    north = _variation(sandbox_server, "MAPS-N")
    assert [d["file"] for d in north["downloads"]] == ["https://files.example.com/north.pdf"]
    again = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    ids = {d["file"]: d["id"] for d in ebook["downloads"]}
    renamed = PRODUCTS.replace("name: Field guide (PDF)", "name: Field guide, 2nd edition (PDF)")
    _project(project, sandbox_server, renamed)
    plan = wcsync(project, sandbox_server, "plan")
    assert "downloads" in plan.stdout and "Field guide, 2nd edition (PDF) (guide.pdf)" in plan.stdout
    assert ids["https://files.example.com/guide.pdf"] not in plan.stdout  # the store's ids are not shown
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    after = _ebook(sandbox_server)
    assert {d["file"]: d["id"] for d in after["downloads"]} == ids
    assert after["downloads"][0]["name"] == "Field guide, 2nd edition (PDF)"

    imported = tmp_path / "imported"
    imported.mkdir()
    (imported / "wcsync.yaml").write_text(_settings(sandbox_server), encoding="utf-8")
    out = wcsync(imported, sandbox_server, "import")
    assert out.exit_code == 0, out.output
    text = next((imported / "catalog" / "products").rglob("ebook.yaml")).read_text(encoding="utf-8")
    assert "file: https://files.example.com/guide.epub" in text and "download_limit: 5" in text
    assert "id:" not in text
    maps = next((imported / "catalog" / "products").rglob("maps.yaml")).read_text(encoding="utf-8")
    assert "file: https://files.example.com/north.pdf" in maps
    assert wcsync(imported, sandbox_server, "validate").exit_code == 0
    plan = wcsync(imported, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output

    # the lines removed from the catalogue: wcsync wrote them, so they go back to WooCommerce's defaults
    stripped = renamed.split("    downloads:\n      - name: Field guide, 2nd")[0] + "  - sku: MAPS" + \
        renamed.split("  - sku: MAPS", 1)[1]
    _project(project, sandbox_server, stripped)
    plan = wcsync(project, sandbox_server, "plan")
    assert "removed from the catalogue" in plan.stdout
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    reset = _ebook(sandbox_server)
    assert (reset["downloads"], reset["download_limit"], reset["download_expiry"]) == ([], -1, -1)
    assert wcsync(project, sandbox_server, "plan", "--detailed-exitcode").exit_code == 0


def test_a_download_limit_below_minus_one_is_a_catalogue_error(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path / "p", sandbox_server, PRODUCTS.replace("download_limit: 5", "download_limit: -3"))
    valid = wcsync(project, sandbox_server, "validate")
    assert valid.exit_code == 1
    assert "catalog/products/all.yaml:13:21: download_limit: -3 is less than -1 — write -1 or more" in valid.output
