"""The progress displays of the commands, on stderr: the library API's ``Progress`` hooks (``wcsync.api``)
shown to a person. The artifact (plan text) goes to stdout; these never do.

- ``FetchProgress``: reading the store (``plan``, ``import``): a rich progress display on a terminal, else one
  plain line per finished list;
- ``StderrProgress``: an apply, one line per stage start, per batch (counts and rate) and per stage end
  (single trash ``DELETE`` requests arrive aggregated: the writer reports several together); plain lines when
  stderr is not a terminal (CI logs), coloured through rich when it is;
- ``ApplyDisplay``: the hooks of ``wcsync.api.apply`` — status lines, the plan on stdout, the stages above.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console

from wcsync.api import Silent
from wcsync.cli.common import status
from wcsync.core.kinds import Kind
from wcsync.render.escape import visible
from wcsync.store.budget import RequestStats

if TYPE_CHECKING:
    from wcsync.core.plan import Plan


class FetchProgress(Silent):
    """Progress of reading the store, on stderr: a rich progress display on a terminal, else one plain line
    per list read, when the read is over, in one order (CI logs stay readable and the same from run to run:
    the lists are read concurrently). The display is redrawn on each page read, not by a refresh thread:
    nothing changes between pages, and what is shown never depends on timing."""

    def __init__(self, *, live: bool, console: Any = None) -> None:
        self._live = live
        #: a rich Console for the live display (default: one on stderr)
        self._console = console
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._finished: dict[str, int] = {}
        self.stats: RequestStats | None = None

    @classmethod
    def for_stderr(cls) -> FetchProgress:
        # a dumb terminal cannot redraw a display in place: plain lines there too
        dumb = os.environ.get("TERM", "").lower() in ("dumb", "unknown")
        return cls(live=sys.stderr.isatty() and not dumb)

    def status(self, message: str) -> None:
        self._said()
        if self._progress is not None:
            self._progress.console.print(visible(message), highlight=False, markup=False)
        else:
            status(message)

    def update(self, path: str, done: int, total: int) -> None:
        """``wcsync.store.client.Progress``: ``path`` has ``done`` of ``total`` pages."""
        if not self._live:
            if done == total:  # said when the read is over, in one order whatever order the lists ended in
                self._finished[path] = total
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("  {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=self._console or Console(stderr=True),
                transient=True,
                auto_refresh=False,
            )
            self._progress.start()
        task = self._tasks.get(path)
        if task is None:
            task = self._tasks[path] = self._progress.add_task(path, total=total)
        self._progress.update(task, completed=done, total=total, refresh=True)

    def discard(self) -> None:
        """The command failed: close the display without the lines of the lists read (whether a list was read
        before a catalogue error or a store error stopped the others is a matter of timing)."""
        self._finished.clear()
        self._close()

    def _said(self) -> None:
        """The lines of the lists read, once (before the next status line, or when the command ends)."""
        finished, self._finished = self._finished, {}
        for path in sorted(finished, key=_list_order):
            status(f"  read {path} ({finished[path]} page{'s' if finished[path] != 1 else ''})")

    def finish(self) -> None:
        self._said()
        self._close()

    def _close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._tasks.clear()

    # -- the library API's hooks (``wcsync.api.Progress``) --

    def pages(self, path: str, done: int, total: int) -> None:
        self.update(path, done, total)

    def read_done(self) -> None:
        self._close()  # the lines of the lists read come with the next status line (or finish)

    def requests(self, stats: RequestStats) -> None:
        #: the requests of the store read (``--stats`` prints them once the command succeeded)
        self.stats = stats


def _list_order(path: str) -> tuple[int, str]:
    """Products, their trash and the variations first (the long lists), then the others by name."""
    first = ("products", "products (trash)", "variations")
    return (first.index(path), "") if path in first else (len(first), path)


class StderrProgress:
    """Implements ``wcsync.engine.executor.Progress`` and the writer's batch callback."""

    def __init__(self, stream: TextIO | None = None, *, color: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        stream = stream or sys.stderr
        tty = stream.isatty() if color is None else color
        self.console = Console(file=stream, force_terminal=tty, no_color=not tty, highlight=False,
                               soft_wrap=True)
        self._clock = clock
        self._stage = ""
        self._stage_total = 0
        self._stage_done = 0
        self._stage_start = clock()
        #: when each stage started, by name: a stage's end line counts from its own start, also after its
        #: second pass (which starts a sub-stage of its own)
        self._starts: dict[str, float] = {}

    def stage_started(self, name: str, items: int) -> None:
        self._stage, self._stage_total, self._stage_done = name, items, 0
        self._stage_start = self._clock()
        self._starts.setdefault(name, self._stage_start)
        self.console.print(f"[bold]{name}[/bold]: {items} item(s)")

    def batch(self, kind: Kind, items: int, failed: int, requests: int = 1) -> None:
        self._stage_done += items
        elapsed = max(self._clock() - self._stage_start, 1e-6)
        rate = self._stage_done / elapsed
        fail = f", [red]{failed} failed[/red]" if failed else ""
        where = "in this request" if requests == 1 else f"in {requests} requests"
        self.console.print(f"  {kind.value}: {self._stage_done}/{max(self._stage_total, self._stage_done)} "
                           f"({items} {where}{fail}) · {rate:.1f} items/s")

    def stage_done(self, name: str, applied: int, failed: int) -> None:
        elapsed = self._clock() - self._starts.pop(name, self._stage_start)
        status = "[red]failed[/red]" if failed else "[green]done[/green]"
        self.console.print(f"  {name} {status}: {applied} applied, {failed} failed in {duration(elapsed)}")

    def line(self, text: str) -> None:
        self.console.print(text)


def duration(seconds: float) -> str:
    """``0.43 s``, ``2.5 s``, ``1 min 05 s`` — never ``0.0 s`` for work that took measurable time."""
    if seconds < 1:
        return f"{seconds:.2f} s" if seconds >= 0.005 else "< 0.01 s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class ApplyDisplay(Silent):
    """``wcsync apply``'s view of ``wcsync.api.apply``: status lines and stages on stderr, the plan on stdout
    (``show``); the request counts are kept for ``--stats``."""

    def __init__(self, show: Callable[[Plan], None]) -> None:
        self._show = show
        self.stages = StderrProgress()
        self.stats: RequestStats | None = None

    def status(self, message: str) -> None:
        status(message)

    def show_plan(self, plan: Plan) -> None:
        self._show(plan)

    def stage_started(self, name: str, items: int) -> None:
        self.stages.stage_started(name, items)

    def batch(self, kind: Kind, items: int, failed: int, requests: int = 1) -> None:
        self.stages.batch(kind, items, failed, requests)

    def stage_done(self, name: str, applied: int, failed: int) -> None:
        self.stages.stage_done(name, applied, failed)

    def requests(self, stats: RequestStats) -> None:
        self.stats = stats
