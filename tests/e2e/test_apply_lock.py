"""Two applies against one sandbox store with ``--lock``: a killed apply's lock outlives it, so a re-run that
starts at once is refused (naming the holder and the expiry) and writes nothing; once the lease has run out the
next apply takes the lock, converges and gives it back."""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import all_products, make_project, spawn, wcsync
from wcsync.store.lock import LOCK_META, LOCK_SKU

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

API = "/wp-json/wc/v3"


def _writes(server: Any) -> list[str]:
    return sorted(k for k in server.stats(log=False)["counts"] if k.startswith(("POST", "PUT", "DELETE")))


def _lock(server: Any) -> list[dict[str, Any]]:
    return [p for p in all_products(server) if p.get("sku") == LOCK_SKU]


def test_a_killed_applys_lock_refuses_the_rerun_until_it_expires(tmp_path: Path, sandbox_server: Any) -> None:
    project = make_project(tmp_path, sandbox_server)
    sandbox_server.set_faults(latency_ms=150)
    proc = spawn(project, sandbox_server, "apply", "--auto-approve", "--lock")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any("/products/batch" in k for k in sandbox_server.stats(log=False)["counts"]):
                break  # writing under way
            if proc.poll() is not None:
                pytest.fail("apply finished before it could be killed")
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    sandbox_server.set_faults()
    [held] = _lock(sandbox_server)
    assert held["status"] == "private"

    sandbox_server.reset_stats()
    refused = wcsync(project, sandbox_server, "apply", "--auto-approve", "--lock")
    assert refused.exit_code == 1, refused.output
    assert "is locked by another wcsync apply:" in refused.stderr
    assert "(pid " in refused.stderr and " UTC" in refused.stderr  # holder and expiry
    assert _writes(sandbox_server) == []

    # an apply without --lock does not look at the lock (opt-in): the plan does not show the lock product
    plan = wcsync(project, sandbox_server, "plan")
    assert LOCK_SKU not in plan.stdout

    # the lease runs out (as if 15 minutes had passed): the next apply takes over, converges, releases
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    meta = json.dumps({"owner": "dead", "holder": "the killed run", "expires": past})
    with sandbox_server.client() as client:
        client.put(f"{API}/products/{held['id']}", json={"meta_data": [{"key": LOCK_META, "value": meta}]}
                   ).raise_for_status()
    resumed = wcsync(project, sandbox_server, "apply", "--auto-approve", "--lock")
    assert resumed.exit_code == 0, resumed.output
    assert "Took the apply lock of store test" in resumed.stderr
    assert _lock(sandbox_server) == []
    assert wcsync(project, sandbox_server, "plan", "--detailed-exitcode").exit_code == 0
