"""``wcsync`` entry point: a click group whose sub-commands are imported only when used, so ``--help``
stays instant and a broken optional module cannot break unrelated commands."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from wcsync import __version__

#: command name -> "module:attribute" of a click.Command. One line per command.
COMMANDS: dict[str, str] = {
    "validate": "wcsync.cli.validate:validate",
    "schema": "wcsync.cli.schema:schema",
    "plan": "wcsync.cli.plan:plan",
    "apply": "wcsync.cli.apply:apply",
    "import": "wcsync.cli.importer:import_",
    "init": "wcsync.cli.init:init",
    "fmt": "wcsync.cli.fmt:fmt",
    "sandbox": "wcsync.cli.sandbox:sandbox",
    "github": "wcsync.cli.github:github",
    "webhooks": "wcsync.cli.webhooks:webhooks",
    "watch": "wcsync.cli.watch:watch",
}

SHORT_HELP: dict[str, str] = {
    "validate": "Check the catalogue offline: syntax, schema, references, lint.",
    "schema": "Write the JSON Schemas of every catalogue file kind.",
    "plan": "Show what apply would change in the store.",
    "apply": "Make the store match the catalogue.",
    "import": "Write the catalogue from a live store.",
    "init": "Create a catalogue repository (wcsync.yaml, catalog/, schemas).",
    "fmt": "Format the catalogue files canonically (--check for CI).",
    "sandbox": "Run and manage the embedded WooCommerce-compatible sandbox store.",
    "github": "Pull-request plan comments, apply on merge and drift issues in GitHub Actions.",
    "webhooks": "Install, list or remove the store's webhooks for drift alerts.",
    "watch": "Receive the store's webhooks and alert when it drifts from the catalogue.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        cmd = getattr(module, attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    @staticmethod
    def _available(name: str) -> bool:
        module_name = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wcsync")
def cli() -> None:
    """wcsync: your WooCommerce catalogue as code.

    Products, variations, categories, tags, attributes and meta fields live as YAML in git.
    `wcsync plan` shows what would change in the store; `wcsync apply` makes the store match.

    Quick start in this repository (its wcsync.yaml makes the embedded sandbox store the default):

    \b
        wcsync apply --auto-approve
        wcsync plan

    Any project can use a throw-away sandbox store with --store-url sandbox:PATH.
    """


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="wcsync", standalone_mode=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
