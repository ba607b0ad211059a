"""``wcsync schema [DIR]``: write the JSON Schema of every catalogue file kind (default ``schemas/``);
``--check`` only reports whether the files in DIR are up to date (exit 1 when stale or missing)."""

from __future__ import annotations

from pathlib import Path

import click

from wcsync.cli.common import abort, status

DEFAULT_DIR = Path("schemas")


def _shown(directory: Path) -> str:
    """A folder as messages show it: ``schemas/``."""
    return str(directory).rstrip("/") + "/"


def _command(directory: Path) -> str:
    return "`wcsync schema`" if directory == DEFAULT_DIR else f"`wcsync schema {directory}`"


@click.command("schema")
@click.argument(
    "directory", metavar="[DIR]", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DIR
)
@click.option("--check", is_flag=True, help="Do not write; exit 1 when DIR differs from the models.")
def schema(directory: Path, check: bool) -> None:
    """Write the JSON Schemas of every catalogue file kind into DIR (default: schemas/)."""
    from wcsync.catalog.schemas import stale_schemas, write_schemas

    if check:
        if not directory.is_dir():
            abort(f"{_shown(directory)} does not exist — run {_command(directory)}")
        stale = stale_schemas(directory)
        if stale:
            abort(f"schemas in {_shown(directory)} are stale: {', '.join(stale)} — run {_command(directory)}")
        status(f"schemas in {_shown(directory)} are up to date")
        return
    written = write_schemas(directory)
    for path in written:
        click.echo(str(path))
    status(f"wrote {len(written)} schemas to {_shown(directory)}")
