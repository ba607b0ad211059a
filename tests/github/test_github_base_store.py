"""``wcsync github plan`` on a pull request takes the store's URL from the base branch's wcsync.yaml (GitHub's
contents API at the event's base commit), never from the pull request's checkout, which it can edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.github.conftest import BASE_SHA, PROJECT, TOKEN, Runs
from tests.github.fake_api import FakeGitHub
from wcsync.github.comments import marker

pytestmark = [pytest.mark.e2e]

SHA1 = "c3" * 20


def plan_comment(fake: FakeGitHub, number: int, store: str = "shop") -> str:
    [body] = [str(c["body"]) for c in fake.comments_on(number) if str(c["body"]).startswith(marker("plan", store))]
    return body


def test_a_pull_request_pointing_the_store_elsewhere_is_planned_against_the_base_url(
    runs: Runs, fake_github: FakeGitHub, project: Path
) -> None:
    elsewhere = project / "elsewhere"
    (project / "wcsync.yaml").write_text(PROJECT.replace("sandbox:.wcsync/shop.db", f"sandbox:{elsewhere}/evil.db"),
                                         encoding="utf-8")
    fake_github.add_pull(20, head_sha=SHA1)
    result = runs.pr("plan", 20, SHA1)
    assert result.exit_code == 0, result.output
    assert (project / ".wcsync" / "shop.db").is_file()  # the base branch's store was planned
    assert not elsewhere.exists()  # the pull request's URL was never used
    body = plan_comment(fake_github, 20)
    assert "MUG-1" in body and "Plan: 1 to create" in body
    assert "This pull request changes the `url` of store `shop` in wcsync.yaml. This plan used the base " \
           "branch's URL" in body
    assert re.search(r"^::warning file=wcsync\.yaml,line=4,col=\d+::this pull request changes store 'shop's url",
                     result.stdout, re.M), result.stdout
    assert ("GET", f"/repos/{fake_github.full_name}/contents/wcsync.yaml", 200) in fake_github.log
    assert TOKEN not in result.output


def test_an_unchanged_url_says_nothing(runs: Runs, fake_github: FakeGitHub) -> None:
    fake_github.add_pull(21, head_sha=SHA1)
    result = runs.pr("plan", 21, SHA1, "--store", "outlet")
    assert result.exit_code == 0, result.output
    body = plan_comment(fake_github, 21, "outlet")
    assert "changes the `url`" not in body and "::warning file=wcsync.yaml" not in result.stdout


def test_a_pull_request_adding_wcsync_yaml_gets_a_comment_saying_why_there_is_no_plan(
    runs: Runs, fake_github: FakeGitHub, project: Path
) -> None:
    del fake_github.files[(BASE_SHA, "wcsync.yaml")]  # the base branch has none: this pull request adds it
    fake_github.add_pull(22, head_sha=SHA1)
    result = runs.pr("plan", 22, SHA1)
    assert result.exit_code == 1
    assert f"the base branch ({BASE_SHA[:7]}) has no wcsync.yaml" in result.stderr
    assert "merge wcsync.yaml into the base branch first, or give the plan job the URL (the action's " \
           "`store-url`)" in result.stderr
    assert "`contents: read`" in result.stderr
    assert not (project / ".wcsync").exists()  # no store was talked to
    body = plan_comment(fake_github, 22)  # the pull request's default store names the comment
    assert f"Plan for commit `{SHA1[:7]}`" in body
    assert "**No plan: the base branch has no `wcsync.yaml`, so the plan cannot run yet.**" in body
    assert "never the one this pull request names: a pull request can point a store's `url` at any server" in body
    assert "This pull request adds `wcsync.yaml`: review its `stores:` by hand" in body
    assert "merge `wcsync.yaml` (with this store) into `main` first" in body
    assert "the action's `store-url` input" in body
    assert f"Posted the plan comment on pull request #22: https://github.com/{fake_github.full_name}/pull/22" \
           in result.stdout
    assert runs.summary_path.read_text(encoding="utf-8") == body
    assert TOKEN not in result.output + body

    # a second push edits the same comment; once the base has wcsync.yaml, the plan replaces it
    assert runs.pr("plan", 22, SHA1).exit_code == 1
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = PROJECT
    assert runs.pr("plan", 22, SHA1).exit_code == 0
    body = plan_comment(fake_github, 22)
    assert "Plan: 1 to create" in body and "No plan" not in body


def test_a_pull_request_adding_a_store_gets_a_comment(runs: Runs, fake_github: FakeGitHub) -> None:
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = "stores:\n  other:\n    url: sandbox:.wcsync/o.db\n"
    fake_github.add_pull(27, head_sha=SHA1)
    result = runs.pr("plan", 27, SHA1, "--store", "outlet")
    assert result.exit_code == 1
    body = plan_comment(fake_github, 27, "outlet")
    assert "**No plan: the base branch's `wcsync.yaml` declares no store named `outlet`, so the plan cannot run " \
           "yet.**" in body
    assert "This pull request adds `wcsync.yaml`" not in body  # it only changes it


def test_a_base_without_the_store_refuses_clearly(runs: Runs, fake_github: FakeGitHub) -> None:
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = "stores:\n  other:\n    url: sandbox:.wcsync/o.db\n"
    fake_github.add_pull(23, head_sha=SHA1)
    result = runs.pr("plan", 23, SHA1, "--store", "shop")
    assert result.exit_code == 1
    assert "has no store named 'shop' (declared: other)" in result.stderr
    assert "merge wcsync.yaml into the base branch first" in result.stderr


def test_store_url_overrides_the_base_branch(runs: Runs, fake_github: FakeGitHub, project: Path) -> None:
    del fake_github.files[(BASE_SHA, "wcsync.yaml")]
    fake_github.add_pull(24, head_sha=SHA1)
    result = runs.pr("plan", 24, SHA1, "--store-url", f"sandbox:{project}/given.db")
    assert result.exit_code == 0, result.output
    assert (project / "given.db").is_file()
    assert not any("/contents/" in path for _, path, _ in fake_github.log)


def test_a_token_without_contents_read_is_named(runs: Runs, fake_github: FakeGitHub) -> None:
    fake_github.tokens["ghs_NOCONTENTS"] = frozenset({"pull_requests:write"})
    runs.token = "ghs_NOCONTENTS"
    fake_github.add_pull(25, head_sha=SHA1)
    result = runs.pr("plan", 25, SHA1)
    assert result.exit_code == 1
    assert "the workflow token lacks `contents: read`" in result.stderr
    assert "ghs_NOCONTENTS" not in result.output


def test_an_invalid_base_wcsync_yaml_refuses_with_its_problem(runs: Runs, fake_github: FakeGitHub) -> None:
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = "stores:\n  shop:\n    url: 12\n    bogus: 1\n"
    fake_github.add_pull(26, head_sha=SHA1)
    result = runs.pr("plan", 26, SHA1)
    assert result.exit_code == 1
    assert "the base branch's wcsync.yaml is invalid (wcsync.yaml:" in result.stderr
    body = plan_comment(fake_github, 26)
    assert "**No plan: the base branch's `wcsync.yaml` is invalid, so the plan cannot run yet.**" in body
    assert "- fix `wcsync.yaml` on `main` (the job log names the problem); or" in body
    assert "merge `wcsync.yaml`" not in body


def test_a_token_that_cannot_comment_still_reports_the_base_branchs_problem(
    runs: Runs, fake_github: FakeGitHub
) -> None:
    del fake_github.files[(BASE_SHA, "wcsync.yaml")]
    fake_github.tokens["ghs_READCONTENTS"] = frozenset({"contents:read", "pull_requests:read"})
    runs.token = "ghs_READCONTENTS"
    fake_github.add_pull(28, head_sha=SHA1)
    result = runs.pr("plan", 28, SHA1)
    assert result.exit_code == 1
    assert f"the base branch ({BASE_SHA[:7]}) has no wcsync.yaml" in result.stderr
    assert "Could not say so on pull request #28" in result.stdout
    assert "the workflow token lacks `pull-requests: write`" in result.stdout
    assert fake_github.comments_on(28) == []
