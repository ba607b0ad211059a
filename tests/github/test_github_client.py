"""``wcsync.github.client`` against the fake GitHub API over HTTP: pagination by ``Link``, the secondary rate
limit waited out as ``Retry-After`` asks, and errors that say what to do (401, 403 naming the permission, 404,
422 with GitHub's validation message)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.github.conftest import READ_TOKEN, TOKEN
from tests.github.fake_api import FakeGitHub
from wcsync.github.client import (
    GitHubClient,
    GitHubError,
    GitHubPermissionError,
    GitHubRateLimited,
    next_link,
)
from wcsync.github.comments import upsert_comment
from wcsync.github.context import RunContext


def client(fake: FakeGitHub, token: str = TOKEN, repo: str | None = None, waits: list[float] | None = None
           ) -> GitHubClient:
    ctx = RunContext(repository=repo or fake.full_name, token=SecretStr(token), api_url=fake.base_url)
    return GitHubClient(ctx, sleep=(waits.append if waits is not None else lambda _: None))


def test_next_link_reads_githubs_link_header() -> None:
    header = ('<https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=2>; rel="next", '
              '<https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=3>; rel="last"')
    assert next_link(header) == "https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=2"
    assert next_link('<https://x/?page=1>; rel="first"') is None
    assert next_link(None) is None


def test_pagination_reads_every_page(fake_github: FakeGitHub) -> None:
    fake_github.add_pull(5, head_sha="a" * 40)
    for n in range(250):
        fake_github.add_comment(5, f"c{n}")
    with client(fake_github) as gh:
        bodies = [c["body"] for c in gh.paginate(f"{gh.repo_path}/issues/5/comments", what="read",
                                                 permission="pull-requests: read")]
    assert bodies == [f"c{n}" for n in range(250)]
    assert [p for m, p, s in fake_github.log].count(f"/repos/{fake_github.full_name}/issues/5/comments") == 1
    assert [p for m, p, s in fake_github.log].count("/repositories/4242/issues/5/comments") == 2


def test_a_secondary_rate_limit_is_waited_out_as_retry_after_asks(fake_github: FakeGitHub) -> None:
    fake_github.add_pull(5, head_sha="a" * 40)
    fake_github.rate_limit_next(2, retry_after=7)
    waits: list[float] = []
    with client(fake_github, waits=waits) as gh:
        posted = upsert_comment(gh, 5, "<!-- x -->", lambda _: "<!-- x -->\nhello", what="plan comment")
    assert waits == [7.0, 7.0]
    assert posted.created and [c["body"] for c in fake_github.comments_on(5)] == ["<!-- x -->\nhello"]


def test_a_rate_limit_that_does_not_lift_is_an_error(fake_github: FakeGitHub) -> None:
    fake_github.add_pull(5, head_sha="a" * 40)
    fake_github.rate_limit_next(10, retry_after=1)
    with client(fake_github) as gh, pytest.raises(GitHubRateLimited) as err:
        gh.call("GET", f"{gh.repo_path}/issues", what="list issues", permission="issues: read")
    assert "secondary rate limit" in str(err.value) and "re-run the job later" in str(err.value)


def test_errors_name_the_permission_the_status_and_never_the_token(fake_github: FakeGitHub) -> None:
    fake_github.add_pull(5, head_sha="a" * 40)
    with client(fake_github, READ_TOKEN) as gh, pytest.raises(GitHubPermissionError) as forbidden:
        gh.call("POST", f"{gh.repo_path}/issues", json={"title": "t", "body": "b"}, what="open the drift issue",
                permission="issues: write")
    text = str(forbidden.value)
    assert text.startswith("GitHub refused to open the drift issue (403 Resource not accessible by integration): "
                           "the workflow token lacks `issues: write` (GitHub accepts: issues=write)")
    assert READ_TOKEN not in text

    with client(fake_github, "ghs_WRONG") as gh, pytest.raises(GitHubPermissionError) as unknown:
        gh.call("GET", f"{gh.repo_path}/issues", what="list issues", permission="issues: read")
    assert "(401 Bad credentials)" in str(unknown.value) and "ghs_WRONG" not in str(unknown.value)

    with client(fake_github, repo="octo/nope") as gh, pytest.raises(GitHubPermissionError) as missing:
        gh.call("GET", f"{gh.repo_path}/issues/5/comments", what="read the comments", permission="issues: read")
    assert "GitHub answered 404 to GET /repos/octo/nope/issues/5/comments" in str(missing.value)
    assert "the repository octo/nope or the item does not exist" in str(missing.value)


def test_a_body_over_githubs_limit_is_refused_with_its_message(fake_github: FakeGitHub) -> None:
    fake_github.add_pull(5, head_sha="a" * 40)
    with client(fake_github) as gh, pytest.raises(GitHubError) as err:
        gh.call("POST", f"{gh.repo_path}/issues/5/comments", json={"body": "x" * 65_537}, what="post a comment",
                permission="pull-requests: write")
    assert err.value.status == 422
    assert "(422 Validation Failed: body is too long (maximum is 65536 characters))" in str(err.value)
