"""The fast writer (``wcsync.export.emit``) writes exactly what ruamel.yaml's round-trip dumper writes with the
canonical settings — on arbitrary text in every position a catalogue document has — and is the path import
actually takes for ordinary documents."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wcsync.export.emit import Unsupported, fast_dump
from wcsync.export.files import dump, dump_ruamel, styled
from wcsync.export.fmt import canonical

#: text as catalogues hold it: any printable character, and line breaks
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\n"), max_size=30)
_WORDS = st.sampled_from(["Red", "Forest Green", "36–38", "a, b", "x: y", "#1", "- dash", "yes", "null", "1.0",
                          "0.62", "07045", "'q'", '"dq"', "Größe", "帽子", "☕", "<p>x</p>", "a #b", "trailing:",
                          " lead", "tail ", "", "@at", "%p", "~", "2031-01-01", ".5", "+1", "-", "?q", ":c", "{x}"])
_SCALAR = st.one_of(_TEXT, _WORDS, st.integers(-10**6, 10**6), st.booleans(), st.none(),
                    st.floats(min_value=0.001, max_value=10**5, allow_nan=False).map(lambda f: round(f, 3)))


def _doc() -> st.SearchStrategy[dict[str, Any]]:
    leaf_map = st.dictionaries(st.one_of(_WORDS, _TEXT.filter(bool)), _SCALAR, max_size=3)
    item = st.fixed_dictionaries(
        {"name": st.one_of(_TEXT, _WORDS), "options": st.lists(st.one_of(_TEXT, _WORDS), max_size=4)},
        optional={"attributes": leaf_map, "regular_price": st.sampled_from(["45.00", "9.5", "x"]),
                  "description": st.one_of(_TEXT, st.lists(_TEXT, max_size=3).map("\n".join))},
    )
    return st.fixed_dictionaries(
        {"sku": st.one_of(_TEXT, _WORDS), "name": st.one_of(_TEXT, _WORDS)},
        optional={
            "tags": st.lists(st.one_of(_WORDS, _TEXT), max_size=6),
            "attributes": st.lists(item, max_size=3),
            "meta": st.dictionaries(st.one_of(_WORDS, _TEXT.filter(bool)), _SCALAR, max_size=4),
            "description": st.lists(st.one_of(_TEXT, _WORDS), max_size=4).map("\n".join),
            "default_attributes": leaf_map,
            "weight": _SCALAR,
        },
    )


@settings(max_examples=300, deadline=None)
@given(_doc())
def test_the_fast_writer_writes_what_ruamel_writes(doc: dict[str, Any]) -> None:
    assert dump(doc) == dump_ruamel(doc)


@settings(max_examples=100, deadline=None)
@given(_doc())
def test_what_import_writes_is_already_formatted(doc: dict[str, Any]) -> None:
    text = dump(doc)
    assert canonical(text) == text


def test_ordinary_documents_take_the_fast_path() -> None:
    doc = {
        "sku": "HOODIE-CLASSIC", "name": "Classic Hoodie & Co", "type": "variable",
        "description": "<p>Heavy: organic</p>\n<p>Brushed inside.</p>", "categories": ["clothing/hoodies"],
        "attributes": [{"name": "Size", "options": ["S", "M", "L"], "variation": True}],
        "variation_matrix": {"sku": "HOODIE-{{ Size }}", "regular_price": "45.00", "weight": 0.62,
                             "overrides": [{"when": {"Size": "L"}, "regular_price": "48.00"}]},
        "meta": {"launch_year": 2019, "gtin": "07045210000550", "care": "Wash: 30 °C"},
    }
    text = fast_dump(styled(doc))
    assert text == dump_ruamel(doc)
    assert "  overrides:\n    - when: {Size: L}\n      regular_price: \"48.00\"\n" in text


def test_unusual_shapes_are_left_to_ruamel() -> None:
    with pytest.raises(Unsupported):
        fast_dump(styled({"nested": [["a", "b"] * 50]}))
    doc = {"nested": [["a", "b"] * 50], "long": "x " * 2000}
    assert dump(doc) == dump_ruamel(doc)
