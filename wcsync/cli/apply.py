"""``wcsync apply [plan.json]``: make the store match the catalogue.

Without a file it plans (exactly as ``wcsync plan`` does), shows the plan and asks ``y/N`` (``--auto-approve``
for CI; never prompts without a terminal). With a file it applies exactly that plan: it refuses a plan made
for another store or another catalogue version, a plan file of another ``format_version``, and a plan refused
by a guard unless that guard's override flag is given; it skips (and reports) every object changed in the
store since planning into something else, and counts as already applied every object that already holds
what the plan wanted (re-applying the same plan exits 0). Either way the plan applied is printed first.
Afterwards it re-fetches the store and re-plans to prove convergence.

Exit codes: 0 everything applied and converged, 3 some items failed / were skipped / did not converge, or
convergence is unproven (the store could not be re-read afterwards: the summary says so), 1 an error before
anything was written (including an unwritable ``--report`` path, checked first, and a store
that refuses writing altogether, e.g. a read-only key: one error, not one per item). The report is written
even when the run fails; a report that cannot be written after the store was changed is said, never raised.
The plan text goes to stdout; progress and results to stderr. The command is a shell over ``wcsync.api.apply``
(planning, the saved-plan checks, the apply lock, the writes and the convergence proof live there); this module
asks for approval, prints the results and writes the report.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from wcsync.cli.progress import ApplyDisplay
from wcsync.cli.targets import split_targets
from wcsync.core.plan import Plan
from wcsync.errors import ApplyError, CatalogError, WcsyncError

if TYPE_CHECKING:
    from wcsync.api import ApplyOutcome


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
@click.option("--lock/--no-lock", default=True,
              help="Hold the store's apply lock while writing (the default); refuse while another apply holds "
              "it. --no-lock: skip it, with a warning.")
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
    from wcsync import api
    from wcsync.cli import connect

    display = ApplyDisplay(show=lambda plan: click.echo(_plan_text(plan)))
    overrides = api.Overrides(allow_deletes=allow_deletes, allow_changes=allow_changes,
                              allow_price_drops=allow_price_drops, targets=split_targets(targets))
    try:
        try:
            _check_report_path(report_file)
            outcome = api.apply(project_dir, plan_file=plan_file, store=store_name, store_url=store_url,
                                overrides=overrides, batch_size=batch_size, continue_on_error=continue_on_error,
                                lock=lock, approve=None if auto_approve else _ask, client_factory=connect.open_client,
                                progress=display)
            code = _finish(outcome, report_file)
        finally:
            if show_stats and display.stats is not None:  # after the results, before an error
                status(display.stats.summary())
    except CatalogError as err:
        for diag in err.diagnostics:
            status(str(diag))
        fail(err, debug=debug)
    except WcsyncError as err:
        fail(err, debug=debug)
    except KeyboardInterrupt:
        abort("interrupted; re-run `wcsync apply`: it re-reads the store and converges", code=130)
    sys.exit(code)


def _finish(outcome: ApplyOutcome, report_file: Path | None) -> int:
    """Report what ``wcsync.api.apply`` did (the report file is written even when the run failed)."""
    result = outcome.result
    if outcome.executed and result.refused is not None:
        return _refused(result, report_file)
    if outcome.executed:
        _report(result, report_file, perpetual=outcome.perpetual)
    elif not outcome.cancelled:
        _write_report(result, report_file)  # nothing to write: CI may always expect the file
    return outcome.exit_code


def _plan_text(plan: Plan) -> str:
    try:
        from wcsync.render import render_text
    except ImportError:  # pragma: no cover - renderer not installed
        return plan.summary()
    return render_text(plan, color=sys.stdout.isatty())


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(plan: Plan) -> bool:
    """Approval of the plan shown above: y/N on a terminal; refused without one (CI passes --auto-approve)."""
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
