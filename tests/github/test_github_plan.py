"""``wcsync github plan`` end to end: the real plan of a sandbox store, posted to the fake GitHub API over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.github.conftest import READ_TOKEN, TOKEN, Runs, mug, wcsync
from tests.github.fake_api import FakeGitHub
from wcsync.github.comments import marker

pytestmark = [pytest.mark.e2e]

SHA1, SHA2 = "a1" * 20, "b2" * 20


def wcsync_comments(fake: FakeGitHub, number: int) -> list[dict[str, object]]:
    return [c for c in fake.comments_on(number) if str(c["body"]).startswith("<!-- wcsync:")]


def test_first_push_posts_and_second_push_edits_the_same_comment(runs: Runs, fake_github: FakeGitHub,
                                                                  project: Path) -> None:
    fake_github.add_pull(5, head_sha=SHA1)
    for n in range(150):  # a busy pull request: ours is on the second page of comments
        fake_github.add_comment(5, f"review remark {n}")

    first = runs.pr("plan", 5, SHA1)
    assert first.exit_code == 0, first.output
    [comment] = wcsync_comments(fake_github, 5)
    body = str(comment["body"])
    assert body.startswith(marker("plan", "shop") + "\n")
    assert f"Plan for commit `{SHA1[:7]}`" in body
    assert "MUG-1" in body and "Plan: 1 to create" in body
    assert f"[CI run](https://github.com/{fake_github.full_name}/actions/runs/{runs.run_id})" in body
    assert "Posted the plan comment on pull request #5" in first.stdout
    assert runs.summary_path.read_text(encoding="utf-8").startswith(marker("plan", "shop"))
    assert ("POST", f"/repos/{fake_github.full_name}/issues/5/comments") in fake_github.writes()

    mug(project, "MUG-2", "12.00")
    second = runs.pr("plan", 5, SHA2)
    assert second.exit_code == 0, second.output
    [edited] = wcsync_comments(fake_github, 5)
    assert edited["id"] == comment["id"]
    text = str(edited["body"])
    assert f"Plan for commit `{SHA2[:7]}` (replaces the plan for `{SHA1[:7]}`)" in text
    assert "MUG-2" in text and "Plan: 2 to create" in text
    assert "Updated the plan comment on pull request #5" in second.stdout
    # the second run found the comment through the Link header's next page (/repositories/{id}/…)
    assert any(path.startswith("/repositories/") for _, path, _ in fake_github.log)
    assert TOKEN not in first.output + second.output


def test_two_stores_keep_two_comments(runs: Runs, fake_github: FakeGitHub) -> None:
    fake_github.add_pull(6, head_sha=SHA1)
    assert runs.pr("plan", 6, SHA1).exit_code == 0
    assert runs.pr("plan", 6, SHA1, "--store", "outlet").exit_code == 0
    assert runs.pr("plan", 6, SHA1, "--store", "outlet").exit_code == 0
    firsts = sorted(str(c["body"]).splitlines()[0] for c in wcsync_comments(fake_github, 6))
    assert firsts == [marker("plan", "outlet"), marker("plan", "shop")]


def test_a_token_without_pull_requests_write_is_named(runs: Runs, fake_github: FakeGitHub) -> None:
    fake_github.add_pull(7, head_sha=SHA1)
    runs.token = READ_TOKEN
    result = runs.pr("plan", 7, SHA1)
    assert result.exit_code == 1
    assert "GitHub refused to post the plan comment on pull request #7 (403 Resource not accessible by " \
           "integration): the workflow token lacks `pull-requests: write`" in result.stderr
    assert "add `pull-requests: write` under the job's `permissions:`" in result.stderr
    assert READ_TOKEN not in result.output
    assert wcsync_comments(fake_github, 7) == []


def test_catalogue_problems_are_annotated_and_a_failed_plan_still_comments(runs: Runs, fake_github: FakeGitHub,
                                                                           project: Path) -> None:
    fake_github.add_pull(8, head_sha=SHA1)
    (project / "catalog" / "products" / "bad.yaml").write_text(
        "sku: BAD-1\nname: Bad\ntype: simple\nstatus: publish\nregular_price: [1]\n", encoding="utf-8")
    result = runs.pr("plan", 8, SHA1)
    assert result.exit_code == 1
    assert re.search(r"^::error file=catalog/products/bad\.yaml,line=5,col=\d+", result.stdout, re.M), result.stdout
    [comment] = wcsync_comments(fake_github, 8)
    assert "**No plan: `wcsync plan` failed (exit 1).**" in str(comment["body"])
    assert "the catalogue has" in str(comment["body"])


def test_a_lint_warning_is_annotated_at_its_line(runs: Runs, fake_github: FakeGitHub, project: Path) -> None:
    fake_github.add_pull(9, head_sha=SHA1)
    (project / "catalog" / "products" / "bare.yaml").write_text(
        'sku: BARE-1\nname: Bare\ntype: simple\nstatus: publish\nregular_price: "5.00"\n', encoding="utf-8")
    result = runs.pr("plan", 9, SHA1)
    assert result.exit_code == 0, result.output
    assert re.search(r"^::warning file=catalog/products/bare\.yaml,line=\d+,col=\d+,title=empty-short-description::",
                     result.stdout, re.M), result.stdout


def test_a_70000_character_plan_is_split_between_comment_and_job_summary(runs: Runs, fake_github: FakeGitHub,
                                                                         project: Path) -> None:
    fake_github.add_pull(10, head_sha=SHA1)
    long = "Stoneware mug, glazed by hand. " * 6
    lines = ["products:"]
    for n in range(600):
        lines += [f"  - sku: LONG-{n:04d}", f"    name: Long mug number {n} with a name that goes on", "    type: simple",
                  '    regular_price: "10.00"', f"    short_description: {long}", f"    description: <p>{long}</p>"]
    (project / "catalog" / "products" / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runs.pr("plan", 10, SHA1, "--artifact", "wcsync-plan-shop")
    assert result.exit_code == 0, result.output
    [comment] = wcsync_comments(fake_github, 10)
    body = str(comment["body"])
    summary = runs.summary_path.read_text(encoding="utf-8")
    assert len(summary) >= 70_000 and "LONG-0599" in summary
    assert len(body) <= 65_536 and "LONG-0000" in body and "LONG-0599" not in body
    assert "The whole plan is in the [job summary](https://github.com/" in body
    assert "the artifact `wcsync-plan-shop`" in body
    assert "The plan is longer than a comment" in result.stdout


def test_a_guard_trip_still_posts_the_full_plan(runs: Runs, fake_github: FakeGitHub, project: Path) -> None:
    mug(project, "MUG-2")
    assert wcsync(project, "apply", "--auto-approve").exit_code == 0
    (project / "catalog" / "products" / "mug-2.yaml").unlink()  # max_deletes: 0
    fake_github.add_pull(11, head_sha=SHA1)
    result = runs.pr("plan", 11, SHA1)
    assert result.exit_code == 1
    [comment] = wcsync_comments(fake_github, 11)
    body = str(comment["body"])
    assert "A guard refused this plan" in body and "--allow-deletes" in body
    assert "MUG-2" in body and "Plan: 0 to create, 0 to update, 0 to adopt, 1 to delete." in body
    assert "::error file=wcsync.yaml,line=9" in result.stdout


def test_a_refused_plan_file_as_the_contract_shapes_it_is_posted_in_full(
    runs: Runs, fake_github: FakeGitHub, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan file shaped by the guard contract alone (`refused`, `guards`, exit 1) is posted in full: the
    github commands read the plan file's contract, not wcsync's internals."""
    import json

    from wcsync.github import flows
    from wcsync.github.runner import Ran, run_wcsync

    mug(project, "MUG-2")
    assert wcsync(project, "apply", "--auto-approve").exit_code == 0
    (project / "catalog" / "products" / "mug-2.yaml").unlink()

    def refused_plan(args: list[str], env: dict[str, str] | None = None) -> Ran:
        ran = run_wcsync([*args, "--allow-deletes"], env=env)
        out = Path(args[args.index("--out") + 1])
        data = json.loads(out.read_text(encoding="utf-8"))
        data["refused"] = True
        data["guards"] = [{"guard": "max_deletes", "message": "Guard max_deletes tripped: the plan deletes 1 "
                           "resource(s), more than the allowed 0 (product MUG-2)",
                           "hint": "check the catalogue; to proceed anyway pass --allow-deletes",
                           "override": "--allow-deletes", "resources": [{"kind": "product", "key": "MUG-2"}]}]
        out.write_text(json.dumps(data), encoding="utf-8")
        return Ran(1, ran.stdout, ran.stderr)

    monkeypatch.setattr(flows, "run_wcsync", refused_plan)
    fake_github.add_pull(15, head_sha=SHA1)
    result = runs.pr("plan", 15, SHA1)
    assert result.exit_code == 1
    [comment] = wcsync_comments(fake_github, 15)
    body = str(comment["body"])
    assert "A guard refused this plan" in body and "Override: `--allow-deletes`" in body
    assert "MUG-2" in body and "Plan: 0 to create, 0 to update, 0 to adopt, 1 to delete." in body
    assert "::error file=wcsync.yaml,line=9,col=1,title=wcsync guard max_deletes::Guard max_deletes tripped" \
        in result.stdout
