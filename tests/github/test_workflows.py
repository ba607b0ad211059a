"""The shipped action, the example workflow and our own CI workflow pass GitHub's published schemas
(check-jsonschema's vendored ones) and zizmor's offline audits; the checks do catch a planted injection; the
README's CI section shows exactly the example workflow, which uses the action and no `gh` or `jq`."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "catalog-workflow.yml"
WORKFLOWS = [*sorted((ROOT / ".github" / "workflows").glob("*.yml")), EXAMPLE]
ZIZMOR = str(Path(sysconfig.get_path("scripts")) / "zizmor")


def check_schema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, check=False)


def zizmor(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZIZMOR, "--offline", "--min-severity", "low", *map(str, files)], capture_output=True,
                          text=True, check=False)


def test_the_workflows_and_the_action_match_githubs_schemas() -> None:
    assert check_schema("vendor.github-workflows", *WORKFLOWS).returncode == 0
    assert check_schema("vendor.github-actions", ROOT / "action.yml").returncode == 0


def test_zizmor_finds_nothing_in_what_we_ship() -> None:
    result = zizmor(ROOT / "action.yml", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_catch_a_planted_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n",
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
        "      - uses: actions/checkout@v4\n", 1), encoding="utf-8")
    found = zizmor(bad).stdout
    assert "template-injection" in found and "unpinned-uses" in found
    schema_bad = tmp_path / "schema.yml"
    schema_bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("runs-on:", "runs_on:", 1), encoding="utf-8")
    assert check_schema("vendor.github-workflows", schema_bad).returncode != 0


def test_the_readme_ci_section_is_the_example_workflow() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using wcsync in CI", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```yaml\n(.*?)^```", section, re.M | re.S)
    assert EXAMPLE.read_text(encoding="utf-8") in blocks
    code = "\n".join(re.findall(r"^```\w*\n(.*?)^```", section, re.M | re.S))
    assert not re.search(r"\bgh (api|pr)\b|\bjq\b|run:", code)  # the action, not shell around `gh`
    assert "concurrency" in section and "wcsync-apply-production" in section


@pytest.mark.parametrize("command", ["plan", "apply", "drift"])
def test_the_example_uses_the_shipped_action_for_each_job(command: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert f"command: {command}" in text
    assert "secrets.WC_CONSUMER_KEY" in text and "secrets.WC_CONSUMER_SECRET" in text
