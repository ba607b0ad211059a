"""Drift as an issue: one open issue per store while the store differs from the catalogue (edits made in
wp-admin), its body the current plan; closed with a comment when the store matches again.

The issue is found by its label (``wcsync-drift``) and the hidden marker naming the store, so two stores give
two issues and each run updates its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wcsync.github.client import GitHubClient
from wcsync.github.comments import marker

LABEL = "wcsync-drift"
ISSUES_WRITE = "issues: write"


@dataclass(frozen=True)
class DriftOutcome:
    action: str  # opened | updated | closed | none
    number: int | None = None
    url: str = ""


def find_issue(gh: GitHubClient, store: str) -> dict[str, Any] | None:
    first = marker("drift", store)
    for issue in gh.paginate(f"{gh.repo_path}/issues", params={"state": "open", "labels": LABEL},
                             what="list the open drift issues", permission="issues: read"):
        body = issue.get("body")
        if "pull_request" not in issue and isinstance(body, str) and body.startswith(first + "\n"):
            return issue
    return None


def report_drift(gh: GitHubClient, store: str, body: str) -> DriftOutcome:
    """Open the store's drift issue with ``body``, or update the open one."""
    found = find_issue(gh, store)
    if found is not None:
        done = gh.call("PATCH", f"{gh.repo_path}/issues/{found['number']}", json={"body": body},
                       what=f"update drift issue #{found['number']}", permission=ISSUES_WRITE)
        return DriftOutcome("updated", int(done["number"]), str(done.get("html_url", "")))
    made = gh.call("POST", f"{gh.repo_path}/issues",
                   json={"title": f"wcsync: store {store} differs from the catalogue", "body": body,
                         "labels": [LABEL]},
                   what=f"open the drift issue of store {store}", permission=ISSUES_WRITE)
    return DriftOutcome("opened", int(made["number"]), str(made.get("html_url", "")))


def resolve_drift(gh: GitHubClient, store: str, *, commit: str, run_url: str | None) -> DriftOutcome:
    """Close the store's open drift issue (with a comment saying why), if there is one."""
    found = find_issue(gh, store)
    if found is None:
        return DriftOutcome("none")
    number = int(found["number"])
    run = f" ([CI run]({run_url}))" if run_url else ""
    gh.call("POST", f"{gh.repo_path}/issues/{number}/comments",
            json={"body": f"Store `{store}` matches the catalogue again at commit `{commit[:7]}`{run}: closing."},
            what=f"comment on drift issue #{number}", permission=ISSUES_WRITE)
    done = gh.call("PATCH", f"{gh.repo_path}/issues/{number}", json={"state": "closed", "state_reason": "completed"},
                   what=f"close drift issue #{number}", permission=ISSUES_WRITE)
    return DriftOutcome("closed", number, str(done.get("html_url", "")))
