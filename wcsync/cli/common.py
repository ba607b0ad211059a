"""Helpers every command shares: the one way out for user errors, and stderr status output.

Artifacts (plans, schemas, JSON) go to stdout; status, progress and errors go to stderr.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
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
def find_project_dir(start: Path) -> Path | None:
    """The nearest directory holding ``wcsync.yaml``: ``start`` or one of its parents (like git finds .git)."""
    here = start.resolve()
    for directory in (here, *here.parents):
        if (directory / "wcsync.yaml").is_file():
            return directory
    return None


def _project_dir(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--project`` as given; without it, the nearest directory upward from here that holds wcsync.yaml."""
    if ctx.get_parameter_source(param.name or "") is not click.core.ParameterSource.DEFAULT:
        return value
    found = find_project_dir(Path.cwd())
    if found is None:
        return value
    rel = os.path.relpath(found, Path.cwd())
    return "." if rel == "." else rel


project_option = click.option(
    "--project",
    "project_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    callback=_project_dir,
    help="Project directory (holding wcsync.yaml and catalog/). Default: the nearest directory upward from "
    "here that holds wcsync.yaml, else here.",
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


def listen_socket(host: str, port: int, *, backlog: int, hint: str) -> socket.socket:
    """A bound, listening TCP socket (bound here so that port 0 picks a free port and the log can name it);
    a failure aborts with ``hint`` (what to pick instead)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on accepted sockets whose proto says TCP; with
    # proto 0 every response on a kept-alive connection waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError as err:
        sock.close()
        abort(f"cannot listen on {host}:{port}: {err.strerror} — {hint}")
    return sock
