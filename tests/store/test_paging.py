"""``wcsync.store.paging.list_all`` against a scripted store: with a count, every page goes out at once and the
result is in page order; an answer that reports more pages than counted brings the extra pages in; a page past
the last one (rows deleted since the count) holds no rows; an implausible count is not trusted."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from wcsync.store.errors import RequestFailed, RequestInfo
from wcsync.store.limits import MAX_PAGES
from wcsync.store.paging import list_all


class Store:
    """``pages`` full pages of ids; ``total_pages``: what each answer's headers say."""

    def __init__(self, pages: int, *, total_pages: int | None = None, past_end: str = "empty") -> None:
        self.pages, self.total_pages, self.past_end = pages, total_pages or pages, past_end
        self.asked: list[int] = []
        self.in_flight = 0
        self.most = 0
        self.store = "https://shop.example"

    async def request(self, method: str, path: str, *, params: Any) -> httpx.Response:
        page = int(params()["page"])
        self.asked.append(page)
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0)
        self.in_flight -= 1
        if page > self.pages and self.past_end == "error":
            raise RequestFailed("past the end", request=RequestInfo("GET", path), status=400,
                                code="rest_post_invalid_page_number")
        rows = [{"id": (page - 1) * 100 + n} for n in range(100)] if page <= self.pages else []
        return httpx.Response(200, json=rows, headers={"X-WP-Total": str(self.total_pages * 100),
                                                      "X-WP-TotalPages": str(self.total_pages)},
                              request=httpx.Request("GET", "https://shop.example/wp-json/wc/v3/products"))

    def list_body(self, response: httpx.Response, path: str) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = response.json()
        return body


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [r["id"] for r in rows]


def run(store: Store, **kw: Any) -> list[dict[str, Any]]:
    return asyncio.run(list_all(store, "products", **kw))  # type: ignore[arg-type]


def test_a_count_sends_every_page_at_once_and_joins_them_in_order() -> None:
    store = Store(3)
    rows = run(store, pages=3)
    assert ids(rows) == list(range(300)) and sorted(store.asked) == [1, 2, 3] and store.most == 3


def test_without_a_count_page_one_goes_alone_first() -> None:
    store = Store(3)
    assert ids(run(store)) == list(range(300))
    assert store.asked[0] == 1 and sorted(store.asked) == [1, 2, 3]


def test_rows_added_since_the_count_are_read_too() -> None:
    store = Store(4)  # the count said 2 pages; every answer says 4
    assert ids(run(store, pages=2)) == list(range(400))
    assert sorted(store.asked) == [1, 2, 3, 4]


def test_a_page_past_the_last_holds_no_rows_whether_empty_or_refused() -> None:
    for past_end in ("empty", "error"):
        store = Store(2, past_end=past_end)  # the count said 3 pages; a product was deleted since
        assert ids(run(store, pages=3)) == list(range(200)), past_end


def test_an_implausible_count_is_not_trusted() -> None:
    store = Store(1)
    assert ids(run(store, pages=MAX_PAGES + 1)) == list(range(100))
    assert store.asked == [1]
