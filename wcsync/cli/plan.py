"""``wcsync plan``: load the project and catalogue, read the store, plan, print the plan.

The artifact (text, Markdown or JSON) goes to stdout; progress and status go to stderr. Exit codes: 0 no
changes (or changes without ``--detailed-exitcode``), 2 changes with ``--detailed-exitcode``, 1 error. A plan
refused by a guard is still rendered in full (under a banner naming each guard, its resources and its
override flag; ``--out`` writes it marked ``refused``), then the command exits 1.
``make_plan`` is the same sequence as a plain function, for ``wcsync apply`` and library users.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
from wcsync.cli.targets import check_targets, split_targets
from wcsync.core.plan import Plan, StoreRef
from wcsync.errors import CatalogError, ConfigError, WcsyncError
from wcsync.render import FORMATS, render, render_json
from wcsync.render.escape import visible
from wcsync.settings import StoreSettings
from wcsync.store.budget import RequestStats


class FetchProgress:
    """Progress of reading the store, on stderr: a rich progress display on a terminal, else one plain line
    per finished list (CI logs stay readable). The display is redrawn on each page read, not by a refresh
    thread: nothing changes between pages, and what is shown never depends on timing."""

    def __init__(self, *, live: bool, console: Any = None) -> None:
        self._live = live
        #: a rich Console for the live display (default: one on stderr)
        self._console = console
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    @classmethod
    def for_stderr(cls) -> FetchProgress:
        # a dumb terminal cannot redraw a display in place: plain lines there too
        dumb = os.environ.get("TERM", "").lower() in ("dumb", "unknown")
        return cls(live=sys.stderr.isatty() and not dumb)

    def status(self, message: str) -> None:
        if self._progress is not None:
            self._progress.console.print(visible(message), highlight=False, markup=False)
        else:
            status(message)

    def update(self, path: str, done: int, total: int) -> None:
        """``wcsync.store.client.Progress``: ``path`` has ``done`` of ``total`` pages."""
        if not self._live:
            if done == total:
                status(f"  read {path} ({total} page{'s' if total != 1 else ''})")
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("  {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=self._console or Console(stderr=True),
                transient=True,
                auto_refresh=False,
            )
            self._progress.start()
        task = self._tasks.get(path)
        if task is None:
            task = self._tasks[path] = self._progress.add_task(path, total=total)
        self._progress.update(task, completed=done, total=total, refresh=True)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._tasks.clear()


@dataclass(frozen=True)
class Overrides:
    """The command line's part of the planner settings."""

    allow_deletes: bool = False
    allow_changes: bool = False
    allow_price_drops: bool = False
    targets: tuple[str, ...] = ()


def public_url(settings: StoreSettings) -> str:
    """The store URL as plans and messages show it: no user info, query or fragment (they can hold secrets)."""
    if settings.is_sandbox:
        return settings.url
    from wcsync.store.errors import redact_url

    return redact_url(settings.url)


def make_plan(
    project_dir: str | Path,
    *,
    store: str | None = None,
    store_url: str | None = None,
    overrides: Overrides = Overrides(),
    env: Mapping[str, str] | None = None,
    progress: FetchProgress | None = None,
    stats: RequestStats | None = None,
) -> Plan:
    """Project + catalogue + live store → ``Plan``. Raises ``WcsyncError`` subclasses (catalogue errors with
    diagnostics, store errors); a plan refused by a guard is returned with ``refused`` set
    (``wcsync.core.guards.refusal`` gives its ``PlanError``)."""
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project, plan_settings, resolve_store
    from wcsync.core.planner import build_plan
    from wcsync.store.fetch import catalogue_skus

    env = os.environ if env is None else env
    directory = Path(project_dir)
    url_given = bool(store_url or env.get("WCSYNC_URL"))
    if not url_given:
        _require_project_file(directory)
    project = load_project(directory, required=not url_given)
    settings = resolve_store(project, store=store, store_url=store_url, env=env)
    plan_settings_ = plan_settings(project).model_copy(
        update={
            "allow_deletes": overrides.allow_deletes,
            "allow_changes": overrides.allow_changes,
            "allow_price_drops": overrides.allow_price_drops,
            "targets": overrides.targets,
        }
    )
    _status(progress, f"Loading the catalogue in {directory.resolve()} …")
    loaded = load_catalog(directory, project)
    for warning in loaded.warnings:
        _status(progress, f"warning: {warning}")
    if loaded.desired is None or not loaded.ok:
        errors = loaded.errors
        raise CatalogError(
            f"the catalogue has {len(errors)} error(s); the store was not read",
            list(errors),
            hint="fix them (`wcsync validate` lists them) and plan again",
        )
    desired = loaded.desired
    _status(progress, f"Reading store {settings.name} ({public_url(settings)}) …")
    read: list[Any] = []  # not asyncio.run's result: Python 3.11 reprs that on the way out (see _kept)
    asyncio.run(_kept(read, _fetch(settings, progress, stats, catalogue_skus(desired), desired)))
    live = read[0]
    check_targets(overrides.targets, desired, live, store=settings.name)
    _status(progress, "Planning …")
    ref = StoreRef(name=settings.name, url=public_url(settings), wc_version=live.wc_version)
    return build_plan(desired, live, plan_settings_, store=ref)


def _require_project_file(directory: Path) -> None:
    """Without a store URL, the project file names the store: say once what is missing and what to do."""
    from wcsync.catalog.project import PROJECT_FILE

    where = directory.resolve()
    if not directory.is_dir():
        raise ConfigError(
            f"the project directory {where} does not exist",
            hint="pass --project DIR pointing at the folder that holds wcsync.yaml and catalog/",
        )
    if not (directory / PROJECT_FILE).is_file():
        raise ConfigError(
            f"no {PROJECT_FILE} in {where}, so there is no store to plan against",
            hint=f"create {PROJECT_FILE} there (with `stores:`), pass --project DIR pointing at the project "
            "that has one, or pass --store-url URL (or set WCSYNC_URL)",
        )


def _status(progress: FetchProgress | None, message: str) -> None:
    if progress is not None:
        progress.status(message)


async def _kept(into: list[Any], work: Coroutine[Any, Any, Any]) -> None:
    """Await ``work`` into ``into``. ``asyncio.run`` on Python 3.11 ends with ``signal.getsignal(SIGINT)``, whose
    failed enum lookup formats its handler — which holds the main task — with ``%r``: the task's repr includes its
    result, and the repr of a live state of thousands of resources takes seconds (1 s for 3,000 resources)."""
    into.append(await work)


async def _fetch(settings: StoreSettings, progress: FetchProgress | None, stats: RequestStats | None = None,
                 skus: frozenset[str] | None = None, desired: Any = None) -> Any:
    from wcsync.cli.connect import open_client
    from wcsync.store.fetch import fetch_live_state

    callback = progress.update if progress is not None else None
    notify = progress.status if progress is not None else None
    async with open_client(settings, progress=callback, notify=notify) as client:
        if stats is not None:  # the caller reads the request counts and bounds afterwards
            client.stats = stats
        try:
            return await fetch_live_state(client, progress=callback, skus=skus, desired=desired)
        finally:
            if progress is not None:
                progress.finish()


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
    progress = FetchProgress.for_stderr()
    stats = RequestStats()
    try:
        result = make_plan(
            project_dir, store=store, store_url=store_url, overrides=overrides, progress=progress, stats=stats
        )
    except CatalogError as err:
        progress.finish()
        _report_catalog_error(err)
        fail(err, debug=debug)
    except WcsyncError as err:
        progress.finish()
        fail(err, debug=debug)
    except Exception as exc:  # a bug, not a user error: one line unless --debug
        progress.finish()
        if debug:
            raise
        abort(
            f"unexpected {type(exc).__name__}: {exc} — run again with --debug for the traceback, and report it"
        )
    if show_stats:
        status(stats.summary())
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
    text = render(result, fmt, color=color, full_plan_hint=_ci_hint(os.environ))
    click.echo(text, nl=False, color=color)
    if result.refused:
        from wcsync.core.guards import refusal

        fail(refusal(result) or WcsyncError("a guard refused the plan"), debug=False)
    if detailed_exitcode and not result.is_empty:
        sys.exit(2)
