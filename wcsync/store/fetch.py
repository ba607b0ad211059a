"""Read a store's whole catalogue into a ``LiveState`` with the fewest list requests, and re-read single
resources (by SKU or slug) when apply must resolve an unknown outcome.

Requests for a full fetch (P products, V variations, A global attributes):

    GET products?status=any&per_page=1&_fields=id + GET system_status          store check (counts P), version
    (not again when the same client read the store before: the convergence check re-uses what it learned)
    (the REST index ``GET /wp-json/``, unauthenticated, only when that probe fails: see ``probe_store``)
    categories, brands, tags, shipping classes: ⌈n/100⌉ each; attributes: 1; terms: ⌈n/100⌉ per attribute
    products status=any: ⌈P/100⌉, every page at once (the count says how many); products status=trash:
                ⌈T/100⌉ (at least 1), unless the catalogue's SKUs are all held live
    trashed variations: one ``status=trash`` list per variable product in the trash or restored before (none
                when there is no such product)
    variations: ⌈V/100⌉ through GET /wc/v3/variations (WooCommerce ≥ 10.3); before 10.3 its first page
                answers 404 ``rest_no_route`` (one request), then ⌈n/100⌉ per variable product, concurrently

Every list asks ``per_page=100&orderby=id&order=asc&context=edit`` and ``_fields`` of what the planner compares
(for plan and apply: only the optional product and variation fields some catalogue entry names,
``wcsync.store.readfields``). Scheduling: the store check first (its error, if any, says best what is
wrong), then every product page, the variations, the version and the small lists; the trash last, only when
the lists leave a catalogue SKU unheld. The catalogue may still be loading meanwhile (a future): pages sent
before it is known ask for every field.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from typing import Any, TypeVar

from wcsync.bulk import gc_paused
from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredState, LiveResource, LiveState
from wcsync.store import endpoints, wire
from wcsync.store.budget import pages, read_bound
from wcsync.store.client import Progress, WooClient
from wcsync.store.concurrent import first_error, gather_all
from wcsync.store.errors import RequestFailed
from wcsync.store.lock import is_lock_product
from wcsync.store.probe import StoreInfo, probe_store, wc_version
from wcsync.store.readfields import fields_of as _fields
from wcsync.store.readfields import released as _released
from wcsync.store.readfields import unmanaged_fields

T = TypeVar("T")


@gc_paused  # a whole store's records at once: see wcsync.bulk
async def fetch_live_state(
    client: WooClient, *, progress: Progress | None = None,
    desired: DesiredState | asyncio.Future[DesiredState] | None = None, trash_when_needed: bool = True,
) -> LiveState:
    """Everything wcsync compares, read concurrently (bounded by the client's limiter).

    ``desired``: the catalogue, or a future of it (still loading: the reads start at once, and the pages sent
    before it is known ask for every field). The optional fields no entry of it names are not read
    (``unmanaged_fields``), except for the resources whose mark records one (re-read whole: the planner
    releases it). With ``trash_when_needed`` and a catalogue, the trash is read only when the store's products
    and variations do not already hold every SKU the catalogue wants (``catalogue_skus``): otherwise it cannot
    change the plan (no SKU is to be restored from it, no create can collide with it). Without a catalogue
    (import, drift), every field and the trash are read.
    """
    catalogue = _Catalogue(desired)
    known: StoreInfo | None = client.store_info

    async def taxonomy(path: str, kind: Kind) -> list[dict[str, Any]]:
        return await client.list_all(path, fields=wire.wire_fields(kind), progress=progress)

    async def brands() -> list[dict[str, Any]]:
        # brands are WooCommerce core since 9.6; a store without them (older, or brands turned off) has no
        # route: it holds no brands
        try:
            return await taxonomy(endpoints.collection(Kind.BRAND), Kind.BRAND)
        except RequestFailed as exc:
            if exc.status == 404:
                return []
            raise

    early = _Early()

    async def attributes_and_terms() -> tuple[list[LiveResource], list[LiveResource]]:
        attributes = await fetch_attributes(client)
        early.know(wire.attribute_slugs(attributes))
        term_fields = wire.wire_fields(Kind.TERM)
        term_lists = await gather_all(
            client.list_all(endpoints.attribute_terms(a.id), fields=term_fields, progress=progress)
            for a in attributes
        )
        terms = [wire.term(body, a.id) for a, bodies in zip(attributes, term_lists, strict=True) for body in bodies]
        return attributes, terms

    with first_error():
        async with asyncio.TaskGroup() as group:
            # the store check first (when a read fails, its error says best what is wrong); it also counts the
            # products, so that all their pages can be asked for at once
            probe = group.create_task(_known(known) if known is not None else probe_store(client, version=False))

            async def probed(read: Callable[[], Awaitable[T]]) -> T:
                await probe
                return await read()

            # a catalogue that fails to load stops the reads at once
            group.create_task(catalogue.loaded())

            # once the store check has answered: the variations' first page (its X-WP-TotalPages says how many
            # follow), every product page (the check counted them), the version and the small lists
            async def product_list() -> list[dict[str, Any]]:
                counted = (await probe).products
                return await client.list_all(endpoints.PRODUCTS, {"status": "any"}, fields=catalogue.fields(Kind.PRODUCT),
                                             progress=progress, on_page=early.products,
                                             pages=None if counted is None else pages(counted))

            async def variation_list() -> tuple[list[dict[str, Any]], bool]:
                """The store-wide variations list, and whether the store has it (its first page tells, 404
                ``rest_no_route`` before WooCommerce 10.3, when the store check did not say)."""
                has = (await probe).has_store_variations
                if has is False:
                    return [], False
                try:
                    return await client.list_all(endpoints.STORE_VARIATIONS, fields=catalogue.fields(Kind.VARIATION),
                                                 progress=progress, on_page=early.variations), True
                except RequestFailed as exc:
                    if has is None and exc.status == 404 and exc.code == "rest_no_route":
                        return [], False
                    raise

            # the variations' first page ahead of the product pages: its answer releases the other variation
            # pages, which would otherwise start only after every product page and leave a worker idle
            variations_task = group.create_task(variation_list())
            products_task = group.create_task(product_list())
            version_task = group.create_task(
                probed(lambda: _known(known.wc_version) if known is not None else wc_version(client)))
            categories_task = group.create_task(probed(lambda: taxonomy(endpoints.collection(Kind.CATEGORY), Kind.CATEGORY)))
            brands_task = group.create_task(probed(brands))
            tags_task = group.create_task(probed(lambda: taxonomy(endpoints.collection(Kind.TAG), Kind.TAG)))
            shipping_task = group.create_task(probed(lambda: taxonomy(endpoints.collection(Kind.SHIPPING_CLASS),
                                                                      Kind.SHIPPING_CLASS)))
            attributes_task = group.create_task(probed(attributes_and_terms))

            async def trash() -> list[dict[str, Any]] | None:
                wanted = await catalogue.loaded()
                if wanted is not None and trash_when_needed and (await variations_task)[1]:
                    held = [*(await products_task), *(await variations_task)[0]]
                    if not _missing(catalogue_skus(wanted), held):
                        return None
                return await client.list_all(endpoints.PRODUCTS, {"status": "trash"}, fields=catalogue.fields(Kind.PRODUCT),
                                             progress=progress, label="products (trash)")

            trash_task = group.create_task(trash())
    info = probe.result()
    variation_bodies, store_variations = variations_task.result()
    categories, tags, shipping = categories_task.result(), tags_task.result(), shipping_task.result()
    attributes, terms = attributes_task.result()
    product_bodies, trash_bodies = products_task.result(), trash_task.result()
    # the apply lock (wcsync.store.lock) is a private product the store holds for wcsync: never planned
    trash_read = trash_bodies is not None
    product_bodies = [b for b in product_bodies if not is_lock_product(b)]
    trash_bodies = [b for b in trash_bodies or [] if not is_lock_product(b)]
    dropped = catalogue.dropped()
    if not store_variations:
        variation_bodies = await _variations_per_parent(client, product_bodies, progress, dropped)
    trashed_variation_bodies = await _trashed_variations(client, restorable_parents(product_bodies, trash_bodies),
                                                         dropped)
    extra = 0
    if dropped:
        product_bodies, trash_bodies, variation_bodies, trashed_variation_bodies, extra = await _released(
            client, dropped, (product_bodies, trash_bodies, variation_bodies, trashed_variation_bodies))

    slugs = wire.attribute_slugs(attributes)
    products = [early.product(b, slugs) for b in product_bodies]
    trashed = [wire.product(b, slugs) for b in trash_bodies]
    parent_skus = {p.id: p.key for p in (*products, *trashed)}
    variations = [early.variation(b, slugs, parent_skus.get(b.get("parent_id") or 0)) for b in variation_bodies]
    trashed_variations = [
        wire.variation(b, slugs, parent_id=b.get("parent_id"), parent_sku=parent_skus.get(b.get("parent_id") or 0))
        for b in trashed_variation_bodies
    ]
    state = LiveState(
        wc_version=version_task.result(),
        attributes=tuple(attributes),
        terms=tuple(terms),
        categories=tuple(wire.category(b) for b in categories),
        brands=tuple(wire.brand(b) for b in brands_task.result()),
        tags=tuple(wire.tag(b) for b in tags),
        shipping_classes=tuple(wire.shipping_class(b) for b in shipping),
        products=tuple(products),
        variations=tuple(variations),
        trashed_products=tuple(trashed),
        trashed_variations=tuple(trashed_variations),
    )
    client.stats.store_variations = store_variations
    client.stats.bound(read_bound(state, store_variations=store_variations, trash=trash_read,
                                  checks=known is None) + extra)
    client.store_info = StoreInfo(namespaces=info.namespaces, has_store_variations=store_variations,
                                  wc_version=state.wc_version)
    return state


class _Early:
    """Products and variations converted page by page while the other pages load (once the attribute slugs
    are known), instead of all at once after the last page. A body read again later (``released``) is a new
    object, converted then; a variation whose SKU turns out to be its parent's (inherited, known only when
    every product is read) is converted again with it."""

    def __init__(self) -> None:
        self._slugs: wire.AttributeSlugs | None = None
        self._waiting: list[tuple[Kind, list[dict[str, Any]]]] = []
        #: id(body) → (body, record); the body is kept so that its id is never reused
        self._done: dict[int, tuple[dict[str, Any], LiveResource]] = {}

    def know(self, slugs: wire.AttributeSlugs) -> None:
        self._slugs = slugs
        waiting, self._waiting = self._waiting, []
        for kind, bodies in waiting:
            self._convert(kind, bodies)

    def products(self, bodies: list[dict[str, Any]]) -> None:
        self._convert(Kind.PRODUCT, bodies)

    def variations(self, bodies: list[dict[str, Any]]) -> None:
        self._convert(Kind.VARIATION, bodies)

    def _convert(self, kind: Kind, bodies: list[dict[str, Any]]) -> None:
        slugs = self._slugs
        if slugs is None:
            self._waiting.append((kind, bodies))
            return
        for b in bodies:
            if is_lock_product(b) or not isinstance(b.get("id"), int):
                continue  # left to the final pass (which drops the lock and raises on a broken body)
            try:
                record = (wire.product(b, slugs) if kind is Kind.PRODUCT
                          else wire.variation(b, slugs, parent_id=b.get("parent_id")))
            except Exception:  # the final pass converts it again and reports the problem
                continue
            self._done[id(b)] = (b, record)

    def _known(self, body: dict[str, Any]) -> LiveResource | None:
        found = self._done.get(id(body))
        return found[1] if found is not None and found[0] is body else None

    def product(self, body: dict[str, Any], slugs: wire.AttributeSlugs) -> LiveResource:
        return self._known(body) or wire.product(body, slugs)

    def variation(self, body: dict[str, Any], slugs: wire.AttributeSlugs, parent_sku: str | None) -> LiveResource:
        record = self._known(body)
        if record is None or (record.key is not None and parent_sku is not None
                              and sku_key(record.key) == sku_key(parent_sku)):
            return wire.variation(body, slugs, parent_id=body.get("parent_id"), parent_sku=parent_sku)
        return record


class _Catalogue:
    """The catalogue a fetch reads for: known, still loading (a future), or none (read everything)."""

    def __init__(self, desired: DesiredState | asyncio.Future[DesiredState] | None) -> None:
        self._pending = desired if isinstance(desired, asyncio.Future) else None
        self._desired = None if isinstance(desired, asyncio.Future) else desired
        self._dropped = None if self._pending is not None else unmanaged_fields(self._desired)

    async def loaded(self) -> DesiredState | None:
        """The catalogue, once loaded (its loading error, if it failed)."""
        if self._pending is not None:
            # shielded: a read that fails cancels the waiters, never the loading (its error may be the one to tell)
            self._desired = await asyncio.shield(self._pending)
        return self._desired

    def dropped(self) -> dict[Kind, frozenset[str]]:
        """The optional fields not to read: none while the catalogue is still loading."""
        if self._dropped is None:
            pending = self._pending
            if pending is None or not pending.done() or pending.cancelled() or pending.exception() is not None:
                return {}
            self._dropped = unmanaged_fields(pending.result())
        return self._dropped

    def fields(self, kind: Kind) -> Callable[[], tuple[str, ...]]:
        """``_fields`` for a list page of ``kind``, decided as the page is sent."""
        return lambda: _fields(kind, self.dropped())


def catalogue_skus(desired: DesiredState) -> frozenset[str]:
    """Every SKU the catalogue wants: its products' and its variations' own (compared case-insensitively)."""
    own = (v.fields.get("sku") for v in desired.variations)
    return frozenset(sku_key(s) for s in (*(p.key for p in desired.products), *own)
                     if isinstance(s, str) and sku_key(s))


def _missing(skus: Collection[str], held: Iterable[dict[str, Any]]) -> bool:
    have = {sku_key(b.get("sku")) for b in held if isinstance(b.get("sku"), str)}
    return any(sku_key(s) not in have for s in skus)


#: meta row WordPress adds when it trashes a post; it stays after a restore (05#135, 11#21)
TRASH_META = "_wp_trash_meta_status"


def restorable_parents(products: Sequence[dict[str, Any]], trash: Sequence[dict[str, Any]]) -> list[int]:
    """Variable products whose variations may be in the trash while the plan wants them back: those in the trash
    (trashing a parent trashes its variations, and restoring it leaves them there, 11#7-17) and live ones that
    were trashed and restored before (they carry ``_wp_trash_meta_status``)."""
    def variable(body: dict[str, Any]) -> bool:
        return body.get("type") == "variable" and isinstance(body.get("id"), int)

    def restored(body: dict[str, Any]) -> bool:
        rows = body.get("meta_data")
        return any(isinstance(r, dict) and r.get("key") == TRASH_META for r in (rows if isinstance(rows, list) else ()))

    ids = [b["id"] for b in trash if variable(b)] + [b["id"] for b in products if variable(b) and restored(b)]
    return sorted(set(ids))


async def _trashed_variations(client: WooClient, parents: Sequence[int],
                              dropped: dict[Kind, frozenset[str]]) -> list[dict[str, Any]]:
    """The trashed variations of ``parents``: only ``status=trash`` lists them (11#8-10, 11#15-16); one list per
    parent, concurrently, ``parent_id`` filled in."""
    fields = _fields(Kind.VARIATION, dropped)
    lists = await gather_all(
        client.list_all(endpoints.variations(pid), {"status": "trash"}, fields=fields, progress=_silent)
        for pid in parents
    )
    return [{**b, "parent_id": b.get("parent_id") or pid} for pid, bodies in zip(parents, lists, strict=True)
            for b in bodies if b.get("status") == "trash"]


def _silent(path: str, done: int, total: int) -> None:
    return None


async def _known(value: T) -> T:
    return value


async def fetch_attributes(client: WooClient) -> list[LiveResource]:
    """Global attributes (WooCommerce does not paginate this list: one request)."""
    body = await client.get(endpoints.ATTRIBUTES, {"context": "edit",
                                                    "_fields": ",".join(wire.wire_fields(Kind.ATTRIBUTE))})
    return [wire.attribute(item) for item in body if isinstance(item, dict)] if isinstance(body, list) else []


async def _variations_per_parent(
    client: WooClient, products: Sequence[dict[str, Any]], progress: Progress | None,
    dropped: dict[Kind, frozenset[str]],
) -> list[dict[str, Any]]:
    """Older stores: one variation list per variable product, concurrently; ``parent_id`` filled in."""
    parents = [p["id"] for p in products if p.get("type") == "variable"]
    fields = _fields(Kind.VARIATION, dropped)
    done = 0

    async def one(pid: int) -> list[dict[str, Any]]:
        nonlocal done
        # the per-page progress of thousands of small lists is noise: report parents done instead
        result = await client.list_all(endpoints.variations(pid), fields=fields, progress=_silent)
        done += 1
        if progress:
            progress("variations (one list per variable product)", done, len(parents))
        return result

    lists = await gather_all(one(pid) for pid in parents)
    out: list[dict[str, Any]] = []
    for pid, bodies in zip(parents, lists, strict=True):
        out.extend({**b, "parent_id": b.get("parent_id") or pid} for b in bodies)
    return out


__all__ = ["StoreInfo", "catalogue_skus", "fetch_live_state"]
