"""marked (default): a marked live product that left the catalogue is deleted, an unmarked one is left alone
(one Info), undeclared live terms are left alone and listed (one Info per kind; the default category is not
listed). all: both products and the undeclared terms are deleted
(terms with force, bottom-up: products, then tags, then categories children first)."""

from tests.scenarios.builders import base_catalogue, lines, live_product, render
from wcsync.core.kinds import Kind
from wcsync.core.plan import DeleteMode, PlanSettings
from wcsync.core.records import LiveResource

OWNERSHIP = "marked"


def build(ownership=None):
    desired = base_catalogue()
    live = render(desired)
    extra_cats = (
        LiveResource(kind=Kind.CATEGORY, id=700, key="old", fields={"name": "Old", "slug": "old", "parent": None}),
        LiveResource(kind=Kind.CATEGORY, id=701, key="older", fields={"name": "Older", "slug": "older", "parent": 700}),
        LiveResource(kind=Kind.CATEGORY, id=702, key="uncategorized", fields={"name": "Uncategorized", "slug": "uncategorized"}),
    )
    live = live.model_copy(update={
        "products": (*live.products, live_product(800, "GONE-1"), live_product(801, "PLUGIN-1", marked=False)),
        "categories": (*live.categories, *extra_cats),
        "tags": (*live.tags, LiveResource(kind=Kind.TAG, id=703, key="spring", fields={"name": "Spring"})),
    })
    return desired, live, PlanSettings(ownership=ownership or OWNERSHIP)


def check(plan):
    assert lines(plan) == ["delete product GONE-1"]
    assert plan.changes[0].delete_mode is DeleteMode.TRASH and plan.changes[0].live_id == 800
    assert [(i.kind, i.key, i.message) for i in plan.info] == [
        (Kind.CATEGORY, "*", "2 live category(ies) not in the catalogue left alone (ownership: marked manages only "
                             "the terms the catalogue declares): old, old/older"),
        (Kind.TAG, "*", "1 live tag(s) not in the catalogue left alone (ownership: marked manages only the terms "
                        "the catalogue declares): spring"),
        (Kind.PRODUCT, "*", "1 live product(s) not managed by wcsync and not in the catalogue are left alone: PLUGIN-1"),
    ]
    _check_all()


def _check_all():
    from tests.scenarios.builders import STORE
    from wcsync.core.planner import build_plan

    desired, live, settings = build("all")
    plan = build_plan(desired, live, settings, store=STORE)
    assert lines(plan) == [
        "delete product GONE-1",
        "delete product PLUGIN-1",
        "delete tag spring",
        "delete category old/older",
        "delete category old",
    ]
    assert [c.delete_mode for c in plan.changes] == [DeleteMode.TRASH] * 2 + [DeleteMode.FORCE] * 3
    assert [i.message for i in plan.info] == ["the default category cannot be deleted; left alone"]
