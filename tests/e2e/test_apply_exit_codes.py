"""``wcsync apply`` exit codes over real HTTP: 0 all applied, 3 some items failed, 1 an error before anything
was written (a catalogue error, a store error while reading, a guard trip, a refused prompt) — and in every
exit-1 case the store received no write at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, count, make_project, small_catalogue, wcsync

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"


def _writes(server: Any) -> list[str]:
    return sorted(k for k in server.stats(log=False)["counts"] if k.startswith(("POST", "PUT", "DELETE")))


def test_catalogue_error_exits_1_before_reading_the_store(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    path = small_catalogue(project, ["A-1"])
    path.write_text(path.read_text(encoding="utf-8").replace('regular_price: "10.00"', "regular_price: [1]"),
                    encoding="utf-8")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(tmp_path / "r.json"))
    assert run.exit_code == 1, run.output
    assert "the catalogue has 1 error(s); nothing was written" in run.stderr
    assert "`wcsync validate` lists them" in run.stderr
    assert sandbox_server.stats(log=False)["counts"] == {}  # the store was not even read
    assert not (tmp_path / "r.json").exists()


def test_store_error_while_reading_exits_1_and_writes_nothing(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["A-1", "A-2"])
    # every product list answers WordPress's critical error: the live state cannot be read
    sandbox_server.set_faults(rate_500=1.0, methods=["GET"], path_contains="/products")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    sandbox_server.set_faults()
    assert run.exit_code == 1, run.output
    assert "Error: " in run.stderr and "GET /wp-json/wc/v3/products" in run.stderr
    assert "Apply:" not in run.stderr  # no apply summary: nothing was attempted
    assert _writes(sandbox_server) == []
    assert all_products(sandbox_server) == []


def test_wrong_secret_exits_1_and_writes_nothing(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["A-1"])
    yaml = project / "wcsync.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("${SANDBOX_SECRET}", "cs_wrong"), encoding="utf-8")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 1, run.output
    assert "cs_wrong" not in run.output
    assert _writes(sandbox_server) == []


def test_guard_trip_exits_1_and_writes_nothing_until_overridden(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False, extra="guards:\n  max_deletes: 1\n")
    path = small_catalogue(project, ["G-1", "G-2", "G-3"])
    first = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    small_catalogue(project, ["G-1"], price="12.00")  # drops G-2 and G-3: two deletes, one allowed
    assert path.exists()
    sandbox_server.reset_stats()
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 1, run.output
    assert ("Guard max_deletes tripped: the plan deletes 2 resource(s), more than the allowed 1 "
            "(product G-2, product G-3)") in run.stderr
    assert "to proceed anyway pass --allow-deletes" in run.stderr
    assert _writes(sandbox_server) == []
    assert {p["sku"]: (p["status"], p["regular_price"]) for p in all_products(sandbox_server)} == {
        "G-1": ("publish", "10.00"), "G-2": ("publish", "10.00"), "G-3": ("publish", "10.00")}
    overridden = wcsync(project, sandbox_server, "apply", "--auto-approve", "--allow-deletes")
    assert overridden.exit_code == 0, overridden.output
    assert "Apply: 3 applied." in overridden.stderr
    assert {p["sku"]: (p["status"], p["regular_price"]) for p in all_products(sandbox_server)} == {
        "G-1": ("publish", "12.00"), "G-2": ("trash", "10.00"), "G-3": ("trash", "10.00")}


def test_an_item_failing_exits_3_with_the_rest_applied(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    path = small_catalogue(project, ["OK-1", "BROKEN", "OK-2"])
    # BROKEN's image cannot be downloaded by the store: its create fails, the others go through
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  - sku: BROKEN\n", "  - sku: BROKEN\n    images:\n"
        "      - src: https://cdn.fjordandfell.example/products/missing.jpg\n        alt: Missing\n"),
        encoding="utf-8")
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 3, run.output
    assert ("failed product BROKEN (create): woocommerce_product_image_upload_error: Error getting remote image "
            "https://cdn.fjordandfell.example/products/missing.jpg. Error: Not Found") in run.stderr
    assert "Apply: 2 applied, 1 failed." in run.stderr
    assert count(sandbox_server.stats(log=False), f"POST {API}/products/batch") == 1
    assert {p["sku"] for p in all_products(sandbox_server)} == {"OK-1", "OK-2"}


def test_store_failing_every_write_exits_3_not_1_and_a_rerun_converges(tmp_path: Path,
                                                                        sandbox_server: Any) -> None:
    """Once apply has started writing, a store that fails is reported per item (exit 3, with a report), never
    as an error before writing; nothing is created twice, and the next run finishes the job."""
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["W-1", "W-2"])
    # the apply's writes fail (its batches), not the store's apply lock (a single POST /products)
    sandbox_server.set_faults(rate_500=1.0, methods=["POST"], path_contains="/batch")
    report = tmp_path / "r.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    sandbox_server.set_faults()
    assert run.exit_code == 3, run.output
    assert ("failed product W-1 (create): the store's answer was lost 5 times; re-run apply (it re-reads "
            "before writing)") in run.stderr
    assert "Apply: 0 applied, 2 failed." in run.stderr
    # each round: the batch (500: outcome unknown), then a re-read by SKU before anything is sent again
    stats = sandbox_server.stats(log=False)
    assert count(stats, f"POST {API}/products/batch") == 5
    assert report.exists()
    assert all_products(sandbox_server) == []
    rerun = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
    assert sorted(p["sku"] for p in all_products(sandbox_server)) == ["W-1", "W-2"]
