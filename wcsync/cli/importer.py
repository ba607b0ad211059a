"""``wcsync import``: read a live store and write its catalogue as YAML files the loader reads back.

The round trip is the contract: ``wcsync import`` then ``wcsync plan`` against the same store shows no field
change — only ``adopt`` for products wcsync does not manage yet (import never writes to the store; the first
apply adopts them). Progress, the files written and everything left out go to stderr; nothing goes to stdout.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

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
    from wcsync.cli.plan import FetchProgress
    from wcsync.core.records import LiveState
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
) -> None:
    from wcsync.catalog.project import load_project, resolve_store
    from wcsync.cli.plan import FetchProgress, public_url
    from wcsync.export import ExportOptions, export_catalog, write_catalog
    from wcsync.export.files import check_output_dir

    env = os.environ
    directory = Path(project_dir)
    project = load_project(directory, required=False)
    settings = resolve_store(project, store=store, store_url=store_url, env=env)
    out_dir = Path(out) if out else directory / project.catalog
    options = ExportOptions(meta_keys=_meta_keys(meta), only_managed=only_managed, all_fields=all_fields)
    check_output_dir(out_dir, force=force)  # before the store is read: fail fast
    progress = FetchProgress.for_stderr()
    progress.status(f"Reading store {settings.name} ({public_url(settings)}) …")
    try:
        live = asyncio.run(_fetch(settings, progress))
    finally:
        progress.finish()
    result = export_catalog(live, options)
    report = write_catalog(result, out_dir, force=force, store=settings.name)
    for path in report.removed:
        status(f"  removed {path}")
    for path in report.written:
        status(f"  wrote {path}")
    for item in result.warnings:
        status(f"warning: {item}")
    if result.skipped:
        status(f"Not imported ({len(result.skipped)}):")
        for item in result.skipped:
            status(f"  - {item}")
        if project.ownership == "all":
            status("warning: wcsync.yaml says ownership: all, so `wcsync plan` lists what was not imported as deletes")
    if result.products == 0:
        status(
            "warning: no product could be imported, and `wcsync validate` refuses a catalogue without products "
            f"(an empty catalogue never means 'delete everything'): add a product file under {out_dir / 'products'}"
        )
    status(
        f"Imported {result.products} product(s) and {result.variations} variation(s) into {out_dir} "
        f"({len(report.written)} file(s))."
    )
    where = f" --project {project_dir}" if project_dir != "." else ""
    target = f" --store-url {public_url(settings)}" if store_url else ""
    status(
        f"Next: `wcsync validate{where}`, then `wcsync plan{where}{target}` — products wcsync does not manage yet "
        "show as adopt; the first apply adopts them."
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
@click.option("--force", is_flag=True, help="Replace the catalogue files of a non-empty output directory.")
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
    debug: bool,
) -> None:
    """Write the catalogue (YAML) from a live store.

    Writes categories.yaml, tags.yaml, attributes.yaml, shipping-classes.yaml and meta-fields.yaml (when the
    store has any) and one products/<sku>.yaml per product. Products without a SKU are skipped and listed.
    Fields at WooCommerce's defaults are left out (unmanaged) unless --all-fields; meta keys are imported
    only when wcsync wrote them or --meta names them. A non-empty output directory is refused without
    --force. Afterwards `wcsync plan` shows no changes, except `adopt` for products not yet managed.
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
