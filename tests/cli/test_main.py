from __future__ import annotations

from click.testing import CliRunner

from wcsync.cli.main import COMMANDS, cli


def test_help_lists_every_available_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "catalogue as code" in result.output
    listed = cli.list_commands(None)  # type: ignore[arg-type]
    for name in listed:
        assert name in result.output
    assert set(listed) <= set(COMMANDS)


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "wcsync, version" in result.output
