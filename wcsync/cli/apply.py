"""``wcsync apply [plan.json]``: make the store match the catalogue.

Without a file it plans (exactly as ``wcsync plan`` does), shows the plan and asks ``y/N`` (``--auto-approve``
for CI; never prompts without a terminal). With a file it applies exactly that plan: it refuses a plan made
for another store or another catalogue version, a plan file of another ``format_version``, and a plan refused
by a guard unless that guard's override flag is given; it skips (and reports) every object changed in the
store since planning into something else, and counts as already applied every object that already holds
what the plan wanted (re-applying the same plan exits 0). Either way the plan applied is printed first.
Afterwards it re-plans against the store's answers to the writes to prove convergence, re-reading only what
they cannot prove (``wcsync.store.verify``).

Exit codes: 0 everything applied and converged, 3 some items failed / were skipped / did not converge, or
convergence is unproven (the store could not be re-read afterwards: the summary says so), 1 an error before
anything was written (including an unwritable ``--report`` path, checked first, and a store
that refuses writing altogether, e.g. a read-only key: one error, not one per item). The report is written
even when the run fails; a report that cannot be written after the store was changed is said, never raised.
The plan text goes to stdout; progress and results to stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from wcsync.cli.common import (
    abort,
    debug_option,
    error,
    fail,
    project_option,
    status,
    store_option,
    store_url_option,
)
from wcsync.cli.targets import check_targets, split_targets
from wcsync.core.guards import refusal
from wcsync.core.plan import PLAN_FORMAT_VERSION, Plan, PlanSettings, StoreRef
from wcsync.core.records import DesiredState, LiveState
from wcsync.errors import ApplyError, CatalogError, PlanError, WcsyncError
from wcsync.settings import StoreSettings


@click.command("apply")
@click.argument("plan_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
@store_option("store_name")
@store_url_option
@click.option("--auto-approve", is_flag=True, help="Apply without asking (CI).")
@click.option("--continue-on-error", is_flag=True, help="Run every independent stage even after a failure.")
@click.option("--batch-size", type=click.IntRange(1, 100), help="Items per batch request (default 100).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the per-item results as JSON to FILE.")
@click.option("--allow-deletes", is_flag=True, help="Override the max_deletes guard.")
@click.option("--allow-changes", is_flag=True, help="Override the max_changed_percent guard.")
@click.option("--allow-price-drops", is_flag=True, help="Override the max_price_drop_percent guard.")
@click.option("--lock", is_flag=True,
              help="Hold the store's apply lock while applying; refuse if another apply holds it (CI).")
@click.option("--target", "targets", multiple=True, metavar="KEY",
              help="Only this SKU or slug path (repeatable or comma-separated; a product includes its variations).")
@click.option("--stats", "show_stats", is_flag=True,
              help="Print the requests sent per phase (read, write, verify) and their lower bound on stderr.")
@debug_option
def apply(plan_file: Path | None, project_dir: str, store_name: str | None, store_url: str | None,
          auto_approve: bool, continue_on_error: bool, batch_size: int | None, report_file: Path | None,
          allow_deletes: bool, allow_changes: bool, allow_price_drops: bool, lock: bool,
          targets: tuple[str, ...], show_stats: bool, debug: bool) -> None:
    """Make the store match the catalogue.

    Without PLAN_FILE: plan, show the plan and ask y/N (--auto-approve for CI). With PLAN_FILE (from
    `wcsync plan --out`): print and apply exactly that plan; objects changed in the store since planning are
    skipped and reported, those already as the plan wanted count as already applied. Afterwards the store is
    re-read to prove it matches. Exit codes: 0 all applied or already applied, and converged, 3 some items
    failed, were skipped or did not converge, or convergence is unproven (the store could not be re-read
    afterwards), 1 error before anything was written.
    """
    options = _Options(plan_file=plan_file, project_dir=Path(project_dir), store_name=store_name,
                       store_url=store_url, auto_approve=auto_approve, continue_on_error=continue_on_error,
                       batch_size=batch_size, report_file=report_file, lock=lock, show_stats=show_stats,
                       overrides={"allow_deletes": allow_deletes, "allow_changes": allow_changes,
                                  "allow_price_drops": allow_price_drops,
                                  "targets": split_targets(targets)})
    try:
        code = asyncio.run(_apply(options))
    except WcsyncError as err:
        fail(err, debug=debug)
    except KeyboardInterrupt:
        abort("interrupted; re-run `wcsync apply`: it re-reads the store and converges", code=130)
    sys.exit(code)


class _Options:
    def __init__(self, **kw: Any) -> None:
        self.plan_file: Path | None = kw["plan_file"]
        self.project_dir: Path = kw["project_dir"]
        self.store_name: str | None = kw["store_name"]
        self.store_url: str | None = kw["store_url"]
        self.auto_approve: bool = kw["auto_approve"]
        self.continue_on_error: bool = kw["continue_on_error"]
        self.batch_size: int | None = kw["batch_size"]
        self.report_file: Path | None = kw["report_file"]
        self.overrides: dict[str, Any] = kw["overrides"]
        self.lock: bool = kw.get("lock", False)
        self.show_stats: bool = kw.get("show_stats", False)


def _load(options: _Options) -> tuple[StoreSettings, PlanSettings, DesiredState]:
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import load_project, plan_settings, resolve_store

    url_given = bool(options.store_url or os.environ.get("WCSYNC_URL"))
    project = load_project(options.project_dir, required=not url_given)
    settings = resolve_store(project, store=options.store_name, store_url=options.store_url, env=os.environ)
    if options.batch_size:
        settings = settings.model_copy(update={"batch_size": options.batch_size})
    psettings = plan_settings(project).model_copy(update=options.overrides)
    status(f"Loading the catalogue in {Path(options.project_dir).resolve()} …")
    loaded = load_catalog(options.project_dir, project)
    if loaded.desired is None or not loaded.ok:
        for diag in loaded.errors:
            status(str(diag))
        raise CatalogError(f"the catalogue has {len(loaded.errors)} error(s); nothing was written",
                           list(loaded.errors), hint="fix them (`wcsync validate` lists them) and apply again")
    return settings, psettings, loaded.desired


def _store_ref(settings: StoreSettings, live: LiveState) -> StoreRef:
    return StoreRef(name=settings.name, url=_shown_url(settings), wc_version=live.wc_version)


async def _apply(options: _Options) -> int:
    from wcsync.cli.connect import open_client
    from wcsync.store.lock import apply_lock

    _check_report_path(options.report_file)
    settings, psettings, desired = _load(options)
    saved: Plan | None = None
    if options.plan_file is not None:
        saved = _read_plan(options.plan_file)
        _check_plan(saved, settings, desired, options.plan_file)
        _check_refused(saved, psettings, options.plan_file)
    async with open_client(settings, notify=status) as client:
        try:
            async with apply_lock(client, settings.name, enabled=options.lock, notify=status):
                return await _run(options, client, settings, psettings, desired, saved)
        finally:
            if options.show_stats:
                status(client.stats.summary())


async def _run(options: _Options, client: Any, settings: StoreSettings, psettings: PlanSettings,
               desired: DesiredState, saved: Plan | None) -> int:
    from wcsync.core.planner import build_plan, verify_convergence
    from wcsync.engine import execute
    from wcsync.engine.converge import convergence_errors, perpetual
    from wcsync.engine.progress import StderrProgress
    from wcsync.engine.stale import already_applied, stale_changes
    from wcsync.store.budget import phase, write_bound
    from wcsync.store.fetch import catalogue_skus, fetch_live_state
    from wcsync.store.verify import proven_state
    from wcsync.store.writer import StoreWriter

    progress = StderrProgress()
    status(f"Reading store {settings.name} ({_shown_url(settings)}) …")
    skus = catalogue_skus(desired)
    # a saved plan's staleness check looks for its resources in the trash too: read it then
    live = await fetch_live_state(client, skus=skus if saved is None else None, desired=desired)
    skip: dict[Any, str] = {}
    already: dict[Any, int] = {}
    if saved is not None:
        plan = saved
        click.echo(_plan_text(plan))
        status(f"Applying {options.plan_file}: {plan.summary()}")
        skip = stale_changes(plan, live)
        remaining = verify_convergence(desired, live, plan.settings, _store_ref(settings, live))
        already = already_applied(plan, live, skip, remaining)
        for where in already:
            skip.pop(where, None)
        if already:
            status(f"  {len(already)} change(s) already applied: the store already holds what the plan wanted")
        for (kind, key), reason in skip.items():
            status(f"  skipped {kind.value} {key}: {reason}")
    else:
        check_targets(psettings.targets, desired, live, store=settings.name)
        plan = build_plan(desired, live, psettings, store=_store_ref(settings, live))
        click.echo(_plan_text(plan))
        if plan.refused:
            raise refusal(plan) or PlanError("a guard refused the plan")
        if plan.is_empty:
            from wcsync.engine.model import ApplyResult

            _write_report(ApplyResult(), options.report_file)  # CI may always expect the file
            return 0
        if not _approved(options.auto_approve):
            status("Apply cancelled: nothing was written.")
            return 1
    writer = StoreWriter(client, batch_size=options.batch_size, on_batch=progress.batch)
    client.stats.bounds["write"] = write_bound(plan)
    with phase("write"):
        result = await execute(plan, writer, continue_on_error=options.continue_on_error, skip=skip,
                               progress=progress, already=already)
    if result.refused is not None:
        return _refused(result, options.report_file)
    status("Checking convergence (the store's answers; re-reading only what they cannot prove) …")
    diffs: list[str] = []
    try:
        with phase("verify"):
            after = await proven_state(client, live, result, writer.answers)
    except WcsyncError as err:  # the writes are done: report them, and say convergence is unproven
        result.unproven = f"the store could not be re-read to check convergence: {err}"
    else:
        remaining = verify_convergence(desired, after, plan.settings, _store_ref(settings, after))
        result.convergence_errors = convergence_errors(remaining, result)
        diffs = perpetual(remaining, result)
    _report(result, options.report_file, perpetual=diffs)
    return result.exit_code


def _shown_url(settings: StoreSettings) -> str:
    from wcsync.store.errors import redact_url

    return settings.url if settings.is_sandbox else redact_url(settings.url)


def _read_plan(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8")
        version = json.loads(text).get("format_version") if text.lstrip().startswith("{") else None
        if version is not None and version != PLAN_FORMAT_VERSION:
            raise ApplyError(
                f"{path} is a plan file of format_version {json.dumps(version)}, but this wcsync reads "
                f"format_version {PLAN_FORMAT_VERSION}",
                hint="make the plan again with this wcsync (`wcsync plan --out plan.json`), or apply it with "
                "the wcsync that wrote it")
        return Plan.model_validate_json(text)
    except (OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ApplyError(f"{path} is not a wcsync plan file ({first})",
                         hint="write one with `wcsync plan --out plan.json`") from None


def _check_plan(plan: Plan, settings: StoreSettings, desired: DesiredState, path: Path) -> None:
    if plan.store.url.rstrip("/") != _shown_url(settings).rstrip("/"):
        raise PlanError(
            f"{path} was made for store {plan.store.name} ({plan.store.url}), not for {settings.name} "
            f"({_shown_url(settings)})",
            hint="plan again against this store, or pass the --store / --store-url the plan was made for")
    if plan.catalog_version != desired.catalog_version:
        raise PlanError(
            f"{path} was made from catalogue version {plan.catalog_version[:12]}, but the catalogue is now "
            f"{desired.catalog_version[:12]}",
            hint="the catalogue changed since planning: run `wcsync plan --out plan.json` again")


def _check_refused(plan: Plan, psettings: PlanSettings, path: Path) -> None:
    """A plan saved while a guard refused it is applied only with that guard's override flag."""
    if not plan.refused:
        return
    given = {"--allow-deletes": psettings.allow_deletes, "--allow-changes": psettings.allow_changes,
             "--allow-price-drops": psettings.allow_price_drops}
    missing = [g for g in plan.guards if not (g.override and given.get(g.override))]
    if not plan.guards or missing:
        flags = sorted({g.override for g in missing if g.override})
        what = "; ".join(g.message for g in missing) or "a guard refused it"
        hint = (f"review the plan above; to apply it anyway pass {' '.join(flags)}" if flags and
                all(g.override for g in missing) else "fix the catalogue and plan again")
        click.echo(_plan_text(plan))
        raise PlanError(f"{path} was refused by a guard when it was planned: {what}; nothing was written",
                        hint=hint)


def _plan_text(plan: Plan) -> str:
    try:
        from wcsync.render import render_text
    except ImportError:  # pragma: no cover - renderer not installed
        return plan.summary()
    return render_text(plan, color=sys.stdout.isatty())


def _interactive() -> bool:
    return sys.stdin.isatty()


def _approved(auto_approve: bool) -> bool:
    if auto_approve:
        return True
    if not _interactive():
        raise ApplyError("refusing to ask for approval without a terminal; nothing was written",
                         hint="review the plan and pass --auto-approve (CI), or apply a saved plan file")
    return click.confirm("Apply these changes?", default=False, err=True)


def _report(result: Any, report_file: Path | None, *, perpetual: list[str] | None = None) -> None:
    from wcsync.engine.model import ApplyResult, Status

    assert isinstance(result, ApplyResult)
    for item in result.items:
        if item.status is Status.FAILED:
            status(f"  failed {item.kind.value} {item.key} ({item.action}): {item.error}")
        elif item.status is Status.SKIPPED and not item.bulk:
            status(f"  skipped {item.kind.value} {item.key}: {item.error}")
        elif item.followup_error:
            status(f"  incomplete {item.kind.value} {item.key}: {item.followup_error}")
    for finding in result.convergence_errors:
        status(f"  not converged: {finding}")
    if result.unproven is not None:
        status(f"  convergence unproven: {result.unproven}")
    if perpetual:
        status("A resource that was written as sent still differs: its canonical form is wrong (a perpetual "
               "diff). Please report it.")
    elif result.convergence_errors:
        status("Each resource that did not converge had a write whose answer was lost; wcsync settled it by "
               "re-reading the store, and something changed it since (another apply still running?). Run "
               "`wcsync apply` again: it converges.")
    status(result.summary())
    _write_report(result, report_file)


def _refused(result: Any, report_file: Path | None) -> int:
    """The store refused writing at all: one error (the store's, saying what to do), not one per item."""
    from wcsync.engine.model import ApplyResult, Status

    assert isinstance(result, ApplyResult) and result.refused is not None
    applied = result.count(Status.APPLIED)
    if applied:
        _report(result, report_file)
        outcome = (f"{applied} change(s) had been written before; the rest were not "
                   "(re-run apply once the key can write: it converges)")
    else:
        _write_report(result, report_file)
        outcome = "nothing was written"
    err = result.refused
    text = f"{err.message}; {outcome}" + (f" — {err.hint}" if err.hint else "")
    error(text)
    return result.exit_code


def _check_report_path(report_file: Path | None) -> None:
    """Refuse a ``--report`` path that cannot be written, before anything is written to the store."""
    if report_file is None:
        return
    parent = report_file.parent if str(report_file.parent) else Path(".")
    problem = None
    if report_file.is_dir():
        problem = "it is a directory"
    elif not parent.is_dir():
        problem = f"the directory {parent} does not exist"
    elif not os.access(parent, os.W_OK | os.X_OK) or (report_file.exists() and not os.access(report_file, os.W_OK)):
        problem = "it is not writable"
    if problem:
        raise ApplyError(f"cannot write the report file {report_file}: {problem}; nothing was written",
                         hint="pass a --report path in an existing, writable directory")


def _write_report(result: Any, report_file: Path | None) -> None:
    """Write the report; the store is already written, so a failure here is said, never raised."""
    if report_file is None:
        return
    try:
        report_file.write_text(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as err:
        status(f"Warning: could not write the report file {report_file} ({err.strerror or err}); "
               "the results above are complete")
