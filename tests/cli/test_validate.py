"""``wcsync validate``: exit codes, the three formats, and a broken copy of a catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wcsync.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "fixtures" / "catalogs" / "shop"
H = "catalog/products/clothing/hoodie.yaml"
M = "catalog/products/mugs.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    dest = tmp_path / "shop"
    shutil.copytree(SHOP, dest)
    return dest


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _break(root: Path) -> None:
    _edit(root, H, "short_description:", "short_descripton:")  # misspelt field, line 5
    _edit(root, H, "categories: [clothing/hoodies]", "categories: [clothing/hodies]")  # dangling, line 6
    _edit(root, M, "  - sku: EXT-1\n", "  - sku: MUG-1\n")  # duplicate SKU, line 17
    (root / "catalog/products/broken.yaml").write_text("sku: BROKEN\nname: Broken\n  type: simple\n")  # indentation


def test_valid_catalogue(shop: Path) -> None:
    code, out, err = run("--project", str(shop))
    assert code == 0
    assert out == ""
    assert err.startswith("✓ catalogue valid (4 products, 4 variations, catalog ")


def test_warnings_do_not_fail(shop: Path) -> None:
    _edit(shop, M, "    short_description: A mug.\n", "")
    code, out, err = run("--project", str(shop))
    assert code == 0
    assert out == (
        "catalog/products/mugs.yaml:3:11: warning: product MUG-1 has no short description [empty-short-description]"
        " — add short_description: one sentence for the product card\n"
    )
    assert err.rstrip().endswith(", 1 warning")


BROKEN_TEXT = [
    "catalog/products/broken.yaml:3:7: invalid YAML: mapping values are not allowed here — check the indentation of this line and the lines above it: nested items use spaces, aligned under their parent",
    "catalog/products/clothing/hoodie.yaml:5:1: unknown field 'short_descripton' — did you mean 'short_description'?",
    "catalog/products/clothing/hoodie.yaml:6:14: unknown category 'clothing/hodies' — did you mean 'clothing/hoodies'?",
    "catalog/products/mugs.yaml:17:10: duplicate SKU 'MUG-1' (also at catalog/products/mugs.yaml:2) — SKUs are unique across products and variations, ignoring case: change one of them",
]


def test_broken_copy_text(shop: Path) -> None:
    _break(shop)
    code, out, err = run("--project", str(shop))
    assert code == 1
    assert out.splitlines() == BROKEN_TEXT
    assert err == "✗ 4 errors, 0 warnings: the catalogue is not valid\n"


def test_broken_copy_github(shop: Path) -> None:
    _break(shop)
    code, out, _ = run("--project", str(shop), "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=catalog/products/broken.yaml,line=3,col=7::invalid YAML: mapping values are not allowed here — check the indentation of this line and the lines above it: nested items use spaces, aligned under their parent",
        "::error file=catalog/products/clothing/hoodie.yaml,line=5,col=1::unknown field 'short_descripton' — did you mean 'short_description'?",
        "::error file=catalog/products/clothing/hoodie.yaml,line=6,col=14::unknown category 'clothing/hodies' — did you mean 'clothing/hoodies'?",
        "::error file=catalog/products/mugs.yaml,line=17,col=10::duplicate SKU 'MUG-1' (also at catalog/products/mugs.yaml:2) — SKUs are unique across products and variations, ignoring case: change one of them",
    ]


def test_github_warning_and_escaping(shop: Path) -> None:
    _edit(shop, M, "    short_description: A mug.\n", "")
    _edit(shop, M, "      - src: https://cdn.example.com/mug.jpg\n        alt: Mug\n", "      - src: https://cdn.example.com/mug.jpg?a=1%2\n")
    _, out, _ = run("--project", str(shop), "--format", "github")
    assert out.splitlines() == [
        "::warning file=catalog/products/mugs.yaml,line=3,col=11,title=empty-short-description::product MUG-1 has no short description [empty-short-description] — add short_description: one sentence for the product card",
        "::warning file=catalog/products/mugs.yaml,line=9,col=9,title=image-missing-alt::product MUG-1: image https://cdn.example.com/mug.jpg?a=1%252 has no alt text [image-missing-alt] — add 'alt:' describing the image (accessibility and SEO)",
    ]


def test_broken_copy_json(shop: Path) -> None:
    _break(shop)
    code, out, _ = run("--project", str(shop), "--format", "json")
    assert code == 1
    rows = json.loads(out)
    assert [list(r) for r in rows] == [["file", "line", "col", "severity", "rule", "message", "hint"]] * 4
    assert rows[1] == {
        "file": "catalog/products/clothing/hoodie.yaml",
        "line": 5,
        "col": 1,
        "severity": "error",
        "rule": None,
        "message": "unknown field 'short_descripton'",
        "hint": "did you mean 'short_description'?",
    }
    assert [(r["file"], r["line"]) for r in rows] == [
        ("catalog/products/broken.yaml", 3),
        ("catalog/products/clothing/hoodie.yaml", 5),
        ("catalog/products/clothing/hoodie.yaml", 6),
        ("catalog/products/mugs.yaml", 17),
    ]


def test_valid_json_is_an_empty_list(shop: Path) -> None:
    code, out, _ = run("--project", str(shop), "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_project_file_errors_are_reported_with_the_catalogue(shop: Path) -> None:
    _edit(shop, "wcsync.yaml", "ownership: marked", "ownership: mine")
    _edit(shop, H, "short_description:", "short_descripton:")
    code, out, _ = run("--project", str(shop))
    assert code == 1
    assert out.splitlines() == [
        "catalog/products/clothing/hoodie.yaml:5:1: unknown field 'short_descripton' — did you mean 'short_description'?",
        "wcsync.yaml:5:12: ownership: 'mine' is not allowed — use one of: marked, all",
    ]


def test_missing_catalogue(tmp_path: Path) -> None:
    (tmp_path / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    code, out, _ = run("--project", str(tmp_path))
    assert code == 1
    assert out == (
        "catalog: catalogue directory 'catalog' does not exist — create it, or set 'catalog:' in wcsync.yaml; "
        "wcsync never treats a missing catalogue as empty\n"
    )


def test_an_empty_directory_is_said_not_to_be_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run()
    assert code == 1
    assert out == (
        f"wcsync.yaml: {Path.cwd()} is not a wcsync project: it has no wcsync.yaml and no catalog/ — run wcsync "
        "in the project directory or pass --project DIR; or create wcsync.yaml and catalog/products/ here (to "
        "start a project, see Quick start in wcsync's README)\n"
    )
    assert err == "✗ 1 error, 0 warnings: the catalogue is not valid\n"


def test_a_nonexistent_project_directory_is_said(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    code, out, _ = run("--project", str(missing), "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "file": str(missing),
            "line": None,  # no made-up position: the problem is the whole directory
            "col": None,
            "severity": "error",
            "rule": None,
            "message": f"project directory '{missing}' does not exist",
            "hint": "pass --project DIR naming the directory that holds wcsync.yaml and catalog/ (to start a "
            "project, see Quick start in wcsync's README)",
        }
    ]
    assert not missing.exists()
    code, out, _ = run("--project", str(missing), "--format", "github")
    assert out.startswith(f"::error file={missing}::project directory")  # no line=1,col=1


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def test_example_catalogue_is_valid() -> None:
    code, out, err = run("--project", str(ROOT))
    assert code == 0, out
    assert [line for line in out.splitlines() if ": warning: " not in line] == []
    assert "✓ catalogue valid" in err


EXAMPLE_BREAKS = [
    # (file, text in it, replacement, text that marks the broken line)
    ("catalog/products/home/candle-pine.yaml", "\ndescription:", "\ndescripton:", "descripton:"),  # misspelt field
    ("catalog/products/outdoor/backpack-trail.yaml", "[outdoor/hiking/backpacks]", "[outdoor/hikking/backpacks]", "hikking"),  # dangling category
    ("catalog/products/home/apron-canvas.yaml", "\nsku: APRON-CANVAS\n", "\nsku: candle-pine\n", "sku: candle-pine"),  # duplicate SKU (any case)
    ("catalog/products/home/cushion-linen.yaml", "\ntype: simple\n", "\n  type: simple\n", "  type: simple"),  # bad indentation
]


def test_broken_copy_of_the_example_catalogue(tmp_path: Path) -> None:
    """Issue 2's "done when": the repository's own catalogue passes; a copy with a misspelt field, a dangling
    category, a duplicate SKU and bad YAML indentation reports exactly those four problems, each at its
    file:line:col, and exits 1."""
    root = tmp_path / "example"
    shutil.copytree(ROOT / "catalog", root / "catalog")
    shutil.copy(ROOT / "wcsync.yaml", root / "wcsync.yaml")
    assert run("--project", str(root))[0] == 0
    at: list[int] = []
    for rel, old, new, marker in EXAMPLE_BREAKS:
        _edit(root, rel, old, new)
        at.append(_line_of(root / rel, marker))
    misspelt, dangling, first, indent = at
    duplicate = _line_of(root / "catalog/products/home/candle-pine.yaml", "sku: CANDLE-PINE")
    assert (first, duplicate, indent) == (2, 2, 4)

    code, out, err = run("--project", str(root))
    assert code == 1
    assert [line for line in out.splitlines() if ": warning: " not in line] == [
        f"catalog/products/home/candle-pine.yaml:{duplicate}:6: duplicate SKU 'CANDLE-PINE' (also at catalog/products/home/apron-canvas.yaml:{first}) — SKUs are unique across products and variations, ignoring case: change one of them",
        f"catalog/products/home/candle-pine.yaml:{misspelt}:1: unknown field 'descripton' — did you mean 'description'?",
        f"catalog/products/home/cushion-linen.yaml:{indent}:7: invalid YAML: mapping values are not allowed here — check the indentation of this line and the lines above it: nested items use spaces, aligned under their parent",
        f"catalog/products/outdoor/backpack-trail.yaml:{dangling}:14: unknown category 'outdoor/hikking/backpacks' — did you mean 'outdoor/hiking/backpacks'?",
    ]
    assert err.startswith("✗ 4 errors, ")


def test_a_library_message_loses_its_period_before_the_hint_in_every_format(shop: Path) -> None:
    """Jinja's message ends with "."; text, GitHub annotations and JSON all read ``… unsafe — hint``."""
    (shop / "catalog/templates/hoodie.html.j2").write_text("{{ name.__class__.__mro__ }}\n", encoding="utf-8")
    unsafe = "access to attribute '__class__' of 'str' object is unsafe"
    _, text, _ = run("--project", str(shop))
    assert text.splitlines() == [
        f"{H}:4:23: template 'hoodie.html.j2' failed: {unsafe} — see catalog/templates/hoodie.html.j2:1",
        f"catalog/templates/hoodie.html.j2:1:1: template error while rendering: {unsafe} — use only fields the "
        "product has (the context is the product's fields, also as 'product')",
    ]
    _, github, _ = run("--project", str(shop), "--format", "github")
    assert github.splitlines()[0] == (
        f"::error file={H},line=4,col=23::template 'hoodie.html.j2' failed: {unsafe} — see "
        "catalog/templates/hoodie.html.j2:1"
    )
    _, out, _ = run("--project", str(shop), "--format", "json")
    assert [(r["message"], r["hint"]) for r in json.loads(out)] == [
        (f"template 'hoodie.html.j2' failed: {unsafe}", "see catalog/templates/hoodie.html.j2:1"),
        (
            f"template error while rendering: {unsafe}",
            "use only fields the product has (the context is the product's fields, also as 'product')",
        ),
    ]
