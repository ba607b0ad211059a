"""The live state after an apply, for the convergence proof, from the store's answers to the writes.

The store's answer to a batch create or update is the saved object, in edit context, ``meta_data`` (and so
the ``_wcsync`` mark) included, prices as stored (woocommerce-api.md §4.3, §11; 06#8, 07#1, 11#3); it is
``StoreWriter.answers``. So the state the convergence re-plan compares (through the planner's own canonical
comparison, ``wcsync.core.planner.verify_convergence``) is the state read before the apply with every
answered write put in: no second read of the whole store. Only what no answer proves is re-read:

- a write settled by re-reading after a lost answer, and any applied write without an answer;
- a product or variation moved to the trash (its ``DELETE`` answers the object as it was *before*, 05#124)
  and a restored one (a restore leaves the variations in the trash, 11#14-17): the product, and the
  variations of such a parent, live and trashed;
- nothing else. A permanent (batch) delete the store answered, or answered 404, is proven gone; a variable
  product force-deleted takes its variations with it (06#66). A variation write recomputes its parent's
  ``price``, ``stock_status`` and ``date_modified`` (11#43-45), none of which the planner compares on a
  variable product (``wcsync.core.quirks``: its prices and stock status are ignored), so it needs no re-read.

Requests (the ``verify`` phase's lower bound): products ``include=`` lists of ≤ 100 ids, ``status=any`` and
``status=trash``; one variation list per re-read parent (and its ``status=trash`` list when it was trashed or
restored); the whole list of any other kind with an unproven write. Usually none at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action
from wcsync.core.records import LiveResource, LiveState
from wcsync.engine.model import ApplyResult, Status
from wcsync.store import endpoints, wire
from wcsync.store.budget import pages
from wcsync.store.client import WooClient
from wcsync.store.concurrent import gather_all
from wcsync.store.fetch import fetch_attributes
from wcsync.store.writer import Answer

#: ids per ``include=`` list (WooCommerce takes any number; URLs do not)
INCLUDE_CHUNK = 100
_LISTS = {Kind.CATEGORY: wire.category, Kind.BRAND: wire.brand, Kind.TAG: wire.tag,
          Kind.SHIPPING_CLASS: wire.shipping_class}


class _Rereads:
    """What no answer proves, by kind."""

    def __init__(self) -> None:
        self.products: set[int] = set()
        #: parent id → also its trashed variations
        self.parents: dict[int, bool] = {}
        self.kinds: set[Kind] = set()
        self.attribute_terms: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.products or self.parents or self.kinds or self.attribute_terms)


def _plan_rereads(live: LiveState, result: ApplyResult, answers: Mapping[tuple[Kind, str], Answer]) -> _Rereads:
    todo = _Rereads()
    variations_by_key = {v.key: v for v in (*live.variations, *live.trashed_variations) if v.key}
    for item in result.items:
        if item.status is not Status.APPLIED:
            continue
        answer = answers.get((item.kind, item.key))
        proven = answer is not None and (answer.body is not None or answer.gone)
        moved = item.action == Action.RESTORE.value or (answer is None and item.action == Action.DELETE.value)
        if proven and not moved:
            continue
        if item.kind is Kind.PRODUCT:
            todo.products.add(item.id)
            todo.parents[item.id] = todo.parents.get(item.id, False) or moved
        elif item.kind is Kind.VARIATION:
            parent = (answer.parent_id if answer is not None else None) or _parent_of(item.id, item.key, live,
                                                                                       variations_by_key)
            if parent:
                todo.parents[parent] = todo.parents.get(parent, False) or moved
            else:
                todo.kinds.add(Kind.VARIATION)
        elif item.kind is Kind.TERM:
            parent = answer.parent_id if answer is not None else None
            if parent:
                todo.attribute_terms.add(parent)
            else:
                todo.kinds.add(Kind.TERM)
        else:
            todo.kinds.add(item.kind)
    return todo


def _parent_of(id_: int, key: str, live: LiveState, by_key: Mapping[str, LiveResource]) -> int | None:
    for v in (*live.variations, *live.trashed_variations):
        if v.id == id_:
            return v.parent_id
    found = by_key.get(key)
    return found.parent_id if found is not None else None


async def proven_state(client: WooClient, live: LiveState, result: ApplyResult,
                       answers: Mapping[tuple[Kind, str], Answer]) -> LiveState:
    """``live`` (read before the apply) with every answered write put in and whatever no answer proves re-read
    (see the module docstring). Sets the client's bound for the current phase to the re-reads' pages."""
    todo = _plan_rereads(live, result, answers)
    state = _State(live)
    requests = 0
    # attributes first: every other kind's answer resolves attribute ids through their slugs
    for answer in _of(answers, Kind.ATTRIBUTE):
        state.put(Kind.ATTRIBUTE, answer)
    if Kind.ATTRIBUTE in todo.kinds:
        state.replace(Kind.ATTRIBUTE, await fetch_attributes(client))
        requests += 1
    for kind in (Kind.TERM, Kind.CATEGORY, Kind.BRAND, Kind.TAG, Kind.SHIPPING_CLASS, Kind.PRODUCT, Kind.VARIATION):
        for answer in _of(answers, kind):
            state.put(kind, answer)
    requests += await _reread_lists(client, state, todo)
    requests += await _reread_products(client, state, todo)
    requests += await _reread_variations(client, state, todo)
    client.stats.bound(requests)
    return state.live_state(live.wc_version)


def _of(answers: Mapping[tuple[Kind, str], Answer], kind: Kind) -> Iterable[Answer]:
    return (a for (k, _), a in answers.items() if k is kind)


async def _reread_lists(client: WooClient, state: _State, todo: _Rereads) -> int:
    requests = 0
    for kind, mapper in _LISTS.items():
        if kind in todo.kinds:
            rows = await client.list_all(endpoints.collection(kind), fields=wire.wire_fields(kind))
            state.replace(kind, [mapper(r) for r in rows])
            requests += pages(len(rows))
    attribute_ids = sorted(todo.attribute_terms if Kind.TERM not in todo.kinds else state.ids(Kind.ATTRIBUTE))
    lists = await gather_all(client.list_all(endpoints.attribute_terms(a), fields=wire.wire_fields(Kind.TERM))
                             for a in attribute_ids)
    for attribute_id, rows in zip(attribute_ids, lists, strict=True):
        state.replace_terms(attribute_id, [wire.term(r, attribute_id) for r in rows])
        requests += pages(len(rows))
    return requests


async def _reread_products(client: WooClient, state: _State, todo: _Rereads) -> int:
    ids = sorted(i for i in todo.products if i)
    if not ids:
        return 0
    chunks = [ids[n:n + INCLUDE_CHUNK] for n in range(0, len(ids), INCLUDE_CHUNK)]
    fields = wire.wire_fields(Kind.PRODUCT)
    found = await gather_all(
        client.list_all(endpoints.PRODUCTS, {"include": ",".join(map(str, chunk)), "status": status}, fields=fields)
        for chunk in chunks for status in ("any", "trash"))
    slugs = state.slugs()
    rows = [row for group in found for row in group]
    state.products_reread(ids, [wire.product(r, slugs) for r in rows])
    return sum(pages(len(group)) for group in found)


async def _reread_variations(client: WooClient, state: _State, todo: _Rereads) -> int:
    if Kind.VARIATION in todo.kinds:  # a variation whose parent is unknown: every variable product's list
        for pid in state.variable_parents():
            todo.parents.setdefault(pid, False)
    parents = sorted(p for p in todo.parents if p and state.exists(p) and state.has_variations(p))
    gone = [p for p in todo.parents if p and not state.exists(p)]
    for pid in gone:
        state.drop_variations_of(pid)
    fields = wire.wire_fields(Kind.VARIATION)
    lists = await gather_all(client.list_all(endpoints.variations(pid), fields=fields) for pid in parents)
    trashed_parents = [p for p in parents if todo.parents[p]]
    trash_lists = await gather_all(client.list_all(endpoints.variations(pid), {"status": "trash"}, fields=fields)
                                   for pid in trashed_parents)
    trashed = dict(zip(trashed_parents, trash_lists, strict=True))
    slugs = state.slugs()
    for pid, rows in zip(parents, lists, strict=True):
        sku = state.product_key(pid)
        rows = [*rows, *(r for r in trashed.get(pid, ()) if r.get("status") == "trash")]
        state.replace_variations(pid, [wire.variation(r, slugs, parent_id=pid, parent_sku=sku) for r in rows])
    return sum(pages(len(rows)) for rows in lists) + sum(pages(len(rows)) for rows in trash_lists)


class _State:
    """A mutable copy of a ``LiveState``: resources by id, per kind, in the order they were read."""

    def __init__(self, live: LiveState) -> None:
        def by_id(items: Iterable[LiveResource]) -> dict[int, LiveResource]:
            return {r.id: r for r in items}

        self.by_kind: dict[Kind, dict[int, LiveResource]] = {
            Kind.ATTRIBUTE: by_id(live.attributes), Kind.TERM: by_id(live.terms),
            Kind.CATEGORY: by_id(live.categories), Kind.BRAND: by_id(live.brands), Kind.TAG: by_id(live.tags),
            Kind.SHIPPING_CLASS: by_id(live.shipping_classes),
            Kind.PRODUCT: by_id((*live.products, *live.trashed_products)),
            Kind.VARIATION: by_id((*live.variations, *live.trashed_variations)),
        }
        #: (the attributes dict, its size, their slugs): rebuilt only when the attributes change
        self._slugs: tuple[dict[int, LiveResource], int, dict[int, str]] | None = None

    def ids(self, kind: Kind) -> list[int]:
        return list(self.by_kind[kind])

    def slugs(self) -> dict[int, str]:
        attributes = self.by_kind[Kind.ATTRIBUTE]
        if self._slugs is None or self._slugs[0] is not attributes or self._slugs[1] != len(attributes):
            self._slugs = (attributes, len(attributes), wire.attribute_slugs(list(attributes.values())))
        return self._slugs[2]

    def exists(self, product_id: int) -> bool:
        return product_id in self.by_kind[Kind.PRODUCT]

    def product_key(self, product_id: int) -> str | None:
        found = self.by_kind[Kind.PRODUCT].get(product_id)
        return found.key if found is not None else None

    def has_variations(self, product_id: int) -> bool:
        """A variable product, or any product the state holds variations of (06#50 allows that)."""
        found = self.by_kind[Kind.PRODUCT].get(product_id)
        return (found is not None and found.fields.get("type") == "variable") or any(
            v.parent_id == product_id for v in self.by_kind[Kind.VARIATION].values())

    def variable_parents(self) -> list[int]:
        return [p.id for p in self.by_kind[Kind.PRODUCT].values() if p.fields.get("type") == "variable"]

    def put(self, kind: Kind, answer: Answer) -> None:
        items = self.by_kind[kind]
        if kind is Kind.ATTRIBUTE:
            self._slugs = None
        if answer.gone:
            items.pop(answer.id, None)
            if kind is Kind.PRODUCT:  # a force-deleted variable product takes its variations (06#66)
                self.drop_variations_of(answer.id)
            elif kind is Kind.ATTRIBUTE:  # and a deleted attribute its terms
                self.replace_terms(answer.id, [])
            return
        if answer.body is None:
            return
        body = answer.body
        record: LiveResource
        if kind is Kind.PRODUCT:
            record = wire.product(body, self.slugs())
        elif kind is Kind.VARIATION:
            parent = wire.integer(body.get("parent_id")) or answer.parent_id or 0
            record = wire.variation(body, self.slugs(), parent_id=parent, parent_sku=self.product_key(parent))
        elif kind is Kind.TERM:
            record = wire.term(body, answer.parent_id or 0)
        elif kind is Kind.ATTRIBUTE:
            record = wire.attribute(body)
        else:
            record = _LISTS[kind](body)
        items[record.id] = record

    def replace(self, kind: Kind, records: Iterable[LiveResource]) -> None:
        self.by_kind[kind] = {r.id: r for r in records}

    def replace_terms(self, attribute_id: int, records: Iterable[LiveResource]) -> None:
        terms = {i: t for i, t in self.by_kind[Kind.TERM].items() if t.parent_id != attribute_id}
        terms.update((t.id, t) for t in records)
        self.by_kind[Kind.TERM] = terms

    def drop_variations_of(self, parent_id: int) -> None:
        self.replace_variations(parent_id, [])

    def replace_variations(self, parent_id: int, records: Iterable[LiveResource]) -> None:
        variations = {i: v for i, v in self.by_kind[Kind.VARIATION].items() if v.parent_id != parent_id}
        variations.update((v.id, v) for v in records)
        self.by_kind[Kind.VARIATION] = variations

    def products_reread(self, ids: Iterable[int], found: Iterable[LiveResource]) -> None:
        products = self.by_kind[Kind.PRODUCT]
        seen = {p.id: p for p in found}
        for product_id in ids:
            if product_id in seen:
                products[product_id] = seen[product_id]
            else:  # in neither list: deleted for good, with its variations
                products.pop(product_id, None)
                self.drop_variations_of(product_id)

    def live_state(self, wc_version: str | None) -> LiveState:
        products = self.by_kind[Kind.PRODUCT].values()
        variations = self.by_kind[Kind.VARIATION].values()
        return LiveState(
            wc_version=wc_version,
            attributes=tuple(self.by_kind[Kind.ATTRIBUTE].values()),
            terms=tuple(self.by_kind[Kind.TERM].values()),
            categories=tuple(self.by_kind[Kind.CATEGORY].values()),
            brands=tuple(self.by_kind[Kind.BRAND].values()),
            tags=tuple(self.by_kind[Kind.TAG].values()),
            shipping_classes=tuple(self.by_kind[Kind.SHIPPING_CLASS].values()),
            products=tuple(p for p in products if p.status != "trash"),
            variations=tuple(v for v in variations if v.status != "trash"),
            trashed_products=tuple(p for p in products if p.status == "trash"),
            trashed_variations=tuple(v for v in variations if v.status == "trash"),
        )


__all__ = ["INCLUDE_CHUNK", "proven_state"]
