"""A catalogue SKU that exists live without wcsync's mark is adopted (update + mark), even when nothing
differs; its variations are adopted with it. Unmanaged products not in the catalogue are left alone."""

from tests.scenarios.builders import base_catalogue, change, field, lines, live_product, render, unmark
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, PlanSettings


def build():
    desired = base_catalogue()
    live = render(desired)
    live = unmark(live, "CAP-WOOL")
    live = unmark(live, "HOODIE-CLASSIC")
    live = live.model_copy(update={
        "variations": tuple(v.model_copy(update={"mark": None}) for v in live.variations),
        "products": (*live.products, live_product(900, "OTHER-1", marked=False)),
    })
    live = live.model_copy(update={"products": tuple(
        p.model_copy(update={"fields": {**p.fields, "regular_price": "18.00"}}) if p.key == "CAP-WOOL" else p
        for p in live.products
    )})
    return desired, live, PlanSettings()


def check(plan):
    assert lines(plan) == [
        "adopt product CAP-WOOL [regular_price]",
        "adopt product HOODIE-CLASSIC",
        "adopt variation HOODIE-CLASSIC-RED",
        "adopt variation HOODIE-CLASSIC[pa_color=Blue]",
    ]
    assert plan.summary() == "Plan: 0 to create, 0 to update, 4 to adopt, 0 to delete."
    cap = change(plan, Kind.PRODUCT, "CAP-WOOL")
    assert cap.action is Action.ADOPT and cap.live_id is not None
    assert field(cap, "regular_price") == ("18.00", "20.00")
    assert cap.mark_meta_keys == ()
    hoodie = change(plan, Kind.PRODUCT, "HOODIE-CLASSIC")
    assert hoodie.mark_meta_keys == ("_yoast_wpseo_metadesc",)
    # no mark: the live attachment is matched to the catalogue source by its file name, so adopting
    # neither claims an image change nor uploads the image again
    assert [fc.field for fc in hoodie.changes] == []
    assert list(hoodie.attachments) == ["https://cdn.example/hoodie-front.jpg"]
    assert plan.info[0].key == "*" and "OTHER-1" in plan.info[0].message
    assert plan.info[0].message.startswith("1 live product(s) not managed by wcsync")
