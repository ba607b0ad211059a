"""Read a store's whole catalogue into a ``LiveState`` with the fewest list requests, and re-read single
resources (by SKU or slug) when apply must resolve an unknown outcome.

Requests for a full fetch (P products, V variations, A global attributes):

    GET variations?per_page=1&_fields=id + GET system_status                   store checks, version
    (not again when the same client read the store before: the convergence check re-uses what it learned)
    (the REST index ``GET /wp-json/``, unauthenticated, only when that probe fails: see ``probe_store``)
    categories, tags, shipping classes: ⌈n/100⌉ each; attributes: 1; terms: ⌈n/100⌉ per attribute
    products status=any: ⌈P/100⌉; products status=trash: ⌈T/100⌉ (at least 1), unless the catalogue's SKUs
                are all held live (``skus``)
    trashed variations: one ``status=trash`` list per variable product in the trash or restored before (none
                when there is no such product)
    variations: ⌈V/100⌉ through GET /wc/v3/variations (WooCommerce ≥ 10.3, answered the probe),
                else ⌈n/100⌉ per variable product, concurrently

Every list asks ``per_page=100&orderby=id&order=asc&context=edit`` and ``_fields`` of what the planner compares.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from wcsync.bulk import gc_paused
from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredState, LiveResource, LiveState
from wcsync.store import wire
from wcsync.store.budget import read_bound
from wcsync.store.client import Progress, WooClient
from wcsync.store.concurrent import first_error, gather_all
from wcsync.store.lock import is_lock_product
from wcsync.store.probe import StoreInfo, probe_store, wc_version

#: the most SKUs in one ``sku=`` list (WooCommerce has no limit, URLs do)
SKU_CHUNK = 100
PRODUCT_REREAD_FIELDS = (*wire.wire_fields(Kind.PRODUCT), "type", "parent_id")


@gc_paused  # a whole store's records at once: see wcsync.bulk
async def fetch_live_state(
    client: WooClient, *, progress: Progress | None = None, skus: Collection[str] | None = None
) -> LiveState:
    """Everything wcsync compares, read concurrently (bounded by the client's limiter).

    ``skus``: every SKU the catalogue wants (products and variations, ``catalogue_skus``). When given and the
    store's products and variations already hold every one of them, the trash cannot change the plan (no
    SKU is to be restored from it, no create can collide with it) and is not read. None: always read it.
    """
    known: StoreInfo | None = client.store_info
    info = known if known is not None else await probe_store(client, version=False)

    async def taxonomy(path: str, kind: Kind) -> list[dict[str, Any]]:
        return await client.list_all(path, fields=wire.wire_fields(kind), progress=progress)

    async def attributes_and_terms() -> tuple[list[LiveResource], list[LiveResource]]:
        attributes = await fetch_attributes(client)
        term_fields = wire.wire_fields(Kind.TERM)
        term_lists = await gather_all(
            client.list_all(f"products/attributes/{a.id}/terms", fields=term_fields, progress=progress)
            for a in attributes
        )
        terms = [wire.term(body, a.id) for a, bodies in zip(attributes, term_lists, strict=True) for body in bodies]
        return attributes, terms

    product_fields = wire.wire_fields(Kind.PRODUCT)
    with first_error():
        async with asyncio.TaskGroup() as group:
            version_task = group.create_task(_known(known.wc_version) if known is not None else wc_version(client))
            categories_task = group.create_task(taxonomy("products/categories", Kind.CATEGORY))
            tags_task = group.create_task(taxonomy("products/tags", Kind.TAG))
            shipping_task = group.create_task(taxonomy("products/shipping_classes", Kind.SHIPPING_CLASS))
            attributes_task = group.create_task(attributes_and_terms())
            products_task = group.create_task(
                client.list_all("products", {"status": "any"}, fields=product_fields, progress=progress)
            )
            variations_task = group.create_task(
                client.list_all("variations", fields=wire.wire_fields(Kind.VARIATION), progress=progress)
                if info.has_store_variations
                else _nothing()
            )

            async def trash() -> list[dict[str, Any]] | None:
                if skus is not None and info.has_store_variations:
                    held = [*(await products_task), *(await variations_task)]
                    if not _missing(skus, held):
                        return None
                return await client.list_all("products", {"status": "trash"}, fields=product_fields,
                                             progress=progress, label="products (trash)")

            trash_task = group.create_task(trash())
    categories, tags, shipping = categories_task.result(), tags_task.result(), shipping_task.result()
    attributes, terms = attributes_task.result()
    product_bodies, trash_bodies = products_task.result(), trash_task.result()
    # the apply lock (wcsync.store.lock) is a private product the store holds for wcsync: never planned
    trash_read = trash_bodies is not None
    product_bodies = [b for b in product_bodies if not is_lock_product(b)]
    trash_bodies = [b for b in trash_bodies or [] if not is_lock_product(b)]
    variation_bodies = variations_task.result()
    if not info.has_store_variations:
        variation_bodies = await _variations_per_parent(client, product_bodies, progress)
    trashed_variation_bodies = await _trashed_variations(client, restorable_parents(product_bodies, trash_bodies))

    slugs = wire.attribute_slugs(attributes)
    products = [wire.product(b, slugs) for b in product_bodies]
    trashed = [wire.product(b, slugs) for b in trash_bodies]
    parent_skus = {p.id: p.key for p in (*products, *trashed)}
    variations = [
        wire.variation(b, slugs, parent_id=b.get("parent_id"), parent_sku=parent_skus.get(b.get("parent_id") or 0))
        for b in variation_bodies
    ]
    trashed_variations = [
        wire.variation(b, slugs, parent_id=b.get("parent_id"), parent_sku=parent_skus.get(b.get("parent_id") or 0))
        for b in trashed_variation_bodies
    ]
    state = LiveState(
        wc_version=version_task.result(),
        attributes=tuple(attributes),
        terms=tuple(terms),
        categories=tuple(wire.category(b) for b in categories),
        tags=tuple(wire.tag(b) for b in tags),
        shipping_classes=tuple(wire.shipping_class(b) for b in shipping),
        products=tuple(products),
        variations=tuple(variations),
        trashed_products=tuple(trashed),
        trashed_variations=tuple(trashed_variations),
    )
    client.stats.store_variations = info.has_store_variations
    client.stats.bound(read_bound(state, store_variations=info.has_store_variations, trash=trash_read,
                                  checks=known is None))
    client.store_info = StoreInfo(namespaces=info.namespaces, has_store_variations=info.has_store_variations,
                                  wc_version=state.wc_version)
    return state


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


async def _trashed_variations(client: WooClient, parents: Sequence[int]) -> list[dict[str, Any]]:
    """The trashed variations of ``parents``: only ``status=trash`` lists them (11#8-10, 11#15-16); one list per
    parent, concurrently, ``parent_id`` filled in."""
    fields = wire.wire_fields(Kind.VARIATION)
    lists = await gather_all(
        client.list_all(f"products/{pid}/variations", {"status": "trash"}, fields=fields, progress=_silent)
        for pid in parents
    )
    return [{**b, "parent_id": b.get("parent_id") or pid} for pid, bodies in zip(parents, lists, strict=True)
            for b in bodies if b.get("status") == "trash"]


def _silent(path: str, done: int, total: int) -> None:
    return None


async def _known(version: str | None) -> str | None:
    return version


async def _nothing() -> list[dict[str, Any]]:
    return []


async def fetch_attributes(client: WooClient) -> list[LiveResource]:
    """Global attributes (WooCommerce does not paginate this list: one request)."""
    body = await client.get("products/attributes", {"context": "edit",
                                                    "_fields": ",".join(wire.wire_fields(Kind.ATTRIBUTE))})
    return [wire.attribute(item) for item in body if isinstance(item, dict)] if isinstance(body, list) else []


async def _variations_per_parent(
    client: WooClient, products: Sequence[dict[str, Any]], progress: Progress | None
) -> list[dict[str, Any]]:
    """Older stores: one variation list per variable product, concurrently; ``parent_id`` filled in."""
    parents = [p["id"] for p in products if p.get("type") == "variable"]
    fields = wire.wire_fields(Kind.VARIATION)
    done = 0

    async def one(pid: int) -> list[dict[str, Any]]:
        nonlocal done
        # the per-page progress of thousands of small lists is noise: report parents done instead
        result = await client.list_all(f"products/{pid}/variations", fields=fields, progress=_silent)
        done += 1
        if progress:
            progress("variations (one list per variable product)", done, len(parents))
        return result

    lists = await gather_all(one(pid) for pid in parents)
    out: list[dict[str, Any]] = []
    for pid, bodies in zip(parents, lists, strict=True):
        out.extend({**b, "parent_id": b.get("parent_id") or pid} for b in bodies)
    return out


def _chunks(keys: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


async def reread(client: WooClient, kind: Kind, keys: Iterable[str]) -> list[LiveResource]:
    """Re-read resources by natural key: products and variations by SKU (``sku=`` comma lists of ≤100, one
    request per chunk), terms by slug (``attribute/slug`` for attribute terms), attributes by slug.

    Variations without an own SKU cannot be found by key here: list their parent's variations with
    ``reread_variations_of``. Resources not found are simply absent from the result.
    """
    wanted = list(dict.fromkeys(k for k in keys if k))
    if not wanted:
        return []
    if kind in (Kind.PRODUCT, Kind.VARIATION):
        return await _reread_by_sku(client, kind, wanted)
    if kind is Kind.ATTRIBUTE:
        return [a for a in await fetch_attributes(client) if a.key in set(wanted)]
    if kind is Kind.TERM:
        return await _reread_terms(client, wanted)
    path = {Kind.CATEGORY: "products/categories", Kind.TAG: "products/tags",
            Kind.SHIPPING_CLASS: "products/shipping_classes"}[kind]
    mapper = {Kind.CATEGORY: wire.category, Kind.TAG: wire.tag, Kind.SHIPPING_CLASS: wire.shipping_class}[kind]
    if len(wanted) <= 3:  # slug= takes one slug (a comma list matches nothing): one request each
        found = await gather_all(client.list_all(path, {"slug": s}, fields=wire.wire_fields(kind)) for s in wanted)
        bodies = [b for group in found for b in group]
    else:
        bodies = await client.list_all(path, fields=wire.wire_fields(kind))
    return [r for r in (mapper(b) for b in bodies) if r.key in set(wanted)]


async def _reread_by_sku(client: WooClient, kind: Kind, skus: list[str]) -> list[LiveResource]:
    # products?sku= is exact and case-insensitive, accepts a comma list and also returns variations
    found = await gather_all(
        client.list_all("products", {"sku": ",".join(chunk), "status": "any"}, fields=PRODUCT_REREAD_FIELDS)
        for chunk in _chunks(skus, SKU_CHUNK)
    )
    bodies = [b for group in found for b in group]
    attributes = await fetch_attributes(client)
    slugs = wire.attribute_slugs(attributes)
    if kind is Kind.PRODUCT:
        return [wire.product(b, slugs) for b in bodies if b.get("type") != "variation"]
    by_parent: dict[int, set[int]] = {}
    for b in bodies:
        if b.get("type") == "variation" and b.get("parent_id"):
            by_parent.setdefault(int(b["parent_id"]), set()).add(int(b["id"]))
    variations = await reread_variations_of(client, sorted(by_parent), attribute_slugs=slugs)
    return [v for v in variations if v.id in {i for ids in by_parent.values() for i in ids}]


async def reread_variations_of(
    client: WooClient, parent_ids: Sequence[int], *, attribute_slugs: dict[int, str] | None = None
) -> list[LiveResource]:
    """Every variation of the given parents (one list per parent, concurrently)."""
    if attribute_slugs is None:
        attribute_slugs = wire.attribute_slugs(await fetch_attributes(client))
    parents = await gather_all(
        client.get(f"products/{pid}", {"_fields": "id,sku", "context": "edit"}) for pid in parent_ids
    )
    parent_skus = {int(p["id"]): wire.product(p).key for p in parents if isinstance(p, dict) and "id" in p}
    fields = wire.wire_fields(Kind.VARIATION)
    lists = await gather_all(client.list_all(f"products/{pid}/variations", fields=fields) for pid in parent_ids)
    return [
        wire.variation(b, attribute_slugs, parent_id=pid, parent_sku=parent_skus.get(pid))
        for pid, bodies in zip(parent_ids, lists, strict=True)
        for b in bodies
    ]


async def _reread_terms(client: WooClient, keys: list[str]) -> list[LiveResource]:
    attributes = {a.key: a for a in await fetch_attributes(client)}
    wanted: dict[str, set[str]] = {}
    for key in keys:
        attr, _, slug = key.partition("/")
        wanted.setdefault(attr, set()).add(slug)
    targets = [(attributes[a], slugs) for a, slugs in wanted.items() if a in attributes]
    term_fields = wire.wire_fields(Kind.TERM)
    lists = await gather_all(
        client.list_all(f"products/attributes/{a.id}/terms", fields=term_fields) for a, _ in targets
    )
    return [
        wire.term(b, a.id)
        for (a, slugs), bodies in zip(targets, lists, strict=True)
        for b in bodies
        if b.get("slug") in slugs
    ]


__all__ = ["StoreInfo", "catalogue_skus", "fetch_live_state", "reread", "reread_variations_of"]
