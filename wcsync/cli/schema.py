"""``wcsync schema [DIR]``: write the JSON Schema of every catalogue file kind (default ``schemas/``);
``--check`` only reports whether the files in DIR are up to date (exit 1 when stale)."""

from __future__ import annotations

from pathlib import Path

import click

from wcsync.cli.common import abort, status


@click.command("schema")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"))
@click.option("--check", is_flag=True, help="Do not write; exit 1 when DIR differs from the models.")
def schema(directory: Path, check: bool) -> None:
    """Write the JSON Schemas of every catalogue file kind into DIRECTORY (default: schemas/)."""
    from wcsync.catalog.schemas import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(directory)
        if stale:
            abort(f"schemas in {directory} are stale: {', '.join(stale)} — run `wcsync schema {directory}`")
        status(f"schemas in {directory} are up to date")
        return
    written = write_schemas(directory)
    for path in written:
        click.echo(str(path))
    status(f"wrote {len(written)} schemas to {directory}")
