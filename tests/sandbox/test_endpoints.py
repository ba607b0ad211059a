"""Every catalogue endpoint of the sandbox answers list, get, create, update, delete and batch — also the ones no
capture exercises fully (shipping classes, attribute terms' batch, variations' batch delete).

One table row per endpoint family: how to make its collection path, a body to create, a change to update and
what a delete needs (``force=true`` for terms and attributes, which WooCommerce cannot trash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

API = "/wp-json/wc/v3"


@dataclass(frozen=True)
class Family:
    name: str
    #: builds the collection path (may create parents) from the in-process sandbox
    collection: Callable[[Any], str]
    create: dict[str, Any]
    second: dict[str, Any]
    update: dict[str, Any]
    #: (field, value after update) as the store answers it
    changed: tuple[str, Any]
    #: True when DELETE without force moves the item to the trash (products)
    trashable: bool = False


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _attribute(sandbox: Any) -> int:
    body = _ok(sandbox.call("POST", f"{API}/products/attributes", json={"name": "Color", "slug": "color"}), 201)
    return int(body["id"])


def _variable_parent(sandbox: Any) -> str:
    attribute = _attribute(sandbox)
    for name in ("Red", "Blue", "Green"):
        _ok(sandbox.call("POST", f"{API}/products/attributes/{attribute}/terms", json={"name": name}), 201)
    parent = _ok(sandbox.call("POST", f"{API}/products", json={
        "name": "Hoodie", "type": "variable",
        "attributes": [{"id": attribute, "options": ["Red", "Blue", "Green"], "variation": True}],
    }), 201)
    return f"{API}/products/{parent['id']}/variations"


def _variation(option: str, price: str) -> dict[str, Any]:
    return {"regular_price": price, "attributes": [{"name": "Color", "option": option}]}


FAMILIES = [
    Family("categories", lambda s: f"{API}/products/categories", {"name": "Hoodies"}, {"name": "Caps"},
           {"description": "Warm"}, ("description", "Warm")),
    Family("tags", lambda s: f"{API}/products/tags", {"name": "Winter"}, {"name": "Summer"},
           {"description": "Cold"}, ("description", "Cold")),
    Family("shipping_classes", lambda s: f"{API}/products/shipping_classes", {"name": "Bulky"},
           {"name": "Letter"}, {"description": "Big parcels"}, ("description", "Big parcels")),
    Family("attributes", lambda s: f"{API}/products/attributes", {"name": "Size"}, {"name": "Material"},
           {"order_by": "name"}, ("order_by", "name")),
    Family("attribute terms", lambda s: f"{API}/products/attributes/{_attribute(s)}/terms", {"name": "Red"},
           {"name": "Blue"}, {"menu_order": 3}, ("menu_order", 3)),
    Family("products", lambda s: f"{API}/products", {"name": "Tee", "regular_price": "9.50"},
           {"name": "Cap", "regular_price": "4"}, {"regular_price": "11.00"}, ("regular_price", "11.00"),
           trashable=True),
    Family("variations", _variable_parent, _variation("Red", "10"), _variation("Blue", "12"),
           {"regular_price": "15.25"}, ("regular_price", "15.25")),
]


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_list_get_create_update_delete(sandbox_app: Any, family: Family) -> None:
    collection = family.collection(sandbox_app)
    before = sandbox_app.call("GET", collection)
    existing = len(_ok(before))

    created = _ok(sandbox_app.call("POST", collection, json=family.create), 201)
    item = f"{collection}/{created['id']}"
    assert _ok(sandbox_app.call("GET", item))["id"] == created["id"]

    listed = sandbox_app.call("GET", collection)
    assert [i["id"] for i in _ok(listed)].count(created["id"]) == 1
    if "X-WP-Total" in before.headers:  # global attributes are not paginated (no totals, as in WooCommerce)
        assert listed.headers["X-WP-Total"] == str(existing + 1)

    field, value = family.changed
    updated = _ok(sandbox_app.call("PUT", item, json=family.update))
    assert updated[field] == value
    assert _ok(sandbox_app.call("GET", item))[field] == value

    if family.trashable:
        # capture 05#124: the answer is the product as it was before; 05#129: trashing twice is 410
        assert _ok(sandbox_app.call("DELETE", item))["status"] == "publish"
        assert _ok(sandbox_app.call("GET", item))["status"] == "trash"
        assert sandbox_app.call("DELETE", item).status_code == 410
    elif family.name == "attributes":
        # capture 04#46: a global attribute is deleted even without force (the docs claim 501; the store disagrees)
        assert _ok(sandbox_app.call("DELETE", item))["id"] == created["id"]
        assert sandbox_app.call("GET", item).status_code == 404
        created = _ok(sandbox_app.call("POST", collection, json=family.create), 201)
        item = f"{collection}/{created['id']}"
    elif family.name != "variations":
        refused = sandbox_app.call("DELETE", item)
        assert refused.status_code == 501 and refused.json()["code"] == "woocommerce_rest_trash_not_supported"
    deleted = _ok(sandbox_app.call("DELETE", item, params={"force": "true"}))
    assert deleted["id"] == created["id"]
    gone = sandbox_app.call("GET", item)
    assert gone.status_code == 404 and gone.json()["data"]["status"] == 404
    assert len(_ok(sandbox_app.call("GET", collection))) == existing


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_batch_creates_updates_and_deletes_for_good(sandbox_app: Any, family: Family) -> None:
    collection = family.collection(sandbox_app)
    existing = len(_ok(sandbox_app.call("GET", collection)))
    victim = _ok(sandbox_app.call("POST", collection, json=family.create), 201)

    answer = _ok(sandbox_app.call("POST", f"{collection}/batch", json={
        "create": [family.second],
        "update": [{"id": victim["id"], **family.update}],
        "delete": [victim["id"]] if family.name != "products" else [],
    }))
    field, value = family.changed
    [made] = answer["create"]
    assert made["id"] > 0 and "error" not in made
    [changed] = answer["update"]
    assert changed["id"] == victim["id"] and changed[field] == value
    if family.name != "products":
        [removed] = answer["delete"]
        assert removed["id"] == victim["id"]
        # batch deletes are forced: the item is gone, not trashed
        assert sandbox_app.call("GET", f"{collection}/{victim['id']}").status_code == 404
        assert len(_ok(sandbox_app.call("GET", collection))) == existing + 1
    else:
        answer = _ok(sandbox_app.call("POST", f"{collection}/batch", json={"delete": [victim["id"]]}))
        assert [d["id"] for d in answer["delete"]] == [victim["id"]]
        assert sandbox_app.call("GET", f"{collection}/{victim['id']}").status_code == 404
        trash = _ok(sandbox_app.call("GET", collection, params={"status": "trash"}))
        assert trash == []


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_unknown_ids_are_404_with_a_woocommerce_error_body(sandbox_app: Any, family: Family) -> None:
    collection = family.collection(sandbox_app)
    for method in ("GET", "PUT", "DELETE"):
        response = sandbox_app.call(method, f"{collection}/987654", json={} if method == "PUT" else None,
                                    params={"force": "true"} if method == "DELETE" else None)
        body = response.json()
        assert response.status_code in (400, 404), (method, body)
        assert set(body) >= {"code", "message", "data"} and body["data"]["status"] == response.status_code
        assert body["code"].startswith(("woocommerce_rest_", "rest_")), body


def test_a_variation_batch_syncs_its_parent_once_at_the_end(sandbox_app: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """WooCommerce defers the parent sync to the end of the request (``wc_deferred_product_sync``); the
    parent's price is the lowest of its variations afterwards, and the sync ran once, not once per item."""
    from wcsync.sandbox import variations

    collection = _variable_parent(sandbox_app)
    parent = collection.rsplit("/variations", 1)[0]
    synced: list[int] = []
    real_sync = variations.sync_parent
    monkeypatch.setattr(variations, "sync_parent", lambda conn, pid: (synced.append(pid), real_sync(conn, pid)))
    answer = _ok(sandbox_app.call("POST", f"{collection}/batch", json={"create": [
        _variation("Red", "7"), _variation("Blue", "5"), _variation("Green", "9")]}))
    ids = [item["id"] for item in answer["create"]]
    assert len(synced) == 1 and _ok(sandbox_app.call("GET", parent))["price"] == "5"
    answer = _ok(sandbox_app.call("POST", f"{collection}/batch", json={
        "update": [{"id": ids[2], "regular_price": "6"}], "delete": [ids[1]]}))
    assert [d["id"] for d in answer["delete"]] == [ids[1]]
    assert len(synced) == 2 and _ok(sandbox_app.call("GET", parent))["price"] == "6"
    _ok(sandbox_app.call("PUT", f"{collection}/{ids[0]}", json={"regular_price": "3"}))  # single: synced at once
    assert len(synced) == 3 and _ok(sandbox_app.call("GET", parent))["price"] == "3"


def test_generating_variations_syncs_the_parent_once(sandbox_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from wcsync.sandbox import variations

    collection = _variable_parent(sandbox_app)
    synced: list[int] = []
    real_sync = variations.sync_parent
    monkeypatch.setattr(variations, "sync_parent", lambda conn, pid: (synced.append(pid), real_sync(conn, pid)))
    answer = _ok(sandbox_app.call("POST", f"{collection}/generate", json={"default_values": {"regular_price": "8"}}))
    assert answer == {"count": 3} and len(synced) == 1
    listed = _ok(sandbox_app.call("GET", collection))
    assert sorted(v["attributes"][0]["option"] for v in listed) == ["Blue", "Green", "Red"]
    assert _ok(sandbox_app.call("GET", collection.rsplit("/variations", 1)[0]))["price"] == "8"
    assert _ok(sandbox_app.call("POST", f"{collection}/generate", json={})) == {"count": 0} and len(synced) == 1
