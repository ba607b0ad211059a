"""Plan the products some webhook deliveries named, against the catalogue, and say what drifted.

Drift is what ``wcsync plan`` would change on those products: a field the store has that the catalogue does
not. wcsync's own apply therefore raises nothing — once it is done the store matches the catalogue — and
neither does an edit that the catalogue already contains, or an edit of a product the catalogue does not
manage. The catalogue is read again for every check (a merge between two checks counts), from the project
directory or from a git ref of it (``git archive``, so the working tree is never touched).

Guards are off here (a drift check never applies anything); products the store no longer has at all (deleted
permanently: WooCommerce sends no webhook for that) cannot be mapped to a SKU and are skipped.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wcsync.core.kinds import Kind
from wcsync.core.plan import Change, Plan, StoreRef
from wcsync.core.records import LiveState
from wcsync.errors import CatalogError, ConfigError
from wcsync.settings import StoreSettings

#: how the checker reaches the store (``wcsync.cli.connect.open_client`` in the CLI)
ClientFactory = Callable[[StoreSettings], Any]


@dataclass(frozen=True)
class FieldDrift:
    field: str
    store: Any
    catalogue: Any


@dataclass(frozen=True)
class ProductDrift:
    """One catalogue product (and its variations) that the store no longer matches."""

    sku: str
    name: str | None
    action: str
    fields: tuple[FieldDrift, ...] = ()
    variations: tuple[dict[str, Any], ...] = ()
    date_modified: str | None = None


@dataclass
class CheckResult:
    drifted: list[ProductDrift] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # catalogue SKUs planned
    unmanaged: int = 0  # resources the catalogue does not manage (or that no longer exist)


def _fields(change: Change) -> tuple[FieldDrift, ...]:
    return tuple(FieldDrift(c.field, c.before, c.after) for c in change.changes)


def drift_of(plan: Plan, skus: Iterable[str]) -> list[ProductDrift]:
    """The plan's product and variation changes, grouped per product SKU (in ``skus`` order)."""
    wanted = list(dict.fromkeys(skus))
    products: dict[str, Change] = {}
    variations: dict[str, list[Change]] = {}
    for change in plan.changes:
        if change.kind is Kind.PRODUCT and change.key in wanted:
            products[change.key] = change
        elif change.kind is Kind.VARIATION and change.parent_key in wanted:
            variations.setdefault(change.parent_key or "", []).append(change)
    out = []
    for sku in wanted:
        own, children = products.get(sku), variations.get(sku, [])
        if own is None and not children:
            continue
        out.append(ProductDrift(
            sku=sku,
            name=own.title if own else None,
            action=own.action.value if own else "update",
            fields=_fields(own) if own else (),
            variations=tuple({"sku": v.key, "action": v.action.value,
                              "fields": [{"field": f.field, "store": f.store, "catalogue": f.catalogue}
                                         for f in _fields(v)]} for v in children),
            date_modified=own.date_modified if own else None,
        ))
    return out


def skus_of(live: LiveState, ids: Iterable[int]) -> tuple[list[str], int]:
    """Product SKUs for resource ids (a variation counts for its parent); and how many ids had none."""
    by_id = {p.id: p.key for p in (*live.products, *live.trashed_products)}
    parents = {v.id: v.parent_id for v in live.variations}
    skus: list[str] = []
    missing = 0
    for resource_id in ids:
        sku = by_id.get(resource_id) or by_id.get(parents.get(resource_id) or -1)
        if sku:
            skus.append(sku)
        else:
            missing += 1
    return list(dict.fromkeys(skus)), missing


class DriftChecker:
    """Plans products of one store against the catalogue of one project (optionally at a git ref)."""

    def __init__(self, project_dir: str | Path, settings: StoreSettings, open_client: ClientFactory, *,
                 ref: str | None = None) -> None:
        self.project_dir = Path(project_dir)
        self.settings = settings
        self.ref = ref
        self._open_client = open_client

    async def check(self, ids: Iterable[int]) -> CheckResult:
        from wcsync.core.planner import build_plan
        from wcsync.store.fetch import fetch_live_state

        desired, plan_settings = self._load()
        async with self._open_client(self.settings) as client:
            live = await fetch_live_state(client)
        skus, missing = skus_of(live, ids)
        catalogue = {p.key for p in desired.products}
        managed = [s for s in skus if s in catalogue]
        result = CheckResult(checked=managed, unmanaged=missing + len(skus) - len(managed))
        if not managed:
            return result
        settings = plan_settings.model_copy(update={
            "targets": tuple(managed), "allow_deletes": True, "allow_changes": True, "allow_price_drops": True})
        ref = StoreRef(name=self.settings.name, url=self.settings.url if self.settings.is_sandbox else
                       _public(self.settings.url), wc_version=live.wc_version)
        plan = build_plan(desired, live, settings, store=ref)
        result.drifted = drift_of(plan, managed)
        return result

    def _load(self) -> tuple[Any, Any]:
        from wcsync.catalog import load_catalog
        from wcsync.catalog.project import load_project, plan_settings

        if self.ref is None:
            return _load_dir(self.project_dir, load_project, load_catalog, plan_settings)
        with tempfile.TemporaryDirectory(prefix="wcsync-watch-") as tmp:
            checkout(self.project_dir, self.ref, Path(tmp))
            return _load_dir(Path(tmp), load_project, load_catalog, plan_settings)


def _load_dir(directory: Path, load_project: Any, load_catalog: Any, plan_settings: Any) -> tuple[Any, Any]:
    project = load_project(directory, required=False)
    loaded = load_catalog(directory, project)
    if loaded.desired is None or not loaded.ok:
        raise CatalogError(f"the catalogue in {directory} has {len(loaded.errors)} error(s); no drift check",
                           list(loaded.errors), hint="fix them (`wcsync validate` lists them)")
    return loaded.desired, plan_settings(project)


def checkout(project_dir: Path, ref: str, target: Path) -> None:
    """The project directory as it is at git ``ref``, written to ``target`` (``git archive``)."""
    def git(*args: str) -> bytes:
        try:
            done = subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True, check=True)
        except (OSError, subprocess.CalledProcessError) as err:
            detail = getattr(err, "stderr", b"") or b""
            raise ConfigError(f"cannot read git ref {ref!r} in {project_dir}: "
                              f"{detail.decode(errors='replace').strip() or err}",
                              hint="pass --ref with a branch, tag or commit of the project's repository") from err
        return done.stdout

    prefix = git("rev-parse", "--show-prefix").decode().strip()
    archive = git("archive", "--format=tar", f"{ref}:{prefix}" if prefix else ref)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")


def _public(url: str) -> str:
    from wcsync.store.errors import redact_url

    return redact_url(url)
