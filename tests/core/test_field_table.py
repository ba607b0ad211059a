"""The field table (``wcsync.core.fields``) is the one description per field: every piece derived from it, or
kept by hand beside it (the pydantic catalogue models, the JSON Schemas), agrees with it — so adding a field is
one entry in the table plus its tests."""

from __future__ import annotations

import json
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from wcsync.catalog import fieldconv, models
from wcsync.catalog.schemas import json_schemas
from wcsync.core import fields, ownership
from wcsync.core.fields import NO_DEFAULT, TABLES, FieldSpec
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, FieldChange
from wcsync.export import products as export_products
from wcsync.export import variations as export_variations
from wcsync.sandbox import product_fields as sandbox_fields
from wcsync.store import payload, wire

ROOT = Path(__file__).resolve().parents[2]
PRODUCTISH = (Kind.PRODUCT, Kind.VARIATION)
ALL_SPECS = [s for table in TABLES.values() for s in table.values()]

#: the catalogue model of each kind (variations: the explicit ``variations:`` item)
MODELS: dict[Kind, type[BaseModel]] = {
    Kind.PRODUCT: models.Product,
    Kind.VARIATION: models.Variation,
    Kind.CATEGORY: models.Category,
    Kind.BRAND: models.Brand,
    Kind.TAG: models.Tag,
    Kind.ATTRIBUTE: models.Attribute,
    Kind.TERM: models.Term,
    Kind.SHIPPING_CLASS: models.ShippingClass,
}
#: fields a record has that its file spells another way (a category's parent is its place in the tree)
NOT_IN_MODEL = {(Kind.CATEGORY, "parent"), (Kind.BRAND, "parent")}


def _ids(specs: list[FieldSpec]) -> list[str]:
    return [f"{s.kind.value}.{s.name}" for s in specs]


def test_every_spec_is_well_formed() -> None:
    for s in ALL_SPECS:
        assert s.type in fields.TYPES, s
        assert (s.ref is not None) == (s.type in ("ref", "refs")), s
        assert bool(s.choices) <= (s.type == "enum"), s
        if s.product_types is not None:
            assert s.kind is Kind.PRODUCT and s.product_types <= set(fields.PRODUCT_TYPES), s


def test_name_to_type_views_are_derived() -> None:
    for kind, table in TABLES.items():
        assert fields.FIELDS_BY_KIND[kind] == {name: s.type for name, s in table.items()}
        assert list(fields.FIELDS_BY_KIND[kind]) == list(table)  # order: the plan's and the files' order
    assert fields.PRODUCT_FIELDS is fields.FIELDS_BY_KIND[Kind.PRODUCT]
    assert fields.VARIATION_FIELDS is fields.FIELDS_BY_KIND[Kind.VARIATION]


def test_release_defaults_are_the_table_defaults() -> None:
    for kind in PRODUCTISH:
        assert ownership.DEFAULTS[kind] == {s.name: s.default for s in TABLES[kind].values() if s.default is not NO_DEFAULT}
    # the fields a store cannot go back to are released without being reset
    assert {"name", "slug", "type", "meta"}.isdisjoint(ownership.DEFAULTS[Kind.PRODUCT])
    assert "attributes" not in ownership.DEFAULTS[Kind.VARIATION]
    assert ownership.DEFAULTS[Kind.VARIATION]["tax_class"] == "parent"


# -- the wire reader --------------------------------------------------------------------------------------

#: a wire value of each canonical type and the canonical value the reader makes of it
_WIRE_SAMPLE: dict[str, tuple[Any, Any]] = {
    "text": ("A &amp; B", "A & B"),
    "html": ("<p>x</p>", "<p>x</p>"),
    "money": ("45.00", Decimal("45")),
    "decimal": ("0.5", Decimal("0.5")),
    "int": (7, 7),
    "bool": (True, True),
    "enum": ("x", "x"),
    "datetime": ("2031-01-01T00:00:00", "2031-01-01T00:00:00"),
    "dict": ({"length": "3"}, {"length": Decimal("3"), "width": None, "height": None}),
    "images": ([], ()),
    "image": (None, None),
    "attrs": ([], ()),
    "defaults": ([], {}),
    "combo": ([], {}),
    "meta": ([{"key": "k", "value": "v"}], {"k": "v"}),
    "downloads": ([{"id": "u-1", "name": "A &amp; B", "file": "https://x.example/a.pdf"}, {"name": "no file"}],
                  ({"id": "u-1", "name": "A & B", "file": "https://x.example/a.pdf"},)),
}


@pytest.mark.parametrize("kind", list(TABLES))
def test_wire_reader_reads_every_field_by_its_wire_name(kind: Kind) -> None:
    assert set(wire.wire_fields(kind)) >= {s.wire for s in TABLES[kind].values()}
    body: dict[str, Any] = {"id": 1}
    expected: dict[str, Any] = {}
    for s in TABLES[kind].values():
        if s.type == "refs":
            body[s.wire], expected[s.name] = [{"id": 3}, {"id": 2}], (2, 3)
        elif s.type == "ref":
            body[s.wire], expected[s.name] = ("bulky", "bulky") if s.ref is Kind.SHIPPING_CLASS else (4, 4)
        else:
            body[s.wire], expected[s.name] = _WIRE_SAMPLE[s.type]
    assert wire.record_fields(kind, body) == expected
    for name, wire_name in fields.WIRE_NAMES.items():
        assert all(s.wire == wire_name for s in ALL_SPECS if s.name == name)


# -- the payload writer -----------------------------------------------------------------------------------


def _body(kind: Kind, name: str, value: Any) -> dict[str, Any]:
    change = Change(kind=kind, action=Action.UPDATE, key="K", changes=(FieldChange(field=name, after=value),))
    return payload.BUILDERS[kind](change, lambda k, key: 9)


#: scalar fields the payload maps by type (a variation's SKU is its key, sent as written)
_SCALARS = [s for s in ALL_SPECS if s.type in ("money", "decimal", "text", "html", "int", "dict")
            and (s.kind, s.name) != (Kind.VARIATION, "sku")]


@pytest.mark.parametrize("spec", _SCALARS, ids=_ids(_SCALARS))
def test_payload_sends_each_scalar_by_its_type(spec: FieldSpec) -> None:
    cleared = _body(spec.kind, spec.name, None)[spec.wire]
    if spec.type == "money":
        assert _body(spec.kind, spec.name, Decimal("45"))[spec.wire] == "45.00" and cleared == ""
    elif spec.type == "decimal":
        assert _body(spec.kind, spec.name, Decimal("0.50"))[spec.wire] == "0.5" and cleared == ""
    elif spec.type == "dict":
        assert cleared == {"length": "", "width": "", "height": ""}
    elif spec.type == "int":
        assert _body(spec.kind, spec.name, 3)[spec.wire] == 3
        assert cleared == (spec.default if spec.has_default else None)
    else:
        assert cleared == ""


def test_payload_sends_references_by_id_under_their_wire_names() -> None:
    for s in TABLES[Kind.PRODUCT].values():
        if s.type == "refs":
            body = _body(Kind.PRODUCT, s.name, ("a",))
            assert body[s.wire] in ([{"id": 9}], [9]), s
    assert set(payload.PRODUCT_LINK_FIELDS) == {s.name for s in TABLES[Kind.PRODUCT].values() if s.ref is Kind.PRODUCT}


def test_money_is_one_implementation() -> None:
    from wcsync.core import canonical

    for value in (45, "45", "45.0", Decimal("45.5"), "12.345", None, "", "0", "1E+2"):
        spelled = canonical.money(canonical.to_decimal(value))
        assert payload.money(value) == (spelled or "")
        assert wire.record_fields(Kind.PRODUCT, {"regular_price": value}).get("regular_price") == canonical.to_decimal(value)
    assert payload.money("1E+2") == "100.00" and payload.decimal_text("1E+2") == "100"
    # the store reads what it cannot parse as no price; wcsync never sends one as a cleared price
    assert wire.record_fields(Kind.PRODUCT, {"regular_price": "abc"})["regular_price"] is None
    with pytest.raises(ValueError, match="not a decimal"):
        payload.money("abc")


# -- the catalogue: conversions, models, schemas ------------------------------------------------------------


def test_catalogue_conversions_are_derived() -> None:
    specs = [s for k in PRODUCTISH for s in TABLES[k].values()]
    assert {s.name for s in specs if s.type in ("text", "html")} == fieldconv.STRING_FIELDS
    assert {s.name for s in specs if s.ref is not None or s.type in ("attrs", "defaults", "combo", "meta")} == fieldconv.RESOLVED_FIELDS


def _allows_none(annotation: Any) -> bool:
    return annotation is None or type(None) in typing.get_args(annotation) or any(
        _allows_none(a) for a in typing.get_args(annotation) if typing.get_origin(a) in (typing.Union, types.UnionType)
    )


def _literal_values(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    return ()


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if (s.kind, s.name) not in NOT_IN_MODEL], ids=_ids(
    [s for s in ALL_SPECS if (s.kind, s.name) not in NOT_IN_MODEL]))
def test_catalogue_model_has_the_field_as_the_table_says(spec: FieldSpec) -> None:
    info = MODELS[spec.kind].model_fields.get(spec.name)
    assert info is not None, f"{MODELS[spec.kind].__name__} has no field {spec.name}"
    assert _allows_none(info.annotation) == spec.nullable, f"{spec.kind.value}.{spec.name} nullable"
    if (spec.kind, spec.name) == (Kind.PRODUCT, "type"):
        # an open vocabulary: the known types, and a plugin's type name (a record, never written)
        assert [models.Product(sku="S", name="N", type=t).type for t in spec.choices] == list(spec.choices)
    elif spec.choices:
        assert set(_literal_values(info.annotation)) == set(spec.choices)


def test_every_catalogue_field_of_a_product_or_variation_is_in_the_table() -> None:
    # what a file may write beyond the record's fields: the key, templates, nested variations, protection
    extra = {Kind.PRODUCT: {"sku", "description_template", "variation_matrix", "variations", "protect"},
             Kind.VARIATION: set()}
    for kind in PRODUCTISH:
        assert set(MODELS[kind].model_fields) - extra[kind] == set(TABLES[kind])
    # the variation matrix and its overrides write variation fields
    for model in (models.VariationMatrix, models.MatrixOverride):
        assert set(model.model_fields) - {"sku", "overrides", "when"} <= set(TABLES[Kind.VARIATION])


def test_json_schemas_describe_the_table() -> None:
    schemas = json_schemas()
    product = schemas["product.schema.json"]
    defs = product["$defs"]
    for kind, model in ((Kind.PRODUCT, "Product"), (Kind.VARIATION, "Variation")):
        props = defs[model]["properties"]
        for s in TABLES[kind].values():
            assert s.name in props, f"{model} schema lacks {s.name}"
            text = json.dumps(props[s.name])
            assert ('"null"' in text) == s.nullable, f"{model}.{s.name}: null in the schema"
            for choice in s.choices:
                assert f'"{choice}"' in text
    # and schemas/ holds what the models generate (tests/cli/test_schema.py keeps it current)
    on_disk = json.loads((ROOT / "schemas" / "product.schema.json").read_text(encoding="utf-8"))
    assert set(on_disk["$defs"]["Product"]["properties"]) == set(defs["Product"]["properties"])


# -- the export -----------------------------------------------------------------------------------------------


def test_export_writes_the_table_scalars_in_table_order_with_its_defaults() -> None:
    scalar_types = {"text", "html", "money", "decimal", "int", "bool", "enum", "datetime", "dict", "ref"}
    for kind, written, own in ((Kind.PRODUCT, export_products._PRODUCT_SCALARS, {"name", "slug", "type", "status"}),
                               (Kind.VARIATION, export_variations.VARIATION_SCALARS, {"sku"})):
        specs = [s for s in TABLES[kind].values() if s.type in scalar_types and s.name not in own]
        assert [n for n, _, _ in written] == [s.name for s in specs]
        for (name, default, _), s in zip(written, specs, strict=True):
            want = {} if s.type == "dict" else None if s.default in (None, "") else s.default
            assert default == want, name
    assert {s.name for k in PRODUCTISH for s in TABLES[k].values() if not s.nullable} == export_products.NOT_NULLABLE


def test_export_leaves_out_fields_the_product_type_does_not_have() -> None:
    from wcsync.core.records import LiveState
    from wcsync.export.model import ExportOptions, ExportResult

    ex = export_products.Exporter(LiveState(), ExportOptions(), ExportResult())
    for ptype in fields.PRODUCT_TYPES:
        skipped = ex._skipped_fields(ptype, {})
        for s in TABLES[Kind.PRODUCT].values():
            if s.product_types is not None and s.type != "refs":
                assert (s.name in skipped) == (ptype not in s.product_types), (ptype, s.name)


# -- the sandbox --------------------------------------------------------------------------------------------


def test_sandbox_field_rules_list_the_table_fields() -> None:
    product = TABLES[Kind.PRODUCT]
    assert set(sandbox_fields.BOOLEANS) == {s.wire for s in product.values() if s.type == "bool"}
    assert set(sandbox_fields.STRINGS) >= {s.wire for s in product.values() if s.type in ("money", "html") or
                                           (s.type == "text" and s.name != "name")}
    assert list(product["backorders"].choices) == sandbox_fields.BACKORDERS
    assert list(product["catalog_visibility"].choices) == sandbox_fields.VISIBILITY
    assert list(product["tax_status"].choices) == sandbox_fields.TAX_STATUS
    assert set(sandbox_fields.TYPES) == set(product["type"].choices)


def test_sandbox_serves_every_field_of_the_table(sandbox_app: Any) -> None:
    api = "/wp-json/wc/v3"
    made = sandbox_app.call("POST", f"{api}/products", json={"name": "P", "type": "variable", "sku": "P"})
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    var = sandbox_app.call("POST", f"{api}/products/{pid}/variations", json={"sku": "P-1"})
    assert var.status_code == 201, var.text
    bodies = {Kind.PRODUCT: sandbox_app.call("GET", f"{api}/products/{pid}", params={"context": "edit"}).json(),
              Kind.VARIATION: var.json()}
    for kind, body in bodies.items():
        missing = {s.wire for s in TABLES[kind].values()} - set(body)
        assert not missing, f"the sandbox's {kind.value} lacks {sorted(missing)}"


def test_references_compare_by_the_kind_the_table_names() -> None:
    from wcsync.core import compare

    for s in ALL_SPECS:
        if s.ref is not None:
            assert compare.codec_for(s.kind, s.name, s.type) is compare._SPECIAL[(s.kind, s.name)]
    assert {k for k in compare._SPECIAL if k[0] is not None and k[1] in {s.name for s in ALL_SPECS if s.ref}} == {
        (s.kind, s.name) for s in ALL_SPECS if s.ref is not None}
