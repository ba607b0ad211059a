"""The store's apply lock, over HTTP against the served sandbox. Every apply that writes takes it by default:
a second apply while one is writing is refused naming the holder (and writes nothing), as is a laptop apply
(no flags) while a CI runner's lock is held; the lock of a killed apply outlives it and is taken over only once
expired; an apply with nothing to write sends no lock request; ``--no-lock`` applies with a warning; the lock's
requests are their own ``--stats`` phase; a product created between the read and the lock is skipped as stale.

No sleeps race anything: the first apply is held inside its first batch by the sandbox's ``hang`` fault, and
expiry is set in the lock's meta (its expiry value), never waited for."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.e2e.helpers import all_products, make_project, small_catalogue, spawn, wcsync
from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.client import WooClient
from wcsync.store.lock import LOCK_META, LOCK_SKU, StoreLock

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

API = "/wp-json/wc/v3"


def _writes(server: Any) -> list[str]:
    return sorted(k for k in server.stats(log=False)["counts"] if k.startswith(("POST", "PUT", "DELETE")))


def _lock(server: Any) -> list[dict[str, Any]]:
    return [p for p in all_products(server) if p.get("sku") == LOCK_SKU]


def _catalogue_products(server: Any) -> list[tuple[Any, ...]]:
    return sorted((p["id"], p["sku"], p["status"], p["date_modified_gmt"]) for p in all_products(server)
                  if p.get("sku") != LOCK_SKU)


def _holder(row: dict[str, Any]) -> str:
    [meta] = [m for m in row["meta_data"] if m["key"] == LOCK_META]
    holder: str = json.loads(meta["value"])["holder"]
    return holder


def _lock_requests(server: Any) -> list[dict[str, Any]]:
    """Requests of the log that touch the lock product: by its SKU, or a single product by id."""
    return [e for e in server.stats()["log"] if LOCK_SKU in e["query"]
            or (e["method"] in ("POST", "DELETE", "PUT") and re.fullmatch(rf"{API}/products(/\d+)?", e["path"]))]


def _expire(server: Any, row: dict[str, Any]) -> None:
    """The lease of the lock ``row`` has run out (as if 15 minutes had passed since its last renewal)."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    meta = json.dumps({"owner": "dead", "holder": _holder(row), "expires": past})
    with server.client() as client:
        client.put(f"{API}/products/{row['id']}", json={"meta_data": [{"key": LOCK_META, "value": meta}]}
                   ).raise_for_status()


def _hold(server: Any, holder: str) -> None:
    """Another runner takes the lock (and is still applying): a CI job, as ``wcsync github apply`` would."""
    settings = StoreSettings(name="test", url=server.base_url, auth=AuthMethod.OAUTH1,
                             consumer_key=SecretStr(server.consumer_key),
                             consumer_secret=SecretStr(server.consumer_secret))

    async def go() -> None:
        async with WooClient(settings) as client:
            await StoreLock(client, store="test", holder=holder, renew=False).acquire()

    asyncio.run(go())


def _slow_project(tmp_path: Path, server: Any) -> Path:
    """The example project, with a write timeout longer than the hung batch below."""
    project = make_project(tmp_path, server)
    config = project / "wcsync.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("write_timeout: 10.0", "write_timeout: 300.0"),
                      encoding="utf-8")
    return project


def test_a_second_apply_is_refused_while_the_first_writes_and_after_it_is_killed(
        tmp_path: Path, sandbox_server: Any) -> None:
    project = _slow_project(tmp_path, sandbox_server)
    # the first apply's first batch gets no answer: it is writing, holding the lock, until killed
    sandbox_server.set_faults(rate_hang=1.0, hang_seconds=300, methods=["POST"], path_contains="/batch",
                              max_faults=1)
    first = spawn(project, sandbox_server, "apply", "--auto-approve")
    try:
        deadline = time.monotonic() + 120
        while not _lock(sandbox_server):
            if first.poll() is not None:
                pytest.fail(f"the first apply ended before taking the lock: {first.communicate()}")
            if time.monotonic() > deadline:
                pytest.fail("the first apply never took the lock")
            time.sleep(0.05)
        [held] = _lock(sandbox_server)
        assert held["status"] == "private" and held["catalog_visibility"] == "hidden"
        assert f"(pid {first.pid})" in _holder(held)
        before = _catalogue_products(sandbox_server)

        sandbox_server.reset_stats()
        second = wcsync(project, sandbox_server, "apply", "--auto-approve")  # laptop style: no flags
        assert second.exit_code == 1, second.output
        assert f"store test is locked by another wcsync apply: {_holder(held)}, until " in second.stderr
        assert "nothing was written" in second.stderr
        assert first.poll() is None  # the first apply was still writing while the second was refused
        assert _writes(sandbox_server) == ["POST /wp-json/wc/v3/products"]  # the refused create of the lock
        assert _catalogue_products(sandbox_server) == before

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=30)
    sandbox_server.set_faults()

    # the killed run's lock outlives it: a re-run at once is refused rather than colliding with its last batch
    assert _lock(sandbox_server) == [held]
    again = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert again.exit_code == 1 and "is locked by another wcsync apply:" in again.stderr, again.output
    assert LOCK_SKU not in wcsync(project, sandbox_server, "plan").stdout  # the plan never shows the lock

    # once its lease has run out, the next apply takes it over, converges and gives it back
    _expire(sandbox_server, held)
    resumed = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert resumed.exit_code == 0, resumed.output
    assert "Took the apply lock of store test" in resumed.stderr
    assert _lock(sandbox_server) == []
    assert wcsync(project, sandbox_server, "plan", "--detailed-exitcode").exit_code == 0


def test_a_laptop_apply_is_refused_while_a_ci_runner_holds_the_lock(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    small_catalogue(project, ["LOCK-A"])
    ci = "GitHub Actions run https://github.com/acme/catalog/actions/runs/77 (attempt 1)"
    _hold(sandbox_server, ci)
    before = _catalogue_products(sandbox_server)

    refused = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert refused.exit_code == 1, refused.output
    assert f"store test is locked by another wcsync apply: {ci}, until " in refused.stderr
    assert "wait for that apply to finish" in refused.stderr
    assert _catalogue_products(sandbox_server) == before
    [held] = _lock(sandbox_server)
    assert _holder(held) == ci  # the refused apply left the holder's lock alone

    # plan and import read the store while the lock is there, and never show it
    assert LOCK_SKU not in wcsync(project, sandbox_server, "plan").stdout
    imported = tmp_path / "imported"
    assert wcsync(project, sandbox_server, "import", "--out", str(imported)).exit_code == 0
    files = [f for f in imported.rglob("*") if f.is_file()]
    assert files and not [f for f in files if LOCK_SKU in f.read_text(encoding="utf-8").casefold()]

    # the holder's lease runs out (a killed CI job): the laptop apply takes it over and releases it
    _expire(sandbox_server, held)
    taken = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert taken.exit_code == 0, taken.output
    assert _lock(sandbox_server) == []


def test_no_lock_applies_with_a_warning_even_while_the_lock_is_held(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    small_catalogue(project, ["LOCK-B"])
    _hold(sandbox_server, "CI run 5")
    [held] = _lock(sandbox_server)

    forced = wcsync(project, sandbox_server, "apply", "--auto-approve", "--no-lock")
    assert forced.exit_code == 0, forced.output
    assert ("Warning: applying without the apply lock of store test (--no-lock): another wcsync apply (CI, a "
            "laptop) could write at the same time") in forced.stderr
    assert "LOCK-B" in {p["sku"] for p in all_products(sandbox_server)}
    assert _lock(sandbox_server) == [held]  # neither taken nor released


def test_an_apply_with_nothing_to_write_sends_no_lock_request(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    small_catalogue(project, ["LOCK-C", "LOCK-D"])
    sandbox_server.reset_stats()
    applied = wcsync(project, sandbox_server, "apply", "--auto-approve", "--stats")
    assert applied.exit_code == 0, applied.output
    # a writing apply: create, the lists of what moved since the read (products, variations), release
    assert re.search(r"requests: read \d+ \(bound \d+\), lock 4 \(bound 4\), write \d+", applied.stderr), applied.stderr
    assert len(_lock_requests(sandbox_server)) == 2  # POST products (the lock), DELETE products/{id}

    saved = tmp_path / "plan.json"
    assert wcsync(project, sandbox_server, "plan", "--out", str(saved)).exit_code == 0
    sandbox_server.reset_stats()
    noop = wcsync(project, sandbox_server, "apply", "--auto-approve", "--stats")
    assert noop.exit_code == 0, noop.output
    assert "lock" not in noop.stderr.split("requests:")[1]
    assert "Took the apply lock" not in noop.stderr
    assert _lock_requests(sandbox_server) == [] and _writes(sandbox_server) == []
    assert not any("modified_after" in e["query"] for e in sandbox_server.stats()["log"])

    sandbox_server.reset_stats()
    replay = wcsync(project, sandbox_server, "apply", str(saved), "--stats")  # a saved plan with no changes
    assert replay.exit_code == 0, replay.output
    assert _lock_requests(sandbox_server) == [] and _writes(sandbox_server) == []


def test_a_product_created_between_the_read_and_the_lock_is_skipped_as_stale(
        tmp_path: Path, sandbox_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import wcsync.cli.apply as apply_cli

    project = make_project(tmp_path, sandbox_server)
    small_catalogue(project, ["LOCK-E", "LOCK-F"])

    def another_apply_finishes(plan: object) -> bool:
        """While this apply is approved (after its read, before its lock), another one creates LOCK-F."""
        with sandbox_server.client() as client:
            client.post(f"{API}/products", json={"name": "Product LOCK-F", "sku": "LOCK-F",
                                                 "regular_price": "10.00"}).raise_for_status()
        return True

    monkeypatch.setattr(apply_cli, "_ask", another_apply_finishes)
    run = wcsync(project, sandbox_server, "apply")
    assert run.exit_code == 3, run.output
    assert re.search(r"skipped product LOCK-F: already exists in the store \(created since planning\); plan again "
                     r"\(while this apply waited for the store's lock: another apply\?\)", run.stderr), run.stderr
    skus = [p["sku"] for p in all_products(sandbox_server)]
    assert skus.count("LOCK-E") == 1 and skus.count("LOCK-F") == 1  # LOCK-F not created a second time
    assert LOCK_SKU not in skus
