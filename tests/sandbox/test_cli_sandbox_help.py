"""``wcsync sandbox --help`` and its commands' help: nothing cut mid-sentence, examples kept on their own lines,
every option explained."""

from __future__ import annotations

from click.testing import CliRunner

from wcsync.cli.main import cli


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, ["sandbox", *args, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def test_group_listing_shows_whole_descriptions() -> None:
    commands = _help().split("Commands:\n", 1)[1].splitlines()
    assert commands == [
        "  keys   List the store's API keys (no secrets), or create one.",
        "  reset  Empty the store (API keys are kept).",
        "  seed   Load a named live state into the store (NAME: see --list).",
        "  serve  Serve the store over HTTP or HTTPS (--tls) until interrupted.",
    ]


def test_keys_help_keeps_the_two_example_lines_apart() -> None:
    lines = _help("keys").splitlines()
    assert "      WCSYNC_CONSUMER_KEY=ck_…" in lines
    assert "      WCSYNC_CONSUMER_SECRET=cs_…" in lines
    assert "app_password: ${WCSYNC_APP_PASSWORD}" in " ".join(_help("keys").split())


def test_seed_wc_version_is_explained() -> None:
    text = " ".join(_help("seed").split())
    assert "--wc-version TEXT The WooCommerce version the store behaves as while the seed is replayed. " \
           "[default: 11.0.1]" in text


def test_long_descriptions_stay_whole_in_each_command_help() -> None:
    assert "Empty the store to a fresh WooCommerce (only \"Uncategorized\"); API keys are kept." in " ".join(
        _help("reset").split())
    assert "Serve the store over HTTP (or HTTPS with --tls) with uvicorn until interrupted." in " ".join(
        _help("serve").split())
