"""Helpers of the end-to-end apply tests: a project pointing at a sandbox server, the CLI, store reads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from wcsync.cli.main import cli

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def make_project(tmp: Path, server: Any, *, catalog: bool = True, extra: str = "") -> Path:
    """A copy of the example project whose store ``test`` is ``server`` (OAuth 1.0a over plain HTTP)."""
    project = tmp / "project"
    project.mkdir()
    if catalog:
        shutil.copytree(REPO / "catalog", project / "catalog")
    (project / "wcsync.yaml").write_text(
        f"""default_store: test
stores:
  test:
    url: {server.base_url}
    auth: oauth1
    consumer_key: ${{SANDBOX_KEY}}
    consumer_secret: ${{SANDBOX_SECRET}}
    read_timeout: 5.0
    write_timeout: 10.0
ownership: marked
delete: trash
store_owned: [stock_quantity, stock_status]
{extra}
""",
        encoding="utf-8",
    )
    return project


def small_catalogue(project: Path, skus: list[str], *, price: str = "10.00") -> Path:
    """``catalog/products/small.yaml`` with one simple product per SKU (replaced on every call)."""
    products = project / "catalog" / "products"
    products.mkdir(parents=True, exist_ok=True)
    lines = ["products:"]
    for sku in skus:
        lines += [f"  - sku: {sku}", f"    name: Product {sku}", "    type: simple",
                  f'    regular_price: "{price}"', "    short_description: A small product."]
    path = products / "small.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def env_for(server: Any) -> dict[str, str]:
    return {"SANDBOX_KEY": server.consumer_key, "SANDBOX_SECRET": server.consumer_secret, "NO_COLOR": "1"}


def wcsync(project: Path, server: Any, *args: str, input: str | None = None) -> Run:
    """``wcsync ARGS --project PROJECT`` in-process."""
    runner = CliRunner()
    result = runner.invoke(cli, [*args, "--project", str(project)], env=env_for(server), input=input,
                           catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def spawn(project: Path, server: Any, *args: str) -> subprocess.Popen[bytes]:
    """``wcsync ARGS`` as a separate process (to be killed)."""
    env = {**os.environ, **env_for(server)}
    return subprocess.Popen([sys.executable, "-m", "wcsync.cli.main", *args, "--project", str(project)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def all_products(server: Any) -> list[dict[str, Any]]:
    """Every product (any status, trash included), read straight from the store."""
    out: list[dict[str, Any]] = []
    with server.client() as client:
        for status in ("any", "trash"):
            page = 1
            while True:
                response = client.get("/wp-json/wc/v3/products", params={
                    "per_page": 100, "page": page, "status": status, "orderby": "id", "context": "edit"})
                response.raise_for_status()
                rows = response.json()
                out.extend(rows)
                if page >= int(response.headers.get("X-WP-TotalPages", "1") or 1):
                    break
                page += 1
    return out


def duplicate_skus(server: Any) -> list[str]:
    counts = Counter(str(p.get("sku") or "").lower() for p in all_products(server) if p.get("sku"))
    return sorted(sku for sku, n in counts.items() if n > 1)


def count(stats: dict[str, Any], route: str) -> int:
    value = stats["counts"].get(route, 0)
    return int(value)


def is_lock_request(entry: dict[str, Any]) -> bool:
    """A request of the store's apply lock (``wcsync.store.lock``), which every apply that writes takes: its
    create (the one single ``POST /products``), the lists of what moved since the read (``orderby=modified``),
    a look-up by its SKU, its release (``DELETE /products/{id}?force=true``)."""
    import re

    from wcsync.core.reserved import LOCK_SKU

    path = entry["path"].removeprefix("/wp-json/wc/v3")
    return ((entry["method"] == "POST" and path == "/products")
            or (entry["method"] == "DELETE" and bool(re.fullmatch(r"/products/\d+", path))
                and "force=true" in entry["query"])
            or "orderby=modified" in entry["query"] or LOCK_SKU in entry["query"])


def stats_without_lock(server: Any) -> dict[str, Any]:
    """``server.stats()`` with its counts and log left without the apply lock's requests."""
    from wcsync.sandbox.stats import route_pattern

    stats = server.stats()
    log = [e for e in stats["log"] if not is_lock_request(e)]
    counts = Counter(f"{e['method']} {route_pattern(e['path'])}" for e in log)
    return {**stats, "log": log, "counts": dict(sorted(counts.items()))}


def expire_lock(server: Any) -> int:
    """The lease of the apply lock a killed run left has run out (as if 15 minutes had passed): its expiry is
    set in the past, never waited for. The number of locks expired."""
    import json
    from datetime import UTC, datetime, timedelta

    from wcsync.core.reserved import LOCK_SKU
    from wcsync.store.lock import LOCK_META

    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    locks = [p for p in all_products(server) if p.get("sku") == LOCK_SKU]
    with server.client() as client:
        for lock in locks:
            meta = json.dumps({"owner": "killed", "holder": "a killed run", "expires": past})
            client.put(f"/wp-json/wc/v3/products/{lock['id']}",
                       json={"meta_data": [{"key": LOCK_META, "value": meta}]}).raise_for_status()
    return len(locks)
