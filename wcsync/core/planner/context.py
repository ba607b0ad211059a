"""Shared state of one planning run: settings, the live index, the comparison context, and the changes,
information and references collected so far. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wcsync.core.canonical import path_key, plain_text, sku_key, slug_key
from wcsync.core.compare import CompareContext
from wcsync.core.guards import PriceDrop
from wcsync.core.kinds import TREE_KINDS, Kind
from wcsync.core.plan import Change, Info, PlanSettings
from wcsync.core.records import DesiredResource, DesiredState
from wcsync.core.refs import LiveIndex, attr_ref, global_ref, name_key, strip_pa


@dataclass
class PlanContext:
    desired: DesiredState
    settings: PlanSettings
    index: LiveIndex
    cmp: CompareContext
    store_name: str
    changes: list[Change] = field(default_factory=list)
    info: list[Info] = field(default_factory=list)
    #: live resources the plan manages (matched by the catalogue, or deletable), within ``--target``
    managed_live: int = 0
    #: the same over the whole store, whatever the targets: the max_changed_percent base (set after planning)
    managed_total: int = 0
    #: (kind, live id) of the resources a plan without ``--target`` would delete (empty without targets)
    untargeted_deletes: frozenset[tuple[Kind, int]] = frozenset()
    #: price drops of the planned writes, for the max_price_drop_percent guard
    drops: list[PriceDrop] = field(default_factory=list)
    #: (kind value, casefolded key) -> where the protected resource is declared
    protected: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.store_owned: frozenset[str] = frozenset(self.settings.store_owned)

    def targeted(self, kind: Kind, key: str, parent_key: str | None = None) -> bool:
        """Is this resource inside ``settings.targets`` (no targets: everything is)?"""
        if not self.settings.targets:
            return True
        wanted = {t.strip().casefold() for t in self.settings.targets}
        if kind in (Kind.PRODUCT, Kind.VARIATION):
            keys = {sku_key(key), sku_key(parent_key)}
        elif kind in TREE_KINDS:
            path = path_key(key)
            keys = {path, path.rsplit("/", 1)[-1]}
        elif kind is Kind.TERM:
            attr, _, slug = key.partition("/")
            keys = {f"{slug_key(attr)}/{slug_key(slug)}", slug_key(attr), global_ref(slug_key(attr))}
        elif kind is Kind.ATTRIBUTE:
            keys = {slug_key(strip_pa(key)), global_ref(slug_key(strip_pa(key)))}
        else:
            keys = {slug_key(key)}
        return bool(keys & wanted)


def make_compare_context(desired: DesiredState, index: LiveIndex) -> CompareContext:
    """Desired-side lookups for the codecs: term slugs by name, category and brand paths by leaf slug."""
    term_slugs: dict[str, dict[str, str]] = {}
    for term in desired.terms:
        attr, _, slug = term.key.partition("/")
        attr = term.parent_key or attr
        name = str(term.fields.get("name") or slug)
        term_slugs.setdefault(slug_key(strip_pa(attr)), {}).setdefault(name_key(name), slug)
    leaves: dict[str, str] = {}
    for cat in desired.categories:
        leaves.setdefault(path_key(cat.key).rsplit("/", 1)[-1], cat.key.strip("/"))
    for path in index.category_paths.values():
        leaves.setdefault(path_key(path).rsplit("/", 1)[-1], path)
    brand_leaves: dict[str, str] = {}
    for brand in desired.brands:
        brand_leaves.setdefault(path_key(brand.key).rsplit("/", 1)[-1], brand.key.strip("/"))
    for path in index.brand_paths.values():
        brand_leaves.setdefault(path_key(path).rsplit("/", 1)[-1], path)
    return CompareContext(
        index=index, desired_term_slugs=term_slugs, category_leaf_paths=leaves, brand_leaf_paths=brand_leaves
    )


def protected_map(desired: DesiredState) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for kind in Kind:
        for d in desired.of_kind(kind):
            if d.protect:
                out[(kind.value, d.key.casefold())] = str(d.source) if d.source else "the catalogue"
    return out


def desired_title(d: DesiredResource, parent: DesiredResource | None = None) -> str | None:
    """A human label: the name; for a variation, its options as WooCommerce names it (``Red, M``)."""
    if d.kind is Kind.VARIATION and "name" not in d.fields:
        combo = d.fields.get("attributes")
        parent_attrs = parent.fields.get("attributes") if parent is not None else None
        return variation_title(combo if isinstance(combo, Mapping) else {}, parent_attrs)
    name = d.fields.get("name")
    return str(name) if name is not None else None


def variation_title(combo: Mapping[str, Any], parent_attributes: Any = None) -> str | None:
    """The options of a variation in its parent's attribute order, comma-separated, as WooCommerce builds a
    variation's name (``Red, Regular``, 06); None when it has no option (an "any" variation)."""
    order: dict[str, int] = {}
    for position, attr in enumerate(parent_attributes if isinstance(parent_attributes, list | tuple) else ()):
        if isinstance(attr, Mapping):
            slug = attr.get("slug")
            ref = attr_ref(str(slug) if slug else None, str(attr.get("name") or ""))
            order.setdefault(ref.casefold(), position)
    last = len(order)
    ranked = sorted(
        enumerate(combo.items()), key=lambda item: (order.get(str(item[1][0]).casefold(), last), item[0])
    )
    options = [text for _, (_, value) in ranked if (text := plain_text(value))]
    return ", ".join(options) or None
