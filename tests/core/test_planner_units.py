"""Planner behaviours not covered by the numbered scenarios: guards' edges, notes, convergence checks,
duplicates, ordering and serialisation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.scenarios.builders import (
    STORE,
    base_catalogue,
    category,
    drift,
    lines,
    live_product,
    product,
    render,
    state,
)
from wcsync.core.guards import PriceDrop, check_price_drops, check_vanished_catalogue, refusal
from wcsync.core.kinds import Kind
from wcsync.core.notes import field_notes, percent_change
from wcsync.core.plan import Action, FieldChange, Plan, PlanSettings
from wcsync.core.planner import build_plan, verify_convergence
from wcsync.core.records import LiveResource, LiveState
from wcsync.errors import PlanError


def test_verify_convergence_lists_what_still_differs_and_ignores_guards() -> None:
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", regular_price="1.00")
    settings = PlanSettings(max_price_drop_percent=1, max_changed_percent=1)
    remaining = verify_convergence(desired, live, settings, STORE)
    assert lines(remaining) == ["update product MUG-LOGO [regular_price]"]
    assert verify_convergence(desired, render(desired), settings, STORE) == []


def test_verify_convergence_restricted_to_touched_keys() -> None:
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", name="Changed")
    live = drift(live, Kind.PRODUCT, "CAP-WOOL", name="Changed")
    assert lines(verify_convergence(desired, live, PlanSettings(), STORE, keys=["CAP-WOOL"])) == [
        "update product CAP-WOOL [name]"
    ]


def test_vanished_catalogue_guard_skips_when_targets_or_nothing_managed() -> None:
    check_vanished_catalogue("s", 0, 0, PlanSettings())
    check_vanished_catalogue("s", 0, 5, PlanSettings(targets=("X",)))
    with pytest.raises(PlanError, match="store s has 5 managed product"):
        check_vanished_catalogue("s", 0, 5, PlanSettings())


def test_vanished_catalogue_ignores_unmanaged_products_under_marked() -> None:
    live = LiveState(products=(live_product(1, "PLUGIN", marked=False),))
    plan = build_plan(state(), live, PlanSettings(), store=STORE)
    assert plan.changes == ()
    refused = build_plan(state(), live, PlanSettings(ownership="all"), store=STORE)
    assert refused.refused and [g.guard for g in refused.guards] == ["vanished_catalogue"]
    # the plan is whole under the refusal: the delete it refuses is in it, and named as the trip's resource
    assert lines(refused) == ["delete product PLUGIN"]
    assert [(r.kind.value, r.key) for r in refused.guards[0].resources] == [("product", "PLUGIN")]
    with pytest.raises(PlanError, match="1 managed product"):
        raise refusal(refused) or AssertionError("not refused")


def test_price_drop_guard_lists_biggest_first_and_respects_override() -> None:
    drops = [PriceDrop("product", "A", "10.00", "8.00", Decimal("20.0")),
             PriceDrop("product", "B", "10.00", "5.00", Decimal("50.0"))]
    with pytest.raises(PlanError) as err:
        check_price_drops(drops, PlanSettings(max_price_drop_percent=10))
    assert "2 price(s) drop by more than 10 %: product B 10.00 → 5.00 (-50.0 %); product A" in str(err.value)
    check_price_drops(drops, PlanSettings(max_price_drop_percent=10, allow_price_drops=True))
    check_price_drops(drops, PlanSettings(max_price_drop_percent=50))


def test_price_increase_is_not_a_drop() -> None:
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "MUG-LOGO", regular_price="5.00")
    plan = build_plan(desired, live, PlanSettings(max_price_drop_percent=0), store=STORE)
    assert lines(plan) == ["update product MUG-LOGO [regular_price]"]


def test_percent_change() -> None:
    assert percent_change("40.00", "45.00") == Decimal("12.5")
    assert percent_change("0", "5") is None
    assert percent_change(None, "5") is None


def test_notes_need_a_before_value_except_prices() -> None:
    notes = field_notes([FieldChange(field="slug", before=None, after="x"),
                         FieldChange(field="status", before="publish", after="draft"),
                         FieldChange(field="regular_price", before="10.00", after="8.00")])
    assert [(n.code, n.field, n.percent) for n in notes] == [
        ("unpublish", None, None), ("price-change", "regular_price", -20.0)]


def test_duplicate_live_sku_is_left_alone_with_info() -> None:
    desired = state(products=[product("MUG", regular_price=Decimal("5"))])
    live = LiveState(products=(live_product(1, "MUG", regular_price="5.00", name="Mug"),
                               live_product(2, "mug", regular_price="5.00")))
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert plan.changes == ()
    assert [i.message for i in plan.info] == [
        "live product #2 has the same SKU as the catalogue product mug, which wcsync manages as another live "
        "product; left alone — merge or delete the duplicate in wp-admin"
    ]


def test_sku_matching_is_case_insensitive_and_trimmed() -> None:
    desired = state(products=[product("Mug-1", "Mug", regular_price=Decimal("5"))])
    live = LiveState(products=(live_product(1, " MUG-1 ", regular_price="5", name="Mug"),))
    assert build_plan(desired, live, PlanSettings(), store=STORE).changes == ()


def test_null_clears_and_absent_is_unmanaged() -> None:
    desired = state(products=[product("MUG", "Mug", sale_price=None)])
    live = LiveState(products=(live_product(1, "MUG", name="Mug", sale_price="3.00", regular_price="9.00",
                                            description="anything"),))
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert [(f.field, f.before, f.after) for f in plan.changes[0].changes] == [("sale_price", "3.00", None)]


def test_deletes_run_bottom_up_after_all_creates() -> None:
    desired = state(categories=[category("a", "A"), category("a/b", "B")], products=[product("NEW")])
    live = LiveState(
        categories=(
            LiveResource(kind=Kind.CATEGORY, id=1, key="x", fields={"name": "X", "slug": "x", "parent": None}),
            LiveResource(kind=Kind.CATEGORY, id=2, key="y", fields={"name": "Y", "slug": "y", "parent": 1}),
        ),
        products=(live_product(9, "OLD"),),
    )
    plan = build_plan(desired, live, PlanSettings(ownership="all"), store=STORE)
    assert lines(plan) == [
        "create category a [name,slug,parent]",
        "create category a/b [name,slug,parent]",
        "create product NEW [name,type,status]",
        "delete product OLD",
        "delete category x/y",
        "delete category x",
    ]
    assert [c.action for c in plan.changes][-1] is Action.DELETE


def test_plan_json_is_serialisable_and_round_trips() -> None:
    desired = base_catalogue()
    live = drift(render(desired), Kind.PRODUCT, "HOODIE-CLASSIC", default_attributes={"pa_color": "blue"})
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert Plan.model_validate_json(plan.model_dump_json()) == plan
    assert plan.store.wc_version == "11.0.1" and plan.catalog_version == "abc1234"


def test_fields_woocommerce_ignores_are_info_not_perpetual_changes() -> None:
    desired = state(products=[
        product("VAR", "Var", type="variable", regular_price=Decimal("10")),
        product("SIMPLE", "Simple", regular_price=Decimal("10"), sale_price=Decimal("12"),
                external_url="https://x.example", grouped_products=("VAR",)),
    ])
    live = LiveState(products=(live_product(1, "VAR", name="Var", type="variable", regular_price=""),
                               live_product(2, "SIMPLE", name="Simple", regular_price="10.00", sale_price="",
                                            external_url="", grouped_products=())))
    plan = build_plan(desired, live, PlanSettings(), store=STORE)
    assert plan.changes == ()
    assert [(i.key, i.field, i.message) for i in plan.info] == [
        ("SIMPLE", "external_url", "WooCommerce ignores external_url on a simple product: not compared, not written"),
        ("SIMPLE", "grouped_products", "WooCommerce ignores grouped_products on a simple product: not compared, not "
                                       "written"),
        ("SIMPLE", "sale_price", "WooCommerce drops a sale price (12) that is not below the regular price (10): not "
                                 "compared, not written"),
        ("VAR", "regular_price", "WooCommerce ignores regular_price on a variable product; set prices on its "
                                 "variations: not compared, not written"),
    ]


def test_deleting_a_term_still_used_by_variations_is_noted() -> None:
    desired = base_catalogue()
    live = render(desired)
    green = LiveResource(kind=Kind.TERM, id=990, key="green", parent_id=live.attributes[0].id, fields={"name": "Green"})
    blue_var = next(v for v in live.variations if v.fields["attributes"] == {"pa_color": "Blue"})
    used = blue_var.model_copy(update={"id": 991, "key": "HOODIE-GREEN", "mark": None,
                                        "fields": {**blue_var.fields, "sku": "HOODIE-GREEN",
                                                   "attributes": {"pa_color": "green"}}})
    live = live.model_copy(update={"terms": (*live.terms, green), "variations": (*live.variations, used)})
    plan = build_plan(desired, live, PlanSettings(ownership="all"), store=STORE)
    assert lines(plan) == ["delete variation HOODIE-GREEN", "delete term color/green"]
    assert [(n.code, n.message) for n in plan.changes[-1].notes] == [
        ("option-in-use", "attribute color: removed option(s) Green still used by variation(s) HOODIE-GREEN")
    ]


def test_category_image_matched_by_attachment_name_without_a_mark() -> None:
    img = {"src": "https://cdn.example/cats/hoodies.jpg", "alt": "Hoodies"}
    desired = state(categories=[category("hoodies", "Hoodies", image=img)])
    live_image = {"id": 77, "src": "https://shop.example/wp-content/uploads/2026/11/hoodies-1.jpg",
                  "alt": "Hoodies", "name": "hoodies-1.jpg"}
    live = LiveState(categories=(LiveResource(kind=Kind.CATEGORY, id=5, key="hoodies",
                                              fields={"name": "Hoodies", "slug": "hoodies", "parent": None,
                                                      "image": live_image}),))
    assert build_plan(desired, live, PlanSettings(), store=STORE).changes == ()
    other = state(categories=[category("hoodies", "Hoodies", image={**img, "src": "https://cdn.example/new.jpg"})])
    plan = build_plan(other, live, PlanSettings(), store=STORE)
    assert lines(plan) == ["update category hoodies [image]"]
    assert plan.changes[0].attachments == {}


def test_guard_texts_join_their_hint_without_a_stray_period() -> None:
    """WcsyncError prints ``message — hint``: no message may end with a period (it read ``(-62.5 %). — check``)."""
    from wcsync.core import guards
    from wcsync.core.plan import Action, Change

    gone = Change(kind=Kind.PRODUCT, action=Action.DELETE, key="GONE", live_id=1)
    settings = PlanSettings(max_deletes=0, max_changed_percent=1, max_price_drop_percent=1)
    trips = [
        guards.vanished_catalogue_trip("s", 0, 1, PlanSettings()),
        guards.protected_trip([gone], {("product", "gone"): "catalog/p.yaml"}),
        guards.deletes_trip([gone], settings),
        guards.changed_percent_trip([gone], 8, settings),
        guards.price_drops_trip([PriceDrop("product", "A", "8.00", "3.00", Decimal("62.5"))], settings),
    ]
    assert all(t is not None and not t.message.endswith(".") for t in trips)
    ends = ["every one of them — if the catalogue", "(declared at catalog/p.yaml) — remove",
            "(product GONE) — check the catalogue", "the allowed 1 % — check the catalogue",
            "(-62.5 %) — check the prices"]
    assert all(end in str(t) for t, end in zip(trips, ends, strict=True)), [str(t) for t in trips]
    with pytest.raises(PlanError) as err:
        guards.refuse(trips)
    text = str(err.value)
    assert text.startswith("5 guards tripped:\n  - The catalogue declares no products")
    assert ". —" not in text and text.count("\n  - ") == 5
    guards.refuse([None, None])  # nothing tripped: no error
