"""Guards: refuse a plan that deletes, changes or discounts more than the project allows (design.md §3).

Each guard is evaluated on its own and yields a ``Trip`` (or None): what tripped, the numbers, the resources
and what to do — the command-line override (``--allow-deletes``, ``--allow-changes``, ``--allow-price-drops``)
or, for a protected resource, the catalogue edit. A guard never hides the plan: the planner records the trips
in the plan (``Plan.guards``, ``Plan.refused``) and the commands render it in full under a banner, then
refuse with ``refusal(plan)``: one ``PlanError`` naming every trip, so a user sees all of them at once instead
of one per run. ``PlanSettings.allow_*`` mean the override was given.

Messages carry no final period: ``WcsyncError`` appends `` — <hint>``. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, GuardResource, GuardTrip, Plan, PlanSettings
from wcsync.errors import PlanError


def _num(value: float) -> str:
    """``10.0`` → ``10``, ``12.5`` → ``12.5`` (limits as the user wrote them)."""
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class PriceDrop:
    kind: str
    key: str
    before: str
    after: str
    percent: Decimal  # positive: how much the price falls


@dataclass(frozen=True)
class Trip:
    """One guard that refuses the plan: ``message`` (what and the numbers) and ``hint`` (what to do)."""

    message: str
    hint: str
    guard: str = ""
    #: the flag that overrides it (None: no flag does)
    override: str | None = None
    resources: tuple[tuple[Kind, str], ...] = ()

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}"

    def as_plan(self) -> GuardTrip:
        return GuardTrip(
            guard=self.guard,
            message=self.message,
            hint=self.hint,
            override=self.override,
            resources=tuple(GuardResource(kind=k, key=key) for k, key in self.resources),
        )


def _error(trips: list[tuple[str, str]]) -> PlanError | None:
    if not trips:
        return None
    if len(trips) == 1:
        return PlanError(trips[0][0], hint=trips[0][1])
    listed = "\n".join(f"  - {message} — {hint}" for message, hint in trips)
    return PlanError(f"{len(trips)} guards tripped:\n{listed}")


def refuse(trips: Iterable[Trip | None]) -> None:
    """Raise one ``PlanError`` naming every trip (one line each when there are several); nothing when none."""
    err = _error([(t.message, t.hint) for t in trips if t is not None])
    if err is not None:
        raise err


def refusal(plan: Plan) -> PlanError | None:
    """The ``PlanError`` that refuses ``plan`` (every guard that tripped), or None when it is not refused."""
    if not plan.refused:
        return None
    return _error([(g.message, g.hint) for g in plan.guards]) or PlanError("a guard refused the plan")


def _keys(changes: Iterable[Change]) -> tuple[tuple[Kind, str], ...]:
    return tuple((c.kind, c.key) for c in changes)


# -- the guards ---------------------------------------------------------------------------------------


def vanished_catalogue_trip(
    store: str, desired_products: int, managed_live: int, settings: PlanSettings
) -> Trip | None:
    """An empty catalogue against a store with managed products reads as "the directory vanished"."""
    if desired_products or not managed_live or settings.allow_deletes or settings.targets:
        return None
    return Trip(
        f"The catalogue declares no products, but store {store} has {managed_live} managed product(s): "
        "this plan would delete every one of them",
        "if the catalogue directory was moved or deleted, restore it; to really delete them all, "
        "pass --allow-deletes",
        guard="vanished_catalogue",
        override="--allow-deletes",
    )


def protected_trip(changes: list[Change], protected: dict[tuple[str, str], str]) -> Trip | None:
    """A delete of a resource whose catalogue entry says ``protect: true`` (no override flag)."""
    hits = [
        (c, protected[(c.kind.value, c.key.casefold())])
        for c in changes
        if c.action is Action.DELETE and (c.kind.value, c.key.casefold()) in protected
    ]
    if not hits:
        return None
    listed = "; ".join(f"{c.kind.value} {c.key} (declared at {where})" for c, where in hits)
    return Trip(
        f"The plan would delete {len(hits)} protected resource(s): {listed}",
        "remove `protect: true` from the catalogue entry first if the delete is intended",
        guard="protect",
        resources=_keys(c for c, _ in hits),
    )


def deletes_trip(changes: list[Change], settings: PlanSettings) -> Trip | None:
    deletes = [c for c in changes if c.action is Action.DELETE]
    limit = settings.max_deletes
    if limit is None or settings.allow_deletes or len(deletes) <= limit:
        return None
    sample = ", ".join(f"{c.kind.value} {c.key}" for c in deletes[:5])
    more = f" and {len(deletes) - 5} more" if len(deletes) > 5 else ""
    return Trip(
        f"Guard max_deletes tripped: the plan deletes {len(deletes)} resource(s), more than the allowed "
        f"{limit} ({sample}{more})",
        "check the catalogue; to proceed anyway pass --allow-deletes",
        guard="max_deletes",
        override="--allow-deletes",
        resources=_keys(deletes),
    )


def changed_percent_trip(changes: list[Change], managed_live: int, settings: PlanSettings) -> Trip | None:
    """Changes to live resources over every managed live resource of the store — with ``--target`` too: the
    base is the whole managed store, not the targeted part (or one targeted product would be 100 %)."""
    limit = settings.max_changed_percent
    if limit is None or settings.allow_changes or managed_live <= 0:
        return None
    changed = [c for c in changes if c.action is not Action.CREATE]
    touched = len(changed)
    pct = Decimal(touched * 100) / Decimal(managed_live)
    if pct <= Decimal(str(limit)):
        return None
    return Trip(
        f"Guard max_changed_percent tripped: the plan changes {touched} of {managed_live} managed live "
        f"resource(s) ({pct.quantize(Decimal('0.1'))} %), more than the allowed {_num(limit)} %",
        "check the catalogue; to proceed anyway pass --allow-changes",
        guard="max_changed_percent",
        override="--allow-changes",
        resources=_keys(changed),
    )


def price_drops_trip(drops: list[PriceDrop], settings: PlanSettings) -> Trip | None:
    limit = settings.max_price_drop_percent
    if limit is None or settings.allow_price_drops:
        return None
    over = [d for d in drops if d.percent > Decimal(str(limit))]
    if not over:
        return None
    over.sort(key=lambda d: (-d.percent, d.kind, d.key))
    listed = "; ".join(f"{d.kind} {d.key} {d.before} → {d.after} (-{d.percent} %)" for d in over[:10])
    more = f" and {len(over) - 10} more" if len(over) > 10 else ""
    return Trip(
        f"Guard max_price_drop_percent tripped: {len(over)} price(s) drop by more than {_num(limit)} %: "
        f"{listed}{more}",
        "check the prices; to proceed anyway pass --allow-price-drops",
        guard="max_price_drop_percent",
        override="--allow-price-drops",
        resources=tuple((Kind(d.kind), d.key) for d in over),
    )


# -- one guard at a time (raising) ------------------------------------------------------------------


def check_vanished_catalogue(store: str, desired_products: int, managed_live: int, settings: PlanSettings) -> None:
    refuse([vanished_catalogue_trip(store, desired_products, managed_live, settings)])


def check_protected(changes: list[Change], protected: dict[tuple[str, str], str]) -> None:
    refuse([protected_trip(changes, protected)])


def check_deletes(changes: list[Change], settings: PlanSettings) -> None:
    refuse([deletes_trip(changes, settings)])


def check_changed_percent(changes: list[Change], managed_live: int, settings: PlanSettings) -> None:
    refuse([changed_percent_trip(changes, managed_live, settings)])


def check_price_drops(drops: list[PriceDrop], settings: PlanSettings) -> None:
    refuse([price_drops_trip(drops, settings)])
