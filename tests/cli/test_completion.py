"""The shell completion the README documents works: each documented ``_WCSYNC_COMPLETE=<shell>_source wcsync``
line prints that shell's completion script, and completing through it offers wcsync's commands and options
(click's completion protocol, driven through the real ``wcsync`` entry point)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
DOCUMENTED = re.findall(r"_WCSYNC_COMPLETE=(\w+)_source wcsync", README)


def wcsync(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The ``wcsync`` console script (``wcsync.cli.main:main``) with ``env`` added."""
    code = "import sys; from wcsync.cli.main import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_readme_documents_bash_zsh_and_fish() -> None:
    assert sorted(DOCUMENTED) == ["bash", "fish", "zsh"]


@pytest.mark.parametrize("shell", DOCUMENTED)
def test_each_documented_line_prints_a_completion_script(shell: str) -> None:
    result = wcsync({"_WCSYNC_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0, result.stderr
    assert "_WCSYNC_COMPLETE" in result.stdout and f"{shell}_complete" in result.stdout


def test_completing_a_command_and_an_option() -> None:
    commands = wcsync({"_WCSYNC_COMPLETE": "bash_complete", "COMP_WORDS": "wcsync im", "COMP_CWORD": "1"})
    assert commands.returncode == 0, commands.stderr
    assert commands.stdout.splitlines() == ["plain,import"]
    options = wcsync({"_WCSYNC_COMPLETE": "bash_complete", "COMP_WORDS": "wcsync fmt --ch", "COMP_CWORD": "2"})
    assert options.stdout.splitlines() == ["plain,--check"]
