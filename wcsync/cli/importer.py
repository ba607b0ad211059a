"""``wcsync import``: read a live store and write its catalogue as YAML files the loader reads back.

The round trip is the contract: ``wcsync import`` then ``wcsync plan`` against the same store shows no field
change — only ``adopt`` for products wcsync does not manage yet (import never writes to the store; the first
apply adopts them). Progress, the files written and everything left out go to stderr; nothing goes to stdout.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wcsync.cli.common import (
    abort,
    debug_option,
    fail,
    project_option,
    status,
    store_option,
    store_url_option,
)
from wcsync.errors import CatalogError, WcsyncError

if TYPE_CHECKING:
    from wcsync.catalog.project import Project
    from wcsync.cli.plan import FetchProgress
    from wcsync.core.records import DesiredState, LiveState
    from wcsync.export.merge import MergeReport
    from wcsync.export.model import ExportResult
    from wcsync.settings import StoreSettings


def _meta_keys(raw: tuple[str, ...]) -> tuple[str, ...]:
    keys = tuple(dict.fromkeys(k.strip() for item in raw for k in item.split(",") if k.strip()))
    if "_wcsync" in keys:
        raise WcsyncError("--meta _wcsync is wcsync's own bookkeeping and is never exported", hint="leave it out")
    internal = [k for k in keys if k.startswith(("_wp_", "_edit_"))]
    if internal:
        raise WcsyncError(
            f"--meta {internal[0]} is a WordPress internal key, kept by WordPress itself",
            hint="import only meta your catalogue should own (e.g. an SEO description or a GTIN)",
        )
    return keys


async def _fetch(settings: StoreSettings, progress: FetchProgress) -> LiveState:
    from wcsync.cli.connect import open_client
    from wcsync.store.fetch import fetch_live_state

    async with open_client(settings, progress=progress.update, notify=progress.status) as client:
        return await fetch_live_state(client, progress=progress.update)


def _list(raw: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k.strip() for item in raw for k in item.split(",") if k.strip()))


def run_import(
    project_dir: str,
    *,
    store: str | None,
    store_url: str | None,
    out: str | None,
    force: bool,
    only_managed: bool,
    all_fields: bool,
    meta: tuple[str, ...],
    skus: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> None:
    from wcsync.bulk import run_async
    from wcsync.catalog.project import load_project, resolve_store
    from wcsync.cli.plan import FetchProgress, public_url
    from wcsync.export import ExportOptions, export_catalog, write_catalog
    from wcsync.export.files import check_output_dir, has_catalogue
    from wcsync.export.project import write_project_file

    env = os.environ
    directory = Path(project_dir)
    project = load_project(directory, required=False)
    settings = resolve_store(project, store=store, store_url=store_url, env=env)
    out_dir = Path(out) if out else directory / project.catalog
    check_output_dir(out_dir)  # before the store is read: fail fast
    existing = _existing_catalogue(directory, project, out_dir) if has_catalogue(out_dir) else None
    declared = existing[1] if existing else {}
    options = ExportOptions(
        meta_keys=tuple(dict.fromkeys([*_meta_keys(meta), *declared])),
        only_managed=only_managed,
        all_fields=all_fields,
        declared_meta=declared,
        skus=_list(skus),
        categories=_list(categories),
    )
    progress = FetchProgress.for_stderr()
    progress.status(f"Reading store {settings.name} ({public_url(settings)}) …")
    try:
        live = run_async(_fetch(settings, progress))  # not asyncio.run: see wcsync.bulk
    finally:
        progress.finish()
    result = export_catalog(live, options)
    if existing is None:
        report = write_catalog(result, out_dir, store=settings.name)
        for path in report.written:
            status(f"  wrote {path}")
        summary = f"({len(report.written)} file(s))"
    else:
        merged = _merge(result, out_dir, directory, project, existing[0], live, store=settings.name, force=force)
        for path in merged.written:
            status(f"  wrote {path}")
        for path in merged.updated:
            status(f"  updated {path}")
        summary = (
            f"({len(merged.written)} new file(s), {len(merged.updated)} updated, "
            f"{merged.unchanged} product(s) already as the store has them)"
        )
    if write_project_file(directory, settings, out_dir=out_dir, public_url=public_url(settings)):
        status(f"  wrote {directory / 'wcsync.yaml'} (store {settings.name}; credentials as ${{ENV}} references)")
    for item in result.warnings:
        status(f"warning: {item}")
    if result.skipped:
        status(f"Not imported ({len(result.skipped)}):")
        for item in result.skipped:
            status(f"  - {item}")
        if project.ownership == "all":
            status("warning: wcsync.yaml says ownership: all, so `wcsync plan` lists what was not imported as deletes")
    if result.products == 0 and existing is None:
        status(
            "warning: no product could be imported, and `wcsync validate` refuses a catalogue without products "
            f"(an empty catalogue never means 'delete everything'): add a product file under {out_dir / 'products'}"
        )
    status(f"Imported {result.products} product(s) and {result.variations} variation(s) into {out_dir} {summary}.")
    where = f" --project {project_dir}" if project_dir != "." else ""
    target = f" --store-url {public_url(settings)}" if store_url else ""
    status(
        f"Next: `wcsync validate{where}`, then `wcsync plan{where}{target}` — products wcsync does not manage yet "
        "show as adopt; the first apply adopts them."
    )


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


@click.command("import")
@project_option
@store_option()
@store_url_option
@click.option(
    "--out",
    metavar="DIR",
    type=click.Path(path_type=str),
    help="Directory to write the catalogue to (default: the project's catalogue directory).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Into an existing catalogue: rewrite every imported product's fields as the store has them, also "
    "those that already plan equal (nothing is ever deleted).",
)
@click.option(
    "--sku", "skus", metavar="SKU", multiple=True, help="Import only this product (repeatable or comma-separated)."
)
@click.option(
    "--category",
    "categories",
    metavar="PATH",
    multiple=True,
    help="Import only products in this category or below it, by slug path (repeatable or comma-separated).",
)
@click.option("--only-managed", is_flag=True, help="Import only products wcsync already manages (marked).")
@click.option(
    "--meta",
    "meta",
    metavar="KEY",
    multiple=True,
    help="Also import this meta key (repeatable or comma-separated). Keys wcsync wrote are always imported.",
)
@click.option("--all-fields", is_flag=True, help="Write every field, also those at WooCommerce's defaults.")
@debug_option
def import_(
    project_dir: str,
    store: str | None,
    store_url: str | None,
    out: str | None,
    force: bool,
    only_managed: bool,
    meta: tuple[str, ...],
    all_fields: bool,
    skus: tuple[str, ...],
    categories: tuple[str, ...],
    debug: bool,
) -> None:
    """Write the catalogue (YAML) from a live store, as a person would write it.

    Into an empty directory: categories.yaml, tags.yaml, attributes.yaml, shipping-classes.yaml and
    meta-fields.yaml (when the store has any), and one products/<category path>/<sku>.yaml per product.
    Into an existing catalogue: files are updated in place (comments and layout kept), only where the store
    differs; new products get new files; nothing is deleted. Products without a SKU are skipped and listed.
    Fields at WooCommerce's defaults are left out (unmanaged) unless --all-fields; meta keys are imported when
    wcsync wrote them, meta-fields.yaml declares them or --meta names them. wcsync.yaml is written when absent.
    Afterwards `wcsync plan` shows no changes, except `adopt` for products not yet managed.
    """
    try:
        run_import(
            project_dir,
            store=store,
            store_url=store_url,
            out=out,
            force=force,
            only_managed=only_managed,
            all_fields=all_fields,
            meta=meta,
            skus=skus,
            categories=categories,
        )
    except CatalogError as err:
        for diag in err.diagnostics:
            status(str(diag))
        fail(err, debug=debug)
    except WcsyncError as err:
        fail(err, debug=debug)
    except OSError as err:
        if debug:
            raise
        abort(f"could not write the catalogue: {err.strerror} ({err.filename}) — check the --out directory")
    except Exception as exc:  # a bug, not a user error: one line unless --debug
        if debug:
            raise
        abort(f"unexpected {type(exc).__name__}: {exc} — run again with --debug for the traceback, and report it")
