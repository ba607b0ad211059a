"""The three jobs of a catalogue repository, as plain functions the CLI calls:

- ``plan_pr``: annotate the catalogue's problems, run ``wcsync plan``, post or update the store's plan comment
  on the pull request (a refused plan in full under its banner), put the whole plan in the job summary;
- ``apply_merged``: run ``wcsync apply --lock``, post the result on the merged pull request;
- ``drift_check``: run ``wcsync plan --detailed-exitcode``, open / update / close the store's drift issue.

Each runs the same ``wcsync`` commands a user would (``runner.run_wcsync``), so its exit code is theirs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from wcsync.errors import WcsyncError
from wcsync.github import annotations as notes
from wcsync.github.applied import apply_comment, merged_pull_request, reviewed_plan
from wcsync.github.client import GitHubClient
from wcsync.github.comments import (
    Posted,
    RenderedPlan,
    failed_plan_comment,
    marker,
    no_base_store_comment,
    render_plan_comment,
    upsert_comment,
)
from wcsync.github.drift import report_drift, resolve_drift
from wcsync.github.planfile import PlanFile, read_plan_file
from wcsync.github.runner import Ran, run_wcsync

if TYPE_CHECKING:
    from wcsync.github.basestore import NoBaseStore

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """Which project and store, as the wrapped ``wcsync`` commands take them."""

    project: Path
    store: str | None = None
    store_url: str | None = None
    overrides: tuple[str, ...] = ()  # --allow-* flags passed on
    #: the store's name for comments when the URL was read from the base branch (``--store`` is not passed then)
    label: str | None = None
    #: environment the wrapped commands get on top of ours (the base branch's store settings)
    env: tuple[tuple[str, str], ...] = ()

    def args(self) -> list[str]:
        out = ["--project", str(self.project)]
        if self.store:
            out += ["--store", self.store]
        if self.store_url:
            out += ["--store-url", self.store_url]
        return out

    def store_name(self, env: Mapping[str, str] | None = None) -> str:
        """The store's name as ``wcsync plan`` names it (the comment marker and the drift issue use it)."""
        env = os.environ if env is None else env
        if self.label:
            return self.label
        if self.store:
            return self.store
        url = self.store_url or env.get("WCSYNC_URL")
        if url:
            return "sandbox" if url.startswith("sandbox:") else urlparse(url).hostname or "store"
        from wcsync.catalog.project import load_project

        try:
            project = load_project(self.project, required=False)
        except WcsyncError:  # the wrapped command reports a broken project file
            return "default"
        if project.default_store:
            return project.default_store
        return next(iter(project.stores)) if len(project.stores) == 1 else "default"


def _load(target: Target) -> tuple[Any, list[Any]]:
    """(desired state or None, diagnostics) of the catalogue, offline."""
    from wcsync.catalog import load_catalog
    from wcsync.catalog.project import Project, load_project
    from wcsync.errors import CatalogError

    diags: list[Any] = []
    try:
        project = load_project(target.project, required=False)
    except CatalogError as err:
        return None, list(err.diagnostics)
    except Exception:
        project = Project()
    loaded = load_catalog(target.project, project)
    return loaded.desired, [*diags, *loaded.diagnostics]


def _tail(ran: Ran, lines: int = 40) -> str:
    return "\n".join(ran.stderr.strip().splitlines()[-lines:])


def _write_summary(gh: GitHubClient, text: str) -> None:
    path = gh.ctx.step_summary
    if path is not None:
        with path.open("a", encoding="utf-8") as out:
            out.write(text.rstrip("\n") + "\n")


def _plan(target: Target, out: Path, *extra: str) -> tuple[Ran, PlanFile | None]:
    out.unlink(missing_ok=True)
    ran = run_wcsync(["plan", *target.args(), "--out", str(out), *target.overrides, *extra], env=dict(target.env))
    return ran, (read_plan_file(out) if out.is_file() else None)


def _out_path(out: Path | None, store: str, tmp: str) -> Path:
    return out if out is not None else Path(tmp) / f"wcsync-plan-{store}.json"


def plan_pr(gh: GitHubClient, target: Target, *, echo: Echo, out: Path | None = None,
            artifact: str | None = None) -> int:
    """Plan for the pull request of this run and keep its plan comment current; the plan's exit code."""
    ctx = gh.ctx
    number = ctx.pull_request
    if number is None:
        from wcsync.errors import ConfigError

        raise ConfigError(f"`wcsync github plan` comments on a pull request, but this run's event is "
                          f"{ctx.event_name or 'unknown'}", hint="run it in a job `on: pull_request`")
    with tempfile.TemporaryDirectory(prefix="wcsync-gh-") as tmp:
        return _plan_pr(gh, target, number, Path(tmp), echo=echo, out=out, artifact=artifact)


def _plan_pr(gh: GitHubClient, target: Target, number: int, tmp: Path, *, echo: Echo, out: Path | None,
             artifact: str | None) -> int:
    ctx = gh.ctx
    prefix = notes.repo_prefix(target.project, ctx.workspace)
    note = ""
    if not target.store_url and not os.environ.get("WCSYNC_URL"):
        from wcsync.github.basestore import NoBaseStore

        try:
            target, note = _base_target(gh, target, prefix, tmp, echo)
        except NoBaseStore as err:
            _no_base_store(gh, target, number, err, echo)
            raise
    store = target.store_name()
    desired, diags = _load(target)
    for annotation in notes.from_diagnostics(diags, prefix):
        echo(annotation.command())
    ran, pf = _plan(target, _out_path(out, store, str(tmp)))
    commit = ctx.head_sha
    if pf is None:
        failed = failed_plan_comment(store, commit, ran.code, _tail(ran), run_url=ctx.run_url, banner=note)
        posted = upsert_comment(gh, number, marker("plan", store), lambda _: failed, what="plan comment")
        _write_summary(gh, failed)
        _said(echo, posted, number)
        return ran.code or 1
    for annotation in notes.from_guards(pf.guards, desired, target.project, prefix):
        echo(annotation.command())
    rendered: list[RenderedPlan] = []

    def body(replaced: str | None) -> str:
        rendered.append(render_plan_comment("plan", store, commit, pf, run_url=ctx.run_url,
                                            artifact=artifact, replaced=replaced, banner=note))
        return rendered[-1].comment

    posted = upsert_comment(gh, number, marker("plan", store), body, what="plan comment")
    _write_summary(gh, rendered[-1].summary)
    _said(echo, posted, number)
    if rendered[-1].split:
        echo(f"The plan is longer than a comment: the comment shows its start, the job summary has it all "
             f"({len(rendered[-1].summary)} characters)")
    return ran.code


def _base_target(gh: GitHubClient, target: Target, prefix: str, tmp: Path, echo: Echo) -> tuple[Target, str]:
    """The target with the store settings of the base branch's wcsync.yaml (never the pull request's: its URL,
    auth, verify_tls and CA certificate), and the comment's note when the pull request changes them."""
    from wcsync.github.basestore import resolve_base_store

    base = resolve_base_store(gh, project_dir=target.project, prefix=prefix, store=target.store, env=os.environ)
    echo(f"Planning against store {base.name} with the settings of the base branch's wcsync.yaml")
    ca_file = None
    if base.ca_pem is not None:
        ca_file = tmp / "base-ca-bundle.pem"
        ca_file.write_text(base.ca_pem, encoding="utf-8")
    note = ""
    if base.changed:
        for annotation in notes.from_diagnostics([d for _, d in base.changed], prefix):
            echo(annotation.command())
        note = _changed_note(base.name, [k for k, _ in base.changed])
    env = tuple(base.env(ca_file, os.environ).items())
    return replace(target, store=None, store_url=base.url, label=base.name, env=env), note


def _changed_note(store: str, keys: list[str]) -> str:
    if "" in keys:
        text = (f"This pull request removes store `{store}` from wcsync.yaml. This plan used the base branch's "
                "settings of it.")
    elif keys == ["url"]:
        text = (f"This pull request changes the `url` of store `{store}` in wcsync.yaml. This plan used the base "
                "branch's URL; the new URL is used only after the merge.")
    else:
        names = ", ".join(f"`{k}`" for k in keys[:-1]) + f" and `{keys[-1]}`" if len(keys) > 1 else f"`{keys[0]}`"
        text = (f"This pull request changes the {names} of store `{store}` in wcsync.yaml. This plan used the "
                "base branch's settings; the new ones are used only after the merge.")
    return f"> [!NOTE]\n> {text}\n\n"


def _no_base_store(gh: GitHubClient, target: Target, number: int, err: NoBaseStore, echo: Echo) -> None:
    """Say on the pull request why there is no plan when the base branch names no store (then the CLI
    reports ``err`` and exits 1)."""
    from wcsync.catalog.project import PROJECT_FILE

    store = target.store_name()
    pr = gh.ctx.event.get("pull_request")
    base = pr.get("base") if isinstance(pr, dict) else None
    base_ref = str(base.get("ref") or "") if isinstance(base, dict) else ""
    body = no_base_store_comment(store, gh.ctx.head_sha, err.reason, base_ref=base_ref, run_url=gh.ctx.run_url,
                                 adds_project_file=err.no_file and (target.project / PROJECT_FILE).is_file(),
                                 invalid=err.invalid)
    _write_summary(gh, body)
    try:
        posted = upsert_comment(gh, number, marker("plan", store), lambda _: body, what="plan comment")
    except WcsyncError as post:  # the base branch's problem stays the error the job reports
        echo(f"Could not say so on pull request #{number}: {post}")
        return
    _said(echo, posted, number)


def _said(echo: Echo, posted: Posted, number: int) -> None:
    verb = "Posted" if posted.created else "Updated"
    echo(f"{verb} the plan comment on pull request #{number}: {posted.url}")


def apply_merged(gh: GitHubClient, target: Target, *, echo: Echo, report: Path | None = None,
                 extra: tuple[str, ...] = ()) -> int:
    """Apply with the store's lock; post the result on the merged pull request; the apply's exit code."""
    ctx = gh.ctx
    store = target.store_name()
    desired, _ = _load(target)
    catalog = desired.catalog_version if desired is not None else ""
    with tempfile.TemporaryDirectory(prefix="wcsync-gh-") as tmp:
        path = report if report is not None else Path(tmp) / "apply-report.json"
        path.unlink(missing_ok=True)
        ran = run_wcsync(["apply", *target.args(), "--auto-approve", "--lock", "--report", str(path),
                          *target.overrides, *extra])
        result = _read_json(path)
    sha = ctx.sha or ctx.head_sha
    pr = merged_pull_request(gh, sha) if sha else None
    if pr is None:
        echo(f"No pull request is associated with commit {sha[:7] or '(unknown)'}: the result is in the log only")
        return ran.code
    number = int(pr["number"])
    body = apply_comment(store, sha, ran.code, result, catalog=catalog, reviewed=reviewed_plan(gh, number, store),
                         log_tail=_tail(ran), run_url=ctx.run_url)
    posted = upsert_comment(gh, number, marker("apply", store), lambda _: body, what="apply result")
    _write_summary(gh, body)
    echo(f"{'Posted' if posted.created else 'Updated'} the apply result on pull request #{number}: {posted.url}")
    return ran.code


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def drift_check(gh: GitHubClient, target: Target, *, echo: Echo, out: Path | None = None,
                artifact: str | None = None) -> int:
    """Plan; drift opens or updates the store's issue, none closes it; the plan's detailed exit code."""
    ctx = gh.ctx
    store = target.store_name()
    commit = ctx.sha or ctx.head_sha
    with tempfile.TemporaryDirectory(prefix="wcsync-gh-") as tmp:
        ran, pf = _plan(target, _out_path(out, store, tmp), "--detailed-exitcode")
        if pf is None:
            echo("The plan failed: the drift issue was left as it is")
            return ran.code or 1
        if ran.code == 0 and pf.plan.is_empty and not pf.refused:
            outcome = resolve_drift(gh, store, commit=commit, run_url=ctx.run_url)
            echo(f"No drift in store {store}" + (f": closed issue #{outcome.number}" if outcome.number else ""))
            return 0
        rendered = render_plan_comment("drift", store, commit, pf, run_url=ctx.run_url, artifact=artifact)
        outcome = report_drift(gh, store, rendered.comment)
        _write_summary(gh, rendered.summary)
        echo(f"Store {store} differs from the catalogue: {outcome.action} issue #{outcome.number} {outcome.url}")
    return ran.code
