"""Import's shorter forms: variations as a ``variation_matrix`` only when the catalogue's own expansion gives
them back, and meta values typed only where they read back to the same stored text."""

from __future__ import annotations

from typing import Any

from wcsync.catalog.fieldconv import meta_value
from wcsync.export.matrix import matrix_form, sku_template
from wcsync.export.metatypes import as_number, infer_type, typed_value
from wcsync.export.variations import VARIATION_SCALARS

DEFAULTS = {name: default for name, default, _ in VARIATION_SCALARS}


def product(variations: list[dict[str, Any]], colors: list[str], sizes: list[str]) -> dict[str, Any]:
    return {
        "sku": "TEE", "name": "Tee", "type": "variable",
        "attributes": [{"name": "Color", "options": colors, "variation": True},
                       {"name": "Size", "options": sizes, "variation": True}],
        "variations": variations,
        "meta": {"x": "1"},
    }


def grid(colors: list[str], sizes: list[str], **extra: Any) -> list[dict[str, Any]]:
    return [
        {"sku": f"TEE-{c.upper().replace(' ', '-')}-{s}", "attributes": {"Color": c, "Size": s},
         "regular_price": "48.00" if s == "L" else "45.00", "weight": 0.2, **extra}
        for c in colors for s in sizes
    ]


def test_a_full_grid_becomes_a_matrix_with_overrides_and_exceptions() -> None:
    colors, sizes = ["Red", "Forest Green"], ["S", "M", "L"]
    variations = grid(colors, sizes)
    variations[0]["sale_price"] = "39.00"
    doc = matrix_form(product(variations, colors, sizes), DEFAULTS)
    assert doc is not None
    assert list(doc) == ["sku", "name", "type", "attributes", "variation_matrix", "variations", "meta"]
    assert doc["variation_matrix"] == {
        "sku": "TEE-{{ Color | replace(' ', '-') | upper }}-{{ Size }}",
        "regular_price": "45.00",
        "weight": 0.2,
        "overrides": [{"when": {"Size": "L"}, "regular_price": "48.00"}],
    }
    assert doc["variations"] == [{"sku": "TEE-RED-S", "sale_price": "39.00"}]


def test_what_a_matrix_cannot_say_stays_explicit() -> None:
    colors, sizes = ["Red", "Blue"], ["S", "M"]
    missing_one = grid(colors, sizes)[:-1]  # not the full grid
    assert matrix_form(product(missing_one, colors, sizes), DEFAULTS) is None
    odd_skus = grid(colors, sizes)
    odd_skus[1]["sku"] = "SOMETHING-ELSE"
    assert matrix_form(product(odd_skus, colors, sizes), DEFAULTS) is None
    images = grid(colors, sizes)
    images[0]["image"] = {"src": "https://shop.example/a.jpg"}  # no way to "unset" an image in an override
    doc = matrix_form(product(images, colors, sizes), DEFAULTS)
    assert doc is not None and "image" not in doc["variation_matrix"]
    assert doc["variations"] == [{"sku": "TEE-RED-S", "image": {"src": "https://shop.example/a.jpg"}}]


def test_sku_templates_follow_the_skus() -> None:
    items = [(("Red", "S"), "JACKET-NORD-RED-S"), (("Blue", "M"), "JACKET-NORD-BLUE-M")]
    assert sku_template("JACKET-DOWN-NORD", ["Color", "Size"], items) == "JACKET-NORD-{{ Color | upper }}-{{ Size }}"
    items = [(("Red",), "tee_red"), (("Blue",), "tee_blue")]
    assert sku_template("TEE", ["Farbe"], items) == "tee_{{ Farbe | lower }}"
    assert sku_template("TEE", ["Sock Size"], [(("36",), "TEE-36"), (("39",), "TEE-39")]) == (
        'TEE-{{ attrs["Sock Size"] }}'
    )
    assert sku_template("TEE", ["Size"], [(("S",), "A1"), (("M",), "B2")]) is None


def test_meta_types_from_values() -> None:
    assert infer_type(["2019", "2021", "2019"]) == ("number", None)
    assert infer_type(["0.5", "12"]) == ("number", None)
    assert infer_type(["07045210000550"]) == ("string", None)  # a leading zero: text
    assert infer_type(["1.50"]) == ("string", None)  # would read back as "1.5"
    assert infer_type(["1", "", "1"]) == ("boolean", None)
    assert infer_type([{"a": 1}, [1]]) == ("json", None)
    assert infer_type(["new", "eco", "new", "limited", "new"]) == ("enum", ["new", "eco", "limited"])
    assert infer_type(["one", "two"]) == ("string", None)  # too few uses to call it an enum


def test_typed_values_read_back_to_the_stored_text() -> None:
    for text in ("2019", "0", "-3", "0.5", "12.25", "1e5", "1.50", "007", " 1"):
        value = typed_value(text, "number", None)
        assert meta_value(value) == text
    assert typed_value("1", "boolean", None) is True and meta_value(True) == "1"
    assert typed_value("", "boolean", None) is False and meta_value(False) == ""
    assert typed_value("2", "enum", [1, 2, 3]) == 2
    assert as_number("1.50") is None and as_number("2019") == 2019
