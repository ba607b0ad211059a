"""``wcsync init [DIR]``: start a catalogue repository."""

from __future__ import annotations

from pathlib import Path

import click

from wcsync.cli.common import status


@click.command("init")
@click.argument("directory", metavar="[DIR]", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def init(directory: Path) -> None:
    """Create a catalogue repository in DIR (default: here): wcsync.yaml with the embedded sandbox as default
    store, an empty catalog/, the JSON Schemas in schemas/ wired for the editor (.vscode/settings.json and a
    `# yaml-language-server` line in each file) and a .gitignore. Existing files are left as they are.
    Next: `wcsync import` to start from a live shop, or add product files under catalog/products/."""
    from wcsync.export.scaffold import scaffold

    created, kept = scaffold(directory)
    for path in created:
        status(f"  created {path}")
    for path in kept:
        status(f"  kept {path} (exists)")
    where = "" if directory == Path(".") else f" --project {directory}"
    status(
        f"Initialised {directory}: {len(created)} file(s) created. Next: `wcsync import{where} --store-url URL` "
        f"to start from a live shop, or add product files under {directory / 'catalog' / 'products'}."
    )
