"""Variation changes carry a title a reviewer recognises: the options in the parent's attribute order, as
WooCommerce names a variation (``Red, M``; 06) — for creates, updates and deletes alike, whatever order the
combination was written in."""

from tests.scenarios.builders import attribute, change, lines, product, render, state, variation
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings

ATTRS = (
    {"name": "Color", "slug": "color", "options": ("Red", "Blue"), "visible": True, "variation": True},
    {"name": "Size", "slug": None, "options": ("M", "L"), "visible": True, "variation": True},
)


def _catalogue(*variations):
    color, terms = attribute("color", "Color", ["Red", "Blue"])
    shirt = product("SHIRT", "Shirt", type="variable", attributes=ATTRS)
    return state(attributes=[color], terms=terms, products=[shirt], variations=list(variations))


def build():
    red_m = variation("SHIRT", "SHIRT-RED-M", {"Size": "M", "pa_color": "Red"}, regular_price="20")
    blue_l = variation("SHIRT", None, {"pa_color": "Blue", "Size": "L"}, regular_price="20")
    red_l = variation("SHIRT", "SHIRT-RED-L", {"Size": "L", "pa_color": "Red"}, regular_price="20")
    live = render(_catalogue(red_m, red_l))
    red_m_changed = variation("SHIRT", "SHIRT-RED-M", {"Size": "M", "pa_color": "Red"}, regular_price="22")
    return _catalogue(red_m_changed, blue_l), live, PlanSettings()


def check(plan):
    assert lines(plan) == [
        "update variation SHIRT-RED-M [regular_price]",
        "create variation SHIRT[pa_color=Blue,Size=L] [regular_price,attributes]",
        "delete variation SHIRT-RED-L",
    ]
    assert change(plan, Kind.VARIATION, "SHIRT-RED-M").title == "Red, M"
    assert change(plan, Kind.VARIATION, "SHIRT[pa_color=Blue,Size=L]").title == "Blue, L"
    assert change(plan, Kind.VARIATION, "SHIRT-RED-L").title == "Red, L"
