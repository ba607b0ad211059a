"""Resolving live ids to natural keys (and back) through the live state.

Desired records reference other resources by natural key, live records by id. ``LiveIndex`` is built once per
plan from a ``LiveState`` and answers: the key of a live id (category id → slug path via parents, tag id →
slug, product id → SKU, attribute id → slug, term id → ``attr/slug``), the live resource of a key, and term
names/slugs of global attributes. Pure; no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from wcsync.core.canonical import clear_caches as canonical_clear_caches
from wcsync.core.canonical import path_key, sku_key, slug_key, term_name
from wcsync.core.kinds import TREE_KINDS, Kind
from wcsync.core.records import LiveResource, LiveState

# -- attribute references ------------------------------------------------------------------------------
#
# A product attribute is global (a WooCommerce taxonomy ``pa_<slug>``, an id on the wire) or local (a name on
# one product). Variation combinations and ``default_attributes`` key options by the attribute's reference:
# ``pa_<slug>`` for a global attribute, the name for a local one. These four functions are the one place the
# prefix is handled.

#: WooCommerce's taxonomy prefix of a global attribute (``pa_color`` is the taxonomy of attribute ``color``)
GLOBAL_PREFIX = "pa_"


def strip_pa(slug: str) -> str:
    """``pa_color`` → ``color``; a slug without the prefix is returned as it is."""
    return slug[len(GLOBAL_PREFIX):] if slug.startswith(GLOBAL_PREFIX) else slug


def is_global_ref(ref: str) -> bool:
    """Does an attribute reference name a global attribute (``pa_<slug>``) rather than a local one (its name)?"""
    return ref.startswith(GLOBAL_PREFIX)


def global_ref(slug: str) -> str:
    """``color`` (or ``pa_color``) → ``pa_color``."""
    return GLOBAL_PREFIX + strip_pa(slug)


def attr_ref(slug: str | None, name: str) -> str:
    """The reference of a product attribute: ``pa_<slug>`` for a global one (it has a slug), else its name."""
    return global_ref(slug) if slug else name


@dataclass
class LiveIndex:
    """Lookups over one live state (built by ``LiveIndex.build``)."""

    state: LiveState
    by_id: dict[Kind, dict[int, LiveResource]] = field(default_factory=dict)
    #: kind -> comparable key -> resource (products: live, not trashed)
    by_key: dict[Kind, dict[str, LiveResource]] = field(default_factory=dict)
    trashed_by_sku: dict[str, LiveResource] = field(default_factory=dict)
    category_paths: dict[int, str] = field(default_factory=dict)
    brand_paths: dict[int, str] = field(default_factory=dict)
    variations_by_parent: dict[int, list[LiveResource]] = field(default_factory=dict)
    #: parent id -> its variations in the trash (only fetched for parents a restore brings back)
    trashed_variations_by_parent: dict[int, list[LiveResource]] = field(default_factory=dict)
    #: attribute slug (comparable) -> term name casefold -> term slug, and term slug -> name
    term_slug_by_name: dict[str, dict[str, str]] = field(default_factory=dict)
    term_name_by_slug: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, state: LiveState) -> LiveIndex:
        index = cls(state=state)
        for kind in Kind:
            records = state.of_kind(kind)
            index.by_id[kind] = {r.id: r for r in records}
        for tp in state.trashed_products:
            index.by_id[Kind.PRODUCT].setdefault(tp.id, tp)
            if tp.key and sku_key(tp.key):
                index.trashed_by_sku.setdefault(sku_key(tp.key), tp)
        index._build_category_paths()
        index.brand_paths = index._tree_paths(Kind.BRAND)
        for kind in Kind:
            # the oldest resource wins a duplicate key (two live products can share a SKU after a
            # restore, 05#133-134); the planner reports the others
            table: dict[str, LiveResource] = {}
            for r in sorted(state.of_kind(kind), key=lambda r: r.id):
                k = index.key_of(kind, r)
                if k is not None:
                    table.setdefault(k, r)
            index.by_key[kind] = table
        parents: dict[int, list[LiveResource]] = defaultdict(list)
        for v in sorted(state.variations, key=lambda r: r.id):
            if v.parent_id is not None:
                parents[v.parent_id].append(v)
        index.variations_by_parent = dict(parents)
        trashed: dict[int, list[LiveResource]] = defaultdict(list)
        for v in sorted(state.trashed_variations, key=lambda r: r.id):
            if v.parent_id is not None:
                trashed[v.parent_id].append(v)
        index.trashed_variations_by_parent = dict(trashed)
        for term in state.terms:
            attr = index.by_id[Kind.ATTRIBUTE].get(term.parent_id or -1)
            if attr is None or not term.key:
                continue
            a = slug_key(strip_pa(attr.key or ""))
            name = str(term.fields.get("name") or term.key)
            index.term_slug_by_name.setdefault(a, {}).setdefault(name_key(name), term.key)
            index.term_name_by_slug.setdefault(a, {}).setdefault(slug_key(term.key), name)
        return index

    def _build_category_paths(self) -> None:
        self.category_paths = self._tree_paths(Kind.CATEGORY)

    def _tree_paths(self, kind: Kind) -> dict[int, str]:
        out: dict[int, str] = {}
        cats = self.by_id[kind]
        for cid in cats:
            parts: list[str] = []
            seen: set[int] = set()
            cur: int | None = cid
            while cur is not None and cur in cats and cur not in seen:
                seen.add(cur)
                node = cats[cur]
                parts.append(node.key or str(node.id))
                parent = node.fields.get("parent")
                cur = parent if isinstance(parent, int) and parent > 0 else node.parent_id or None
            out[cid] = "/".join(reversed(parts))
        return out

    def tree_paths(self, kind: Kind) -> dict[int, str]:
        """Live id -> slug path of a hierarchical taxonomy (categories, brands)."""
        return self.brand_paths if kind is Kind.BRAND else self.category_paths

    # -- keys ----------------------------------------------------------------------------------------

    def key_of(self, kind: Kind, r: LiveResource) -> str | None:
        """Comparable natural key of a live resource (None for products without SKU)."""
        if kind is Kind.PRODUCT:
            return sku_key(r.key) or None
        if kind is Kind.VARIATION:
            return None  # variations are matched within their parent
        if kind in TREE_KINDS:
            return path_key(self.tree_paths(kind).get(r.id, r.key or ""))
        if kind is Kind.ATTRIBUTE:
            return slug_key(strip_pa(r.key or "")) or None
        if kind is Kind.TERM:
            attr = self.by_id[Kind.ATTRIBUTE].get(r.parent_id or -1)
            if attr is None:
                return None
            return f"{slug_key(strip_pa(attr.key or ''))}/{slug_key(r.key)}"
        return slug_key(r.key) or None

    def display_key(self, kind: Kind, r: LiveResource) -> str:
        """The natural key of a live resource as the store spells it (for messages and deletes)."""
        if kind in TREE_KINDS:
            return self.tree_paths(kind).get(r.id, r.key or f"#{r.id}")
        if kind is Kind.ATTRIBUTE:
            return strip_pa(r.key or f"#{r.id}")
        if kind is Kind.TERM:
            attr = self.by_id[Kind.ATTRIBUTE].get(r.parent_id or -1)
            return f"{strip_pa(attr.key or '') if attr else '?'}/{r.key}"
        return r.key or f"#{r.id}"

    def ref_key(self, kind: Kind, live_id: int | None) -> str | None:
        """The natural key of a referenced live id, or ``#<id>`` for a dangling reference."""
        if live_id is None or live_id == 0:
            return None
        r = self.by_id.get(kind, {}).get(live_id)
        if r is None:
            return f"#{live_id}"
        return self.display_key(kind, r)

    def find(self, kind: Kind, key: str) -> LiveResource | None:
        if kind is Kind.PRODUCT:
            return self.by_key[kind].get(sku_key(key))
        if kind in TREE_KINDS:
            return self.by_key[kind].get(path_key(key))
        if kind is Kind.TERM:
            attr, _, slug = key.partition("/")
            return self.by_key[kind].get(f"{slug_key(attr)}/{slug_key(slug)}")
        return self.by_key[kind].get(slug_key(strip_pa(key) if kind is Kind.ATTRIBUTE else key))

    def find_category_by_leaf(self, leaf: str, kind: Kind = Kind.CATEGORY) -> LiveResource | None:
        """Category (and brand) slugs are unique in a store, so a moved one is found by its leaf slug."""
        want = slug_key(leaf)
        for r in self.state.of_kind(kind):
            if slug_key(r.key) == want:
                return r
        return None

    def products_in_category(self, category_id: int, field_name: str = "categories") -> list[LiveResource]:
        return [
            p
            for p in self.state.products
            if category_id in (p.fields.get(field_name) or ())
        ]


@lru_cache(maxsize=1 << 16)
def _name_key(name: str) -> str:
    return term_name(name).casefold()


def clear_caches() -> None:
    """Forget memoised text forms (``wcsync.core.canonical`` and term name keys): each plan starts cold."""
    _name_key.cache_clear()
    canonical_clear_caches()


def name_key(name: str) -> str:
    """Term names compare case- and entity-insensitively (03#3-5, 04#24-25)."""
    return _name_key(name) if type(name) is str else term_name(name).casefold()
