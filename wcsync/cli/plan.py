"""``wcsync plan``: load the project and catalogue, read the store, plan, print the plan.

The artifact (text, Markdown or JSON) goes to stdout; progress and status go to stderr. Exit codes: 0 no
changes (or changes without ``--detailed-exitcode``), 2 changes with ``--detailed-exitcode``, 1 error. A plan
refused by a guard is still rendered in full (under a banner naming each guard, its resources and its
override flag; ``--out`` writes it marked ``refused``), then the command exits 1.
The command is a shell over ``wcsync.api.plan`` (the same sequence for library users); the progress display
is ``wcsync.cli.progress.FetchProgress``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wcsync.api import Overrides, public_url
from wcsync.cli.common import (
    abort,
    debug_option,
    fail,
    project_option,
    status,
    store_option,
    store_url_option,
)
from wcsync.cli.progress import FetchProgress
from wcsync.cli.targets import split_targets
from wcsync.errors import CatalogError, WcsyncError
from wcsync.render import FORMATS

if TYPE_CHECKING:
    from wcsync.core.plan import Plan

__all__ = ["FetchProgress", "Overrides", "plan", "public_url"]


def _ci_hint(env: Mapping[str, str]) -> str | None:
    """Where a truncated PR comment points: the CI run's artifacts when running in GitHub Actions."""
    server, repo, run = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID")
    if server and repo and run:
        return f"The full plan is in the artifacts of [this CI run]({server}/{repo}/actions/runs/{run})."
    return None


def _color_stdout() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _report_catalog_error(err: CatalogError) -> None:
    for diag in err.diagnostics:
        status(str(diag))


def _write_plan_file(path: str, plan: Plan) -> None:
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    from wcsync.render import render_json

    tmp.write_text(render_json(plan), encoding="utf-8")
    tmp.replace(target)


@click.command("plan")
@project_option
@store_option()
@store_url_option
@click.option(
    "--out", metavar="FILE", type=click.Path(dir_okay=False), help="Also write the plan as JSON to FILE."
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Format on stdout."
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes (0 none, 1 error).")
@click.option(
    "--target",
    "targets",
    metavar="KEY",
    multiple=True,
    help="Plan only this SKU or slug path (repeatable or comma-separated; a product includes its variations).",
)
@click.option("--allow-deletes", is_flag=True, help="Override the max_deletes guard.")
@click.option("--allow-changes", is_flag=True, help="Override the max_changed_percent guard.")
@click.option("--allow-price-drops", is_flag=True, help="Override the max_price_drop_percent guard.")
@click.option("--stats", "show_stats", is_flag=True,
              help="Print the requests sent per phase and their lower bound on stderr.")
@debug_option
def plan(
    project_dir: str,
    store: str | None,
    store_url: str | None,
    out: str | None,
    fmt: str,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
    allow_deletes: bool,
    allow_changes: bool,
    allow_price_drops: bool,
    show_stats: bool,
    debug: bool,
) -> None:
    """Show what `wcsync apply` would change in the store.

    The plan goes to stdout (text, markdown for a pull-request comment, or json); progress and errors go to
    stderr. Exit codes: 0 no changes, 2 changes (with --detailed-exitcode; 0 without), 1 error or a guard
    refused the plan (the whole plan is still printed, under a banner naming the guard and its flag).
    """
    overrides = Overrides(
        allow_deletes=allow_deletes,
        allow_changes=allow_changes,
        allow_price_drops=allow_price_drops,
        targets=split_targets(targets),
    )
    from wcsync import api
    from wcsync.cli import connect

    progress = FetchProgress.for_stderr()
    try:
        result = api.plan(project_dir, store=store, store_url=store_url, overrides=overrides,
                          client_factory=connect.open_client, progress=progress)
    except CatalogError as err:
        progress.discard()
        _report_catalog_error(err)
        fail(err, debug=debug)
    except WcsyncError as err:
        progress.discard()
        fail(err, debug=debug)
    except Exception as exc:  # a bug, not a user error: one line unless --debug
        progress.discard()
        if debug:
            raise
        abort(
            f"unexpected {type(exc).__name__}: {exc} — run again with --debug for the traceback, and report it"
        )
    if show_stats and progress.stats is not None:
        status(progress.stats.summary())
    if out:
        try:
            _write_plan_file(out, result)
        except OSError as err:
            fail(
                WcsyncError(f"could not write the plan file {out}: {err.strerror}", hint="check the path"),
                debug=debug,
            )
        status(f"Plan written to {out}")
    color = fmt == "text" and _color_stdout()
    from wcsync.render import render

    text = render(result, fmt, color=color, full_plan_hint=_ci_hint(os.environ))
    click.echo(text, nl=False, color=color)
    if result.refused:
        from wcsync.core.guards import refusal

        fail(refusal(result) or WcsyncError("a guard refused the plan"), debug=False)
    if detailed_exitcode and not result.is_empty:
        sys.exit(2)
