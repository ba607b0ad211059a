"""``wcsync apply`` end to end through the CLI against the sandbox store over real HTTP (OAuth 1.0a)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, count, make_project, small_catalogue, stats_without_lock, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"


def _applied(project: Path, server: Any) -> None:
    run = wcsync(project, server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output


def _plan_is_empty(project: Path, server: Any) -> None:
    run = wcsync(project, server, "plan", "--detailed-exitcode")
    assert run.exit_code == 0, run.output
    assert "No changes. The store matches the catalogue" in run.stdout


def test_example_catalogue_on_an_empty_store_then_no_changes(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(tmp_path / "report.json"))
    assert run.exit_code == 0, run.output
    assert "Plan: 197 to create, 0 to update, 0 to adopt, 0 to delete." in run.stdout
    assert "Apply: 197 applied." in run.stderr
    stats = stats_without_lock(sandbox_server)
    # one batch per kind (categories: one per depth); products: the creates, then the second pass that
    # links upsells/cross-sells to new products (the uploaded images' attachment ids are not written: every
    # source's file name is unique on its product, so the next plan finds them by itself)
    assert count(stats, f"POST {API}/products/attributes/batch") == 1
    assert count(stats, f"POST {API}/products/categories/batch") == 3
    assert count(stats, f"POST {API}/products/tags/batch") == 1
    assert count(stats, f"POST {API}/products/shipping_classes/batch") == 1
    assert count(stats, f"POST {API}/products/batch") == 2
    # terms: one batch per attribute (4); variations: one batch per variable product (11), and no second
    # pass for the uploaded variation images (the next plan finds their attachments unambiguously)
    assert count(stats, f"POST {API}/products/attributes/{{id}}/terms/batch") == 4
    assert count(stats, f"POST {API}/products/{{id}}/variations/batch") == 11
    assert not any(k.startswith(("POST", "PUT", "DELETE")) and "batch" not in k for k in stats["counts"])
    # progress on stderr: per stage and per batch, with counts and a rate
    assert "write products: 34 item(s)\n  product: 34/34 (34 in this request) · " in run.stderr
    # the second pass: only the 14 products linking to products created in this run
    assert "write products: second pass (links to new products, image map): 14 item(s)" in run.stderr
    assert "write variations: 86 item(s)\n" in run.stderr
    assert re.search(r"  variation: 86/86 \(\d+ in this request\) · \d+\.\d items/s", run.stderr)
    assert re.search(r"  write variations done: 86 applied, 0 failed in (\d+\.\d+ s|< 0\.01 s|\d+ min \d\d s)",
                     run.stderr)
    assert "Checking convergence (the store's answers; re-reading only what they cannot prove) …" in run.stderr
    assert "product:" not in run.stdout and "item(s)" not in run.stdout  # progress never goes to stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert list(report) == ["ok", "summary", "stopped_after", "convergence_errors", "items"]
    assert report["ok"] is True and report["summary"] == "Apply: 197 applied."
    assert report["stopped_after"] is None and report["convergence_errors"] == []
    assert len(report["items"]) == 197
    assert {i["status"] for i in report["items"]} == {"applied"}
    assert all(i["id"] > 0 for i in report["items"])
    live = {p["sku"]: p["id"] for p in all_products(sandbox_server)}
    hoodie = next(i for i in report["items"] if i["key"] == "HOODIE-CLASSIC")
    assert hoodie == {"kind": "product", "key": "HOODIE-CLASSIC", "action": "create", "status": "applied",
                      "id": live["HOODIE-CLASSIC"]}
    red_m = next(i for i in report["items"] if i["key"] == "HOODIE-CLASSIC-RED-M")
    with sandbox_server.client() as client:
        variations = client.get(f"{API}/products/{hoodie['id']}/variations", params={"per_page": 100}).json()
    assert red_m == {"kind": "variation", "key": "HOODIE-CLASSIC-RED-M", "action": "create", "status": "applied",
                     "id": next(v["id"] for v in variations if v["sku"] == "HOODIE-CLASSIC-RED-M")}
    # items in the order they were applied: dependency order
    assert list(dict.fromkeys(i["kind"] for i in report["items"])) == [
        "attribute", "term", "category", "brand", "tag", "shipping_class", "product", "variation"]
    _plan_is_empty(project, sandbox_server)
    # re-running apply is a no-op that writes nothing
    sandbox_server.reset_stats()
    again = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(tmp_path / "again.json"))
    assert again.exit_code == 0 and "No changes" in again.stdout
    assert json.loads((tmp_path / "again.json").read_text()) == {
        "ok": True, "summary": "Apply: 0 applied.", "stopped_after": None, "convergence_errors": [], "items": []}
    assert not any(k.startswith(("POST", "PUT", "DELETE")) for k in sandbox_server.stats(log=False)["counts"])


def _edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / "catalog" / "products" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_catalogue_change_applied_and_converged(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    _applied(project, sandbox_server)
    _edit(project, "home/candle-pine.yaml", 'regular_price: "22.00"', 'regular_price: "24.50"')
    _edit(project, "home/cushion-linen.yaml", "name: Linen Cushion Cover 50 × 50", "name: Linen Cushion & Cover")
    (project / "catalog" / "products" / "clothing" / "cap-alpine-loden.yaml").unlink()
    (project / "catalog" / "products" / "home" / "tray.yaml").write_text(
        "sku: TRAY-OAK\nname: Oak Serving Tray\ntype: simple\nstatus: publish\nregular_price: 39\n"
        "short_description: Solid oak.\ncategories: [home-kitchen]\n", encoding="utf-8")
    sandbox_server.reset_stats()
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "Plan: 1 to create, 2 to update, 0 to adopt, 1 to delete." in run.stdout
    # the create and both updates share one batch; no image uploaded, no link to a new product: no second
    # pass; the trash is one DELETE
    writes = {k: v for k, v in stats_without_lock(sandbox_server)["counts"].items() if not k.startswith("GET")}
    assert writes == {f"POST {API}/products/batch": 1, f"DELETE {API}/products/{{id}}": 1}
    assert "second pass" not in run.stderr
    _plan_is_empty(project, sandbox_server)
    by_sku = {p["sku"]: p for p in all_products(sandbox_server)}
    assert by_sku["CANDLE-PINE"]["regular_price"] == "24.50"
    assert by_sku["CUSHION-LINEN"]["name"] == "Linen Cushion &amp; Cover"
    assert by_sku["CAP-ALPINE-LODEN"]["status"] == "trash"  # delete: trash, through a single DELETE
    assert by_sku["TRAY-OAK"]["regular_price"] == "39.00"


def test_refuses_to_prompt_without_a_terminal(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    run = wcsync(project, sandbox_server, "apply")
    assert run.exit_code == 1
    assert "refusing to ask for approval without a terminal; nothing was written" in run.stderr
    assert "--auto-approve" in run.stderr
    assert not any(k.startswith(("POST", "PUT", "DELETE")) for k in sandbox_server.stats(log=False)["counts"])


def test_prompt_answer_no_writes_nothing(tmp_path: Path, sandbox_server: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import wcsync.cli.apply as apply_module

    monkeypatch.setattr(apply_module, "_interactive", lambda: True)
    project = make_project(tmp_path, sandbox_server)
    run = wcsync(project, sandbox_server, "apply", input="n\n")
    assert run.exit_code == 1
    assert "Apply these changes? [y/N]" in run.stderr
    assert "Apply cancelled: nothing was written." in run.stderr
    assert not any(k.startswith(("POST", "PUT", "DELETE")) for k in sandbox_server.stats(log=False)["counts"])
    yes = wcsync(project, sandbox_server, "apply", input="y\n")
    assert yes.exit_code == 0, yes.output


def test_stale_saved_plan_is_refused_object_by_object(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    _applied(project, sandbox_server)
    _edit(project, "home/candle-pine.yaml", 'regular_price: "22.00"', 'regular_price: "23.00"')
    _edit(project, "home/cushion-linen.yaml", 'regular_price: "29.90"', 'regular_price: "31.00"')
    _edit(project, "clothing/hoodie-classic.yaml", 'regular_price: "45.00"', 'regular_price: "46.00"')
    (project / "catalog" / "products" / "home" / "tray.yaml").write_text(
        "sku: TRAY-OAK\nname: Oak Serving Tray\ntype: simple\nregular_price: 39\n"
        "short_description: Solid oak.\n", encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    planned = wcsync(project, sandbox_server, "plan", "--out", str(plan_file))
    assert planned.exit_code == 0, planned.output
    assert "Plan: 1 to create, 6 to update, 0 to adopt, 0 to delete." in planned.stdout
    # after the plan was made, someone edits CANDLE-PINE and one hoodie variation in wp-admin and creates
    # TRAY-OAK by hand
    products = {p["sku"]: p for p in all_products(sandbox_server)}
    import time

    time.sleep(1.1)  # WooCommerce's date_modified has one-second resolution
    hoodie_id = products["HOODIE-CLASSIC"]["id"]
    with sandbox_server.client() as client:
        client.put(f"{API}/products/{products['CANDLE-PINE']['id']}",
                   json={"name": "Pine Candle (edited)"}).raise_for_status()
        variations = {v["sku"]: v for v in client.get(f"{API}/products/{hoodie_id}/variations",
                                                      params={"per_page": 100}).json()}
        client.put(f"{API}/products/{hoodie_id}/variations/{variations['HOODIE-CLASSIC-BLUE-S']['id']}",
                   json={"description": "edited"}).raise_for_status()
        client.post(f"{API}/products", json={"sku": "TRAY-OAK", "name": "Hand-made tray",
                                             "regular_price": "50.00"}).raise_for_status()
    sandbox_server.reset_stats()
    report = tmp_path / "r.json"
    run = wcsync(project, sandbox_server, "apply", str(plan_file), "--report", str(report))
    assert run.exit_code == 3, run.output
    assert "skipped product CANDLE-PINE: changed in the store since planning" in run.stderr
    assert "skipped variation HOODIE-CLASSIC-BLUE-S: changed in the store since planning" in run.stderr
    assert ("skipped product TRAY-OAK: already exists in the store (created since planning); plan again"
            in run.stderr)
    assert "Apply: 4 applied, 3 stale." in run.stderr
    items = {i["key"]: i for i in json.loads(report.read_text())["items"]}
    assert {k for k, i in items.items() if i["status"] == "stale"} == {
        "CANDLE-PINE", "HOODIE-CLASSIC-BLUE-S", "TRAY-OAK"}
    assert items["CANDLE-PINE"]["error"].endswith("; plan again")
    assert {k for k, i in items.items() if i["status"] == "applied"} == {
        "CUSHION-LINEN", "HOODIE-CLASSIC-RED-S", "HOODIE-CLASSIC-RED-M", "HOODIE-CLASSIC-BLUE-M"}
    by_sku = {p["sku"]: p for p in all_products(sandbox_server)}
    assert by_sku["CUSHION-LINEN"]["regular_price"] == "31.00"
    assert by_sku["CANDLE-PINE"]["regular_price"] == "22.00"
    assert by_sku["CANDLE-PINE"]["name"] == "Pine Candle (edited)"
    assert by_sku["TRAY-OAK"]["name"] == "Hand-made tray" and by_sku["TRAY-OAK"]["regular_price"] == "50.00"
    with sandbox_server.client() as client:
        after = {v["sku"]: v for v in client.get(f"{API}/products/{hoodie_id}/variations",
                                                 params={"per_page": 100}).json()}
    assert after["HOODIE-CLASSIC-BLUE-S"]["regular_price"] == "45.00"
    assert after["HOODIE-CLASSIC-RED-S"]["regular_price"] == "46.00"
    # nothing stale was written: one product batch (CUSHION-LINEN), one variation batch (three variations)
    writes = {k: v for k, v in stats_without_lock(sandbox_server)["counts"].items() if not k.startswith("GET")}
    assert writes == {f"POST {API}/products/batch": 1, f"POST {API}/products/{{id}}/variations/batch": 1}


def test_request_counts_for_many_creates(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    products = project / "catalog" / "products"
    products.mkdir(parents=True)
    lines = ["products:"]
    for i in range(250):
        lines += [f"  - sku: BULK-{i:04d}", f"    name: Bulk product {i}", "    type: simple",
                  '    regular_price: "10.00"', "    short_description: A bulk product."]
    (products / "bulk.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # 150 tags, and one variable product with 120 variations (a local attribute with 120 options)
    (project / "catalog" / "tags.yaml").write_text(
        "tags:\n" + "".join(f"  - name: Tag {i}\n    slug: tag-{i}\n" for i in range(150)), encoding="utf-8")
    sizes = ", ".join(f"N{i}" for i in range(120))
    (products / "many.yaml").write_text(
        f"sku: MANY\nname: Many sizes\ntype: variable\nshort_description: 120 sizes.\nattributes:\n"
        f"  - name: Size\n    options: [{sizes}]\n    variation: true\nvariation_matrix:\n"
        f'  sku: "MANY-{{{{ Size }}}}"\n  regular_price: "5.00"\n', encoding="utf-8")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "Apply: 521 applied." in run.stderr
    stats = stats_without_lock(sandbox_server)
    assert count(stats, f"POST {API}/products/batch") == 3  # ⌈251/100⌉
    assert count(stats, f"POST {API}/products/tags/batch") == 2  # ⌈150/100⌉
    assert count(stats, f"POST {API}/products/{{id}}/variations/batch") == 2  # ⌈120/100⌉
    assert [k for k in stats["counts"] if k.startswith(("POST", "PUT", "DELETE"))] == [
        f"POST {API}/products/batch", f"POST {API}/products/tags/batch",
        f"POST {API}/products/{{id}}/variations/batch"]
    # a smaller batch size for a fragile host: ⌈250/60⌉ updates
    (products / "bulk.yaml").write_text(
        (products / "bulk.yaml").read_text().replace('"10.00"', '"11.00"'), encoding="utf-8")
    sandbox_server.reset_stats()
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--batch-size", "60")
    assert run.exit_code == 0, run.output
    assert count(stats_without_lock(sandbox_server), f"POST {API}/products/batch") == 5
    _plan_is_empty(project, sandbox_server)


def test_batch_size_of_a_fragile_host_from_the_project_file(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    yaml = project / "wcsync.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("    write_timeout: 10.0\n",
                                                             "    write_timeout: 10.0\n    batch_size: 2\n"),
                    encoding="utf-8")
    small_catalogue(project, [f"F-{i}" for i in range(5)])
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert count(stats_without_lock(sandbox_server), f"POST {API}/products/batch") == 3  # ⌈5/2⌉


def test_demo_seed_brought_to_the_catalogue(tmp_path: Path, sandbox_server: Any) -> None:
    sandbox_server.seed("demo")
    project = make_project(tmp_path, sandbox_server)
    before = {p["id"]: p for p in all_products(sandbox_server)}
    unmanaged = {i: p for i, p in before.items() if p["type"] != "variation"
                 and not any(m["key"] == "_wcsync" for m in p["meta_data"])
                 and p.get("sku") != "CANDLE-PINE"}
    assert sorted(p["name"] for p in unmanaged.values()) == ["Gift Wrapping", "Staff Pick: Postcard Set"]
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "Plan: 4 to create, 2 to update, 1 to adopt, 1 to delete." in run.stdout
    _plan_is_empty(project, sandbox_server)
    after = {p["id"]: p for p in all_products(sandbox_server)}
    for id_, prod in unmanaged.items():
        assert after[id_] == prod  # not one byte of an unmanaged product changed
    by_sku = {p["sku"]: p for p in after.values() if p["type"] != "variation"}
    assert by_sku["MUG-OLD"]["status"] == "trash"
    assert by_sku["MUG-LOGO"]["regular_price"] != "16.00"
    candle = by_sku["CANDLE-PINE"]
    assert candle["id"] in before  # adopted in place, not created again
    assert any(m["key"] == "_wcsync" for m in candle["meta_data"])


def test_product_back_in_the_catalogue_is_restored_from_the_trash(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    _applied(project, sandbox_server)
    candle = project / "catalog" / "products" / "home" / "candle-pine.yaml"
    kept = candle.read_text(encoding="utf-8")
    candle.unlink()
    _applied(project, sandbox_server)
    trashed = next(p for p in all_products(sandbox_server) if p["sku"] == "CANDLE-PINE")
    assert trashed["status"] == "trash"
    candle.write_text(kept, encoding="utf-8")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "Plan: 0 to create, 0 to update, 1 to restore, 0 to adopt, 0 to delete." in run.stdout
    assert "restore (in the trash: untrash, then update)" in run.stdout
    restored = [p for p in all_products(sandbox_server) if p["sku"] == "CANDLE-PINE"]
    assert [(p["id"], p["status"]) for p in restored] == [(trashed["id"], "draft")]  # the catalogue's status
    _plan_is_empty(project, sandbox_server)


def test_no_secret_in_any_output(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    report = tmp_path / "report.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    assert run.exit_code == 0
    for text in (run.output, report.read_text(encoding="utf-8")):
        assert sandbox_server.consumer_secret not in text
        assert sandbox_server.consumer_key not in text


def _break_hoodie_image(project: Path) -> None:
    _edit(project, "clothing/hoodie-classic.yaml", "products/hoodie-classic-red-front.jpg",
          "products/missing-hoodie.jpg")


def test_a_failed_item_stops_after_its_stage_and_exits_3(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    _break_hoodie_image(project)
    report = tmp_path / "report.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    assert run.exit_code == 3, run.output
    assert ("failed product HOODIE-CLASSIC (create): woocommerce_product_image_upload_error: Error getting "
            "remote image https://cdn.fjordandfell.example/products/missing-hoodie.jpg. Error: Not Found"
            ) in run.stderr
    assert "Stopped after the failed stage write products" in run.stderr
    written = json.loads(report.read_text())
    assert written["ok"] is False and written["stopped_after"] == "write products"
    assert written["summary"] == ("Apply: 110 applied, 1 failed, 86 skipped. Stopped after the failed stage "
                                  "write products (--continue-on-error runs the rest).")
    items = written["items"]
    assert next(i for i in items if i["key"] == "HOODIE-CLASSIC") == {
        "kind": "product", "key": "HOODIE-CLASSIC", "action": "create", "status": "failed", "id": 0,
        "error": "woocommerce_product_image_upload_error: Error getting remote image "
                 "https://cdn.fjordandfell.example/products/missing-hoodie.jpg. Error: Not Found"}
    assert next(i for i in items if i["key"] == "BEANIE-RIB-OCHRE") == {
        "kind": "variation", "key": "BEANIE-RIB-OCHRE", "action": "create", "status": "skipped", "id": 0,
        "error": "not run: stage 'write products' failed"}
    statuses = {(i["kind"], i["status"]) for i in items}
    assert ("product", "failed") in statuses and ("variation", "skipped") in statuses
    assert not any(i["kind"] == "variation" and i["status"] == "applied" for i in items)
    # every other product was created: partial success is kept
    created = {p["sku"] for p in all_products(sandbox_server) if p["type"] != "variation"}
    assert len(created) == 33 and "HOODIE-CLASSIC" not in created


def test_continue_on_error_runs_every_independent_stage(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    _break_hoodie_image(project)
    report = tmp_path / "report.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--continue-on-error", "--report", str(report))
    assert run.exit_code == 3, run.output
    items = json.loads(report.read_text())["items"]
    failed = sorted(i["key"] for i in items if i["status"] == "failed")
    assert failed[0] == "HOODIE-CLASSIC" and all(k.startswith("HOODIE-CLASSIC") for k in failed)
    assert all(i["status"] == "applied" for i in items if not i["key"].startswith("HOODIE-CLASSIC"))
    hoodie_variation = next(i for i in items if i["kind"] == "variation" and i["key"].startswith("HOODIE-CLASSIC"))
    assert hoodie_variation["error"].startswith("parent: depends on product 'HOODIE-CLASSIC', its create failed")
