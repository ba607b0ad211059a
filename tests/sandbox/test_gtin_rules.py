"""The sandbox's ``global_unique_id`` rules beyond the captures (which record only valid GTINs, 11#104-111), as
``WC_Product::set_global_unique_id`` has them: other characters dropped, an ``X`` only as the last character,
and a variation's GTIN counts against products too."""

from __future__ import annotations

from typing import Any

API = "/wp-json/wc/v3"


def test_an_x_before_the_end_is_refused_and_other_characters_are_dropped(sandbox_app: Any) -> None:
    bad = sandbox_app.call("POST", f"{API}/products", json={"name": "A", "global_unique_id": "12X4"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "product_invalid_global_unique_id_format"
    ok = sandbox_app.call("POST", f"{API}/products", json={"name": "B", "global_unique_id": "ISBN 0-306-40615-x"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["global_unique_id"] == "0-306-40615-x"


def test_a_product_cannot_take_a_variations_gtin(sandbox_app: Any) -> None:
    parent = sandbox_app.call("POST", f"{API}/products", json={"name": "V", "type": "variable"}).json()["id"]
    made = sandbox_app.call("POST", f"{API}/products/{parent}/variations", json={"global_unique_id": "04006381333948"})
    assert made.status_code == 201, made.text
    taken = sandbox_app.call("POST", f"{API}/products", json={"name": "P", "global_unique_id": "04006381333948"})
    assert taken.status_code == 400
    assert taken.json()["data"]["resource_id"] == made.json()["id"]
