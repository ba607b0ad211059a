"""Run a ``wcsync`` command as its own process, exactly as a user would, passing its output through to the job
log and keeping it for the comment (the end of stderr says what went wrong)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def run_wcsync(args: Sequence[str], env: Mapping[str, str] | None = None) -> Ran:
    """``wcsync ARGS`` with this interpreter, ``env`` added to our environment; its stdout and stderr are
    echoed to ours."""
    done = subprocess.run([sys.executable, "-m", "wcsync.cli.main", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", check=False,
                          env={**os.environ, **env} if env else None)
    if done.stdout:
        click.echo(done.stdout, nl=False)
    if done.stderr:
        click.echo(done.stderr, nl=False, err=True)
    return Ran(done.returncode, done.stdout, done.stderr)
