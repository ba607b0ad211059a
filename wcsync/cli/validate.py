"""``wcsync validate``: check the project file and the catalogue offline, print every problem.

The diagnostics are the artifact (stdout) in ``text``, ``github`` (workflow annotations) or ``json``; the
summary goes to stderr. Exit 0 when valid (warnings allowed), 1 on errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from wcsync.cli.common import project_option, status
from wcsync.diagnostics import Diagnostic, Severity, sort_diagnostics
from wcsync.errors import CatalogError
from wcsync.render.escape import one_line, visible


def format_text(d: Diagnostic) -> str:
    if d.severity is Severity.WARNING:
        text = f"{d.where}: warning: {d.message}"
        return text + (f" — {d.hint}" if d.hint else "")
    return d.format()


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(d: Diagnostic) -> str:
    """A GitHub Actions workflow command: ``::error file=…,line=…,col=…::message — hint``."""
    level = "error" if d.severity is Severity.ERROR else "warning"
    body = d.message + (f" — {d.hint}" if d.hint else "")
    props = f"file={_gh_escape(d.file, prop=True)}" + (f",line={d.line},col={d.col}" if d.line > 0 else "")
    if d.rule:
        props += f",title={_gh_escape(d.rule, prop=True)}"
    return f"::{level} {props}::{_gh_escape(body)}"


def as_json(diags: list[Diagnostic]) -> str:
    """A stable, sorted list of objects: file, line, col, severity, rule, message, hint."""
    rows = [
        {
            "file": d.file,
            "line": d.line or None,  # null: about the whole file or directory
            "col": d.col or None,
            "severity": d.severity.value,
            "rule": d.rule,
            "message": d.message,
            "hint": d.hint,
        }
        for d in diags
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


@click.command("validate")
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for workflow annotations, json for tools.",
)
def validate(project_dir: str, fmt: str) -> None:
    """Check the catalogue offline: YAML syntax, schema, references, duplicates, merchandising lint."""
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import Project, load_project

    root = Path(project_dir)
    diags: list[Diagnostic] = []
    try:
        project = load_project(root, required=False)
    except CatalogError as exc:
        diags.extend(d for d in exc.diagnostics if isinstance(d, Diagnostic))
        project = Project()
    loaded = load_catalog(root, project)
    diags = sort_diagnostics([*diags, *loaded.diagnostics])
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = len(diags) - errors
    if fmt == "json":
        click.echo(as_json(diags))
    else:
        for d in diags:
            # catalogue text may hold control characters: written out, never sent to the terminal or log
            click.echo(visible(format_github(d)) if fmt == "github" else one_line(format_text(d)))
    plural = "s" if warnings != 1 else ""
    if errors:
        status(f"✗ {errors} error{'s' if errors != 1 else ''}, {warnings} warning{plural}: the catalogue is not valid")
        sys.exit(1)
    desired = loaded.desired
    counts = ""
    if desired is not None:
        counts = f" ({len(desired.products)} products, {len(desired.variations)} variations, catalog {desired.catalog_version})"
    status(f"✓ catalogue valid{counts}" + (f", {warnings} warning{plural}" if warnings else ""))
