"""Progress on stderr: a line per stage start, per batch (counts so far, items in the request, failures,
rate) and per stage end; plain text when the stream is not a terminal."""

from __future__ import annotations

import io
import re

import pytest

from wcsync.cli.progress import StderrProgress, duration
from wcsync.core.kinds import Kind


def test_stage_batch_and_end_lines_with_counts_and_rate() -> None:
    out = io.StringIO()
    progress = StderrProgress(out)
    progress.stage_started("write products", 250)
    progress.batch(Kind.PRODUCT, 100, 0)
    progress.batch(Kind.PRODUCT, 100, 2)
    progress.batch(Kind.PRODUCT, 50, 0)
    progress.stage_done("write products", 248, 2)
    lines = out.getvalue().splitlines()
    assert lines[0] == "write products: 250 item(s)"
    rate = r" · \d+\.\d items/s"
    assert re.fullmatch(r"  product: 100/250 \(100 in this request\)" + rate, lines[1])
    assert re.fullmatch(r"  product: 200/250 \(100 in this request, 2 failed\)" + rate, lines[2])
    assert re.fullmatch(r"  product: 250/250 \(50 in this request\)" + rate, lines[3])
    assert re.fullmatch(r"  write products failed: 248 applied, 2 failed in (\d+\.\d+ s|< 0\.01 s)", lines[4])
    assert len(lines) == 5
    assert "\x1b[" not in out.getvalue()  # no colour codes in a log file


def test_a_new_stage_restarts_the_counts() -> None:
    out = io.StringIO()
    progress = StderrProgress(out, color=False)
    progress.stage_started("write tags", 3)
    progress.batch(Kind.TAG, 3, 0)
    progress.stage_done("write tags", 3, 0)
    progress.stage_started("write variations", 2)
    progress.batch(Kind.VARIATION, 1, 0)
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"  write tags done: 3 applied, 0 failed in (\d+\.\d+ s|< 0\.01 s)", lines[2])
    assert lines[3] == "write variations: 2 item(s)"
    assert lines[4].startswith("  variation: 1/2 (1 in this request) · ")


def test_aggregated_trash_requests_say_how_many_requests() -> None:
    out = io.StringIO()
    progress = StderrProgress(out, color=False)
    progress.stage_started("delete products", 25)
    progress.batch(Kind.PRODUCT, 1, 0)
    progress.batch(Kind.PRODUCT, 10, 1, requests=10)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("  product: 1/25 (1 in this request) · ")
    assert re.fullmatch(r"  product: 11/25 \(10 in 10 requests, 1 failed\) · \d+\.\d items/s", lines[2])


def test_a_stage_end_counts_from_the_stage_start_also_after_its_second_pass() -> None:
    """``write products failed: 11 applied, 7 failed in 0.0 s`` for a 0.43 s batch was the second pass's clock."""
    now = [100.0]
    out = io.StringIO()
    progress = StderrProgress(out, color=False, clock=lambda: now[0])
    progress.stage_started("write products", 18)
    now[0] += 0.40
    progress.batch(Kind.PRODUCT, 18, 7)
    progress.stage_started("write products: second pass (links to new products, image map)", 2)
    now[0] += 0.03
    progress.batch(Kind.PRODUCT, 2, 0)
    progress.stage_done("write products", 11, 7)
    lines = out.getvalue().splitlines()
    assert lines[1] == "  product: 18/18 (18 in this request, 7 failed) · 45.0 items/s"
    assert lines[-1] == "  write products failed: 11 applied, 7 failed in 0.43 s"


@pytest.mark.parametrize(("seconds", "shown"), [(0.001, "< 0.01 s"), (0.43, "0.43 s"), (2.46, "2.5 s"),
                                                (65.2, "1 min 05 s")])
def test_durations_are_never_rounded_to_nothing(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown
