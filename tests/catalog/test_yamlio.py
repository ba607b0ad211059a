"""YAML reading: YAML 1.2 scalars, positions, and every syntax problem as one located diagnostic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import wcsync.catalog.yamlio
from wcsync.catalog.yamlio import parse_text


@pytest.fixture(autouse=True, params=["C", "pure"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with ruamel.yaml's C composer and with its pure-Python one."""
    if request.param == "pure":
        monkeypatch.setattr(wcsync.catalog.yamlio, "PURE", True)
    else:
        assert wcsync.catalog.yamlio.PURE is False


def _errors(text: str) -> list[str]:
    doc, diags = parse_text("f.yaml", text)
    assert doc is None
    return [d.format() for d in diags]


def test_yaml_1_2_scalars() -> None:
    doc, diags = parse_text(
        "f.yaml",
        "a: no\nb: yes\nc: on\nd: true\ne: 12\nf: 12.50\ng: ~\nh: 2024-11-29\ni: 2024-11-29 08:30:00\n"
        "j: '45.00'\nk: 0x1F\nl: 1e3\nm: 007\nn:\n",
    )
    assert diags == []
    assert doc is not None
    assert doc.data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": True,
        "e": 12,
        "f": 12.5,
        "g": None,
        "h": dt.date(2024, 11, 29),
        "i": dt.datetime(2024, 11, 29, 8, 30),
        "j": "45.00",
        "k": 31,
        "l": 1000.0,
        "m": 7,
        "n": None,
    }


def test_positions_of_keys_and_values() -> None:
    doc, _ = parse_text("f.yaml", "sku: A\nimages:\n  - src: x\n    alt: y\nattrs: {Color: Red}\n")
    assert doc is not None
    assert doc.pos.of(("sku",)) == (1, 6)
    assert doc.pos.of(("sku",), key=True) == (1, 1)
    assert doc.pos.of(("images", 0)) == (3, 5)
    assert doc.pos.of(("images", 0, "alt")) == (4, 10)
    assert doc.pos.of(("attrs", "Color")) == (5, 16)
    assert doc.pos.of(("images", 0, "nothing", 3)) == (3, 5)


def test_every_duplicate_key_is_reported() -> None:
    assert _errors("a: 1\nb: 2\na: 3\nm:\n  x: 1\n  x: 2\n") == [
        "f.yaml:3:1: duplicate key 'a' — a key may appear only once in a mapping: remove or rename one of them",
        "f.yaml:6:3: duplicate key 'x' — a key may appear only once in a mapping: remove or rename one of them",
    ]


def test_tabs_are_reported_per_line() -> None:
    assert _errors("a:\n\tb: 1\nc:\n  \td: 2\n") == [
        "f.yaml:2:1: tab character used for indentation — YAML indents with spaces only: replace the tab with spaces",
        "f.yaml:4:3: tab character used for indentation — YAML indents with spaces only: replace the tab with spaces",
    ]


INDENT = "check the indentation of this line and the lines above it: nested items use spaces, aligned under their parent"


def test_indentation_errors() -> None:
    assert _errors("sku: A\nname: B\n  type: simple\n") == [
        f"f.yaml:3:7: invalid YAML: mapping values are not allowed here — {INDENT}"
    ]
    assert _errors("images:\n  - src: a\n   alt: b\n") == [
        f"f.yaml:3:4: invalid YAML: this line does not line up with the lines above — {INDENT}"
    ]


def test_unclosed_brackets_and_quotes_point_at_the_opening() -> None:
    assert _errors("a: 1\ntags: [winter, rain\nb: 2\n") == [
        "f.yaml:2:7: invalid YAML: '[' is never closed — close the list with ']' or quote the text"
    ]
    assert _errors("a: {x: 1\n") == ["f.yaml:1:4: invalid YAML: '{' is never closed — close the mapping with '}' or quote the text"]
    assert _errors("a: 1\nname: 'Mug\n") == ["f.yaml:2:7: invalid YAML: a quote is never closed — close the quote on the same line"]


def test_empty_document() -> None:
    doc, diags = parse_text("f.yaml", "# only a comment\n")
    assert diags == [] and doc is not None and doc.data is None


def test_explicit_tags_on_plain_scalars() -> None:
    doc, diags = parse_text("f.yaml", "a: !!str 5\nb: !!str true\nc: !!int 7\nd: !custom 8\ne: !!str\n")
    assert diags == [] and doc is not None
    assert doc.data == {"a": "5", "b": "true", "c": 7, "d": "8", "e": ""}


def test_merge_keys_and_keys_written_next_to_them() -> None:
    doc, diags = parse_text("f.yaml", "base: &b {name: A, price: 5}\nitem:\n  <<: *b\n  name: B\n'<<': text\n")
    assert diags == [] and doc is not None
    assert doc.data == {"base": {"name": "A", "price": 5}, "item": {"name": "B", "price": 5}, "<<": "text"}
    assert doc.pos.of(("item", "name")) == (4, 9)
    assert doc.pos.of(("item", "name"), key=True) == (4, 3)
    assert _errors("a:\n  <<: {x: 1}\n  y: 2\n  y: 3\n") == [
        "f.yaml:4:3: duplicate key 'y' — a key may appear only once in a mapping: remove or rename one of them"
    ]


def test_non_text_keys_become_text() -> None:
    doc, _ = parse_text("f.yaml", "36: a\ntrue: b\n1.5: c\n'7': d\n")
    assert doc is not None
    assert doc.data == {"36": "a", "true": "b", "1.5": "c", "7": "d"}


def test_crlf_and_bytes() -> None:
    from wcsync.catalog.yamlio import parse_bytes

    doc, diags = parse_bytes("f.yaml", b"sku: A\r\nname: B\r\nregular_price: 5\r\n")
    assert diags == [] and doc is not None
    assert doc.data == {"sku": "A", "name": "B", "regular_price": 5}
    assert doc.pos.of(("regular_price",)) == (3, 16)
    doc, diags = parse_bytes("f.yaml", b"name: caf\xe9\n")
    assert doc is None
    assert [d.format() for d in diags] == ["f.yaml:1:10: file is not UTF-8 text (invalid continuation byte 0xe9) — save the file as UTF-8"]


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["yes", "no", "on", "0o17", "0x1F", "1e3", "2024-11-29", "~", "<<", "a: b", "- x", "#c", "'q'"]),
)
_docs = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1, max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(_docs, st.booleans())
@example("?0", True)  # ruamel.yaml dumps it as `{doc: ?0}`, which no YAML parser reads
def test_c_composer_reads_like_the_pure_reference(data: object, flow: bool) -> None:
    """Whatever ruamel.yaml writes, the C composer's nodes give the same values and positions as the pure
    composer's (the reference), through the same value builder."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from wcsync.catalog.yamlio import Positions, _CComposer, _compose, _plain, _pure_compose

    out = io.StringIO()
    dumper = YAML(typ="safe", pure=True)
    dumper.default_flow_style = flow
    dumper.dump({"doc": data}, out)
    text = out.getvalue()
    try:
        _pure_compose(text)
    except YAMLError:
        # ruamel.yaml's own dumper can write text its own parser refuses (the string `?0` in flow style comes
        # out as `{doc: ?0}`): then the loader must refuse it too, which it does through the reference
        with pytest.raises(YAMLError):
            _compose(text)
        return
    composer = _CComposer(text)
    try:
        c_node = composer.get_single_node()
    except YAMLError:
        # libyaml refuses some text the pure composer reads (e.g. `{doc: 0:0}`): the loader then parses it
        # again with the pure composer, so what it reads is still the reference's
        c_node = _compose(text)
    finally:
        composer.dispose()
    pure_node = _pure_compose(text)
    c_pos, pure_pos = Positions(), Positions()
    c_value = _plain(c_node, (), c_pos.nodes, [])
    pure_value = _plain(pure_node, (), pure_pos.nodes, [])
    assert c_value == pure_value
    assert c_pos.nodes == pure_pos.nodes
