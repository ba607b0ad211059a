"""``import_``: read a live store and write its catalogue as YAML files the loader reads back.

The round trip is the contract: import then plan against the same store shows no field change — only ``adopt``
for products wcsync does not manage yet (import never writes to the store). Into an existing catalogue the
files are merged in place (``wcsync.export.merge``); ``wcsync.yaml`` is written when absent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wcsync.api.base import ClientFactory, Progress, Silent, default_client, public_url
from wcsync.api.planning import read_store
from wcsync.bulk import run_async
from wcsync.errors import CatalogError, WcsyncError
from wcsync.settings import StoreSettings

if TYPE_CHECKING:
    from wcsync.catalog.project import Project
    from wcsync.core.records import DesiredState, LiveState
    from wcsync.export.merge import MergeReport
    from wcsync.export.model import ExportResult


@dataclass
class ImportOutcome:
    """What ``import_`` wrote, and what it left out (``result.skipped``, ``result.warnings``)."""

    settings: StoreSettings
    out_dir: Path
    result: ExportResult
    #: new files, and files of an existing catalogue updated in place
    written: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    #: into an existing catalogue: products already as the store has them (None: a new catalogue)
    unchanged: int | None = None
    #: ``wcsync.yaml`` written (it was absent)
    project_file: Path | None = None
    #: the project's ownership mode (``all``: the next plan lists what was not imported as deletes)
    ownership: str = "marked"


def meta_keys(raw: Sequence[str]) -> tuple[str, ...]:
    """Meta keys to import (items may be comma-separated); wcsync's own and WordPress' internal keys refused."""
    keys = split(raw)
    if "_wcsync" in keys:
        raise WcsyncError("--meta _wcsync is wcsync's own bookkeeping and is never exported", hint="leave it out")
    internal = [k for k in keys if k.startswith(("_wp_", "_edit_"))]
    if internal:
        raise WcsyncError(
            f"--meta {internal[0]} is a WordPress internal key, kept by WordPress itself",
            hint="import only meta your catalogue should own (e.g. an SEO description or a GTIN)",
        )
    return keys


def split(raw: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k.strip() for item in raw for k in item.split(",") if k.strip()))


def import_(project_dir: str | Path = ".", *, store: str | None = None, store_url: str | None = None,
            settings: StoreSettings | None = None, out: str | Path | None = None, force: bool = False,
            only_managed: bool = False, all_fields: bool = False, meta: Sequence[str] = (),
            skus: Sequence[str] = (), categories: Sequence[str] = (), env: Mapping[str, str] | None = None,
            client_factory: ClientFactory | None = None, progress: Progress | None = None) -> ImportOutcome:
    """Write the catalogue of a live store into ``out`` (default: the project's catalogue directory): new
    files into an empty directory, merged in place into an existing catalogue (``force``: rewrite every
    imported product). Raises ``WcsyncError`` subclasses (an existing catalogue that does not load: a
    ``CatalogError`` with diagnostics) and ``OSError`` when a file cannot be written."""
    from wcsync.catalog.project import load_project, resolve_store
    from wcsync.export import ExportOptions, export_catalog, write_catalog
    from wcsync.export.files import check_output_dir, has_catalogue
    from wcsync.export.project import write_project_file

    progress = progress or Silent()
    env = os.environ if env is None else env
    directory = Path(project_dir)
    project = load_project(directory, required=False)
    if settings is None:
        settings = resolve_store(project, store=store, store_url=store_url, env=env)
    out_dir = Path(out) if out else directory / project.catalog
    check_output_dir(out_dir)  # before the store is read: fail fast
    existing = _existing_catalogue(directory, project, out_dir) if has_catalogue(out_dir) else None
    declared = existing[1] if existing else {}
    options = ExportOptions(
        meta_keys=tuple(dict.fromkeys([*meta_keys(meta), *declared])),
        only_managed=only_managed,
        all_fields=all_fields,
        declared_meta=declared,
        skus=split(skus),
        categories=split(categories),
    )
    progress.status(f"Reading store {settings.name} ({public_url(settings)}) …")
    live = run_async(read_store(client_factory or default_client, settings, progress, None))
    result = export_catalog(live, options)
    outcome = ImportOutcome(settings, out_dir, result, ownership=project.ownership)
    if existing is None:
        report = write_catalog(result, out_dir, store=settings.name)
        outcome.written = list(report.written)
    else:
        merged = _merge(result, out_dir, directory, project, existing[0], live, store=settings.name, force=force)
        outcome.written, outcome.updated, outcome.unchanged = list(merged.written), list(merged.updated), \
            merged.unchanged
    if write_project_file(directory, settings, out_dir=out_dir, public_url=public_url(settings)):
        outcome.project_file = directory / "wcsync.yaml"
    return outcome


def _existing_catalogue(directory: Path, project: Project, out_dir: Path) -> tuple[DesiredState, dict[str, Any]]:
    """The catalogue already in ``out_dir``, resolved, and its meta-field declarations; refused when invalid
    (import never guesses what a broken file meant)."""
    from wcsync.catalog import load_catalog
    from wcsync.core.records import DesiredState

    if not any((out_dir / "products").rglob("*.y*ml")):
        return DesiredState(), _declared_meta(out_dir)  # a new catalogue (`wcsync init`): nothing to compare yet
    rel = os.path.relpath(out_dir.resolve(), directory.resolve())
    loaded = load_catalog(directory, project.model_copy(update={"catalog": rel}))
    if loaded.desired is None or not loaded.ok:
        errors = loaded.errors
        raise CatalogError(
            f"the catalogue in {out_dir} has {len(errors)} error(s); import updates a catalogue in place only when "
            "it loads",
            list(errors),
            hint="fix them (`wcsync validate` lists them), or import into an empty directory with --out",
        )
    return loaded.desired, _declared_meta(out_dir)


def _declared_meta(out_dir: Path) -> dict[str, Any]:
    from wcsync.export.files import yaml_rt

    path = out_dir / "meta-fields.yaml"
    if not path.exists():
        return {}
    data = yaml_rt().load(path.read_text(encoding="utf-8"))
    items = data.get("meta_fields") if isinstance(data, dict) else data
    return {str(i["key"]): dict(i) for i in items or () if isinstance(i, dict) and "key" in i}


def _merge(
    result: ExportResult,
    out_dir: Path,
    directory: Path,
    project: Project,
    desired: DesiredState,
    live: LiveState,
    *,
    store: str,
    force: bool,
) -> MergeReport:
    from wcsync.catalog.project import plan_settings
    from wcsync.core.plan import StoreRef
    from wcsync.core.planner import plan_changes
    from wcsync.export.merge import differences, merge_catalog

    changes = plan_changes(desired, live, plan_settings(project), store=StoreRef(name=store, url=""))
    return merge_catalog(
        result, out_dir, directory, desired, differences(changes), store=store, rewrite_all=force
    )
