"""File-based plan scenarios, end to end through the CLI: each ``NNN-name/`` directory holds a project
(``wcsync.yaml`` + ``catalog/``), a live state (``seed.json`` REST calls, or ``setup.json`` steps) and the
exact ``wcsync plan --detailed-exitcode`` output (``expected.txt``, ``expected.exit``). See README.md here.

``WCSYNC_UPDATE_SCENARIOS=1`` rewrites the expected files from what the CLI prints (review them before
committing: the expected text is the assertion)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from click.testing import CliRunner, Result

from wcsync.cli.main import cli
from wcsync.sandbox.app import create_app
from wcsync.sandbox.seeds import SeedCall, replay
from wcsync.sandbox.server import reset_database

_HERE = Path(__file__).parent
SCENARIOS = sorted(p for p in _HERE.iterdir() if p.is_dir() and re.match(r"^\d{3}-[a-z0-9-]+$", p.name))
UPDATE = os.environ.get("WCSYNC_UPDATE_SCENARIOS") == "1"
#: files every scenario needs (plus seed.json or setup.json)
REQUIRED = ("wcsync.yaml", "catalog", "expected.txt", "expected.exit")
#: between stdout and stderr in the expected text of an exit-1 scenario
STDERR_RULE = "--- stderr ---\n"
_ENV = {"WCSYNC_URL": "", "WCSYNC_CONSUMER_KEY": "", "WCSYNC_CONSUMER_SECRET": "", "NO_COLOR": "1"}


def _run(project: Path, db: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, [args[0], "--project", str(project), "--store-url", f"sandbox:{db}", *args[1:]], env=_ENV
    )


def _normalise(text: str, project: Path, db: Path) -> str:
    text = text.replace(str(db), "<db>").replace(str(project.resolve()), "<project>")
    text = text.replace(str(project), "<project>")
    return re.sub(r"· catalog [0-9a-f]{7,64}\b", "· catalog <hash>", text)


def _project(scenario: Path, work: Path, overlay: str | None) -> Path:
    """A copy of the scenario's project (``wcsync.yaml`` + ``catalog/``), with ``overlay``'s files on top."""
    target = work / (f"project-{overlay}" if overlay else "project")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy(scenario / "wcsync.yaml", target / "wcsync.yaml")
    shutil.copytree(scenario / "catalog", target / "catalog")
    if overlay:
        source = scenario / overlay
        assert source.is_dir(), f"{scenario.name}: setup names overlay {overlay!r}, which is not a directory"
        shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def _attachments(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        (count,) = conn.execute("SELECT count(*) FROM sb_posts WHERE post_type = 'attachment'").fetchone()
    finally:
        conn.close()
    return int(count)


def _replay(db: Path, calls: list[Any]) -> None:
    parsed = [SeedCall.model_validate(c) for c in calls]
    anyio.run(replay, create_app(db), db, parsed)


def _live_meta(db: Path, sku: str) -> dict[str, Any]:
    """The meta of product ``sku`` as the store's REST API returns it (key -> value)."""
    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.keys import ensure_key

    conn = open_db(db)
    try:
        credentials = ensure_key(conn)
    finally:
        conn.close()

    async def get() -> list[Any]:
        transport = httpx.ASGITransport(app=create_app(db))
        async with httpx.AsyncClient(
            transport=transport, base_url="https://sandbox.invalid", auth=credentials
        ) as client:
            response = await client.get("/wp-json/wc/v3/products", params={"sku": sku})
            response.raise_for_status()
            found: list[Any] = response.json()
            return found

    products = anyio.run(get)
    assert len(products) == 1, f"no single live product {sku}"
    return {m["key"]: m["value"] for m in products[0]["meta_data"]}


def _setup(scenario: Path, work: Path, db: Path) -> None:
    steps: list[dict[str, Any]]
    if (scenario / "setup.json").is_file():
        steps = json.loads((scenario / "setup.json").read_text(encoding="utf-8"))
    else:
        steps = [{"calls": json.loads((scenario / "seed.json").read_text(encoding="utf-8"))}]
    for step in steps:
        if "apply" in step:
            overlay = step["apply"] if step["apply"] != "." else None
            result = _run(_project(scenario, work, overlay), db, "apply", "--auto-approve")
            assert result.exit_code == 0, f"{scenario.name}: setup apply failed:\n{result.stderr}"
        elif "calls" in step:
            _replay(db, step["calls"])
        else:
            raise AssertionError(f"{scenario.name}: unknown setup step {step}")


def test_scenarios_are_numbered_and_complete() -> None:
    assert len(SCENARIOS) >= 10
    numbers = [p.name[:3] for p in SCENARIOS]
    assert len(set(numbers)) == len(numbers), numbers
    for path in SCENARIOS:
        missing = [name for name in REQUIRED if not (path / name).exists()]
        if not (path / "seed.json").is_file() and not (path / "setup.json").is_file():
            missing.append("seed.json or setup.json")
        assert not missing, f"{path.name} lacks {', '.join(missing)}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_cli_scenario(scenario: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    reset_database(db)
    _setup(scenario, tmp_path, db)
    project = _project(scenario, tmp_path, None)
    result = _run(project, db, "plan", "--detailed-exitcode")
    # exit 1: the expected text is stdout (a plan refused by a guard is still shown whole; a catalogue error
    # prints none) followed by the whole of stderr (progress, the diagnostics and the "Error: …" line), as
    # the user sees them
    if result.exit_code == 1:
        assert "\nError: " in result.stderr, f"{scenario.name}: exit 1 without an error:\n{result.stderr}"
        got = _normalise(result.stdout + STDERR_RULE + result.stderr, project, db)
    else:
        got = _normalise(result.stdout, project, db)
    got_exit = f"{result.exit_code}\n"
    if UPDATE:
        (scenario / "expected.txt").write_text(got, encoding="utf-8")
        (scenario / "expected.exit").write_text(got_exit, encoding="utf-8")
    assert got == (scenario / "expected.txt").read_text(encoding="utf-8"), result.stderr
    assert got_exit == (scenario / "expected.exit").read_text(encoding="utf-8")

    after = scenario / "expected.after-apply.json"
    if after.is_file():
        # apply the plan, then: how many attachments (image uploads) it created, the re-plan's exit code and
        # (optionally) chosen live meta keys of products (null: the key must be absent)
        want = json.loads(after.read_text(encoding="utf-8"))
        before = _attachments(db)
        applied = _run(project, db, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.stderr
        replan = _run(project, db, "plan", "--detailed-exitcode")
        got_after: dict[str, Any] = {
            "new_attachments": _attachments(db) - before, "replan_exit": replan.exit_code
        }
        if "meta" in want:
            got_after["meta"] = {
                sku: {key: _live_meta(db, sku).get(key) for key in keys} for sku, keys in want["meta"].items()
            }
        assert got_after == want, replan.stdout
