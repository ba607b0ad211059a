"""``wcsync fmt [--check]``: lay out every catalogue file the canonical way, comments kept."""

from __future__ import annotations

from pathlib import Path

import click

from wcsync.cli.common import abort, project_option, status
from wcsync.errors import WcsyncError


@click.command("fmt")
@project_option
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file is not formatted (for CI).")
def fmt(project_dir: str, check: bool) -> None:
    """Format every YAML file of the catalogue canonically: 2-space indentation, list items indented under
    their key, `null` spelled out. Comments, key order, quotes and one-line lists are kept as written.
    `wcsync import` writes files that are already formatted."""
    from wcsync.catalog.project import load_project
    from wcsync.export.fmt import catalogue_files, format_files

    directory = Path(project_dir)
    try:
        project = load_project(directory, required=False)
    except WcsyncError as err:
        abort(f"{err} — fix wcsync.yaml first")
    catalog = directory / project.catalog
    if not catalog.is_dir():
        abort(f"no catalogue directory {catalog} — run `wcsync init`, or point --project at the project")
    report = format_files(catalogue_files(catalog), root=directory, check=check)
    for line in report.errors:
        click.echo(line, err=True)
    for path in report.changed:
        status(f"  {'not formatted' if check else 'formatted'}: {path.relative_to(directory)}")
    if report.errors:
        abort(f"{len(report.errors)} file(s) are not valid YAML")
    if check and report.changed:
        abort(f"{len(report.changed)} of {report.checked} file(s) are not formatted — run `wcsync fmt`")
    done = "already formatted" if not report.changed else f"{len(report.changed)} reformatted"
    status(f"{report.checked} catalogue file(s): {done}.")
