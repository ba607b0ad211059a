"""``--target`` keys of a plan: ``check_targets`` makes a key that matches nothing (a typo) an error naming it,
with close matches, instead of an empty plan. Keys are matched the way the planner's ``PlanContext.targeted``
matches them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from wcsync.core.canonical import path_key, sku_key, slug_key
from wcsync.core.kinds import TREE_KINDS, Kind
from wcsync.core.records import DesiredState, LiveState
from wcsync.core.refs import LiveIndex, global_ref, strip_pa
from wcsync.errors import ConfigError


def check_targets(targets: Sequence[str], desired: DesiredState, live: LiveState, *, store: str) -> None:
    """Raise ``ConfigError`` naming every ``--target`` key that matches no desired and no live resource
    (with close matches), so a typo is an error rather than an empty plan."""
    if not targets:
        return
    known = known_targets(desired, live)
    unknown = [t for t in dict.fromkeys(t.strip() for t in targets) if t and t.casefold() not in known]
    if not unknown:
        return
    hints: list[str] = []
    for key in unknown:
        close = difflib.get_close_matches(key.casefold(), list(known), n=3, cutoff=0.6)
        if close:
            guesses = " or ".join(f"'{known[c]}'" for c in close)
            hints.append(f"did you mean {guesses}{f' (for {key})' if len(unknown) > 1 else ''}?")
    hints.append("a target is a product or variation SKU, a category or brand path or slug, or a tag, attribute "
                 "or shipping-class slug")
    verb = "matches" if len(unknown) == 1 else "match"
    raise ConfigError(
        f"--target {', '.join(unknown)} {verb} nothing in the catalogue or in store {store}",
        hint="; ".join(hints),
    )


def known_targets(desired: DesiredState, live: LiveState) -> dict[str, str]:
    """Every key ``--target`` accepts: comparable (case-folded) key → the key as the catalogue/store spells it."""
    known: dict[str, str] = {}
    for kind in Kind:
        for d in desired.of_kind(kind):
            _add(known, kind, d.key)
    index = LiveIndex.build(live)
    for kind in Kind:
        for r in live.of_kind(kind):
            _add(known, kind, (r.key or "") if kind is Kind.VARIATION else index.display_key(kind, r))
    return known


def _add(known: dict[str, str], kind: Kind, key: str) -> None:
    """The keys ``--target`` accepts for one resource (mirrors ``PlanContext.targeted``)."""
    if kind in (Kind.PRODUCT, Kind.VARIATION):
        pairs = [(sku_key(key), key.strip())]
    elif kind in TREE_KINDS:
        path = path_key(key)
        leaf = key.strip("/").rsplit("/", 1)[-1]
        pairs = [(path, key.strip("/")), (path.rsplit("/", 1)[-1], leaf)]
    elif kind is Kind.TERM:
        attr, _, slug = key.partition("/")
        pairs = [(f"{slug_key(attr)}/{slug_key(slug)}", key)]
    elif kind is Kind.ATTRIBUTE:
        pairs = [(slug_key(strip_pa(key)), strip_pa(key)), (global_ref(slug_key(strip_pa(key))), global_ref(key))]
    else:
        pairs = [(slug_key(key), key)]
    for comparable, shown in pairs:
        if comparable:
            known.setdefault(comparable, shown)
