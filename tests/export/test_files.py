"""Writing exported documents: readable YAML the loader reads back to the same values, file names per SKU,
and the output directory rules (a file is refused, nothing is ever removed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wcsync.catalog.yamlio import parse_file
from wcsync.errors import WcsyncError
from wcsync.export import ExportResult, write_catalog
from wcsync.export.files import check_output_dir, dump, has_catalogue, product_file_names


def test_dump_is_block_style_with_unicode_and_literal_multiline_text() -> None:
    text = dump({"name": "Café & Crème", "options": ["56", "Größe"], "description": "<p>a</p>\n<p>b</p>\n",
                 "price": "45.00", "sale_price": "39.50", "note": "trailing space \nnext", "empty": None,
                 "attributes": [{"name": "Color", "options": ["Red", "a, b"]}],
                 "variations": [{"attributes": {"Color": "Red"}, "weight": 0.62}]})
    assert text == (
        "name: Café & Crème\n"
        "options: ['56', Größe]\n"  # short lists of scalars on one line, as a person writes them
        "description: |\n"
        "  <p>a</p>\n"
        "  <p>b</p>\n"
        "price: '45.00'\n"
        'sale_price: "39.50"\n'
        'note: "trailing space \\nnext"\n'
        "empty: null\n"
        "attributes:\n"
        "  - name: Color\n"
        "    options:\n"  # a comma in an option: one item a line
        "      - Red\n"
        "      - a, b\n"
        "variations:\n"
        "  - attributes: {Color: Red}\n"
        "    weight: 0.62\n"
    )


def test_long_lists_stay_block_style() -> None:
    items = [f"category-number-{i}" for i in range(8)]
    assert dump({"tags": items}) == "tags:\n" + "".join(f"  - {i}\n" for i in items)


def test_what_is_written_reads_back_identically(tmp_path: Path) -> None:
    doc = {
        "sku": "A-1", "name": "Fish & Chips: \"best\" # 1", "description": "  <p>x</p>\n\n<p>y</p>  ",
        "options": ["yes", "no", "1.0", "2031-01-01", "null", "~", "@at", "- dash"], "flag": True, "n": 3,
        "text": "tab\there", "nested": [{"a": None}],
    }
    path = tmp_path / "doc.yaml"
    path.write_text(dump(doc), encoding="utf-8")
    parsed, problems = parse_file(path, "doc.yaml")
    assert problems == []
    assert parsed is not None
    assert parsed.data == doc


def test_product_file_names_are_unique_per_sku() -> None:
    assert product_file_names(["HOODIE-CLASSIC", "hoodie_classic", "Hoodie Classic", "###", "Größe 1"]) == [
        "hoodie-classic.yaml", "hoodie_classic.yaml", "hoodie-classic-2.yaml", "product.yaml", "grose-1.yaml",
    ]


def test_an_existing_catalogue_is_recognised(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    assert not has_catalogue(out)
    (out / "templates").mkdir(parents=True)
    (out / "templates" / "a.j2").write_text("x", encoding="utf-8")
    assert not has_catalogue(out)  # templates alone: written into, nothing replaced
    (out / "products" / "deep").mkdir(parents=True)
    (out / "products" / "deep" / "p.yaml").write_text("sku: P\n", encoding="utf-8")
    assert has_catalogue(out)


def test_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(WcsyncError, match="is a file"):
        check_output_dir(tmp_path / "f")
    check_output_dir(tmp_path / "missing")


def test_writing_never_removes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    (out / "templates").mkdir(parents=True)
    (out / "templates" / "t.j2").write_text("{{ x }}", encoding="utf-8")
    (out / "README.md").write_text("notes", encoding="utf-8")
    result = ExportResult(files={"tags.yaml": {"tags": []}, "products/a.yaml": {"sku": "A", "name": "A"}})
    report = write_catalog(result, out, store="shop")
    assert report.written == [out / "tags.yaml", out / "products" / "a.yaml"]
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "README.md", "products/a.yaml", "tags.yaml", "templates/t.j2",
    ]
    assert (out / "products" / "a.yaml").read_text(encoding="utf-8") == (
        "# Written by `wcsync import` from store shop. Edit freely: this file is now the source of truth.\n"
        "sku: A\nname: A\n"
    )
