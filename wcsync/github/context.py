"""The workflow run as GitHub describes it: the standard ``GITHUB_*`` variables and the event payload file.

Read once at the edge (the CLI) and passed on as a value. A missing variable becomes a ``ConfigError`` that
says which one and how a workflow provides it; the token is held as a ``SecretStr`` and never printed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from wcsync.errors import ConfigError

DEFAULT_API = "https://api.github.com"
DEFAULT_SERVER = "https://github.com"


@dataclass(frozen=True)
class RunContext:
    """What the commands need to know about the run."""

    repository: str
    token: SecretStr
    api_url: str = DEFAULT_API
    server_url: str = DEFAULT_SERVER
    event_name: str = ""
    event: dict[str, Any] = field(default_factory=dict)
    sha: str = ""
    run_id: str = ""
    step_summary: Path | None = None
    workspace: Path | None = None

    @property
    def run_url(self) -> str | None:
        if not self.run_id:
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    @property
    def pull_request(self) -> int | None:
        """The pull request number of a ``pull_request`` / ``pull_request_target`` event."""
        pr = self.event.get("pull_request")
        if isinstance(pr, dict) and isinstance(pr.get("number"), int):
            return int(pr["number"])
        return None

    @property
    def head_sha(self) -> str:
        """The commit a pull request's plan is for: its head (``GITHUB_SHA`` is a merge commit there)."""
        pr = self.event.get("pull_request")
        if isinstance(pr, dict):
            head = pr.get("head")
            if isinstance(head, dict) and isinstance(head.get("sha"), str):
                return str(head["sha"])
        after = self.event.get("after")
        if isinstance(after, str) and after:
            return after
        return self.sha


def _require(env: Mapping[str, str], name: str, how: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set, so wcsync cannot talk to GitHub", hint=how)
    return value


def read_context(env: Mapping[str, str]) -> RunContext:
    """The run from the environment of a GitHub Actions step (``GITHUB_TOKEN`` or ``GH_TOKEN`` for the token)."""
    token = env.get("GITHUB_TOKEN", "").strip() or env.get("GH_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "no GitHub token: neither GITHUB_TOKEN nor GH_TOKEN is set",
            hint="give the step `env: {GITHUB_TOKEN: ${{ github.token }}}` (the shipped action does)",
        )
    repository = _require(env, "GITHUB_REPOSITORY", "run inside GitHub Actions, or set it to OWNER/REPO")
    event: dict[str, Any] = {}
    event_path = env.get("GITHUB_EVENT_PATH", "").strip()
    if event_path:
        try:
            loaded = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ConfigError(
                f"cannot read the event file GITHUB_EVENT_PATH={event_path} ({err})",
                hint="run inside GitHub Actions, or point GITHUB_EVENT_PATH at a webhook payload",
            ) from None
        if isinstance(loaded, dict):
            event = loaded
    summary = env.get("GITHUB_STEP_SUMMARY", "").strip()
    workspace = env.get("GITHUB_WORKSPACE", "").strip()
    return RunContext(
        repository=repository,
        token=SecretStr(token),
        api_url=(env.get("GITHUB_API_URL", "").strip() or DEFAULT_API).rstrip("/"),
        server_url=(env.get("GITHUB_SERVER_URL", "").strip() or DEFAULT_SERVER).rstrip("/"),
        event_name=env.get("GITHUB_EVENT_NAME", "").strip(),
        event=event,
        sha=env.get("GITHUB_SHA", "").strip(),
        run_id=env.get("GITHUB_RUN_ID", "").strip(),
        step_summary=Path(summary) if summary else None,
        workspace=Path(workspace) if workspace else None,
    )
