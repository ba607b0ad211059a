"""``record_fields``'s converters answer common values without the general readers: for any JSON value each must
give what its reader gives (the reader is the reference)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wcsync.core.kinds import Kind
from wcsync.core.records import LiveResource
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


def _records() -> list[dict[str, Any]]:
    mark = wire.parse_mark({"_wcsync": {"meta_keys": ["gtin"]}})
    return [
        {"kind": Kind.PRODUCT, "id": 7, "key": "SKU-1", "fields": {"name": "A", "weight": Decimal("0.62")},
         "status": "publish", "mark": mark, "date_modified": "2031-01-01T00:00:00"},
        {"kind": Kind.VARIATION, "id": 8, "key": None, "parent_id": 7, "fields": {}, "status": None, "mark": None,
         "date_modified": None},
    ]


def test_the_fast_record_build_is_model_constructs() -> None:
    assert wire._FAST_CONSTRUCT
    for values in _records():
        fast, reference = wire._construct(dict(values)), LiveResource.model_construct(**values)
        assert fast == reference
        assert list(vars(fast).items()) == list(vars(reference).items())
        assert fast.model_fields_set == reference.model_fields_set
        assert fast.model_dump() == reference.model_dump() == LiveResource(**values).model_dump()
        assert fast.__pydantic_extra__ is None and fast.__pydantic_private__ is None


def test_products_and_variations_from_the_wire_equal_validated_records() -> None:
    body = {"id": 7, "sku": "S", "name": "A &amp; B", "status": "publish", "date_modified_gmt": "2031-01-01T00:00:00",
            "dimensions": {"length": "", "width": "2", "height": ""}, "meta_data": [{"key": "gtin", "value": "1"}]}
    p = wire.product(body)
    assert p == LiveResource(kind=Kind.PRODUCT, id=7, key="S", fields=dict(p.fields), status="publish",
                             date_modified="2031-01-01T00:00:00")
    assert p.fields["name"] == "A & B" and p.fields["dimensions"]["width"] == Decimal("2")
    v = wire.variation({**body, "id": 8, "sku": "S", "parent_id": 7}, parent_sku="s")
    assert v.key is None and v.parent_id == 7 and v.model_fields_set == {
        "kind", "id", "key", "parent_id", "fields", "status", "mark", "date_modified"}


def test_an_integer_too_large_for_a_float_reads_as_none() -> None:
    """A hostile or broken store's ``"1e999"`` / ``inf`` (hypothesis found ``{'id': inf}``) is no number wcsync
    uses: None, never an ``OverflowError`` out of the read."""
    from wcsync.store.wirevalues import integer

    assert integer("1e999") is None and integer(float("inf")) is None and integer("-inf") is None
    assert integer("12") == 12
