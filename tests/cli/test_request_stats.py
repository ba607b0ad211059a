"""``--stats`` on plan and apply: requests per phase, counted at the client, against the lower bound computed
from what was read and planned (in-process sandbox; counts are deterministic)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wcsync.cli.main import cli

SECRET = "cs_SANDBOXSECRET_77aa01"

PRODUCT = """\
sku: {sku}
name: Mug {n}
type: simple
status: publish
regular_price: {price}
categories: [mugs]
"""


def write_project(root: Path, count: int, price: str) -> None:
    (root / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (root / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    (root / "catalog" / "categories.yaml").write_text("categories:\n  - name: Mugs\n    slug: mugs\n",
                                                       encoding="utf-8")
    for n in range(count):
        (root / "catalog" / "products" / f"m{n}.yaml").write_text(
            PRODUCT.format(sku=f"MUG-{n}", n=n, price=price), encoding="utf-8")


def run(project: Path, db: Path, *args: str) -> Result:
    env = {"WCSYNC_CONSUMER_SECRET": SECRET, "WCSYNC_URL": ""}
    return CliRunner().invoke(
        cli, [args[0], "--project", str(project), "--store-url", f"sandbox:{db}", *args[1:]], env=env
    )


def stats_line(output: str) -> dict[str, tuple[int, int]]:
    line = next(ln for ln in output.splitlines() if ln.startswith("requests: "))
    return {name: (int(sent), int(bound))
            for name, sent, bound in re.findall(r"(read|lock|write|verify) (\d+) \(bound (\d+)\)", line)}


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "shop"
    write_project(root, 120, "9.5")
    return root, tmp_path / "store.db"


def test_plan_stats_counts_the_reads_against_their_bound(shop: tuple[Path, Path]) -> None:
    root, db = shop
    result = run(root, db, "plan", "--stats")
    assert result.exit_code == 0, result.output
    # empty store: 2 store checks, categories, brands, tags, shipping classes, attributes, products, trash, variations
    assert stats_line(result.output) == {"read": (10, 10)}


def test_plan_without_stats_prints_no_budget(shop: tuple[Path, Path]) -> None:
    root, db = shop
    result = run(root, db, "plan")
    assert result.exit_code == 0, result.output
    assert "requests: " not in result.output


def test_apply_stats_counts_read_write_verify(shop: tuple[Path, Path]) -> None:
    root, db = shop
    result = run(root, db, "apply", "--auto-approve", "--stats")
    assert result.exit_code == 0, result.output
    counts = stats_line(result.output)
    # 1 category + 120 products: the category batch, then two product batches (100 + 20)
    assert counts["write"] == (3, 3)
    assert counts["read"] == (10, 10)
    # the convergence proof reads the store's answers to the batches: nothing to re-read
    assert counts["verify"] == (0, 0)
    # the store's apply lock: create, the products modified since the read (no variation is written), release
    assert counts["lock"] == (3, 3)
    assert re.search(r"total 16 \(bound 16, 1\.00×\)", result.output)

    write_project(root, 120, "10.5")
    result = run(root, db, "apply", "--auto-approve", "--stats")
    assert result.exit_code == 0, result.output
    counts = stats_line(result.output)
    assert counts["write"] == (2, 2)
    assert counts["read"] == (10, 10)
    # however many of the products just written share the newest second the read saw, one list (newest
    # first, with its X-WP-Total) tells that none of them moved since
    assert counts["lock"] == (3, 3)
