"""Unchanged images (live URLs rewritten to /wp-content/uploads/…) are no change; a price update still
carries the source → attachment map so apply re-uses the attachments and keeps the mark whole."""

from tests.scenarios.builders import base_catalogue, change, drift, lines, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build():
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", regular_price="11.00")
    return desired, live, PlanSettings()


def check(plan):
    assert lines(plan) == ["update product MUG-LOGO [regular_price]"]
    mug = change(plan, Kind.PRODUCT, "MUG-LOGO")
    assert mug.attachments == {"https://cdn.example/mug-1.jpg": 9001, "https://cdn.example/mug-2.jpg": 9002}
    assert [(n.code, n.message, n.percent) for n in mug.notes] == [
        ("price-change", "regular price 11.00 → 12.50 (+13.6 %)", 13.6)
    ]
