"""Attack 5 (catalogue side): files built to exhaust memory, time or the stack. Each runs ``wcsync validate``
in a subprocess under an address-space limit (``RLIMIT_AS``), so a regression fails the test instead of eating
the machine, and must end with a clear ``file:line:col`` error."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "catalogs" / "shop"
#: far above what validating the small shop needs (~150 MB), far below what the bombs would take (GBs)
MEMORY_LIMIT = 1024 * 1024 * 1024


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def validate(project: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from wcsync.cli.main import cli; sys.exit(cli(['validate', '--project', sys.argv[1]]))"
    return subprocess.run(
        [sys.executable, "-c", code, str(project)],
        capture_output=True,
        text=True,
        preexec_fn=_limit,
        timeout=300,
        check=False,
    )


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    dest = tmp_path / "shop"
    shutil.copytree(SHOP, dest)
    return dest


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def test_the_limit_leaves_room_for_a_normal_run(shop: Path) -> None:
    result = validate(shop)
    assert result.returncode == 0, result.stderr


def test_billion_laughs(shop: Path) -> None:
    (shop / "catalog/products/bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
    result = validate(shop)
    assert result.returncode == 1, result.stderr
    assert "catalog/products/bomb.yaml:3:5: aliases expand to more than 250,000 values" in result.stdout
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_billion_laughs_through_merge_keys(shop: Path) -> None:
    lines = ["a0: &a0 {x0: 1, x1: 1, x2: 1, x3: 1, x4: 1, x5: 1, x6: 1, x7: 1, x8: 1, x9: 1}"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"{{<<: *a{i - 1}}}"] * 10) + "]" for i in range(1, 9)]
    (shop / "catalog/categories.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate(shop)
    assert result.returncode == 1, result.stderr
    assert "catalog/categories.yaml:" in result.stdout and "aliases expand to more than" in result.stdout


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("sku: " + "[" * 10_000 + "]" * 10_000 + "\n", "1:"),
        ("sku: x\nname:\n" + "- " * 10_000 + "x\n", "3:"),
        ("sku: x\nmeta:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1500)) + "  " * 1500 + "z: 1\n", ""),
    ],
    ids=["flow", "compact-sequences", "block"],
)
def test_ten_thousand_levels_of_nesting(shop: Path, text: str, where: str) -> None:
    (shop / "catalog/products/deep.yaml").write_text(text, encoding="utf-8")
    result = validate(shop)
    assert result.returncode == 1, result.stderr
    assert f"catalog/products/deep.yaml:{where}" in result.stdout
    assert "nesting deeper than 100 levels" in result.stdout
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr


def test_a_huge_file_is_not_read(shop: Path) -> None:
    with (shop / "catalog/products/huge.yaml").open("w", encoding="utf-8") as fh:
        fh.write("sku: HUGE\ndescription: ")
        for _ in range(40):
            fh.write("x" * (1024 * 1024))
        fh.write("\n")
    result = validate(shop)
    assert result.returncode == 1, result.stderr
    assert "catalog/products/huge.yaml: file is larger than 32 MiB" in result.stdout


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 1000000000 }}",
        "{{ 'x' * 1000 * 1000 * 1000 }}",
        "{{ '%999999999s' % 'a' }}",
        "{{ '{:>999999999}'.format('a') }}",
        "{{ 'a' | center(999999999) }}",
        "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
    ],
)
def test_template_that_builds_gigabytes(shop: Path, source: str) -> None:
    (shop / "catalog/templates/hoodie.html.j2").write_text(source, encoding="utf-8")
    result = validate(shop)
    assert result.returncode == 1, result.stderr
    assert "catalog/templates/hoodie.html.j2:1:1: template error while rendering:" in result.stdout
    assert "longer than 1024 KiB" in result.stdout or "a million or more" in result.stdout
    assert "MemoryError" not in result.stderr
