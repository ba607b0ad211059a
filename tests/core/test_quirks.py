"""Fields WooCommerce silently rewrites from catalogue combinations (stock without manage_stock, stock status
of variable/external products or recomputed from the quantity, a variation's menu_order back to 0, a sale
price not below the regular price): an Info, never a perpetual change — and real changes still show."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.scenarios.builders import STORE, lines, live_product, product, state, variation
from wcsync.core.kinds import Kind
from wcsync.core.plan import Plan, PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredState, LiveResource, LiveState, Mark

SUFFIX = ": not compared, not written"


def _plan(desired: DesiredState, live: LiveState) -> Plan:
    return build_plan(desired, live, PlanSettings(), store=STORE)


def _info(plan: Plan) -> list[tuple[str, str | None, str]]:
    return [(i.key, i.field, i.message.removesuffix(SUFFIX)) for i in plan.info]


def _variable(var_fields: dict[str, Any], live_var: dict[str, Any]) -> tuple[DesiredState, LiveState]:
    parent = product("TEE", "Tee", type="variable",
                     attributes=({"name": "Size", "slug": None, "options": ("S", "M"), "visible": True,
                                  "variation": True},))
    desired = state(products=[parent], variations=[variation("TEE", "TEE-S", {"Size": "S"}, **var_fields)])
    live = LiveState(
        products=(live_product(1, "TEE", name="Tee", type="variable",
                               attributes=({"id": 0, "name": "Size", "slug": "Size", "options": ("S", "M"),
                                            "visible": True, "variation": True},)),),
        variations=(LiveResource(kind=Kind.VARIATION, id=2, key="TEE-S", parent_id=1, mark=Mark(),
                                 fields={"sku": "TEE-S", "attributes": {"Size": "S"}, **live_var}),),
    )
    return desired, live


def test_stock_without_manage_stock_is_ignored_with_info() -> None:
    desired = state(products=[product("MUG", "Mug", stock_quantity=10, backorders="notify", low_stock_amount=2)])
    live = LiveState(products=(live_product(1, "MUG", name="Mug", manage_stock=False, stock_quantity=None,
                                            backorders="no", low_stock_amount=None),))
    plan = _plan(desired, live)
    assert plan.changes == ()
    assert _info(plan) == [
        ("MUG", "backorders", "WooCommerce ignores backorders when manage_stock is not true (it resets backorders "
                              "to no)"),
        ("MUG", "low_stock_amount", "WooCommerce ignores low_stock_amount when manage_stock is not true"),
        ("MUG", "stock_quantity", "WooCommerce ignores stock_quantity when manage_stock is not true"),
    ]


def test_catalogue_turning_manage_stock_off_decides_over_the_live_value() -> None:
    desired = state(products=[product("MUG", "Mug", manage_stock=False, stock_quantity=10)])
    live = LiveState(products=(live_product(1, "MUG", name="Mug", manage_stock=True, stock_quantity=10),))
    plan = _plan(desired, live)
    assert lines(plan) == ["update product MUG [manage_stock]"]
    assert _info(plan) == [("MUG", "stock_quantity", "WooCommerce ignores stock_quantity when manage_stock is not true")]


def test_turning_stock_management_on_still_shows_every_change() -> None:
    desired = state(products=[product("MUG", "Mug", manage_stock=True, stock_quantity=10, backorders="notify")])
    live = LiveState(products=(live_product(1, "MUG", name="Mug", manage_stock=False, stock_quantity=None,
                                            backorders="no"),))
    plan = _plan(desired, live)
    assert lines(plan) == ["update product MUG [manage_stock,stock_quantity,backorders]"]
    assert plan.info == ()


def test_create_leaves_out_what_woocommerce_would_ignore() -> None:
    desired = state(products=[product("MUG", "Mug", regular_price=Decimal("5"), stock_quantity=3)])
    plan = _plan(desired, LiveState())
    assert lines(plan) == ["create product MUG [name,type,status,regular_price]"]
    assert _info(plan) == [("MUG", "stock_quantity", "WooCommerce ignores stock_quantity when manage_stock is not true")]


def test_stock_status_is_recomputed_when_managing_stock() -> None:
    desired = state(products=[product("MUG", "Mug", manage_stock=True, stock_quantity=0, stock_status="instock")])
    live = LiveState(products=(live_product(1, "MUG", name="Mug", manage_stock=True, stock_quantity=0,
                                            stock_status="outofstock"),))
    plan = _plan(desired, live)
    assert plan.changes == ()
    assert _info(plan) == [("MUG", "stock_status", "WooCommerce recomputes stock_status from stock_quantity and "
                                                   "backorders when manage_stock is true")]
    # without stock management the status is the catalogue's to set
    desired = state(products=[product("MUG", "Mug", manage_stock=False, stock_status="instock")])
    live = LiveState(products=(live_product(1, "MUG", name="Mug", manage_stock=False, stock_status="outofstock"),))
    assert lines(_plan(desired, live)) == ["update product MUG [stock_status]"]


def test_stock_of_variable_grouped_and_external_products() -> None:
    desired = state(products=[
        product("VAR", "Var", type="variable", stock_status="instock"),
        product("EXT", "Ext", type="external", manage_stock=True, stock_status="outofstock"),
        product("GRP", "Grp", type="grouped", stock_quantity=4),
    ])
    live = LiveState(products=(
        live_product(1, "VAR", name="Var", type="variable", stock_status="outofstock"),
        live_product(2, "EXT", name="Ext", type="external", manage_stock=False, stock_status="instock"),
        live_product(3, "GRP", name="Grp", type="grouped", manage_stock=False, stock_quantity=None),
    ))
    plan = _plan(desired, live)
    assert plan.changes == ()
    assert _info(plan) == [
        ("EXT", "manage_stock", "WooCommerce refuses manage_stock on an external product (09#9)"),
        ("EXT", "stock_status", "WooCommerce keeps an external product in stock (instock)"),
        ("GRP", "stock_quantity", "WooCommerce ignores stock_quantity when manage_stock is not true"),
        ("VAR", "stock_status", "WooCommerce derives a variable product's stock_status from its variations"),
    ]


def test_variation_reporting_its_parents_stock_is_not_a_change() -> None:
    """A variation whose parent manages the stock reports ``manage_stock: "parent"`` with the parent's quantity
    and backorders; a catalogue that says "no stock of its own" already holds — silently."""
    desired, live = _variable({"manage_stock": False, "stock_quantity": None, "backorders": "no"},
                              {"manage_stock": "parent", "stock_quantity": 40, "backorders": "notify"})
    plan = _plan(desired, live)
    assert plan.changes == ()
    assert plan.info == ()


def test_variation_menu_order_cannot_go_back_to_zero() -> None:
    desired, live = _variable({"menu_order": 0}, {"menu_order": 3})
    plan = _plan(desired, live)
    assert plan.changes == ()
    assert _info(plan) == [("TEE-S", "menu_order", "WooCommerce cannot set a variation's menu_order back to 0")]
    desired, live = _variable({"menu_order": 2}, {"menu_order": 3})
    assert lines(_plan(desired, live)) == ["update variation TEE-S [menu_order]"]
    desired, live = _variable({"menu_order": 0}, {"menu_order": 0})
    assert _plan(desired, live).info == ()


def test_variation_sale_price_not_below_regular_is_info() -> None:
    desired, live = _variable({"regular_price": Decimal("45"), "sale_price": Decimal("45")},
                              {"regular_price": "45.00", "sale_price": ""})
    plan = _plan(desired, live)
    assert plan.changes == ()
    assert _info(plan) == [("TEE-S", "sale_price", "WooCommerce drops a sale price (45) that is not below the regular "
                                                   "price (45)")]


def test_variation_values_inherited_from_the_parent_are_not_its_own() -> None:
    """Even in ``context=edit`` a variation without its own weight, dimensions or shipping class reports its
    parent's (woocommerce-api.md §6.3): a catalogue that gives it none has nothing to clear."""
    inherit = {"weight": "0.8", "dimensions": {"length": "30", "width": "20", "height": ""}, "shipping_class": 7}
    desired, live = _variable({"weight": None, "dimensions": {"length": None, "width": "25", "height": None},
                               "shipping_class": None}, inherit)
    parent = live.products[0].model_copy(update={"fields": {**live.products[0].fields, **inherit}})
    ship = LiveResource(kind=Kind.SHIPPING_CLASS, id=7, key="bulky", fields={"name": "Bulky", "slug": "bulky"})
    live = live.model_copy(update={"products": (parent,), "shipping_classes": (ship,)})
    plan = _plan(desired, live)
    assert lines(plan) == ["update variation TEE-S [dimensions]"]
    assert plan.changes[0].changes[0].before == {"height": None, "length": None, "width": "20"}
    assert plan.changes[0].changes[0].after == {"height": None, "length": None, "width": "25"}
    # its own value (different from the parent's) is a real change
    own = live.model_copy(update={"variations": (live.variations[0].model_copy(
        update={"fields": {**live.variations[0].fields, "weight": "1.5"}}),)})
    assert lines(_plan(desired, own)) == ["update variation TEE-S [weight,dimensions]"]
