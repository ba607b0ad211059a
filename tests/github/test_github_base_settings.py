"""``wcsync github plan`` takes every setting of the store entry that decides where the keys go and how the
connection is secured — ``url``, ``auth``, ``verify_tls``, ``ca_bundle`` (the certificate itself read from the
base branch) — from the base branch's wcsync.yaml, never from the pull request; against an HTTPS sandbox."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.github.conftest import BASE_SHA, Runs
from tests.github.fake_api import FakeGitHub
from wcsync.github.comments import marker

pytestmark = [pytest.mark.e2e]

SHA1 = "d4" * 20
CONTENTS = "/repos/octo/shop/contents/"


def project_file(url: str, extra: str = "") -> str:
    return f"default_store: shop\nstores:\n  shop:\n    url: {url}\n{extra}ownership: marked\n"


def plan_comment(fake: FakeGitHub, number: int) -> str:
    [body] = [str(c["body"]) for c in fake.comments_on(number) if str(c["body"]).startswith(marker("plan", "shop"))]
    return body


@pytest.fixture
def tls_runs(runs: Runs, sandbox_tls_server: Any) -> Runs:
    runs.extra = {"WCSYNC_CONSUMER_KEY": sandbox_tls_server.consumer_key,
                  "WCSYNC_CONSUMER_SECRET": sandbox_tls_server.consumer_secret}
    return runs


def test_the_ca_bundle_is_read_from_the_base_branch_not_the_checkout(
    tls_runs: Runs, fake_github: FakeGitHub, project: Path, sandbox_tls_server: Any
) -> None:
    ca = sandbox_tls_server.ca_path.read_text(encoding="utf-8")
    text = project_file(sandbox_tls_server.base_url, "    ca_bundle: certs/ca.pem\n")
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = text
    fake_github.files[(BASE_SHA, "certs/ca.pem")] = ca
    (project / "wcsync.yaml").write_text(text, encoding="utf-8")
    (project / "certs").mkdir()
    (project / "certs" / "ca.pem").write_text("not the CA: the pull request replaced it\n", encoding="utf-8")
    fake_github.add_pull(40, head_sha=SHA1)
    result = tls_runs.pr("plan", 40, SHA1)
    assert result.exit_code == 0, result.output
    assert "Plan: 1 to create" in plan_comment(fake_github, 40)
    assert ("GET", CONTENTS + "certs/ca.pem", 200) in fake_github.log


def test_a_pull_request_turning_verify_tls_off_is_not_obeyed(
    tls_runs: Runs, fake_github: FakeGitHub, project: Path, sandbox_tls_server: Any
) -> None:
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = project_file(sandbox_tls_server.base_url)
    (project / "wcsync.yaml").write_text(project_file(sandbox_tls_server.base_url, "    verify_tls: false\n"),
                                         encoding="utf-8")
    fake_github.add_pull(41, head_sha=SHA1)
    result = tls_runs.pr("plan", 41, SHA1)
    assert result.exit_code == 1  # the sandbox's private CA is not trusted: verification stayed on
    assert "could not be verified" in result.stderr
    assert "verification is OFF" not in result.stderr
    body = plan_comment(fake_github, 41)
    assert "This pull request changes the `verify_tls` of store `shop` in wcsync.yaml. This plan used the base " \
           "branch's settings" in body
    assert "**No plan: `wcsync plan` failed (exit 1).**" in body
    assert re.search(r"^::warning file=wcsync\.yaml,line=5,col=\d+::this pull request changes store 'shop's "
                     r"verify_tls", result.stdout, re.M), result.stdout


def test_the_base_branchs_verify_tls_off_is_applied(
    tls_runs: Runs, fake_github: FakeGitHub, project: Path, sandbox_tls_server: Any
) -> None:
    text = project_file(sandbox_tls_server.base_url, "    verify_tls: false\n")
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = text
    (project / "wcsync.yaml").write_text(text, encoding="utf-8")
    fake_github.add_pull(42, head_sha=SHA1)
    result = tls_runs.pr("plan", 42, SHA1)
    assert result.exit_code == 0, result.output
    assert "TLS certificate verification is OFF for store" in result.stderr
    assert "Plan: 1 to create" in plan_comment(fake_github, 42)


def test_the_auth_method_is_the_base_branchs(
    tls_runs: Runs, fake_github: FakeGitHub, project: Path, sandbox_tls_server: Any
) -> None:
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = project_file(
        sandbox_tls_server.base_url, f"    auth: query\n    ca_bundle: {sandbox_tls_server.ca_path.name}\n")
    fake_github.files[(BASE_SHA, sandbox_tls_server.ca_path.name)] = sandbox_tls_server.ca_path.read_text()
    (project / "wcsync.yaml").write_text(project_file(
        sandbox_tls_server.base_url, f"    auth: basic\n    ca_bundle: {sandbox_tls_server.ca_path.name}\n"),
        encoding="utf-8")
    fake_github.add_pull(43, head_sha=SHA1)
    sandbox_tls_server.reset_stats()
    result = tls_runs.pr("plan", 43, SHA1)
    assert result.exit_code == 0, result.output
    queries = [str(entry.get("query") or "") for entry in sandbox_tls_server.stats()["log"]]
    assert queries and all("consumer_key" in q for q in queries), queries  # query auth, as the base branch says
    assert "changes the `auth` of store `shop`" in plan_comment(fake_github, 43)


@pytest.mark.parametrize("where", ["../ca.pem", "/etc/ssl/certs/ca-certificates.crt"])
def test_a_ca_bundle_outside_the_project_is_refused(
    tls_runs: Runs, fake_github: FakeGitHub, sandbox_tls_server: Any, where: str
) -> None:
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = project_file(sandbox_tls_server.base_url,
                                                                f"    ca_bundle: {where}\n")
    fake_github.add_pull(44, head_sha=SHA1)
    result = tls_runs.pr("plan", 44, SHA1)
    assert result.exit_code == 1
    assert f"store 'shop': the base branch's ca_bundle '{where}' is outside the project" in result.stderr
    assert "set WCSYNC_CA_BUNDLE in the plan job's env" in result.stderr
    assert not any("ca" in path.rsplit("/", 1)[-1] for _, path, _ in fake_github.log if CONTENTS in path)


def test_the_jobs_own_ca_bundle_wins(
    tls_runs: Runs, fake_github: FakeGitHub, sandbox_tls_server: Any
) -> None:
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = project_file(sandbox_tls_server.base_url,
                                                                "    ca_bundle: certs/missing.pem\n")
    tls_runs.extra["WCSYNC_CA_BUNDLE"] = str(sandbox_tls_server.ca_path)
    fake_github.add_pull(45, head_sha=SHA1)
    result = tls_runs.pr("plan", 45, SHA1)
    assert result.exit_code == 0, result.output
    assert ("GET", CONTENTS + "certs/missing.pem", 404) not in fake_github.log
