"""``wcsync github apply`` and ``wcsync github drift`` end to end against the fake GitHub API and a sandbox
store: the apply result lands on the merged pull request (and says whether it is what was reviewed), a held
store lock refuses the apply and says so on the pull request, drift opens one issue per store, updates it, and
closes it when the store matches again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.github.conftest import Runs, mug, wcsync
from tests.github.fake_api import FakeGitHub
from wcsync.github.comments import marker
from wcsync.github.drift import LABEL

pytestmark = [pytest.mark.e2e]

HEAD, MERGE = "c3" * 20, "d4" * 20


def bodies(fake: FakeGitHub, number: int, kind: str, store: str = "shop") -> list[str]:
    first = marker(kind, store)
    return [str(c["body"]) for c in fake.comments_on(number) if str(c["body"]).startswith(first)]


def test_apply_on_merge_posts_the_result_on_the_merged_pull_request(runs: Runs, fake_github: FakeGitHub,
                                                                     tmp_path: Path) -> None:
    fake_github.add_pull(12, head_sha=HEAD, merged_sha=MERGE)
    assert runs.pr("plan", 12, HEAD).exit_code == 0  # the reviewed plan
    report = tmp_path / "report.json"
    applied = runs.push("apply", MERGE, "--report", str(report))
    assert applied.exit_code == 0, applied.output
    [body] = bodies(fake_github, 12, "apply")
    assert "### wcsync apply · store `shop` · ✅ applied" in body
    assert f"Merged commit `{MERGE[:7]}`" in body
    assert f"The catalogue applied is the one reviewed in the plan comment (commit `{HEAD[:7]}`)." in body
    assert "**Apply: 1 applied.**" in body
    assert "The store was re-read after apply: it matches the catalogue." in body
    assert json.loads(report.read_text(encoding="utf-8"))["ok"] is True
    assert "Took the apply lock of store shop" in applied.stderr  # apply ran with --lock


def test_apply_of_an_unreviewed_catalogue_says_so(runs: Runs, fake_github: FakeGitHub, project: Path) -> None:
    fake_github.add_pull(13, head_sha=HEAD, merged_sha=MERGE)
    assert runs.pr("plan", 13, HEAD).exit_code == 0
    mug(project, "MUG-9")  # main moved on after the review
    assert runs.push("apply", MERGE).exit_code == 0
    [body] = bodies(fake_github, 13, "apply")
    assert "is not the one of the last reviewed plan" in body


def test_a_held_lock_refuses_the_apply_and_the_pull_request_hears_why(runs: Runs, fake_github: FakeGitHub,
                                                                      project: Path) -> None:
    from tests.github.lockhelp import hold_lock

    fake_github.add_pull(14, head_sha=HEAD, merged_sha=MERGE)
    hold_lock(project / ".wcsync" / "shop.db", holder="GitHub Actions run 99 (attempt 1)")
    refused = runs.push("apply", MERGE)
    assert refused.exit_code == 1
    [body] = bodies(fake_github, 14, "apply")
    assert "❌ not applied" in body
    assert "store shop is locked by another wcsync apply: GitHub Actions run 99 (attempt 1), until" in body


def test_drift_opens_updates_then_closes_one_issue_per_store(runs: Runs, fake_github: FakeGitHub,
                                                             project: Path) -> None:
    assert wcsync(project, "apply", "--auto-approve").exit_code == 0
    assert runs.schedule(MERGE).exit_code == 0  # no drift, no issue
    assert fake_github.issues == {}

    # someone changes the price in wp-admin (here: an apply of another catalogue)
    mug(project, "MUG-1", "4.00")
    assert wcsync(project, "apply", "--auto-approve").exit_code == 0
    mug(project, "MUG-1", "9.50")
    first = runs.schedule(MERGE)
    assert first.exit_code == 2, first.output
    [issue] = fake_github.issues.values()
    assert issue["state"] == "open" and [x["name"] for x in issue["labels"]] == [LABEL]
    assert issue["title"] == "wcsync: store shop differs from the catalogue"
    assert issue["body"].startswith(marker("drift", "shop")) and "regular_price" in issue["body"]
    assert "opened issue #1" in first.stdout

    again = runs.schedule(MERGE)
    assert again.exit_code == 2
    assert len(fake_github.issues) == 1 and "updated issue #1" in again.stdout

    assert wcsync(project, "apply", "--auto-approve").exit_code == 0
    fixed = runs.schedule(MERGE)
    assert fixed.exit_code == 0, fixed.output
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    [closing] = fake_github.comments_on(1)
    assert "Store `shop` matches the catalogue again" in str(closing["body"])
    assert "closed issue #1" in fixed.stdout
