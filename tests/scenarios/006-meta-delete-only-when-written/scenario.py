"""Meta: only keys the catalogue names are compared and written. A key the catalogue stopped naming is
deleted only when wcsync wrote it (it is in the live mark's meta_keys); plugin meta is never touched."""

from tests.scenarios.builders import base_catalogue, change, field, lines, product, render, set_mark
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings
from wcsync.core.records import Mark


def build():
    desired = base_catalogue()
    live = render(desired)
    # live MUG-LOGO: wcsync wrote gtin_note and featured_rank; a plugin wrote _plugin_cache and old_key
    live = live.model_copy(update={"products": tuple(
        p.model_copy(update={"fields": {**p.fields, "meta": {**p.fields["meta"], "_plugin_cache": "x",
                                                             "old_key": "v", "featured_rank": "2"}}})
        if p.key == "MUG-LOGO" else p
        for p in live.products
    )})
    live = set_mark(live, Kind.PRODUCT, "MUG-LOGO", Mark(meta_keys=("featured_rank", "gtin_note", "legacy"),
                                                          images=_images(live)))
    # the catalogue no longer names gtin_note; featured_rank changes 2 -> 3 (desired)
    products = [p for p in desired.products if p.key != "MUG-LOGO"]
    mug = next(p for p in desired.products if p.key == "MUG-LOGO")
    products.append(product("MUG-LOGO", **{**mug.fields, "meta": {"featured_rank": 3, "seo_title": "Mug & more"}}))
    return desired.model_copy(update={"products": tuple(products)}), live, PlanSettings()


def _images(live):
    mug = next(p for p in live.products if p.key == "MUG-LOGO")
    return {src: img["id"] for src, img in zip(
        ["https://cdn.example/mug-1.jpg", "https://cdn.example/mug-2.jpg"], mug.fields["images"], strict=True)}


def check(plan):
    assert lines(plan) == ["update product MUG-LOGO [meta]"]
    c = change(plan, Kind.PRODUCT, "MUG-LOGO")
    assert field(c, "meta") == ({"featured_rank": "2", "seo_title": None}, {"featured_rank": "3", "seo_title": "Mug & more"})
    # gtin_note: written by wcsync, no longer named -> deleted; legacy: in the mark but gone live -> nothing;
    # old_key/_plugin_cache: never written by wcsync -> untouched
    assert c.meta_deletes == ("gtin_note",)
    assert c.mark_meta_keys == ("featured_rank", "seo_title")
    assert set(c.attachments) == {"https://cdn.example/mug-1.jpg", "https://cdn.example/mug-2.jpg"}
