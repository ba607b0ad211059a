"""``record_fields``'s converters answer common values without the general readers: for any JSON value each must
give what its reader gives (the reader is the reference)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wcsync.store import wire

_scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60) | st.floats(allow_nan=False)
    | st.text(max_size=12) | st.sampled_from(["", "&amp; Co", "1", "true", "0", "45.00", " 3 ", "&", "2031-01-01T00:00:00"])
)
_json = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "name", "file", "key", "value", "length", "width", "height", "src", "option"]),
        children, max_size=4),
    max_leaves=12,
)
_values = _json | st.sampled_from([[], {}, {"length": "", "width": "", "height": ""},
                                   {"length": "", "width": "2", "height": ""}, {"id": 3, "src": "x"}])

SLOW: dict[str, Any] = {
    "text": lambda v, _: wire.text(v),
    "html": lambda v, _: v if isinstance(v, str) else "",
    "money": lambda v, _: wire.to_decimal(v),
    "decimal": lambda v, _: wire.to_decimal(v),
    "int": lambda v, _: wire.integer(v),
    "bool": lambda v, _: wire.boolean(v),
    "enum": lambda v, _: v if isinstance(v, str) else ("" if v is None else str(v)),
    "datetime": lambda v, _: wire.date_time(v),
    "refs": lambda v, _: wire.refs(v),
    "ref": lambda v, _: wire.ref(v),
    "images": lambda v, _: wire.images(v),
    "image": lambda v, _: wire.image(v),
    "meta": lambda v, _: wire.meta_map(v),
    "dict": lambda v, _: wire.dimensions(v),
    "downloads": lambda v, _: wire.downloads(v),
}


def test_every_field_type_has_a_reference() -> None:
    assert set(wire._CONVERT) - {"attrs", "defaults", "combo"} == set(SLOW)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(SLOW)), _values)
def test_each_converter_gives_what_its_reader_gives(kind: str, value: Any) -> None:
    fast = wire._CONVERT[kind](value, {})
    slow = SLOW[kind](value, {})
    assert fast == slow and type(fast) is type(slow)
