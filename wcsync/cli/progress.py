"""Progress of an apply on stderr: one line per stage start, per batch (counts and rate) and per stage end.

Single trash ``DELETE`` requests arrive aggregated (the writer reports several together).

Plain lines when stderr is not a terminal (CI logs); coloured through rich when it is. The artifact (plan
text) goes to stdout; this never does.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console

from wcsync.core.kinds import Kind


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
