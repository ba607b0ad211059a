"""Helpers every command shares: the one way out for user errors, and stderr status output.

Artifacts (plans, schemas, JSON) go to stdout; status, progress and errors go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from wcsync.errors import WcsyncError

F = TypeVar("F", bound=Callable[..., Any])


def abort(message: str, *, code: int = 1) -> NoReturn:
    """Print ``Error: message`` to stderr and exit with ``code``. Control characters in the message (it may
    quote a store's answer) are written out, never sent to the terminal."""
    error(message)
    sys.exit(code)


def error(message: str) -> None:
    """``Error: message`` on stderr, control characters written out."""
    from wcsync.render.escape import visible  # here: importing wcsync.render costs --help a second

    click.echo(click.style("Error: ", fg="red", bold=True) + visible(message), err=True)


def status(message: str) -> None:
    """A status line on stderr (control characters written out: it may quote store or catalogue text)."""
    from wcsync.render.escape import visible

    click.echo(visible(message), err=True)


def fail(err: WcsyncError, *, debug: bool = False) -> NoReturn:
    """Report a WcsyncError without a traceback (unless ``--debug``) and exit with its code."""
    if debug:
        raise err
    abort(str(err), code=err.exit_code)


debug_option = click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
project_option = click.option(
    "--project",
    "project_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    help="Project directory (holding wcsync.yaml and catalog/).",
)


def store_option(dest: str = "store") -> Callable[[F], F]:
    """``--store NAME``: a store named in wcsync.yaml (every command that talks to a store)."""
    return click.option("--store", dest, metavar="NAME", help="Store named in wcsync.yaml (default: default_store).")


store_url_option = click.option(
    "--store-url",
    metavar="URL",
    help="Store URL (https://…, or sandbox:PATH), instead of a named store; credentials from "
    "WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET.",
)
