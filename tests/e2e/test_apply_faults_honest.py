"""Apply under faults tells the truth, over real HTTP: a product that appears in the store between planning and
writing (an earlier, killed run's batch still running inside the store) without what this run sends is
completed in the same run — whether this run's create answer is lost or the store refuses the taken SKU — and
never reported as a perpetual diff; a foreign holder of the SKU is named in words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, duplicate_skus, make_project, wcsync
from wcsync.core.kinds import Kind
from wcsync.store import writer as writer_module

pytestmark = pytest.mark.e2e

API = "/wp-json/wc/v3"
CATALOGUE = """products:
  - sku: BEANS
    name: Coffee Beans
    type: simple
    regular_price: "9.00"
    short_description: Beans.
"""
WITH_SET = CATALOGUE + """  - sku: SET-CAFE-CREME
    name: Set Café Crème
    type: simple
    regular_price: "24.00"
    short_description: A set.
    cross_sells: [BEANS]
"""


def _project(tmp_path: Path, server: Any) -> Path:
    project = make_project(tmp_path, server, catalog=False)
    products = project / "catalog" / "products"
    products.mkdir(parents=True)
    (products / "p.yaml").write_text(CATALOGUE, encoding="utf-8")
    assert wcsync(project, server, "apply", "--auto-approve").exit_code == 0
    (products / "p.yaml").write_text(WITH_SET, encoding="utf-8")
    return project


def _made_before_the_write(monkeypatch: pytest.MonkeyPatch, server: Any, body: dict[str, Any]) -> None:
    """Right before this run's first products write, the store gets ``body`` (as a killed run's batch would)."""
    real = writer_module.StoreWriter.write
    done = []

    async def write(self: Any, kind: Kind, ops: Any) -> Any:
        if kind is Kind.PRODUCT and not done:
            done.append(True)
            with server.client() as client:
                assert client.post(f"{API}/products", json=body).status_code == 201
        return await real(self, kind, ops)

    monkeypatch.setattr(writer_module.StoreWriter, "write", write)


KILLED_RUNS_CREATE = {"sku": "SET-CAFE-CREME", "name": "Set Café Crème", "type": "simple", "regular_price": "24.00",
                      "short_description": "A set.",
                      "meta_data": [{"key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": {}}}]}


@pytest.mark.parametrize("lost", [False, True], ids=["sku-refused", "answer-lost"])
def test_a_product_made_meanwhile_without_the_cross_sells_is_completed_in_the_same_run(
        tmp_path: Path, sandbox_server: Any, monkeypatch: pytest.MonkeyPatch, lost: bool) -> None:
    project = _project(tmp_path, sandbox_server)
    _made_before_the_write(monkeypatch, sandbox_server, KILLED_RUNS_CREATE)
    if lost:  # this run's create reaches the store (which refuses the taken SKU), and its answer is lost
        sandbox_server.set_faults(rate_fail_after_commit=1.0, fail_after_commit_as="drop", max_faults=1,
                                  path_contains="/products/batch", methods=["POST"])
    report = tmp_path / "report.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    sandbox_server.set_faults()
    assert run.exit_code == 0, run.output
    assert "Plan: 1 to create, 0 to update, 0 to adopt, 0 to delete." in run.stdout
    assert "Apply: 1 applied." in run.stderr
    assert "perpetual" not in run.stderr and "product_invalid_sku" not in run.stderr
    assert "Error" not in run.stderr and "RemoteProtocolError" not in run.stderr
    if lost:
        assert "1 product write(s) with an unknown outcome (the connection failed after sending: the connection " \
               "was closed before a complete answer arrived" in run.stderr
        assert ("  product SET-CAFE-CREME is in the store but differs from what was sent (cross_sell_ids, meta_data): "
                "writing that again") in run.stderr  # meta_data: the killed run's mark has no field list
    else:
        assert ("  product SET-CAFE-CREME: its SKU is taken by #") in run.stderr
        assert "which wcsync manages: updating it instead of creating it" in run.stderr
    by_sku = {p["sku"]: p for p in all_products(sandbox_server)}
    assert by_sku["SET-CAFE-CREME"]["cross_sell_ids"] == [by_sku["BEANS"]["id"]]
    assert duplicate_skus(sandbox_server) == []
    item = json.loads(report.read_text(encoding="utf-8"))["items"][0]
    assert (item["key"], item["status"], item.get("recovered")) == ("SET-CAFE-CREME", "applied", True)
    plan = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output


def test_a_foreign_product_holding_the_sku_is_named_in_words(tmp_path: Path, sandbox_server: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, sandbox_server)
    foreign = {k: v for k, v in KILLED_RUNS_CREATE.items() if k != "meta_data"} | {"name": "Staff's Set"}
    _made_before_the_write(monkeypatch, sandbox_server, foreign)
    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 3, run.output
    assert "product_invalid_sku" not in run.stderr
    assert ("failed product SET-CAFE-CREME (create): the SKU SET-CAFE-CREME is already used by product #"
            in run.stderr)
    assert "\"Staff's Set\", which wcsync does not manage" in run.stderr
    assert "run `wcsync plan` again: it offers to adopt it" in run.stderr
    foreign_now = [p for p in all_products(sandbox_server) if p["sku"] == "SET-CAFE-CREME"]
    assert [p["name"] for p in foreign_now] == ["Staff's Set"] and foreign_now[0]["cross_sell_ids"] == []
