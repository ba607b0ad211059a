"""Guards: refuse a plan that deletes, changes or discounts more than the project allows (design.md §3).

Each guard raises ``PlanError`` naming what tripped, the numbers, and the command-line override
(``--allow-deletes``, ``--allow-changes``, ``--allow-price-drops``). ``PlanSettings.allow_*`` mean the
override was given. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from wcsync.core.plan import Action, Change, PlanSettings
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


def check_vanished_catalogue(store: str, desired_products: int, managed_live: int, settings: PlanSettings) -> None:
    """An empty catalogue against a store with managed products reads as "the directory vanished"."""
    if desired_products or not managed_live or settings.allow_deletes or settings.targets:
        return
    raise PlanError(
        f"The catalogue declares no products, but store {store} has {managed_live} managed product(s): "
        "this plan would delete every one of them.",
        hint="if the catalogue directory was moved or deleted, restore it; to really delete them all, "
        "pass --allow-deletes",
    )


def check_protected(changes: list[Change], protected: dict[tuple[str, str], str]) -> None:
    """A delete of a resource whose catalogue entry says ``protect: true``."""
    hits = [
        (c, protected[(c.kind.value, c.key.casefold())])
        for c in changes
        if c.action is Action.DELETE and (c.kind.value, c.key.casefold()) in protected
    ]
    if not hits:
        return
    listed = "; ".join(f"{c.kind.value} {c.key} (declared at {where})" for c, where in hits)
    raise PlanError(
        f"The plan would delete {len(hits)} protected resource(s): {listed}.",
        hint="remove `protect: true` from the catalogue entry first if the delete is intended",
    )


def check_deletes(changes: list[Change], settings: PlanSettings) -> None:
    deletes = [c for c in changes if c.action is Action.DELETE]
    limit = settings.max_deletes
    if limit is None or settings.allow_deletes or len(deletes) <= limit:
        return
    sample = ", ".join(f"{c.kind.value} {c.key}" for c in deletes[:5])
    more = f" and {len(deletes) - 5} more" if len(deletes) > 5 else ""
    raise PlanError(
        f"Guard max_deletes tripped: the plan deletes {len(deletes)} resource(s), more than the allowed "
        f"{limit} ({sample}{more}).",
        hint="check the catalogue; to proceed anyway pass --allow-deletes",
    )


def check_changed_percent(changes: list[Change], managed_live: int, settings: PlanSettings) -> None:
    limit = settings.max_changed_percent
    if limit is None or settings.allow_changes or managed_live <= 0:
        return
    touched = sum(1 for c in changes if c.action is not Action.CREATE)
    pct = Decimal(touched * 100) / Decimal(managed_live)
    if pct <= Decimal(str(limit)):
        return
    raise PlanError(
        f"Guard max_changed_percent tripped: the plan changes {touched} of {managed_live} managed live "
        f"resource(s) ({pct.quantize(Decimal('0.1'))} %), more than the allowed {_num(limit)} %.",
        hint="check the catalogue; to proceed anyway pass --allow-changes",
    )


def check_price_drops(drops: list[PriceDrop], settings: PlanSettings) -> None:
    limit = settings.max_price_drop_percent
    if limit is None or settings.allow_price_drops:
        return
    over = [d for d in drops if d.percent > Decimal(str(limit))]
    if not over:
        return
    over.sort(key=lambda d: (-d.percent, d.kind, d.key))
    listed = "; ".join(f"{d.kind} {d.key} {d.before} → {d.after} (-{d.percent} %)" for d in over[:10])
    more = f" and {len(over) - 10} more" if len(over) > 10 else ""
    raise PlanError(
        f"Guard max_price_drop_percent tripped: {len(over)} price(s) drop by more than {_num(limit)} %: "
        f"{listed}{more}.",
        hint="check the prices; to proceed anyway pass --allow-price-drops",
    )
