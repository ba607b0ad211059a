"""Reading a whole collection page by page (``WooClient.list_all``).

Every page asks ``per_page=100&orderby=id&order=asc&context=edit``. Without ``pages`` the first page goes alone
and its ``X-WP-TotalPages`` says how many follow; those are then fetched concurrently, in a sliding window
(bounded by the client's limiter). With ``pages`` — the count a ``per_page=1`` request just read
(``X-WP-Total``) — every page goes at once, so the store's workers are busy from the first moment instead of
waiting for page 1; when an answer reports more pages than that (rows added meanwhile), the extra pages are read
too. A proxy that strips the ``X-WP-*`` headers is handled by walking on until a short page. Items seen twice
(rows inserted while paging) are kept once; the result is in page order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from wcsync.store.budget import PER_PAGE
from wcsync.store.concurrent import sliding
from wcsync.store.errors import RequestFailed
from wcsync.store.limits import MAX_PAGES, PAGE_WINDOW, checked_total_pages, too_many_pages

if TYPE_CHECKING:
    from wcsync.store.client import Progress, WooClient

Items = list[dict[str, Any]]


async def list_all(
    client: WooClient,
    path: str,
    params: dict[str, Any] | None = None,
    fields: Sequence[str] | Callable[[], Sequence[str]] | None = None,
    *,
    progress: Progress | None = None,
    label: str | None = None,
    on_page: Callable[[Items], None] | None = None,
    pages: int | None = None,
) -> Items:
    """Every item of ``path``. ``fields`` (``_fields``, ``id`` always added) may be a function, asked for each
    page as it is sent; ``on_page`` hears each page's items as they arrive (in any order), to work on them
    while the others load; ``progress`` hears ``(label or path, pages done, total pages)``."""
    base: dict[str, Any] = {"per_page": PER_PAGE, "orderby": "id", "order": "asc", "context": "edit"}
    base.update(params or {})
    name = label or path
    found: dict[int, Items] = {}
    reported: list[int | None] = []
    if pages is not None and pages > MAX_PAGES:
        pages = None  # an implausible count: page 1 alone first, whose headers then say precisely what is wrong
    expected = max(pages or 1, 1)

    def query(page: int) -> Callable[[], dict[str, Any]]:
        def build() -> dict[str, Any]:
            chosen = fields() if callable(fields) else fields
            if not chosen:
                return {**base, "page": page}
            return {**base, "_fields": ",".join(dict.fromkeys(["id", *chosen])), "page": page}
        return build

    async def fetch(page: int) -> None:
        try:
            response = await client.request("GET", path, params=query(page))
        except RequestFailed as exc:
            # rows deleted since the count: WordPress's own controllers refuse a page past the last one
            # (rest_post_invalid_page_number); WooCommerce's answer an empty list. Either way: no rows there
            if page > 1 and exc.status == 400 and "invalid_page_number" in (exc.code or ""):
                found[page] = []
                return
            raise
        found[page] = client.list_body(response, path)
        reported.append(checked_total_pages(response, PER_PAGE, store=client.store))
        if on_page:
            on_page(found[page])
        if progress:
            progress(name, len(found), max([expected, len(found), *(t or 0 for t in reported)]))

    if pages is None:
        await fetch(1)
        expected = max(reported[0] or 1, 1)
        await sliding(fetch, range(2, expected + 1), PAGE_WINDOW)  # never every request up front
    else:
        await sliding(fetch, range(1, expected + 1), PAGE_WINDOW)
    if None in reported:
        # a proxy stripped the X-WP-* headers: walk the pages one by one until a short page
        page = max(found)
        while len(found[page]) >= PER_PAGE:
            if page >= MAX_PAGES:
                raise too_many_pages(path, client.store, PER_PAGE, MAX_PAGES)
            page += 1
            await fetch(page)
    else:
        total = max(t for t in reported if t is not None)
        if total > expected:  # rows added since the count (or since page 1)
            await sliding(fetch, range(expected + 1, total + 1), PAGE_WINDOW)
    seen: set[Any] = set()
    out: Items = []
    for page in sorted(found):
        for item in found[page]:
            key = item.get("id")
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            out.append(item)
    return out
