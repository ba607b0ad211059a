"""Plan.refs holds the ids of the live resources the changes reference; references to resources the same
plan creates are absent ("known after apply")."""

from tests.scenarios.builders import base_catalogue, category, change, field, lines, product, render, tag
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings


def build():
    base = base_catalogue()
    live = render(base)
    desired = base.model_copy(update={
        "categories": (*base.categories, category("clothing/caps", "Caps")),
        "tags": (*base.tags, tag("new", "New")),
        "products": (*base.products, product("SCARF-1", "Scarf", categories=("clothing/caps", "kitchen"),
                                               tags=("new", "winter"), upsells=("MUG-LOGO", "CAP-NEW")),
                     product("CAP-NEW", "New Cap", categories=("clothing/caps",))),
    })
    return desired, live, PlanSettings()


def check(plan):
    assert lines(plan) == [
        "create category clothing/caps [name,slug,parent]",
        "create tag new [name,slug]",
        "create product CAP-NEW [name,type,status,categories]",
        "create product SCARF-1 [name,type,status,categories,tags,upsells]",
    ]
    scarf = change(plan, Kind.PRODUCT, "SCARF-1")
    assert field(scarf, "upsells") == (None, ["CAP-NEW", "MUG-LOGO"])
    assert set(plan.refs) == {"category", "tag", "product"}
    assert list(plan.refs["category"]) == ["clothing", "kitchen"]
    assert list(plan.refs["tag"]) == ["winter"]
    assert list(plan.refs["product"]) == ["MUG-LOGO"]
    assert all(isinstance(i, int) for refs in plan.refs.values() for i in refs.values())
