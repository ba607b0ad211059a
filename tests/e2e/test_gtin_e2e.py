"""GTIN (``global_unique_id``) end to end on products and variations, against the sandbox over real HTTP:
validate refuses a duplicate, apply writes it (leading zeros kept, 11#104-108), the next plan is empty, import
writes it back, and a GTIN a live product holds is left out of the write with an Info naming the holder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.helpers import all_products, make_project, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"

CATALOGUE = """\
products:
  - sku: GT-SIMPLE
    name: GTIN simple
    global_unique_id: "04006381333931"
    regular_price: "4.00"
  - sku: GT-VAR
    name: GTIN variable
    type: variable
    attributes:
      - name: Size
        options: [S, M]
        variation: true
    variations:
      - sku: GT-VAR-S
        global_unique_id: "04006381333948"
        regular_price: "5.00"
        attributes: {Size: S}
      - sku: GT-VAR-M
        regular_price: "5.00"
        attributes: {Size: M}
"""


def _variations(server: Any, parent_id: int) -> dict[str, dict[str, Any]]:
    with server.client() as client:
        rows = client.get(f"{API}/products/{parent_id}/variations", params={"context": "edit"}).json()
    return {r["sku"]: r for r in rows}


def _imported(project: Path) -> dict[str, dict[str, Any]]:
    yaml = YAML(typ="safe")
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((project / "catalog" / "products").rglob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"))
        for item in doc.get("products", [doc]):
            out[item["sku"]] = item
    return out


def test_gtins_apply_converge_and_round_trip_through_import(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    (project / "catalog" / "products").mkdir(parents=True)
    (project / "catalog" / "products" / "gtin.yaml").write_text(CATALOGUE, encoding="utf-8")
    assert wcsync(project, sandbox_server, "validate").exit_code == 0

    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    live = {p["sku"]: p for p in all_products(sandbox_server)}
    assert live["GT-SIMPLE"]["global_unique_id"] == "04006381333931"
    variations = _variations(sandbox_server, live["GT-VAR"]["id"])
    assert variations["GT-VAR-S"]["global_unique_id"] == "04006381333948"
    assert variations["GT-VAR-M"]["global_unique_id"] == ""
    again = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    imported = tmp_path / "imported"
    imported.mkdir()
    (imported / "wcsync.yaml").write_text((project / "wcsync.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = wcsync(imported, sandbox_server, "import")
    assert out.exit_code == 0, out.output
    docs = _imported(imported)
    assert docs["GT-SIMPLE"]["global_unique_id"] == "04006381333931"  # a string: the leading zero stays
    by_sku = {v.get("sku"): v for v in docs["GT-VAR"]["variations"]}
    assert by_sku["GT-VAR-S"]["global_unique_id"] == "04006381333948"
    assert "global_unique_id" not in by_sku["GT-VAR-M"]  # WooCommerce's default (none) is left out
    assert wcsync(imported, sandbox_server, "validate").exit_code == 0
    plan = wcsync(imported, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output

    # released: dropped from the catalogue, the GTIN wcsync wrote goes back to WooCommerce's default (none)
    (project / "catalog" / "products" / "gtin.yaml").write_text(
        CATALOGUE.replace('    global_unique_id: "04006381333931"\n', ""), encoding="utf-8")
    released = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert released.exit_code == 0, released.output
    assert {p["sku"]: p for p in all_products(sandbox_server)}["GT-SIMPLE"]["global_unique_id"] == ""


def test_a_gtin_a_live_product_holds_is_not_written_and_the_holder_is_named(tmp_path: Path,
                                                                           sandbox_server: Any) -> None:
    with sandbox_server.client() as client:
        made = client.post(f"{API}/products", json={"name": "Theirs", "sku": "THEIRS",
                                                     "global_unique_id": "04006381333931"})
        assert made.status_code == 201, made.text
    holder = made.json()["id"]
    project = make_project(tmp_path, sandbox_server, catalog=False)
    (project / "catalog" / "products").mkdir(parents=True)
    (project / "catalog" / "products" / "gtin.yaml").write_text(CATALOGUE, encoding="utf-8")

    plan = wcsync(project, sandbox_server, "plan")
    assert plan.exit_code == 0, plan.output
    assert f"global_unique_id 04006381333931 belongs to live product THEIRS (#{holder})" in " ".join(plan.output.split())

    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output  # the rest of the catalogue is applied; nothing is refused
    live = {p["sku"]: p for p in all_products(sandbox_server)}
    assert live["GT-SIMPLE"]["global_unique_id"] == "" and live["THEIRS"]["global_unique_id"] == "04006381333931"
    assert _variations(sandbox_server, live["GT-VAR"]["id"])["GT-VAR-S"]["global_unique_id"] == "04006381333948"
    # nothing else to write: the next plan only repeats the Info
    again = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "belongs to live product THEIRS" in " ".join(again.output.split())


def test_validate_names_both_places_of_a_duplicate_gtin(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    (project / "catalog" / "products").mkdir(parents=True)
    (project / "catalog" / "products" / "gtin.yaml").write_text(CATALOGUE, encoding="utf-8")
    (project / "catalog" / "products" / "other.yaml").write_text(
        'sku: OTHER\nname: Other\nglobal_unique_id: "04006381333948"\n', encoding="utf-8")
    out = wcsync(project, sandbox_server, "validate")
    assert out.exit_code != 0
    text = " ".join(out.output.split())
    assert ("catalog/products/other.yaml:3:19: duplicate global_unique_id '04006381333948' "
            "(also at catalog/products/gtin.yaml:15)") in text, text
