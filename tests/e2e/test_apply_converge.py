"""Convergence after apply, over real HTTP: a written resource that still differs on re-planning is reported
as an error naming the resource and the field (a perpetual diff), and the run exits 3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import make_project, small_catalogue, wcsync
from wcsync.store import payload

pytestmark = pytest.mark.e2e


def test_a_perpetual_diff_is_reported_naming_the_field(tmp_path: Path, sandbox_server: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["C-1", "C-2"])
    real = payload.product_payload

    def wrong_name(change: Any, resolve: Any, *, omit: Any = ()) -> dict[str, Any]:
        body = real(change, resolve, omit=omit)
        if change.key == "C-2" and "name" in body:
            body["name"] += " (mangled)"  # a payload bug: the store ends up with another name
        return body

    monkeypatch.setattr(payload, "product_payload", wrong_name)
    report = tmp_path / "report.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    assert run.exit_code == 3, run.output
    finding = ('product C-2: still differs after apply: name is "Product C-2 (mangled)", '
               'catalogue wants "Product C-2"')
    assert f"  not converged: {finding}" in run.stderr
    assert "its canonical form is wrong (a perpetual diff)" in run.stderr
    assert "Apply: 2 applied." in run.stderr
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["ok"] is False and written["convergence_errors"] == [finding]
    assert "C-1" not in " ".join(written["convergence_errors"])


def test_a_failed_re_read_after_writing_is_exit_3_not_1(tmp_path: Path, sandbox_server: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Once writes are done, a store that cannot be re-read makes convergence unproven (exit 3, reported),
    never an 'error before anything was written'. A product moved to the trash is re-read to prove it (its
    DELETE answers the product as it was before, 05#124): that re-read fails here."""
    from wcsync.store.client import WooClient
    from wcsync.store.errors import StoreUnreachable

    project = make_project(tmp_path, sandbox_server, catalog=False)
    small_catalogue(project, ["R-0"])
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    real = WooClient.list_all

    async def verify_read_fails(self: WooClient, path: str, params: Any = None, *args: Any, **kw: Any) -> Any:
        if path == "products" and "include" in (params or {}):  # the convergence re-read of the trashed R-0
            raise StoreUnreachable("could not connect to the store for GET /wp-json/wc/v3/products")
        return await real(self, path, params, *args, **kw)

    monkeypatch.setattr(WooClient, "list_all", verify_read_fails)
    small_catalogue(project, ["R-1"])
    report = tmp_path / "report.json"
    run = wcsync(project, sandbox_server, "apply", "--auto-approve", "--report", str(report))
    assert run.exit_code == 3, run.output
    reason = ("the store could not be re-read to check convergence: could not connect to the store for GET "
              "/wp-json/wc/v3/products")
    assert f"  convergence unproven: {reason}" in run.stderr
    # the summary line says it, with what to do: exit 3 is "convergence unproven", documented as such
    assert ("Apply: 2 applied. Convergence unproven: the store could not be re-read afterwards; run `wcsync plan` "
            "to check.") in run.stderr
    assert "perpetual diff" not in run.stderr  # nothing is known to differ: it is unproven, not wrong
    assert "not converged" not in run.stderr
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["convergence_unproven"] == reason and written["convergence_errors"] == []
    assert written["ok"] is False
