"""A write whose outcome was unknown is compared with what was SENT once re-read; a create refused for a taken
SKU is re-read too: ours is completed in the same run, a foreign holder is named in words; each settlement is
said on the client's notify (stderr), like a retry."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.engine.test_writer import MiniStore, _no_sleep
from wcsync.core.kinds import Kind
from wcsync.engine.model import Op, WriteOp, WriteResult
from wcsync.settings import StoreSettings
from wcsync.store.client import WooClient
from wcsync.store.retry import RetryPolicy
from wcsync.store.settle import unsent
from wcsync.store.writer import StoreWriter

MARK = {"key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": {}}}
PHP_MARK = {"id": 77, "key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": []}}


def _run(store: MiniStore, ops: list[WriteOp]) -> tuple[list[WriteResult], list[str]]:
    said: list[str] = []

    async def go() -> list[WriteResult]:
        settings = StoreSettings(url="https://shop.test", consumer_key="ck_x", consumer_secret="cs_y")
        client = WooClient(settings, transport=httpx.MockTransport(store.handler),
                           retry=RetryPolicy(sleep=_no_sleep), notify=said.append)
        async with client:
            return await StoreWriter(client).write(Kind.PRODUCT, ops)

    return asyncio.run(go()), said


def _create(sku: str, **payload: Any) -> WriteOp:
    return WriteOp(kind=Kind.PRODUCT, op=Op.CREATE, key=sku, payload={"sku": sku, **payload})


def _calls(store: MiniStore) -> list[tuple[str, str, int]]:
    return list(store.requests)


def test_a_create_found_without_what_was_sent_is_completed_in_the_same_run() -> None:
    # a killed run's batch made SET-CAFE (marked, without cross-sells); this run's create of it lost its answer
    store = MiniStore()
    store.products = {40: {"id": 40, "sku": "SET-CAFE", "name": "Set Café", "status": "publish", "cross_sell_ids": [],
                           "date_modified_gmt": "2026-01-01T00:00:00", "meta_data": [PHP_MARK]}}
    store.faults = {1: "drop-after-commit"}
    op = _create("SET-CAFE", name="Set Café", cross_sell_ids=[7, 8], meta_data=[MARK])
    (result,), said = _run(store, [op])
    assert (result.ok, result.id, result.recovered) == (True, 40, True)
    assert store.products[40]["cross_sell_ids"] == [7, 8]
    # the lost create, the re-read by SKU, then an update of only what differed (one item)
    assert _calls(store) == [("POST", "products/batch", 1), ("GET", "products", 0), ("POST", "products/batch", 1)]
    assert store.last_batch == {"update": [{"cross_sell_ids": [7, 8], "id": 40}]}
    assert said[0].startswith("1 product write(s) with an unknown outcome (the connection failed after sending")
    assert "ReadError" not in " ".join(said)
    assert said[1] == ("  product SET-CAFE is in the store but differs from what was sent (cross_sell_ids): "
                       "writing that again")
    assert said[2] == "  settled by re-reading: 0 written as sent, 1 to complete, 0 not written yet (sending again)"


def test_a_create_found_as_sent_is_settled_without_a_second_write() -> None:
    store = MiniStore()
    store.faults = {1: "drop-after-commit"}
    op = _create("MUG", name="Mug & Co", regular_price="12.5", meta_data=[MARK, {"key": "gtin", "value": 42},
                                                                          {"key": "flag", "value": True}])
    (result,), said = _run(store, [op])
    assert (result.ok, result.recovered) == (True, True)
    assert [(m, p) for m, p, _ in _calls(store)] == [("POST", "products/batch"), ("GET", "products")]
    assert said[-1] == "  settled by re-reading: 1 written as sent, 0 to complete, 0 not written yet (sending again)"


def test_images_sent_by_src_are_never_uploaded_again_when_the_store_has_them() -> None:
    body = {"images": [{"id": 901, "src": "https://shop.test/wp-content/uploads/2026/12/front-1.jpg", "alt": "F"}],
            "name": "Hoodie"}
    sent = {"images": [{"src": "https://cdn.example/img/front.jpg", "alt": "Front"}], "name": "Hoodie"}
    # the alt text differs: sent again on the attachment the store already has, not as a new download
    assert unsent(sent, body) == {"images": [{"alt": "Front", "id": 901}]}
    assert unsent({**sent, "images": [{"src": "https://cdn.example/img/front.jpg", "alt": "F"}]}, body) == {}
    # a different file at that position is not the upload: sent by src
    other = {"images": [{"src": "https://cdn.example/img/back.jpg"}]}
    assert unsent(other, body) == other


def test_values_are_compared_the_way_woocommerce_stores_them() -> None:
    body = {"name": "Tee &amp; Co", "regular_price": "10.00", "categories": [{"id": 3, "name": "x"}, {"id": 4}],
            "date_on_sale_to": "2026-12-31T00:00:00", "manage_stock": "parent",
            "meta_data": [{"id": 1, "key": "gtin", "value": "0042"}, {"id": 2, "key": "n", "value": "12.5"},
                          {"id": 3, "key": "on", "value": "1"}, {"id": 4, "key": "spec", "value": {"a": [], "b": 1}}]}
    sent = {"name": "Tee & Co", "regular_price": "10", "categories": [{"id": 4}, {"id": 3}],
            "date_on_sale_to": "2026-12-31", "manage_stock": False,
            "meta_data": [{"key": "gtin", "value": "0042"}, {"key": "n", "value": 12.5}, {"key": "on", "value": True},
                          {"key": "spec", "value": {"a": {}, "b": 1}}, {"key": "old", "value": None}]}
    assert unsent(sent, body) == {}
    assert unsent({"meta_data": [{"key": "gtin", "value": "42"}]}, body) == {"meta_data": [{"key": "gtin",
                                                                                             "value": "42"}]}
    assert unsent({"meta_data": [{"key": "gtin", "value": None}]}, body) != {}


def test_a_taken_sku_held_by_our_marked_product_is_updated_instead_of_failing() -> None:
    store = MiniStore()
    store.products = {40: {"id": 40, "sku": "SET-CAFE-CREME", "name": "Old", "status": "publish",
                           "date_modified_gmt": "2026-01-01T00:00:00", "meta_data": [PHP_MARK]}}
    (result,), said = _run(store, [_create("SET-CAFE-CREME", name="Set Café Crème", meta_data=[MARK])])
    assert (result.ok, result.id, result.error) == (True, 40, None)
    assert store.products[40]["name"] == "Set Café Crème"
    assert said[0] == ("  product SET-CAFE-CREME: its SKU is taken by #40, which wcsync manages: updating it "
                       "instead of creating it")


def test_a_taken_sku_held_by_this_creates_own_earlier_attempt_is_adopted() -> None:
    class Lagging(MiniStore):
        """The first re-read does not see the product the lost batch made (a replica behind the primary)."""

        reads = 0

        def handler(self, request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                self.reads += 1
                if self.reads == 1:
                    self.requests.append(("GET", "products", 0))
                    return httpx.Response(200, json=[], headers={"X-WP-TotalPages": "1"})
            return super().handler(request)

    store = Lagging()
    store.faults = {1: "drop-after-commit"}
    (result,), said = _run(store, [_create("NEW-1", name="New")])
    assert (result.ok, result.id, result.recovered) == (True, 11, True)
    assert len(store.products) == 1
    assert any("made by this run's earlier attempt" in line for line in said)


def test_a_taken_sku_held_by_a_foreign_or_trashed_product_is_said_in_words() -> None:
    store = MiniStore()
    store.products = {5: {"id": 5, "sku": "POSTER", "name": "Hand-made &amp; Poster", "status": "publish",
                          "meta_data": []},
                      6: {"id": 6, "sku": "OLD", "name": "Old", "status": "trash", "meta_data": [PHP_MARK]}}
    results, _ = _run(store, [_create("POSTER", name="Poster"), _create("OLD", name="Old")])
    assert [r.ok for r in results] == [False, False]
    assert results[0].error == (
        'the SKU POSTER is already used by product #5 "Hand-made & Poster", which wcsync does not manage (it has '
        "no _wcsync mark; made in the store after the plan?) — run `wcsync plan` again: it offers to adopt it; or "
        "give this product another SKU in the catalogue")
    assert results[1].error == ("the SKU OLD belongs to product #6 in the store's trash; wcsync did not create it "
                                "again — run `wcsync plan` again: it plans to restore that product")
    assert all("product_invalid_sku" not in (r.error or "") for r in results)
    assert store.products[5]["name"] == "Hand-made &amp; Poster"  # never touched


def test_a_global_option_answered_as_its_term_slug_is_what_was_sent() -> None:
    body = {"default_attributes": [{"id": 4, "name": "Sock Size", "option": "39-42"},
                                   {"id": 5, "name": "Farbe", "option": "rot-weis"}]}
    sent = {"default_attributes": [{"id": 4, "option": "39–42"}, {"id": 5, "option": "Rot & Weiß"}]}
    assert unsent(sent, body) == {}
    assert unsent({"default_attributes": [{"id": 4, "option": "43–46"}, {"id": 5, "option": "Rot & Weiß"}]},
                  body) != {}


def test_a_trash_whose_answer_was_lost_is_said_on_stderr() -> None:
    store = MiniStore()
    store.products = {1: {"id": 1, "sku": "A", "status": "publish"}}
    store.faults = {-1: "drop-after-commit"}
    (result,), said = _run(store, [WriteOp(kind=Kind.PRODUCT, op=Op.TRASH, key="A", id=1)])
    assert (result.ok, result.recovered) == (True, True)
    assert said == ["product A: moving it to the trash had an unknown outcome (the connection failed after sending: "
                    "the connection was reset while waiting for the answer (connection reset after commit)); "
                    "re-read: it is in the trash"]
