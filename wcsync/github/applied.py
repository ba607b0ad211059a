"""The apply result, posted back to the pull request that was merged: applied / failed items / convergence, and
whether the catalogue applied is the one the reviewers saw in the plan comment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wcsync.github.client import GitHubClient
from wcsync.github.comments import find_comment, marker, meta_line, read_meta

_OUTCOME = {0: "✅ applied", 3: "⚠️ applied with problems"}
MAX_ROWS = 200


@dataclass(frozen=True)
class Reviewed:
    """What the pull request's plan comment was for."""

    commit: str
    catalog: str


def merged_pull_request(gh: GitHubClient, sha: str) -> dict[str, Any] | None:
    """The pull request whose merge produced commit ``sha`` (the first associated one otherwise)."""
    pulls = gh.call("GET", f"{gh.repo_path}/commits/{sha}/pulls",
                    what=f"find the pull request of commit {sha[:7]}", permission="pull-requests: read")
    if not isinstance(pulls, list) or not pulls:
        return None
    for pr in pulls:
        if isinstance(pr, dict) and pr.get("merge_commit_sha") == sha and pr.get("merged_at"):
            return pr
    first = pulls[0]
    return first if isinstance(first, dict) else None


def reviewed_plan(gh: GitHubClient, number: int, store: str) -> Reviewed | None:
    found = find_comment(gh, number, marker("plan", store))
    meta = read_meta(str(found.get("body") or "")) if found else None
    return Reviewed(*meta) if meta else None


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def apply_comment(store: str, commit: str, exit_code: int, report: dict[str, Any] | None, *, catalog: str,
                  reviewed: Reviewed | None, log_tail: str, run_url: str | None) -> str:
    """The body of the apply result comment."""
    outcome = _OUTCOME.get(exit_code, "❌ not applied" if not report or not report.get("items") else "❌ failed")
    run = f" · [CI run]({run_url})" if run_url else ""
    lines = [marker("apply", store), meta_line(commit, catalog),
             f"### wcsync apply · store `{store}` · {outcome}", "",
             f"Merged commit `{commit[:7]}`{run}", ""]
    if reviewed is None:
        lines += ["No plan comment of this store was found on this pull request: the changes applied were not "
                  "reviewed here.", ""]
    elif reviewed.catalog and reviewed.catalog == catalog:
        lines += [f"The catalogue applied is the one reviewed in the plan comment (commit `{reviewed.commit[:7]}`).", ""]
    else:
        lines += [f"> [!WARNING]\n> The catalogue applied (`{catalog[:12]}`) is not the one of the last reviewed "
                  f"plan (commit `{reviewed.commit[:7]}`, catalogue `{reviewed.catalog[:12] or 'none'}`): main "
                  "changed after the review. Check the applied changes below.", ""]
    if report is not None:
        lines += [f"**{_cell(report.get('summary', ''))}**", ""]
        items = [i for i in report.get("items") or [] if isinstance(i, dict)]
        problems = [i for i in items if i.get("status") != "applied" or i.get("followup_error")]
        if problems:
            lines += ["| resource | action | result |", "|---|---|---|"]
            for item in problems[:MAX_ROWS]:
                why = item.get("error") or item.get("followup_error") or ""
                lines.append(f"| {_cell(item.get('kind'))} `{_cell(item.get('key'))}` | {_cell(item.get('action'))} "
                             f"| {_cell(item.get('status'))}: {_cell(why)} |")
            if len(problems) > MAX_ROWS:
                lines.append(f"\n… and {len(problems) - MAX_ROWS} more in the apply report artifact.")
            lines.append("")
        convergence = [c for c in report.get("convergence_errors") or [] if isinstance(c, str)]
        if convergence:
            lines += ["**Not converged** (the store still differs after apply):", ""]
            lines += [f"- {_cell(c)}" for c in convergence[:MAX_ROWS]]
            lines.append("")
        elif exit_code == 0:
            lines += ["The store was re-read after apply: it matches the catalogue.", ""]
    if exit_code not in (0, 3) or report is None:
        fence = "````" if "```" in log_tail else "```"
        lines += ["The end of the log:", "", fence, log_tail.strip(), fence, ""]
    return "\n".join(lines)
