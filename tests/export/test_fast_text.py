"""``files.fast_text`` (the one-pass writer import takes) writes exactly what the reference path writes —
``emit.fast_dump(files.styled(doc))``, itself pinned to ruamel.yaml by test_emit.py — on generated documents
of every shape a catalogue document has and on a real export; it takes every document the reference fast path
takes, and leaves the rest to it."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.export.livestate import live_state
from tests.export.test_emit import _SCALAR, _TEXT, _WORDS
from wcsync.export import ExportOptions, export_catalog
from wcsync.export.emit import Unsupported, fast_dump
from wcsync.export.files import dump, dump_ruamel, fast_text, styled

_KEYS = st.one_of(
    st.sampled_from(["sku", "name", "regular_price", "sale_price", "attributes", "when", "default_attributes",
                     "dimensions", "options", "tags", "meta", "variations", "description", "weight"]),
    _WORDS, _TEXT.filter(bool), st.integers(0, 99),
)
_PRICES = st.sampled_from(["45.00", "9.5", "x", "", "0", "1e3"])
_LEAF = st.one_of(_SCALAR, _PRICES, _TEXT.map(lambda t: t + "\nsecond line"))
_VALUES = st.recursive(
    _LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=25,
)
_DOCS = st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=6)


def _or_none(fn: Any, doc: Any) -> str | None:
    try:
        result: str = fn(doc)
    except Unsupported:
        return None
    return result


def check(doc: dict[str, Any]) -> None:
    fast = _or_none(fast_text, doc)
    reference = _or_none(lambda d: fast_dump(styled(d)), doc)
    if reference is not None:
        assert fast == reference  # the fast path takes what the reference fast path takes, and writes the same
    if fast is not None:
        assert fast == dump_ruamel(doc)
    assert dump(doc) == dump_ruamel(doc)


@settings(max_examples=400, deadline=None)
@given(_DOCS)
def test_fast_text_writes_what_the_reference_writes(doc: dict[str, Any]) -> None:
    check(doc)


@settings(max_examples=150, deadline=None)
@example({"attributes": ["="], "when": {"a": "="}})  # ruamel quotes a lone = (YAML 1.1's value key)
@given(st.dictionaries(st.sampled_from(["attributes", "when", "dimensions", "tags", "regular_price"]),
                       st.one_of(st.dictionaries(_KEYS, _SCALAR, max_size=4), st.lists(_SCALAR, max_size=6),
                                 _PRICES), min_size=1))
def test_flow_maps_and_lists_and_prices(doc: dict[str, Any]) -> None:
    check(doc)


def test_an_exported_store_takes_the_fast_path_and_writes_what_ruamel_writes() -> None:
    result = export_catalog(live_state(), ExportOptions(meta_keys=("gtin",)))
    assert len(result.files) > 5
    for document in result.files.values():
        assert fast_text(document) == dump_ruamel(document)


def test_plain_types_only() -> None:
    class Text(str):
        pass

    assert _or_none(fast_text, {"a": Text("x")}) is None  # a str subclass: not a plain document
    for doc in ({"a": [[]]}, {"a": [{}]}, {"a": ["one\ntwo"]}):
        assert _or_none(fast_text, doc) is None
        assert dump(doc) == dump_ruamel(doc)


def test_remembered_one_line_collections_keep_their_items_types() -> None:
    # 1, 1.0 and True are equal (and equal dict keys): each is still written as itself, whatever came first
    docs = [
        {"attributes": {"a": 1}, "tags": [1, "x"]},
        {"attributes": {"a": True}, "tags": [True, "x"]},
        {"attributes": {"a": 1.0}, "tags": [1.0, "x"]},
        {"attributes": {"a": "1"}, "tags": ["1", "x"]},
        {"attributes": {"a": [1]}, "tags": [[1], "x"]},  # unhashable items: never on one line
    ]
    for _ in range(2):  # the second round reads what the first remembered
        for doc in docs:
            check(doc)
    assert fast_text(docs[1]) == "attributes: {a: true}\ntags: [true, x]\n"
    assert fast_text(docs[2]) == "attributes: {a: 1.0}\ntags: [1.0, x]\n"
