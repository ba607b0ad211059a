"""A run killed (or whose second pass failed) after creating products leaves their ``_wcsync`` mark without
the image map. The next plan finds each desired source's attachment the way it does for unmarked products
(08#2, 08#5, 08#20) when that is unambiguous: no image change, no new upload, and the change (if any)
carries the source → attachment map so apply re-uses them by id and completes the mark. Where the match is
ambiguous (two desired sources with one file name, two live attachments that could be one source) the
images are uploaded again, as before."""

from tests.core.woo import UPLOADS
from tests.scenarios.builders import (
    STORE,
    base_catalogue,
    change,
    drift,
    field,
    lines,
    product,
    render,
    variation,
)
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings
from wcsync.core.planner import build_plan

M1, M2 = "https://cdn.example/mug-1.jpg", "https://cdn.example/mug-2.jpg"
RED = "https://cdn.example/hoodie-red.jpg"


def _catalogue():
    base = base_catalogue()
    red = variation("HOODIE-CLASSIC", "HOODIE-CLASSIC-RED", {"pa_color": "Red"}, regular_price=base.variations[0]
                    .fields["regular_price"], image={"src": RED, "alt": "Red hoodie"})
    return base.model_copy(update={"variations": (red, base.variations[1])})


def _without_image_maps(live):
    """The marks as the first pass of an interrupted apply leaves them: meta keys, no image map."""
    def strip(r):
        return r.model_copy(update={"mark": r.mark.model_copy(update={"images": {}})}) if r.mark else r

    return live.model_copy(update={"products": tuple(strip(p) for p in live.products),
                                   "variations": tuple(strip(v) for v in live.variations)})


def build():
    desired = _catalogue()
    live = _without_image_maps(render(desired))
    live = drift(live, Kind.PRODUCT, "MUG-LOGO", regular_price="11.00")
    live = drift(live, Kind.VARIATION, "HOODIE-CLASSIC-RED", regular_price="44.00")
    return desired, live, PlanSettings()


def check(plan):
    assert lines(plan) == [
        "update product MUG-LOGO [regular_price]",
        "update variation HOODIE-CLASSIC-RED [regular_price]",
    ]
    desired, live, _ = build()
    mug_live = next(p for p in live.products if p.key == "MUG-LOGO")
    red_live = next(v for v in live.variations if v.key == "HOODIE-CLASSIC-RED")
    assert mug_live.mark is not None and mug_live.mark.images == {} and mug_live.mark.meta_keys
    assert [i["src"] for i in mug_live.fields["images"]] == [UPLOADS + "mug-1.jpg", UPLOADS + "mug-2.jpg"]
    assert change(plan, Kind.PRODUCT, "MUG-LOGO").attachments == {M1: 9001, M2: 9002}
    assert red_live.fields["image"]["src"] == UPLOADS + "hoodie-red.jpg"
    assert change(plan, Kind.VARIATION, "HOODIE-CLASSIC-RED").attachments == {RED: 9003}
    # without the drift there is nothing to do at all
    assert build_plan(desired, _without_image_maps(render(desired)), PlanSettings(), store=STORE).changes == ()
    _two_sources_one_file_name()
    _two_attachments_could_be_one_source()


def _mug_images(images):
    desired = base_catalogue()
    mug = next(p for p in desired.products if p.key == "MUG-LOGO")
    others = [p for p in desired.products if p.key != "MUG-LOGO"]
    return desired.model_copy(update={"products": (*others, product("MUG-LOGO", **{**mug.fields, "images": images}))})


def _plan_with_live_images(desired, live_images):
    live = _without_image_maps(render(desired))
    live = drift(live, Kind.PRODUCT, "MUG-LOGO", images=live_images)
    return build_plan(desired, live, PlanSettings(), store=STORE)


def _two_sources_one_file_name():
    a, b = "https://cdn.example/a/mug.jpg", "https://cdn.example/b/mug.jpg"
    desired = _mug_images(({"src": a}, {"src": b}))
    live_images = ({"id": 71, "src": UPLOADS + "mug.jpg", "alt": "", "name": "mug.jpg"},
                   {"id": 72, "src": UPLOADS + "mug-1.jpg", "alt": "", "name": "mug-1.jpg"})
    plan = _plan_with_live_images(desired, live_images)
    assert lines(plan) == ["update product MUG-LOGO [images]"]
    mug = change(plan, Kind.PRODUCT, "MUG-LOGO")
    assert field(mug, "images") == (
        [{"src": UPLOADS + "mug.jpg"}, {"src": UPLOADS + "mug-1.jpg"}],
        [{"src": a}, {"src": b}],
    )
    assert mug.attachments == {}


def _two_attachments_could_be_one_source():
    desired = _mug_images(({"src": M1, "alt": "Mug"},))
    live_images = ({"id": 81, "src": UPLOADS + "mug-1.jpg", "alt": "Mug", "name": "mug-1.jpg"},
                   {"id": 82, "src": UPLOADS + "mug-1-1.jpg", "alt": "Mug", "name": "mug-1-1.jpg"})
    plan = _plan_with_live_images(desired, live_images)
    assert lines(plan) == ["update product MUG-LOGO [images]"]
    mug = change(plan, Kind.PRODUCT, "MUG-LOGO")
    assert field(mug, "images") == (
        [{"src": UPLOADS + "mug-1.jpg", "alt": "Mug"}, {"src": UPLOADS + "mug-1-1.jpg", "alt": "Mug"}],
        [{"src": M1, "alt": "Mug"}],
    )
    assert mug.attachments == {}
