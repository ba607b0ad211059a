"""A product type outside simple/variable/grouped/external: a plugin's type name is accepted (such a product is a
record, never written), a near miss of a known type is a typo with a suggestion."""

from __future__ import annotations

from pathlib import Path

from tests.catalog.conftest import edit, errors

H = "catalog/products/clothing/hoodie.yaml"


def test_the_catalogue_accepts_a_plugin_type_but_not_a_typo_of_a_known_one(shop: Path) -> None:
    edit(shop, H, "type: variable\n", "type: variabel\n")
    assert errors(shop) == ["catalog/products/clothing/hoodie.yaml:3:7: type: 'variabel' is not allowed — did you "
                            "mean 'variable'? (allowed: simple, variable, grouped, external)"]
    edit(shop, H, "type: variabel\n", "type: Simple Product\n")
    assert errors(shop)[0].startswith("catalog/products/clothing/hoodie.yaml:3:7: type: 'Simple Product' is not "
                                      "allowed — use one of: simple, variable, grouped, external (or a plugin's")


def test_an_imported_plugin_product_validates(shop: Path) -> None:
    (shop / "catalog" / "products" / "sub.yaml").write_text(
        "sku: SUB-1\nname: Monthly box\ntype: subscription\nstatus: publish\n", encoding="utf-8")
    assert errors(shop) == []
