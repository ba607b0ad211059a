"""Pure parts of ``wcsync.github``: the run context from the environment, the apply result comment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wcsync.errors import ConfigError
from wcsync.github.applied import Reviewed, apply_comment
from wcsync.github.context import read_context


def test_the_context_reads_the_pull_request_event(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 5, "head": {"sha": "h" * 40}}}), encoding="utf-8")
    ctx = read_context({"GITHUB_TOKEN": "ghs_SECRET", "GITHUB_REPOSITORY": "o/r", "GITHUB_EVENT_PATH": str(event),
                        "GITHUB_SHA": "m" * 40, "GITHUB_RUN_ID": "9", "GITHUB_API_URL": "http://127.0.0.1:1/"})
    assert (ctx.pull_request, ctx.head_sha, ctx.api_url) == (5, "h" * 40, "http://127.0.0.1:1")
    assert ctx.run_url == "https://github.com/o/r/actions/runs/9"
    assert "ghs_SECRET" not in repr(ctx) and ctx.token.get_secret_value() == "ghs_SECRET"


def test_a_missing_token_or_repository_says_how_to_provide_it() -> None:
    with pytest.raises(ConfigError) as no_token:
        read_context({"GITHUB_REPOSITORY": "o/r"})
    assert "neither GITHUB_TOKEN nor GH_TOKEN is set" in str(no_token.value)
    assert "${{ github.token }}" in str(no_token.value)
    with pytest.raises(ConfigError) as no_repo:
        read_context({"GITHUB_TOKEN": "t"})
    assert str(no_repo.value).startswith("GITHUB_REPOSITORY is not set")


def test_the_apply_comment_lists_failed_items_and_convergence() -> None:
    report = {"ok": False, "summary": "Apply: 3 applied, 1 failed.", "convergence_errors": ["product A-1: price"],
              "items": [{"kind": "product", "key": "A-1", "action": "update", "status": "applied"},
                        {"kind": "product", "key": "B|2", "action": "create", "status": "failed",
                         "error": "the store refused the SKU"}]}
    body = apply_comment("shop", "m" * 40, 3, report, catalog="abc", reviewed=Reviewed("h" * 40, "abc"),
                         log_tail="", run_url=None)
    assert "· ⚠️ applied with problems" in body
    assert "| product `B\\|2` | create | failed: the store refused the SKU |" in body
    assert "A-1` | update" not in body
    assert "**Not converged**" in body and "- product A-1: price" in body
    assert "The catalogue applied is the one reviewed" in body
