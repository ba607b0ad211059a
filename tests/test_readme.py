"""Keeps README.md honest: what it says about commands, flags, files, outputs and the example shop is checked
against what is built.

- every ``wcsync COMMAND … --flag`` the README shows exists in that command's ``--help``, every ``--flag`` in a
  command's section belongs to that command, and every option of every command is documented;
- every relative link points at a file that exists, and the editor-schema setup points at real schemas;
- the quick start has exactly two command blocks, and its ``wcsync`` commands, run literally in a temporary
  copy of the project against the in-process sandbox, print what the README says they print, ending with
  "No changes";
- the ``validate``, ``plan`` and guard examples are the real outputs of the edits and states they describe;
- the lint-rule table, the product field list and the store settings list match the models.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from wcsync.catalog.lintrules import RULES
from wcsync.catalog.models import Product
from wcsync.cli.main import cli
from wcsync.settings import StoreSettings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```", re.M | re.S)
HASH = re.compile(r"catalog [0-9a-f]{7}\b")
ENV_VARS = ("WCSYNC_URL", "WCSYNC_CONSUMER_KEY", "WCSYNC_CONSUMER_SECRET", "WCSYNC_CA_BUNDLE")


# --------------------------------------------------------------------------------------------- helpers


def section(title: str, text: str = README) -> str:
    """The text under the heading ``title`` (any level), up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(title)}\n", text, re.M)
    assert match is not None, f"README has no heading {title!r}"
    level = len(match.group(1))
    fenced = [m.span() for m in FENCE.finditer(text)]  # a `# comment` inside a code block is no heading
    for end in re.compile(rf"^#{{1,{level}}} ", re.M).finditer(text, match.end()):
        if not any(a <= end.start() < b for a, b in fenced):
            return text[match.end() : end.start()]
    return text[match.end() :]


def blocks(text: str, lang: str | None = None) -> list[str]:
    return [body for tag, body in FENCE.findall(text) if lang is None or tag == lang]


def without_blocks(text: str) -> str:
    return FENCE.sub("", text)


def command(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = cli
    ctx = click.Context(cli)
    for name in path:
        assert isinstance(cmd, click.Group), f"`wcsync {' '.join(path)}`: {cmd.name} has no sub-commands"
        sub = cmd.get_command(ctx, name)
        assert sub is not None, f"README names `wcsync {' '.join(path)}`, which does not exist"
        cmd = sub
    return cmd


def flags(cmd: click.Command) -> set[str]:
    return {
        opt for param in cmd.params for opt in (*param.opts, *param.secondary_opts) if opt.startswith("--")
    }


def all_commands() -> Iterator[tuple[str, ...]]:
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        sub = cli.get_command(ctx, name)
        if isinstance(sub, click.Group):
            for child in sub.list_commands(ctx):
                yield (name, child)
        else:
            yield (name,)


def command_path(words: list[str]) -> tuple[str, ...]:
    """The command a ``wcsync …`` word list names: ``['sandbox', 'serve', '--tls']`` → ``('sandbox', 'serve')``."""
    path: list[str] = []
    cmd: click.Command = cli
    for word in words:
        if not isinstance(cmd, click.Group) or word.startswith("-"):
            break
        sub = cmd.get_command(click.Context(cli), word)
        if sub is None:
            break
        path.append(word)
        cmd = sub
    return tuple(path)


def readme_invocations() -> list[tuple[tuple[str, ...], list[str]]]:
    """Every ``wcsync …`` command line of the README (code blocks and inline code): (command path, flags)."""
    candidates: list[str] = []
    for body in blocks(README):
        candidates += [line for line in body.splitlines()]
    candidates += re.findall(r"`([^`\n]+)`", without_blocks(README))
    found = []
    for text in candidates:
        for match in re.finditer(
            r"(?:^|[\s$;(&|])wcsync ((?:[a-z][\w-]*|\[[^\]]*\]|[A-Z.][^\s]*)(?: +[^\s#|;&)]+)*)", text
        ):
            words = match.group(1).split()
            path = command_path(words)
            if not path:
                continue
            used = [w.split("=")[0] for w in words if w.startswith("--")]
            used += re.findall(r"\[(--[a-z-]+)", match.group(1))
            found.append((path, used))
    return found


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's project (wcsync.yaml and catalog/) as the current directory, as a newcomer's
    clone would be, with no store variables in the environment."""
    root = tmp_path / "clone"
    root.mkdir()
    shutil.copy(ROOT / "wcsync.yaml", root / "wcsync.yaml")
    shutil.copytree(ROOT / "catalog", root / "catalog")
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(root)
    return root


def run(line: str) -> Result:
    words = shlex.split(line)
    assert words[0] == "wcsync", line
    return CliRunner().invoke(cli, words[1:], catch_exceptions=False)


# ------------------------------------------------------------------------------------ commands and flags


def test_the_readme_names_commands_and_flags_that_exist() -> None:
    invocations = readme_invocations()
    seen = {path for path, _ in invocations}
    # the scan itself works: the commands the README teaches are all found
    assert {
        ("validate",),
        ("plan",),
        ("apply",),
        ("schema",),
        ("sandbox", "serve"),
        ("sandbox", "keys"),
    } <= seen
    for path, used in invocations:
        known = flags(command(path)) | {"--help", "--version"}
        unknown = sorted(set(used) - known)
        assert not unknown, f"README: `wcsync {' '.join(path)}` has no option {unknown} (see its --help)"


@pytest.mark.parametrize(
    ("title", "paths"),
    [
        ("`wcsync validate`", [("validate",)]),
        ("`wcsync plan`", [("plan",)]),
        ("`wcsync apply [plan.json]`", [("apply",)]),
        ("`wcsync schema [DIR]`", [("schema",)]),
        (
            "`wcsync sandbox …`",
            [("sandbox", "serve"), ("sandbox", "keys"), ("sandbox", "reset"), ("sandbox", "seed")],
        ),
    ],
)
def test_each_command_section_only_names_its_own_flags(title: str, paths: list[tuple[str, ...]]) -> None:
    # a `wcsync other-command --flag` is checked against that command by the test above
    text = re.sub(rf"wcsync (?!{paths[0][0]}\b)[^`\n]*", "", section(title))
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text))
    assert named, f"section {title} names no flags"
    known = set().union(*(flags(command(p)) for p in paths)) | {"--help"}
    assert named <= known, f"section {title} names {sorted(named - known)}, which its command does not have"


def test_every_option_of_every_command_is_documented() -> None:
    missing = []
    for path in all_commands():
        text = section(f"`wcsync {path[0]} …`") if path[0] == "sandbox" else README
        for flag in sorted(flags(command(path)) - {"--help"}):
            if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text):
                missing.append(f"wcsync {' '.join(path)} {flag}")
    assert not missing, f"options the README does not mention: {missing}"


def test_the_readme_describes_only_commands_that_exist() -> None:
    for match in re.finditer(r"^#+ `wcsync ([a-z]+)", README, re.M):
        command((match.group(1),))
    listed = {path[0] for path in all_commands()}
    for name in listed - {"import"}:  # `import` is documented by its own section when it lands
        assert f"`wcsync {name}" in README, f"README does not describe `wcsync {name}`"


# ------------------------------------------------------------------------------------------- files, links


def test_every_relative_link_points_at_a_file_that_exists() -> None:
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert len(local) >= 10
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_the_catalogue_tree_lists_files_that_exist() -> None:
    tree = blocks(section("The catalogue repository"), "")[0]
    for name in (
        "wcsync.yaml",
        "categories.yaml",
        "tags.yaml",
        "attributes.yaml",
        "meta-fields.yaml",
        "shipping-classes.yaml",
    ):
        assert name in tree
        assert (ROOT / name).exists() or (ROOT / "catalog" / name).exists(), name
    assert list((ROOT / "catalog" / "templates").glob("*.j2"))


def test_the_editor_schema_setup_points_at_schemas_that_exist() -> None:
    import json

    editor = section("Editor support: JSON Schemas")
    settings = json.loads(blocks(editor, "json")[0])["yaml.schemas"]
    assert len(settings) == len(list((ROOT / "schemas").glob("*.schema.json")))
    for schema, pattern in settings.items():
        assert (ROOT / schema).is_file(), schema
        assert list(ROOT.glob(pattern)), f"{pattern} matches no file"
    # "every file of the example catalogue has one", with a path that resolves
    for path in sorted((ROOT / "catalog").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path.relative_to(ROOT)} has no schema comment on its first line"
        assert (path.parent / match.group(1)).resolve().is_file(), (
            f"{path.relative_to(ROOT)}: {match.group(1)}"
        )


# ------------------------------------------------------------------------------------------- quick start


def test_the_quick_start_has_exactly_two_command_blocks() -> None:
    quick = section("Quick start")
    sh = blocks(quick, "sh")
    assert len(sh) == 2 and len(blocks(quick)) == 2
    first, second = (body.splitlines() for body in sh)
    assert "pip install ." in first and first[-2:] == ["wcsync apply --auto-approve", "wcsync plan"]
    assert second == ["pip install -e '.[dev]'", "scripts/check"]
    assert (ROOT / "scripts" / "check").stat().st_mode & 0o111
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111


def test_the_quick_start_runs_and_ends_with_no_changes(project: Path) -> None:
    quick = section("Quick start")
    commands = [line for line in blocks(quick, "sh")[0].splitlines() if line.startswith("wcsync ")]

    applied = run(commands[0])
    assert applied.exit_code == 0, applied.output
    summary = re.search(r"`(Plan: \d+ to create, 0 to update, 0 to adopt, 0 to delete\.)`", quick)
    done = re.search(r"`(Apply: \d+ applied\.)`", quick)
    assert summary and done
    assert summary.group(1) in applied.stdout.splitlines()
    assert applied.stderr.splitlines()[-1] == done.group(1)
    assert (project / ".wcsync" / "sandbox.db").is_file()

    planned = run(commands[1])
    assert planned.exit_code == 0, planned.output
    assert planned.stdout.rstrip().splitlines()[-1] == "No changes. The store matches the catalogue."
    assert "`No changes. The store matches the catalogue.`" in quick

    again = run("wcsync plan --detailed-exitcode")
    assert again.exit_code == 0, again.output


# ------------------------------------------------------------------------------------------ real outputs


def test_the_validate_example_is_what_validate_prints(project: Path) -> None:
    text = section("`wcsync validate`")
    example = blocks(text, "")[0].splitlines()
    assert example[0] == "$ wcsync validate"
    hoodie = project / "catalog/products/clothing/hoodie-classic.yaml"
    assert "launch_year: soon" in text
    hoodie.write_text(hoodie.read_text(encoding="utf-8").replace("launch_year: 2019", "launch_year: soon"))
    mugs = project / "catalog/products/home/mugs.yaml"
    assert "`sale_price: 30` added on the line after MUG-LOGO's `regular_price: 24`" in text
    mugs.write_text(
        mugs.read_text(encoding="utf-8").replace(
            "regular_price: 24\n", "regular_price: 24\n    sale_price: 30\n", 1
        )
    )

    result = run("wcsync validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == example[1:-1]
    assert result.stderr.splitlines() == example[-1:]


def test_the_valid_summary_is_what_validate_prints(project: Path) -> None:
    line = re.search(r"`(✓ catalogue valid [^`]*)`", section("`wcsync validate`"))
    assert line
    result = run("wcsync validate")
    assert result.exit_code == 0, result.output
    assert HASH.sub("catalog #", result.stderr.strip()) == HASH.sub("catalog #", line.group(1))


def test_the_plan_example_is_the_plan_of_the_demo_seed(project: Path) -> None:
    text = section("`wcsync plan`")
    assert "`wcsync sandbox seed demo && wcsync plan`" in text
    example = blocks(text, "")[0].rstrip("\n").splitlines()
    assert example[0] == "$ wcsync plan"

    seeded = run("wcsync sandbox seed demo")
    assert seeded.exit_code == 0, seeded.output
    planned = run("wcsync plan")
    assert planned.exit_code == 0, planned.output

    # compared line by line, up to the catalogue version and the width of the columns
    def normal(line: str) -> str:
        return re.sub(r"(?<=\S) {2,}", "  ", HASH.sub("catalog #", line))

    actual = [normal(line) for line in planned.stdout.rstrip("\n").splitlines()]
    assert actual == [normal(line) for line in example[1:]], (
        "the README's plan example is not what `wcsync plan` prints against the demo seed: "
        "paste what `wcsync sandbox seed demo && wcsync plan` prints into the README (plan-examples/demo/plan.txt once regenerated)"
    )


def test_the_guard_example_is_the_recorded_guard_error() -> None:
    text = section("Safety guarantees")
    example = [line.strip() for line in blocks(text.replace("\n  ", "\n"), "")[0].splitlines()]
    assert example[0] == "$ wcsync plan"
    recorded = (ROOT / "plan-examples/guard/error.txt").read_text(encoding="utf-8").splitlines()
    assert recorded[0] == "$ wcsync plan" and example[-1] == recorded[2]
    # the banner is the recorded plan's, and the "…" stands for the rest of that plan
    shown = [line.strip() for line in (ROOT / "plan-examples/guard/plan.txt").read_text(encoding="utf-8").splitlines()]
    assert example[1:5] == shown[2:6] and example[5] == "…"


# ------------------------------------------------------------------------------------- models and tables


def test_the_lint_table_is_the_rule_registry() -> None:
    rows = re.findall(
        r"^\| `([a-z-]+)` \| (error|warning) \|", section("What `wcsync validate` checks"), re.M
    )
    assert {rule: level for rule, level in rows} == {rule: sev.value for rule, (sev, _) in RULES.items()}


def test_the_product_fields_named_exist() -> None:
    products = section("Products")
    other = re.search(r"Other fields: (.*?)\nA misspelt field", products, re.S)
    assert other
    names = set(re.findall(r"`([a-z_]+)(?:`|:)", other.group(1)))
    example = blocks(products, "yaml")[0]
    names |= set(re.findall(r"^([a-z_]+):", example, re.M))
    assert len(names) > 30
    unknown = names - set(Product.model_fields)
    assert not unknown, f"README names product fields that do not exist: {sorted(unknown)}"


def test_the_store_settings_named_exist() -> None:
    text = section("The project file: `wcsync.yaml`")
    per_store = re.search(r"Per store, besides(.*?)At the top level", text, re.S)
    assert per_store
    names = set(re.findall(r"`([a-z_]+)`", per_store.group(1))) - {"basic", "oauth1", "query", "app_password"}
    assert not names - set(StoreSettings.model_fields), sorted(names - set(StoreSettings.model_fields))
    assert {"auth", "verify_tls", "ca_bundle", "batch_size", "max_retries", "username"} <= names


def test_a_tripped_guard_prints_the_whole_plan_and_names_its_flag(project: Path) -> None:
    assert (
        "A\n  tripped guard never hides the plan: the whole plan is printed, in every format, under a banner naming"
        in (section("`wcsync plan`"))
    )
    assert run("wcsync apply --auto-approve").exit_code == 0
    mugs = project / "catalog/products/home/mugs.yaml"
    mugs.write_text(mugs.read_text(encoding="utf-8").replace("regular_price: 24\n", "regular_price: 9\n", 1))

    refused = run("wcsync plan")
    assert refused.exit_code == 1
    assert re.search(r"regular_price +24.00 → 9.00", refused.stdout)
    assert "      override:  --allow-price-drops" in refused.stdout.splitlines()
    assert (
        "Guard max_price_drop_percent tripped" in refused.stderr and "--allow-price-drops" in refused.stderr
    )
    allowed = run("wcsync plan --allow-price-drops --detailed-exitcode")
    assert allowed.exit_code == 2, allowed.output
    assert re.search(r"regular_price +24.00 → 9.00", allowed.stdout)


def test_a_usage_error_exits_2() -> None:
    assert "| any command | 2 a usage error" in README
    assert CliRunner().invoke(cli, ["plan", "--no-such-flag"]).exit_code == 2
