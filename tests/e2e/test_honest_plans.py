"""Honest plans (issue 12), end to end through the CLI against the sandbox over HTTP: a deleted field line is
reset to WooCommerce's default with its reason (field ownership in the ``_wcsync`` mark), a tripped guard
prints the whole plan in every format and exits 1, and a saved plan applied twice exits 0 both times."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, make_project, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"

MUG = """sku: MUG
name: Mug
type: simple
short_description: A mug.
regular_price: "15.00"
sale_price: "12.00"
featured: true
"""

TEE = """sku: TEE
name: Tee
type: variable
short_description: A tee.
attributes:
  - name: Size
    options: [S, M]
    variation: true
variation_matrix:
  sku: "TEE-{{ Size }}"
  regular_price: "20.00"
variations:
  - sku: TEE-M
    sale_price: "15.00"
"""


def _project(tmp_path: Path, server: Any, extra: str = "") -> Path:
    project = make_project(tmp_path, server, catalog=False, extra=extra)
    products = project / "catalog" / "products"
    products.mkdir(parents=True)
    (products / "mug.yaml").write_text(MUG, encoding="utf-8")
    (products / "tee.yaml").write_text(TEE, encoding="utf-8")
    return project


def _edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "catalog" / "products" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _product(server: Any, sku: str) -> dict[str, Any]:
    return next(p for p in all_products(server) if p["sku"] == sku)


def _variation(server: Any, parent: str, sku: str) -> dict[str, Any]:
    pid = _product(server, parent)["id"]
    with server.client() as client:
        rows = client.get(f"{API}/products/{pid}/variations", params={"context": "edit"}).json()
    return next(v for v in rows if v["sku"] == sku)


def _mark(resource: dict[str, Any]) -> dict[str, Any]:
    value = next(m["value"] for m in resource["meta_data"] if m["key"] == "_wcsync")
    return value if isinstance(value, dict) else dict(json.loads(value))


def test_deleted_field_lines_are_reset_to_woocommerce_defaults(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path, sandbox_server)
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    # the mark records the fields wcsync wrote (matrix defaults and overrides are fields of each variation)
    assert _mark(_product(sandbox_server, "MUG"))["fields"] == [
        "featured", "name", "regular_price", "sale_price", "short_description", "type"]
    assert _mark(_variation(sandbox_server, "TEE", "TEE-M"))["fields"] == [
        "attributes", "regular_price", "sale_price", "sku"]
    _edit(project, "mug.yaml", 'sale_price: "12.00"\nfeatured: true\n', "")
    _edit(project, "tee.yaml", 'variations:\n  - sku: TEE-M\n    sale_price: "15.00"\n', "")
    plan = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    lines = plan.stdout.splitlines()
    assert "      featured        true → false  removed from the catalogue" in lines
    assert "      sale_price      12.00 → (none)  removed from the catalogue" in lines
    assert "        sale_price      15.00 → (none)  removed from the catalogue" in lines
    saved = tmp_path / "plan.json"
    assert wcsync(project, sandbox_server, "plan", "--out", str(saved)).exit_code == 0
    mug = next(c for c in json.loads(saved.read_text())["changes"] if c["key"] == "MUG")
    assert {"field": "sale_price", "before": "12.00", "after": None,
            "reason": "removed from the catalogue"} in mug["changes"]
    assert mug["mark_fields"] == ["name", "regular_price", "short_description", "type"]
    applied = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    # WooCommerce's defaults: no sale price, not featured; the fields are no longer recorded as managed
    mug_live = _product(sandbox_server, "MUG")
    assert (mug_live["sale_price"], mug_live["featured"], mug_live["regular_price"]) == ("", False, "15.00")
    assert "sale_price" not in _mark(mug_live)["fields"]
    assert _variation(sandbox_server, "TEE", "TEE-M")["sale_price"] == ""
    again = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    # a field never managed is left alone: a sale set in wp-admin now stays
    with sandbox_server.client() as client:
        client.put(f"{API}/products/{mug_live['id']}", json={"sale_price": "9.00"}).raise_for_status()
    assert wcsync(project, sandbox_server, "plan", "--detailed-exitcode").exit_code == 0


def test_a_field_moved_to_store_owned_is_released_not_cleared(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path, sandbox_server)
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    _edit(project, "mug.yaml", 'sale_price: "12.00"\n', "")
    config = project / "wcsync.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "store_owned: [stock_quantity, stock_status]", "store_owned: [stock_quantity, stock_status, sale_price]"),
        encoding="utf-8")
    plan = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "sale_price" not in plan.stdout


def test_a_mark_without_a_field_list_never_clears(tmp_path: Path, sandbox_server: Any) -> None:
    """A mark written before field ownership (or PHP's ``[]`` for the list): nothing is reset on its account,
    and the plan says the list is recorded with the next write."""
    project = _project(tmp_path, sandbox_server)
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    mug = _product(sandbox_server, "MUG")
    old = {k: v for k, v in _mark(mug).items() if k != "fields"}
    with sandbox_server.client() as client:
        client.put(f"{API}/products/{mug['id']}",
                   json={"meta_data": [{"key": "_wcsync", "value": {**old, "fields": []}}]}).raise_for_status()
    _edit(project, "mug.yaml", 'sale_price: "12.00"\n', "")
    _edit(project, "mug.yaml", 'regular_price: "15.00"', 'regular_price: "16.00"')
    plan = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    assert "sale_price" not in plan.stdout
    assert "its mark predates field ownership: this write records the fields wcsync manages" in plan.stdout
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    live = _product(sandbox_server, "MUG")
    assert live["sale_price"] == "12.00"
    assert _mark(live)["fields"] == ["featured", "name", "regular_price", "short_description", "type"]


GUARD = "guards:\n  max_deletes: 0\n"


def test_a_tripped_guard_shows_the_whole_plan_in_every_format(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path, sandbox_server, extra=GUARD)
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    (project / "catalog" / "products" / "tee.yaml").unlink()
    _edit(project, "mug.yaml", 'regular_price: "15.00"', 'regular_price: "16.00"')
    saved = tmp_path / "refused.json"
    text = wcsync(project, sandbox_server, "plan", "--out", str(saved))
    assert text.exit_code == 1
    out = text.stdout.splitlines()
    assert out[2] == ("Refused by 1 guard: the whole plan is shown below, but wcsync apply will not apply it "
                      "without --allow-deletes.")
    assert "      resources: product TEE" in out and "      override:  --allow-deletes" in out
    assert "      regular_price   15.00 → 16.00  (+6.7 %)" in out
    assert '  - product   TEE                     "Tee" → trash' in out
    assert out[-1] == "Plan: 0 to create, 1 to update, 0 to adopt, 1 to delete. Refused by a guard (see above)."
    assert text.stderr.splitlines()[-1].startswith("Error: Guard max_deletes tripped")
    markdown = wcsync(project, sandbox_server, "plan", "--format", "markdown")
    assert markdown.exit_code == 1
    assert "> [!CAUTION]" in markdown.stdout and "override: `--allow-deletes`" in markdown.stdout
    assert "| `regular_price` | `15.00` | `16.00` (+6.7 %) |" in markdown.stdout
    as_json = wcsync(project, sandbox_server, "plan", "--format", "json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["refused"] is True
    assert data["guards"] == [{
        "guard": "max_deletes",
        "message": "Guard max_deletes tripped: the plan deletes 1 resource(s), more than the allowed 0 "
                   "(product TEE)",
        "hint": "check the catalogue; to proceed anyway pass --allow-deletes",
        "override": "--allow-deletes",
        "resources": [{"kind": "product", "key": "TEE"}],
    }]
    assert [c["key"] for c in data["changes"]][:1] == ["MUG"]
    # --out wrote the plan marked refused: apply refuses it without the flag, and applies it with it
    assert json.loads(saved.read_text())["refused"] is True
    refused = wcsync(project, sandbox_server, "apply", str(saved))
    assert refused.exit_code == 1
    assert "override:  --allow-deletes" in refused.stdout
    assert "pass --allow-deletes" in refused.stderr and "nothing was written" in refused.stderr
    assert _product(sandbox_server, "MUG")["regular_price"] == "15.00"
    allowed = wcsync(project, sandbox_server, "apply", str(saved), "--allow-deletes")
    assert allowed.exit_code == 0, allowed.output
    assert _product(sandbox_server, "MUG")["regular_price"] == "16.00"
    assert _product(sandbox_server, "TEE")["status"] == "trash"


def test_the_same_saved_plan_applied_twice_exits_0_both_times(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path, sandbox_server)
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    _edit(project, "mug.yaml", 'regular_price: "15.00"', 'regular_price: "16.00"')
    _edit(project, "tee.yaml", 'regular_price: "20.00"', 'regular_price: "21.00"')
    saved = tmp_path / "plan.json"
    assert wcsync(project, sandbox_server, "plan", "--out", str(saved)).exit_code == 0
    first = wcsync(project, sandbox_server, "apply", str(saved))
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("wcsync plan · store test")  # the plan it applies, on stdout
    assert "      regular_price   15.00 → 16.00  (+6.7 %)" in first.stdout.splitlines()
    # the two variations with the same change are shown once
    assert "    ~ 2 variations (M, S)" in first.stdout.splitlines()
    second = wcsync(project, sandbox_server, "apply", str(saved))
    assert second.exit_code == 0, second.output
    assert "      regular_price   15.00 → 16.00  (+6.7 %)" in second.stdout.splitlines()
    assert "3 change(s) already applied: the store already holds what the plan wanted" in second.stderr
    assert "Apply: 0 applied, 3 already applied." in second.stderr
    assert "stale" not in second.stderr
    # stale still means "changed since planning into something else"
    time.sleep(1.1)  # WooCommerce's date_modified has one-second resolution: the edit must move it past the plan's
    with sandbox_server.client() as client:
        mug = _product(sandbox_server, "MUG")
        client.put(f"{API}/products/{mug['id']}", json={"regular_price": "30.00"}).raise_for_status()
    third = wcsync(project, sandbox_server, "apply", str(saved))
    assert third.exit_code == 3
    assert "skipped product MUG: changed in the store since planning" in third.stderr


def test_a_plan_file_of_another_format_version_is_refused_clearly(tmp_path: Path, sandbox_server: Any) -> None:
    project = _project(tmp_path, sandbox_server)
    saved = tmp_path / "plan.json"
    assert wcsync(project, sandbox_server, "plan", "--out", str(saved)).exit_code == 0
    data = json.loads(saved.read_text())
    saved.write_text(json.dumps({**data, "format_version": 7}), encoding="utf-8")
    result = wcsync(project, sandbox_server, "apply", str(saved))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {saved} is a plan file of format_version 7, but this wcsync reads format_version 1 — make the "
        "plan again with this wcsync (`wcsync plan --out plan.json`), or apply it with the wcsync that wrote it")
    assert all(p["sku"] not in ("MUG", "TEE") for p in all_products(sandbox_server))


RICH = """sku: RICH
name: Rich
type: simple
short_description: Many fields.
regular_price: "30.00"
catalog_visibility: search
reviews_allowed: false
purchase_note: Thanks.
menu_order: 3
tax_class: reduced-rate
weight: 1.5
dimensions: {length: 10, width: 5, height: 2}
tags: [winter]
categories: [clothing]
sold_individually: true
"""

RICH_TEE = """sku: RTEE
name: Rich tee
type: variable
short_description: A tee.
attributes:
  - name: Size
    options: [S]
    variation: true
variation_matrix:
  sku: "RTEE-{{ Size }}"
  regular_price: "20.00"
  weight: 0.3
  tax_class: reduced-rate
  description: Soft.
"""


def test_every_reset_converges_to_what_woocommerce_holds_by_default(tmp_path: Path, sandbox_server: Any) -> None:
    """Each released field is written as WooCommerce's default and reads back as it: apply converges (exit 0)
    and the next plan is empty."""
    project = make_project(tmp_path, sandbox_server, catalog=False)
    catalog = project / "catalog"
    (catalog / "products").mkdir(parents=True)
    (catalog / "categories.yaml").write_text("categories:\n  - name: Clothing\n    slug: clothing\n", encoding="utf-8")
    (catalog / "tags.yaml").write_text("tags:\n  - name: Winter\n    slug: winter\n", encoding="utf-8")
    rich = catalog / "products" / "rich.yaml"
    rich.write_text(RICH, encoding="utf-8")
    tee = catalog / "products" / "tee.yaml"
    tee.write_text(RICH_TEE, encoding="utf-8")
    first = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    rich.write_text("\n".join(RICH.splitlines()[:5]) + "\n", encoding="utf-8")
    tee.write_text(RICH_TEE.replace("  weight: 0.3\n  tax_class: reduced-rate\n  description: Soft.\n", ""),
                   encoding="utf-8")
    plan = wcsync(project, sandbox_server, "plan")
    reasons = [line for line in plan.stdout.splitlines() if line.endswith("removed from the catalogue")]
    assert len(reasons) == 13, plan.stdout  # 10 product fields, 3 of the variation
    applied = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    live = _product(sandbox_server, "RICH")
    assert (live["catalog_visibility"], live["reviews_allowed"], live["purchase_note"], live["menu_order"],
            live["tax_class"], live["weight"], live["sold_individually"]) == ("visible", True, "", 0, "", "", False)
    assert live["dimensions"] == {"length": "", "width": "", "height": ""}
    assert [t["slug"] for t in live["tags"]] == []
    assert [c["slug"] for c in live["categories"]] == ["uncategorized"]
    variation = _variation(sandbox_server, "RTEE", "RTEE-S")
    assert (variation["tax_class"], variation["weight"], variation["description"]) == ("parent", "", "")
    assert wcsync(project, sandbox_server, "plan", "--detailed-exitcode").exit_code == 0
