"""``wcsync import``: read a live store and write its catalogue as YAML files the loader reads back.

The round trip is the contract: ``wcsync import`` then ``wcsync plan`` against the same store shows no field
change — only ``adopt`` for products wcsync does not manage yet (import never writes to the store; the first
apply adopts them). Progress, the files written and everything left out go to stderr; nothing goes to stdout.
The command is a shell over ``wcsync.api.import_``.
"""

from __future__ import annotations

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
    from wcsync.api import ImportOutcome


def run_import(project_dir: str, *, store: str | None, store_url: str | None, out: str | None, force: bool,
               only_managed: bool, all_fields: bool, meta: tuple[str, ...], skus: tuple[str, ...] = (),
               categories: tuple[str, ...] = ()) -> None:
    """``wcsync.api.import_`` with its progress and results on stderr."""
    from wcsync import api
    from wcsync.cli import connect
    from wcsync.cli.progress import FetchProgress

    progress = FetchProgress.for_stderr()
    try:
        outcome = api.import_(project_dir, store=store, store_url=store_url, out=out, force=force,
                              only_managed=only_managed, all_fields=all_fields, meta=meta, skus=skus,
                              categories=categories, client_factory=connect.open_client, progress=progress)
    finally:
        progress.finish()
    _say(outcome, project_dir, store_url=store_url)


def _say(outcome: ImportOutcome, project_dir: str, *, store_url: str | None) -> None:
    from wcsync.api import public_url

    result, out_dir, settings = outcome.result, outcome.out_dir, outcome.settings
    for path in outcome.written:
        status(f"  wrote {path}")
    for path in outcome.updated:
        status(f"  updated {path}")
    if outcome.unchanged is None:
        summary = f"({len(outcome.written)} file(s))"
    else:
        summary = (
            f"({len(outcome.written)} new file(s), {len(outcome.updated)} updated, "
            f"{outcome.unchanged} product(s) already as the store has them)"
        )
    if outcome.project_file is not None:
        status(f"  wrote {outcome.project_file} (store {settings.name}; credentials as ${{ENV}} references)")
    for item in result.warnings:
        status(f"warning: {item}")
    if result.skipped:
        status(f"Not imported ({len(result.skipped)}):")
        for item in result.skipped:
            status(f"  - {item}")
        if outcome.ownership == "all":
            status("warning: wcsync.yaml says ownership: all, so `wcsync plan` lists what was not imported as deletes")
    if result.products == 0 and outcome.unchanged is None:
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
