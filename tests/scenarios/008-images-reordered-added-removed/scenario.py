"""Image lists: a reorder, an addition and a removal each show precisely, by source; existing attachments
are re-used by id, only the new source is uploaded."""

from tests.scenarios.builders import base_catalogue, change, field, lines, product, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings

M1, M2, M3 = (f"https://cdn.example/mug-{i}.jpg" for i in (1, 2, 3))


def _with_images(desired, images):
    mug = next(p for p in desired.products if p.key == "MUG-LOGO")
    others = [p for p in desired.products if p.key != "MUG-LOGO"]
    return desired.model_copy(update={"products": (*others, product("MUG-LOGO", **{**mug.fields, "images": images}))})


def build():
    base = base_catalogue()
    live = render(base)
    desired = _with_images(base, ({"src": M2, "alt": "Mug back"}, {"src": M3, "alt": "Mug side"}))
    return desired, live, PlanSettings()


def check(plan):
    assert lines(plan) == ["update product MUG-LOGO [images]"]
    mug = change(plan, Kind.PRODUCT, "MUG-LOGO")
    assert field(mug, "images") == (
        [{"src": M1, "alt": "Mug"}, {"src": M2, "alt": "Mug back"}],
        [{"src": M2, "alt": "Mug back"}, {"src": M3, "alt": "Mug side"}],
    )
    assert mug.attachments == {M1: 9001, M2: 9002}
    _reorder_only()


def _reorder_only():
    from tests.scenarios.builders import STORE
    from wcsync.core.planner import build_plan

    base = base_catalogue()
    desired = _with_images(base, ({"src": M2, "alt": "Mug back"}, {"src": M1, "alt": "Mug"}))
    plan = build_plan(desired, render(base), PlanSettings(), store=STORE)
    mug = change(plan, Kind.PRODUCT, "MUG-LOGO")
    assert field(mug, "images") == (
        [{"src": M1, "alt": "Mug"}, {"src": M2, "alt": "Mug back"}],
        [{"src": M2, "alt": "Mug back"}, {"src": M1, "alt": "Mug"}],
    )
    # an alt text edit alone is a change too
    desired = _with_images(base, ({"src": M1, "alt": "Mug front"}, {"src": M2, "alt": "Mug back"}))
    plan = build_plan(desired, render(base), PlanSettings(), store=STORE)
    assert lines(plan) == ["update product MUG-LOGO [images]"]
