"""The conformance normaliser is only as good as what it refuses: these tests pin what it forgives
(ids through a bijection, volatile dates, the upload month) and what it does not."""

from __future__ import annotations

from conformance import Comparison, IdMap, reorder_ties


def compare(expected: object, actual: object, ids: IdMap | None = None) -> list[str]:
    check = Comparison(ids or IdMap())
    check.value("body", expected, actual, "post")
    return check.diffs


def test_ids_match_through_one_bijection_per_space() -> None:
    ids = IdMap()
    assert compare({"id": 429, "parent_id": 0}, {"id": 1001, "parent_id": 0}, ids) == []
    assert compare({"id": 429}, {"id": 1001}, ids) == []
    assert compare({"id": 429}, {"id": 1002}, ids) != []  # 429 already means 1001
    assert compare({"id": 430}, {"id": 1001}, ids) != []  # 1001 already stands for 429
    assert compare({"categories": [{"id": 429, "name": "x", "slug": "x"}]},
                   {"categories": [{"id": 1001, "name": "x", "slug": "x"}]}, ids) == []  # terms: own space


def test_ids_inside_links_and_permalinks_use_the_same_maps() -> None:
    ids = IdMap()
    expected = {"id": 18, "permalink": "https://store.test/?post_type=product&p=18",
                "_links": {"self": [{"href": "https://store.test/wp-json/wc/v3/products/18"}]}}
    actual = {"id": 40, "permalink": "https://store.test/?post_type=product&p=40",
              "_links": {"self": [{"href": "https://store.test/wp-json/wc/v3/products/40"}]}}
    assert compare(expected, actual, ids) == []
    wrong = {**actual, "permalink": "https://store.test/?post_type=product&p=41"}
    assert compare(expected, wrong, IdMap()) != []


def test_dates_and_upload_months_are_volatile_but_values_are_not() -> None:
    expected = {"date_modified": "2026-11-28T10:23:32", "src": "https://store.test/wp-content/uploads/2026/11/a.jpg",
                "date_on_sale_from": "2031-01-01T00:00:00"}
    actual = {"date_modified": "2031-02-03T04:05:06", "src": "https://store.test/wp-content/uploads/2031/02/a.jpg",
              "date_on_sale_from": "2031-01-01T00:00:00"}
    assert compare(expected, actual) == []
    assert compare(expected, {**actual, "date_on_sale_from": "2031-01-02T00:00:00"}) != []
    assert compare(expected, {**actual, "date_modified": None}) != []
    assert compare(expected, {**actual, "src": "https://store.test/wp-content/uploads/2031/02/a-1.jpg"}) != []


def test_types_keys_and_lengths_must_match() -> None:
    assert compare({"price": "45"}, {"price": 45}) != []
    assert compare({"on_sale": False}, {"on_sale": 0}) != []
    assert compare({"a": 1}, {"a": 1, "b": 2}) != []
    assert compare({"tags": []}, {"tags": [{"id": 1}]}) != []


def test_tie_reordering_only_moves_items_it_can_identify() -> None:
    ids = IdMap()
    assert ids.same("term", 19, 119) and ids.same("term", 20, 120)
    expected = [{"id": 20, "name": "Hoodies"}, {"id": 19, "name": "Hoodies"}]
    actual = [{"id": 119, "name": "Hoodies"}, {"id": 120, "name": "Hoodies"}]
    assert reorder_ties(expected, actual, ids, "term") == [actual[1], actual[0]]


def test_download_ids_match_through_their_own_bijection() -> None:
    ids = IdMap()

    def download(uuid: str, name: str = "Manual") -> dict[str, object]:
        return {"downloads": [{"id": uuid, "name": name, "file": "http://store.test/a.jpg"}]}

    assert compare(download("cap-1"), download("sb-1"), ids) == []  # the store's random UUID vs the sandbox's
    assert compare(download("cap-1"), download("sb-1"), ids) == []  # kept where the store kept it
    assert compare(download("cap-1"), download("sb-2"), ids) != []  # the sandbox renewed a kept id
    assert compare(download("cap-2"), download("sb-1"), ids) != []  # the sandbox kept an id the store renewed
    assert compare(download("cap-2"), download("sb-2"), ids) == []
    assert compare(download("cap-2"), download("sb-2", "Other"), ids) != []  # everything else is compared
    assert compare(download("cap-3"), download(""), ids) != []  # an id must be there
