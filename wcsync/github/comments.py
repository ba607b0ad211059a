"""The sticky comments wcsync keeps on a pull request: one plan comment per store (edited in place on every
push, saying which commit it is for) and one apply result per store on the merged pull request.

Each body starts with a hidden marker naming its kind and store (``<!-- wcsync:plan store=production -->``), so
two stores give two comments and a re-run edits its own; the second line records the commit and catalogue
version the comment is for. GitHub refuses bodies over 65,536 characters: a longer plan keeps its summary and
first changes in the comment and points at the job summary and the artifact, which hold it all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wcsync.github.client import GitHubClient
from wcsync.github.planfile import PlanFile
from wcsync.render import COMMENT_LIMIT, render_markdown

#: the step summary limit (GitHub: 1 MiB per step); a plan beyond it stays whole in the artifact
SUMMARY_LIMIT = 1_000_000
PR_WRITE = "pull-requests: write"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
_REF_SAFE = re.compile(r"[^A-Za-z0-9_./+-]")
_META = re.compile(r"<!-- wcsync:for commit=(\S*) catalog=(\S*) -->")


def marker(kind: str, store: str) -> str:
    """The first line of a wcsync comment (``kind`` plan | apply | drift) for ``store``."""
    return f"<!-- wcsync:{kind} store={_SAFE.sub('_', store)} -->"


def meta_line(commit: str, catalog: str) -> str:
    return f"<!-- wcsync:for commit={_SAFE.sub('', commit)} catalog={_SAFE.sub('', catalog)} -->"


def read_meta(body: str) -> tuple[str, str] | None:
    """(commit, catalogue version) a wcsync comment says it is for."""
    match = _META.search(body)
    return (match.group(1), match.group(2)) if match else None


@dataclass(frozen=True)
class Posted:
    id: int
    url: str
    created: bool
    #: the commit the replaced comment was for (None when the comment is new)
    replaced_commit: str | None = None


def find_comment(gh: GitHubClient, number: int, first_line: str) -> dict[str, Any] | None:
    """The comment of pull request / issue ``number`` whose body starts with ``first_line`` (every page)."""
    for comment in gh.paginate(f"{gh.repo_path}/issues/{number}/comments",
                               what=f"read the comments of pull request #{number}", permission="pull-requests: read"):
        body = comment.get("body")
        if isinstance(body, str) and (body == first_line or body.startswith(first_line + "\n")):
            return comment
    return None


def upsert_comment(gh: GitHubClient, number: int, first_line: str, body: Callable[[str | None], str], *,
                   what: str) -> Posted:
    """Edit the comment that starts with ``first_line``, or post it. ``body(replaced_commit)`` makes the text,
    told which commit the comment it replaces was for (``None`` for a new comment)."""
    found = find_comment(gh, number, first_line)
    if found is not None:
        meta = read_meta(str(found.get("body") or ""))
        replaced = meta[0] if meta else ""
        updated = gh.call("PATCH", f"{gh.repo_path}/issues/comments/{found['id']}", json={"body": body(replaced)},
                          what=f"update the {what} on pull request #{number}", permission=PR_WRITE)
        return Posted(int(updated["id"]), str(updated.get("html_url", "")), False, replaced)
    made = gh.call("POST", f"{gh.repo_path}/issues/{number}/comments", json={"body": body(None)},
                   what=f"post the {what} on pull request #{number}", permission=PR_WRITE)
    return Posted(int(made["id"]), str(made.get("html_url", "")), True)


def _short(sha: str) -> str:
    return sha[:7] if sha else "(unknown)"


def refused_banner(pf: PlanFile) -> str:
    """The banner over a plan a guard refused: each guard, what to do, its override flag."""
    if not pf.refused:
        return ""
    lines = ["> [!CAUTION]", "> **A guard refused this plan: `wcsync apply` will not run it as it is.** "
             "Review every change below; to allow it, fix the catalogue or re-run with the override flag."]
    for trip in pf.guards or ():
        override = f" Override: `{trip.override}`." if trip.override else ""
        hint = f" — {trip.hint}" if trip.hint else ""
        lines.append(f"> - **{trip.guard}**: {trip.message}{hint}.{override}")
    return "\n".join(lines) + "\n\n"


def plan_header(kind: str, store: str, commit: str, pf: PlanFile, *, run_url: str | None,
                replaced: str | None = None, banner: str = "") -> str:
    """``banner``: Markdown shown above the plan (e.g. which store URL the plan used)."""
    run = f" · [CI run]({run_url})" if run_url else ""
    note = ""
    if replaced and replaced != commit:
        note = f" (replaces the plan for `{_short(replaced)}`)"
    head = (f"{marker(kind, store)}\n{meta_line(commit, pf.plan.catalog_version)}\n"
            f"### wcsync plan · store `{store}`\n\n"
            f"Plan for commit `{_short(commit)}`{note}{run}\n\n")
    return head + banner + refused_banner(pf)


@dataclass(frozen=True)
class RenderedPlan:
    comment: str
    summary: str
    split: bool


def render_plan_comment(kind: str, store: str, commit: str, pf: PlanFile, *, run_url: str | None,
                        artifact: str | None, replaced: str | None = None, limit: int = COMMENT_LIMIT,
                        banner: str = "") -> RenderedPlan:
    """The comment body (at most ``limit`` characters) and the whole plan for the job summary."""
    head = plan_header(kind, store, commit, pf, run_url=run_url, replaced=replaced, banner=banner)
    whole = render_markdown(pf.plan, limit=SUMMARY_LIMIT - len(head), full_plan_hint=_hint(run_url, artifact))
    summary = head + whole
    if len(summary) <= limit:
        return RenderedPlan(summary, summary, False)
    cut = render_markdown(pf.plan, limit=limit - len(head), full_plan_hint=_hint(run_url, artifact))
    return RenderedPlan(head + cut, summary, True)


def _hint(run_url: str | None, artifact: str | None) -> str:
    where = f"the artifact `{artifact}`" if artifact else "the plan file"
    if run_url:
        return (f"The whole plan is in the [job summary]({run_url}) and in {where} of "
                f"[this CI run]({run_url}#artifacts).")
    return f"The whole plan is in the job summary and in {where}."


def failed_plan_comment(store: str, commit: str, exit_code: int, log_tail: str, *, run_url: str | None,
                        banner: str = "") -> str:
    """The plan comment when no plan could be made (catalogue errors, store unreachable …)."""
    run = f" · [CI run]({run_url})" if run_url else ""
    fence = "````" if "```" in log_tail else "```"
    return (f"{marker('plan', store)}\n{meta_line(commit, '')}\n### wcsync plan · store `{store}`\n\n"
            f"Plan for commit `{_short(commit)}`{run}\n\n{banner}"
            f"> [!WARNING]\n> **No plan: `wcsync plan` failed (exit {exit_code}).** The problems are annotated "
            f"on the files of this pull request; the end of the log:\n\n{fence}\n{log_tail.strip()}\n{fence}\n")


def no_base_store_comment(store: str, commit: str, reason: str, *, base_ref: str, run_url: str | None,
                          adds_project_file: bool, invalid: bool = False) -> str:
    """The plan comment when the base branch names no store to plan against (``reason``, Markdown): why the
    pull request's own ``wcsync.yaml`` is not used, and the two ways to get a plan."""
    run = f" · [CI run]({run_url})" if run_url else ""
    branch = f"`{_REF_SAFE.sub('_', base_ref)}`" if base_ref else "the base branch"
    adds = ("This pull request adds `wcsync.yaml`: review its `stores:` by hand (where the keys will be sent), and "
            "consider merging it on its own first, so that the catalogue's first changes get a reviewed plan. "
            if adds_project_file else "")
    first = (f"- fix `wcsync.yaml` on {branch} (the job log names the problem); or\n" if invalid else
             f"- merge `wcsync.yaml` (with this store) into {branch} first — the next pull requests are planned "
             "against it; or\n")
    return (f"{marker('plan', store)}\n{meta_line(commit, '')}\n### wcsync plan · store `{store}`\n\n"
            f"Plan for commit `{_short(commit)}`{run}\n\n"
            f"> [!WARNING]\n> **No plan: {reason}, so the plan cannot run yet.**\n\n"
            "wcsync plans against the store that `wcsync.yaml` **on the base branch** names, never the one this "
            "pull request names: a pull request can point a store's `url` at any server, and the plan job holds "
            f"the shop's keys. {adds}To get a plan:\n\n{first}"
            "- give the plan job the store's URL itself: the action's `store-url` input (e.g. a repository "
            "variable), which wins over the base branch.\n")
