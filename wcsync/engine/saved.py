"""A saved plan (``wcsync plan --out plan.json``) before it is applied: read it, and refuse one made for another
store, another catalogue version, another ``format_version``, or refused by a guard whose override is not given.

The per-object checks (stale since planning, already applied) are ``wcsync.engine.stale``'s.
"""

from __future__ import annotations

import json
from pathlib import Path

from wcsync.core.plan import PLAN_FORMAT_VERSION, Plan, PlanSettings
from wcsync.errors import ApplyError, PlanError


def read_plan_file(path: Path) -> Plan:
    """The plan in ``path``; ``ApplyError`` for a file that is not one, or of another ``format_version``."""
    try:
        text = path.read_text(encoding="utf-8")
        version = json.loads(text).get("format_version") if text.lstrip().startswith("{") else None
        if version is not None and version != PLAN_FORMAT_VERSION:
            raise ApplyError(
                f"{path} is a plan file of format_version {json.dumps(version)}, but this wcsync reads "
                f"format_version {PLAN_FORMAT_VERSION}",
                hint="make the plan again with this wcsync (`wcsync plan --out plan.json`), or apply it with "
                "the wcsync that wrote it")
        return Plan.model_validate_json(text)
    except (OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ApplyError(f"{path} is not a wcsync plan file ({first})",
                         hint="write one with `wcsync plan --out plan.json`") from None


def check_saved_plan(plan: Plan, *, store: str, url: str, catalog_version: str, path: Path) -> None:
    """``PlanError`` when ``plan`` was made for another store (``url`` as plans show it) or from another
    catalogue version."""
    if plan.store.url.rstrip("/") != url.rstrip("/"):
        raise PlanError(
            f"{path} was made for store {plan.store.name} ({plan.store.url}), not for {store} ({url})",
            hint="plan again against this store, or pass the --store / --store-url the plan was made for")
    if plan.catalog_version != catalog_version:
        raise PlanError(
            f"{path} was made from catalogue version {plan.catalog_version[:12]}, but the catalogue is now "
            f"{catalog_version[:12]}",
            hint="the catalogue changed since planning: run `wcsync plan --out plan.json` again")


def saved_refusal(plan: Plan, psettings: PlanSettings, path: Path) -> PlanError | None:
    """A plan saved while a guard refused it is applied only with that guard's override flag: the error
    to raise when one is missing (the caller shows the plan first), else None."""
    if not plan.refused:
        return None
    given = {"--allow-deletes": psettings.allow_deletes, "--allow-changes": psettings.allow_changes,
             "--allow-price-drops": psettings.allow_price_drops}
    missing = [g for g in plan.guards if not (g.override and given.get(g.override))]
    if plan.guards and not missing:
        return None
    flags = sorted({g.override for g in missing if g.override})
    what = "; ".join(g.message for g in missing) or "a guard refused it"
    hint = (f"review the plan above; to apply it anyway pass {' '.join(flags)}" if flags and
            all(g.override for g in missing) else "fix the catalogue and plan again")
    return PlanError(f"{path} was refused by a guard when it was planned: {what}; nothing was written", hint=hint)
