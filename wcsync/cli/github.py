"""``wcsync github …``: the pull-request loop in a GitHub Actions job, over GitHub's REST API (no ``gh``).

``plan`` (pull_request: plan comment, annotations, job summary), ``apply`` (push to main: apply with the
store's lock, result on the merged pull request), ``drift`` (schedule: the store's drift issue). The token,
repository and event come from the standard ``GITHUB_*`` variables. Exit codes are those of the wrapped
``wcsync plan`` / ``wcsync apply``; 1 when GitHub refused (the message names the missing permission).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from wcsync.cli.common import debug_option, fail, project_option, status, store_option, store_url_option
from wcsync.errors import WcsyncError

F = TypeVar("F", bound=Callable[..., Any])


def _target_options(fn: F) -> F:
    for option in reversed([
        project_option, store_option(), store_url_option,
        click.option("--allow-deletes", is_flag=True, help="Pass --allow-deletes to the plan / apply."),
        click.option("--allow-changes", is_flag=True, help="Pass --allow-changes to the plan / apply."),
        click.option("--allow-price-drops", is_flag=True, help="Pass --allow-price-drops to the plan / apply."),
        debug_option,
    ]):
        fn = option(fn)
    return fn


_plan_out = click.option("--out", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
                         help="Keep the plan file (JSON) here, e.g. to upload it as an artifact.")
_artifact = click.option("--artifact", metavar="NAME",
                         help="Name of the artifact holding the plan file, for the link in a long plan's comment.")


def _run(kw: dict[str, Any], job: Callable[..., int], **extra: Any) -> None:
    from wcsync.github.client import GitHubClient
    from wcsync.github.context import read_context
    from wcsync.github.flows import Target

    debug = kw.pop("debug")
    overrides = tuple(flag for flag, on in (("--allow-deletes", kw.pop("allow_deletes")),
                                            ("--allow-changes", kw.pop("allow_changes")),
                                            ("--allow-price-drops", kw.pop("allow_price_drops"))) if on)
    target = Target(project=Path(kw.pop("project_dir")), store=kw.pop("store"), store_url=kw.pop("store_url"),
                    overrides=overrides)
    try:
        with GitHubClient(read_context(os.environ)) as gh:
            code = job(gh, target, echo=click.echo, **extra)
    except WcsyncError as err:
        fail(err, debug=debug)
    sys.exit(code)


@click.group("github")
def github() -> None:
    """Pull-request comments, apply on merge and drift issues in GitHub Actions (REST API, no `gh`)."""


@github.command("plan")
@_target_options
@_plan_out
@_artifact
def plan(out: Path | None, artifact: str | None, **kw: Any) -> None:
    """Plan for this pull request: annotate problems at their YAML line, post or update the store's plan
    comment (a guard-refused plan in full), write the whole plan to the job summary. Exits as `wcsync plan`."""
    from wcsync.github.flows import plan_pr

    _run(kw, plan_pr, out=out, artifact=artifact)


@github.command("apply")
@_target_options
@click.option("--report", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Keep the apply report (JSON) here.")
def apply(report: Path | None, **kw: Any) -> None:
    """Apply on merge with the store's lock (`wcsync apply --auto-approve --lock`) and post the result on the
    merged pull request. Exits as `wcsync apply`."""
    from wcsync.github.flows import apply_merged

    _run(kw, apply_merged, report=report)


@github.command("drift")
@_target_options
@_plan_out
@_artifact
def drift(out: Path | None, artifact: str | None, **kw: Any) -> None:
    """Check for drift (scheduled): open or update the store's drift issue with the plan, close it when the store
    matches again. Exits as `wcsync plan --detailed-exitcode` (0 none, 2 drift, 1 error)."""
    from wcsync.github.flows import drift_check

    status("Checking the store for drift …")
    _run(kw, drift_check, out=out, artifact=artifact)
