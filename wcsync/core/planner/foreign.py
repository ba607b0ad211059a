"""Products of a type wcsync does not manage (a plugin's ``subscription``, ``bundle``, …; see
``wcsync.core.kinds.PRODUCT_TYPES``): never created, updated, adopted, restored or deleted — under any
ownership — and listed as information so a reviewer knows they exist. Pure.
"""

from __future__ import annotations

from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind, is_foreign_type
from wcsync.core.notes import listed
from wcsync.core.plan import Info
from wcsync.core.planner.context import PlanContext
from wcsync.core.records import DesiredResource, LiveResource

_MAX_LISTED = 10


def foreign_type(d: DesiredResource | None, live: LiveResource | None) -> str | None:
    """The unmanaged type of the catalogue entry or of its live product, or None when wcsync manages both."""
    for record in (live, d):
        if record is not None and is_foreign_type(record.fields.get("type")):
            return str(record.fields["type"])
    return None


def leave_foreign(ctx: PlanContext, d: DesiredResource, live: LiveResource | None, ptype: str) -> None:
    """A catalogue product that is, or whose live twin is, of a type wcsync does not manage: one Info."""
    if live is not None and is_foreign_type(live.fields.get("type")):
        wanted = d.fields.get("type")
        message = (f"live product #{live.id} is a '{ptype}' product, a type wcsync does not manage: left alone"
                   + (f" (the catalogue's {wanted} product is not written)" if wanted != ptype else ""))
    elif live is not None:
        message = (f"the catalogue gives it type '{ptype}', which wcsync does not manage: the live "
                   f"{live.fields.get('type') or 'simple'} product is left alone")
    else:
        message = f"type '{ptype}' is not one wcsync manages: not created (a plugin's product is made in wp-admin)"
    ctx.info.append(Info(kind=Kind.PRODUCT, key=d.key, message=message))


def list_foreign(ctx: PlanContext, lives: list[LiveResource]) -> None:
    """Live products of unmanaged types the catalogue does not declare: one Info, never a delete."""
    shown = sorted(
        (f"{ctx.index.display_key(Kind.PRODUCT, p)} ({p.fields.get('type')})" for p in lives
         if ctx.targeted(Kind.PRODUCT, ctx.index.display_key(Kind.PRODUCT, p))),
        key=lambda s: sku_key(s),
    )
    if not shown:
        return
    names = listed(shown, _MAX_LISTED)
    ctx.info.append(
        Info(
            kind=Kind.PRODUCT,
            key="*",
            message=f"{len(shown)} live product(s) of a type wcsync does not manage left alone (never updated "
            f"or deleted, whatever the ownership): {names}",
        )
    )
