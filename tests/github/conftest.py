"""Fixtures of the ``wcsync github`` tests: the fake GitHub API served on 127.0.0.1, a small catalogue project
whose store is an in-process sandbox (``sandbox:`` URL in wcsync.yaml), and the environment of a workflow run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.github.fake_api import WRITE_ALL, FakeGitHub, Served
from wcsync.cli.main import cli

TOKEN = "ghs_FAKETOKEN_0123456789abcdef"
BASE_SHA = "ba5e" * 10
READ_TOKEN = "ghs_READONLY_0123456789abcdef"

PROJECT = """\
default_store: shop
stores:
  shop:
    url: sandbox:.wcsync/shop.db
  outlet:
    url: sandbox:.wcsync/outlet.db
ownership: marked
guards:
  max_deletes: 0
"""
MUG = """\
sku: {sku}
name: Logo Mug {sku}
type: simple
status: publish
short_description: A mug.
regular_price: "{price}"
"""


def mug(project: Path, sku: str, price: str = "9.50") -> Path:
    path = project / "catalog" / "products" / f"{sku.lower()}.yaml"
    path.write_text(MUG.format(sku=sku, price=price), encoding="utf-8")
    return path


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub(tokens={TOKEN: WRITE_ALL,
                              READ_TOKEN: frozenset({"contents:read", "pull_requests:read", "issues:read"})})
    served = Served(fake)
    try:
        yield fake
    finally:
        served.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "catalog" / "products").mkdir(parents=True)
    (root / "wcsync.yaml").write_text(PROJECT, encoding="utf-8")
    mug(root, "MUG-1")
    return root


@dataclass
class Runs:
    """``wcsync github …`` as a workflow step would run it, with a given event."""

    fake: FakeGitHub
    project: Path
    tmp: Path
    token: str = TOKEN
    run_id: int = 100
    #: more environment of the step (e.g. the store's keys)
    extra: dict[str, str] = field(default_factory=dict)

    def env(self, event_name: str, event: dict[str, Any], sha: str) -> dict[str, str]:
        self.run_id += 1
        event_path = self.tmp / f"event-{self.run_id}.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        return {
            "GITHUB_TOKEN": self.token, "GH_TOKEN": "", "GITHUB_REPOSITORY": self.fake.full_name,
            "GITHUB_API_URL": self.fake.base_url, "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path), "GITHUB_SHA": sha,
            "GITHUB_RUN_ID": str(self.run_id), "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_STEP_SUMMARY": str(self.summary_path), "GITHUB_WORKSPACE": str(self.project),
            "WCSYNC_URL": "", "WCSYNC_AUTH": "", "WCSYNC_CA_BUNDLE": "", "WCSYNC_VERIFY_TLS": "", "NO_COLOR": "1",
            **self.extra,
        }

    @property
    def summary_path(self) -> Path:
        return self.tmp / f"summary-{self.run_id}.md"

    def invoke(self, args: list[str], env: dict[str, str]) -> Any:
        return CliRunner().invoke(cli, ["github", *args, "--project", str(self.project)], env=env,
                                  catch_exceptions=False)

    def pr(self, command: str, number: int, head: str, *args: str) -> Any:
        event = {"action": "synchronize", "number": number,
                 "pull_request": {"number": number, "head": {"sha": head, "ref": "feature"},
                                  "base": {"ref": "main", "sha": BASE_SHA}}}
        return self.invoke([command, *args], self.env("pull_request", event, "f" * 40))

    def push(self, command: str, sha: str, *args: str) -> Any:
        event = {"ref": "refs/heads/main", "before": "0" * 40, "after": sha}
        return self.invoke([command, *args], self.env("push", event, sha))

    def schedule(self, sha: str, *args: str) -> Any:
        return self.invoke(["drift", *args], self.env("schedule", {"schedule": "0 6 * * *"}, sha))


@pytest.fixture
def runs(fake_github: FakeGitHub, project: Path, tmp_path: Path) -> Runs:
    # the base branch has the project's wcsync.yaml: the plan reads its store URL from there
    fake_github.files[(BASE_SHA, "wcsync.yaml")] = PROJECT
    return Runs(fake_github, project, tmp_path)


def wcsync(project: Path, *args: str) -> Any:
    """A plain ``wcsync`` command on the project (to change the store between runs)."""
    return CliRunner().invoke(cli, [*args, "--project", str(project)], env={"WCSYNC_URL": ""},
                              catch_exceptions=False)
