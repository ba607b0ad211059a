"""The request budget of a run: requests counted at the client, per phase, against the lower bound.

Every HTTP attempt ``WooClient.request`` sends is counted once, under the phase current in its task
(``phase("write")`` around the apply, ``phase("verify")`` around the convergence re-read, ``phase("lock")``
around the apply lock's requests; ``read`` otherwise).
A ``contextvars.ContextVar`` carries the phase, so the concurrent tasks a phase starts count under it too.

The lower bound is the fewest requests that can do the run's work, computed from what was read and planned:

- read (``read_bound``): 2 store checks (the ``variations?per_page=1`` probe and ``system_status``; older stores
  answer the probe 404, and the REST index is read too: 3), then
  ``⌈n/100⌉`` per list (at least 1: an empty list still takes a request): categories, brands, tags, shipping classes,
  the global attributes (1, not paginated), the terms of each attribute, products, trashed products, and
  variations (one store-wide list, or one list per variable product on WooCommerce < 10.3);
- write (``write_bound``): ``⌈items/100⌉`` per batch endpoint (variations and terms have one endpoint per
  parent) and one ``DELETE`` per product or variation moved to the trash (batch deletes are always final);
- lock (``wcsync.store.lock``, only for an apply that writes): create the lock product, list what was
  modified since the read (products, and variations when the plan writes some, on stores with
  ``/variations``), delete it: 2 + those lists' pages; renewals of a long apply come on top;
- verify: the convergence proof compares the store's answers to the batches (``wcsync.store.verify``) and
  re-reads only what they cannot prove (a lost answer, a trashed or restored resource): its bound is the pages
  of those re-reads, usually 0.
"""

from __future__ import annotations

import contextvars
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, DeleteMode, Plan
from wcsync.core.records import LiveState

PHASES = ("read", "lock", "write", "verify")
PER_PAGE = 100

_PHASE: contextvars.ContextVar[str] = contextvars.ContextVar("wcsync_request_phase", default="read")


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the requests sent inside the block (and the tasks it starts) under ``name``."""
    token = _PHASE.set(name)
    try:
        yield
    finally:
        _PHASE.reset(token)


def pages(items: int) -> int:
    """Requests to read a list of ``items`` (an empty list still takes one)."""
    return max(1, -(-items // PER_PAGE))


@dataclass
class RequestStats:
    """Requests sent by one client, per phase, and the bounds the caller computed."""

    sent: Counter[str] = field(default_factory=Counter)
    bounds: dict[str, int] = field(default_factory=dict)
    #: what the fetch learned: the store lists every variation at ``GET /wc/v3/variations``
    store_variations: bool = True

    def count(self) -> None:
        self.sent[_PHASE.get()] += 1

    def bound(self, value: int) -> None:
        """Set the lower bound of the phase current in this task."""
        self.bounds[_PHASE.get()] = value

    def total(self) -> int:
        return sum(self.sent.values())

    def summary(self) -> str:
        """``requests: read 18 (bound 14), write 10 (bound 10), verify 18 (bound 14); total 46 (bound 38, 1.21×)``."""
        parts = []
        for name in PHASES:
            if name in self.sent or name in self.bounds:
                bound = f" (bound {self.bounds[name]})" if name in self.bounds else ""
                parts.append(f"{name} {self.sent.get(name, 0)}{bound}")
        line = f"requests: {', '.join(parts) or 'none'}; total {self.total()}"
        if self.bounds and set(self.sent) <= set(self.bounds):
            least = sum(self.bounds.values())
            ratio = f", {self.total() / least:.2f}×" if least else ""
            line += f" (bound {least}{ratio})"
        return line


def read_bound(live: LiveState, *, store_variations: bool, trash: bool = True, checks: bool = True) -> int:
    """The fewest requests that read ``live`` (see the module docstring)."""
    terms = Counter(t.parent_id for t in live.terms)
    n = ((2 if store_variations else 3) if checks else 0) + pages(len(live.categories)) + pages(len(live.brands)) + pages(len(live.tags)) + pages(len(live.shipping_classes)) + 1
    n += sum(pages(terms.get(a.id, 0)) for a in live.attributes)
    n += pages(len(live.products)) + (pages(len(live.trashed_products)) if trash else 0)
    if store_variations:
        n += pages(len(live.variations))
    else:
        per_parent = Counter(v.parent_id for v in live.variations)
        variable = [p for p in live.products if p.fields.get("type") == "variable"]
        n += sum(pages(per_parent.get(p.id, 0)) for p in variable)
    return n


def write_bound(plan: Plan) -> int:
    """The fewest requests that write ``plan``'s changes (see the module docstring)."""
    batched: Counter[tuple[Kind, str | None]] = Counter()
    single = 0
    for change in plan.changes:
        trashes = change.action is Action.DELETE and change.kind in (Kind.PRODUCT, Kind.VARIATION) and (
            change.delete_mode is not DeleteMode.FORCE)
        if trashes:
            single += 1
            continue
        endpoint = change.parent_key if change.kind in (Kind.VARIATION, Kind.TERM) else None
        batched[(change.kind, endpoint)] += 1
    return single + sum(-(-n // PER_PAGE) for n in batched.values())


__all__ = ["PHASES", "RequestStats", "pages", "phase", "read_bound", "write_bound"]
