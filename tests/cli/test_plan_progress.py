"""Progress of ``wcsync plan`` on stderr: a rich live display on a terminal, plain lines otherwise."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from wcsync.cli.plan import FetchProgress


def test_plain_lines_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    progress = FetchProgress(live=False)
    progress.status("Reading store s (https://s.example)…")
    progress.update("products", 1, 3)
    progress.update("products", 2, 3)
    progress.update("products", 3, 3)
    progress.update("products/tags", 1, 1)
    progress.finish()
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "Reading store s (https://s.example)…",
        "  read products (3 pages)",
        "  read products/tags (1 page)",
    ]


def test_live_display_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    """Redrawn on every page read (no refresh thread), on a terminal whatever ``TERM`` the test runs under:
    what is shown does not depend on timing or on the environment."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=80, _environ={"TERM": "xterm-256color"})
    progress = FetchProgress(live=True, console=console)
    progress.update("products", 1, 4)
    assert "products" in buffer.getvalue() and "1/4" in buffer.getvalue()  # drawn at once, not on a timer
    assert progress._progress.live._refresh_thread is None
    progress.update("products/categories", 1, 1)
    assert "products/categories" in buffer.getvalue()
    progress.status("Planning…")
    progress.update("products", 4, 4)
    assert "4/4" in buffer.getvalue()
    progress.finish()
    progress.finish()  # idempotent
    text = buffer.getvalue()
    assert "Planning…" in text
    assert "\x1b[" in text  # a live terminal display, not plain lines
    assert capsys.readouterr() == ("", "")


def test_for_stderr_follows_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert FetchProgress.for_stderr()._live is False


@pytest.mark.parametrize(("term", "live"), [("xterm", True), ("dumb", False), ("unknown", False)])
def test_a_dumb_terminal_gets_plain_lines(monkeypatch: pytest.MonkeyPatch, term: str, live: bool) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", Tty())
    monkeypatch.setenv("TERM", term)
    assert FetchProgress.for_stderr()._live is live
