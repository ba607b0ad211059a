"""Canonical forms against the real captures: what wcsync sends and what WooCommerce returns must compare
equal, field by field, for every field WooCommerce rewrites."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.core.captures import answered, request, response
from tests.core.captures import sent as captured_request
from wcsync.core import canonical as c
from wcsync.core.compare import CompareContext, canon
from wcsync.core.kinds import Kind
from wcsync.core.records import LiveResource, LiveState
from wcsync.core.refs import LiveIndex


def _ctx(state: LiveState | None = None) -> CompareContext:
    return CompareContext(index=LiveIndex.build(state or LiveState()))


def _same(kind: Kind, name: str, ftype: str, desired: object, live: object, ctx: CompareContext | None = None) -> bool:
    ctx = ctx or _ctx()
    return canon(kind, name, ftype, desired, ctx, live=False)[1] == canon(kind, name, ftype, live, ctx, live=True)[1]


@pytest.mark.parametrize("ref", [f"05#{i}" for i in range(65, 76)])
def test_product_names_as_woocommerce_stores_them(ref: str) -> None:
    sent, stored = request(ref)["name"], response(ref)["name"]
    assert _same(Kind.PRODUCT, "name", "text", sent, stored), (sent, stored)


def test_product_name_change_still_shows() -> None:
    assert not _same(Kind.PRODUCT, "name", "text", "Tom & Jerry", "Tom &amp; Jerri")


@pytest.mark.parametrize("ref", ["02#2", "02#15", "02#16", "02#17", "02#36"])
def test_category_names(ref: str) -> None:
    sent, stored = request(ref)["name"], response(ref)["name"]
    assert _same(Kind.CATEGORY, "name", "text", sent, stored), (sent, stored)


def test_attribute_names_stay_raw() -> None:
    assert response("04#6")["name"] == "Material & Finish"
    assert _same(Kind.ATTRIBUTE, "name", "text", request("04#6")["name"], response("04#6")["name"])


@pytest.mark.parametrize(("ref", "kind"), [("02#36", Kind.CATEGORY), ("03#8", Kind.TAG), ("04#21", Kind.TERM)])
def test_term_descriptions(ref: str, kind: Kind) -> None:
    sent, stored = request(ref)["description"], response(ref)["description"]
    assert _same(kind, "description", "html", sent, stored), (sent, stored)


def test_term_description_edit_still_shows() -> None:
    assert not _same(Kind.TAG, "description", "html", "On <em>sale</em> & cheap", "On <b>sale</b> &amp; cheap")


def test_product_descriptions_after_html_filtering() -> None:
    for ref in ("05#7", "05#78"):
        for name in ("description", "short_description"):
            sent, stored = request(ref)[name], response(ref)[name]
            assert _same(Kind.PRODUCT, name, "html", sent, stored), (ref, name, sent, stored)
    assert _same(Kind.PRODUCT, "purchase_note", "html", request("05#7")["purchase_note"], response("05#7")["purchase_note"])


def test_description_edit_still_shows() -> None:
    assert not _same(Kind.PRODUCT, "description", "html", "<p>Warm</p>", "<p>Cold</p>")
    assert not _same(Kind.PRODUCT, "description", "html", "<p>Warm</p>", "<h2>Warm</h2>")


@pytest.mark.parametrize("ref", ["05#37", "05#38", "05#39", "05#40"])
def test_prices_kept_verbatim_compare_as_decimals(ref: str) -> None:
    stored = response(ref)["regular_price"]
    assert stored == request(ref)["regular_price"]
    as_decimal = Decimal(stored)
    assert _same(Kind.PRODUCT, "regular_price", "money", as_decimal, stored)
    assert canon(Kind.PRODUCT, "regular_price", "money", stored, _ctx(), live=True)[0] == c.money(as_decimal)


def test_money_strings() -> None:
    assert c.money(45) == "45.00"
    assert c.money("45.0") == "45.00"
    assert c.money(Decimal("39.5")) == "39.50"
    assert c.money("1.23450") == "1.2345"
    assert c.money("") is None
    assert c.money(None) is None
    assert c.money(4500) == "4500.00"


def test_date_only_is_midnight() -> None:
    assert _same(Kind.PRODUCT, "date_on_sale_from", "datetime", request("05#105")["date_on_sale_from"],
                 response("05#105")["date_on_sale_from"])
    assert c.date_time("not a date") is None


def test_meta_values_lose_their_json_type() -> None:
    sent = {row["key"]: row["value"] for row in request("05#7")["meta_data"]}
    stored = {row["key"]: row["value"] for row in response("05#7")["meta_data"]}
    for key, value in sent.items():
        assert c.meta_value(value) == stored[key], key


def test_meta_objects_come_back_php_shaped() -> None:
    """11#1-2: ``{}`` is stored and returned as ``[]``, nested too; the canonical form of what was sent must
    equal what the store answers, or a meta value holding an empty object is a perpetual diff."""
    sent = {row["key"]: row["value"] for row in captured_request("11#1")["meta_data"]}
    for ref in ("11#1", "11#2"):
        stored = {row["key"]: row["value"] for row in answered(ref)["meta_data"]}
        for key, value in sent.items():
            assert c.meta_value(value) == c.meta_value(stored[key]) == stored[key], (ref, key)
    assert c.meta_value({"0": "a", "1": {"x": {}}}) == ["a", {"x": []}]
    assert c.meta_value({"1": "a"}) == {"1": "a"}


def test_full_product_round_trip_dates_weights_dimensions() -> None:
    sent, stored = request("05#7"), response("05#7")
    for name, ftype in [("weight", "decimal"), ("dimensions", "dict"), ("date_on_sale_from", "datetime"),
                        ("date_on_sale_to", "datetime"), ("sale_price", "money"), ("tax_class", "text"),
                        ("catalog_visibility", "enum"), ("menu_order", "int"), ("featured", "bool")]:
        assert _same(Kind.PRODUCT, name, ftype, sent[name], stored[name]), name


def _attr_state() -> LiveState:
    color = LiveResource(kind=Kind.ATTRIBUTE, id=1, key="color", fields={"name": "Color", "slug": "color"})
    terms = tuple(
        LiveResource(kind=Kind.TERM, id=10 + i, key=slug, parent_id=1, fields={"name": name, "slug": slug})
        for i, (name, slug) in enumerate([("Red", "red"), ("Blue", "blue")])
    )
    return LiveState(attributes=(color,), terms=terms)


def test_global_options_come_back_in_term_order() -> None:
    ctx = _ctx(_attr_state())
    sent = request("06#6")["attributes"]
    stored = response("06#6")["attributes"]
    desired = [
        {"name": "Color", "slug": "color", "options": sent[0]["options"], "visible": True, "variation": True},
        {"name": "Fit", "slug": None, "options": sent[1]["options"], "visible": True, "variation": True},
        {"name": "Material", "slug": None, "options": sent[2]["options"], "visible": True, "variation": False},
    ]
    assert stored[0]["options"] == ["Blue", "Red"] and sent[0]["options"] == ["Red", "Blue"]
    assert _same(Kind.PRODUCT, "attributes", "attrs", desired, stored, ctx)
    # positions matter: swapping two attributes is a change
    assert not _same(Kind.PRODUCT, "attributes", "attrs", [desired[1], desired[0], desired[2]], stored, ctx)
    # a removed global option is a change
    fewer = [{**desired[0], "options": ["Red"]}, desired[1], desired[2]]
    assert not _same(Kind.PRODUCT, "attributes", "attrs", fewer, stored, ctx)


def test_default_attributes_live_values_are_term_slugs() -> None:
    ctx = _ctx(_attr_state())
    stored = {("pa_color" if d["id"] else d["name"]): d["option"] for d in response("06#6")["default_attributes"]}
    assert stored == {"pa_color": "red", "Fit": "Slim"}
    assert _same(Kind.PRODUCT, "default_attributes", "defaults", {"pa_color": "Red", "Fit": "Slim"}, stored, ctx)
    assert not _same(Kind.PRODUCT, "default_attributes", "defaults", {"pa_color": "Blue", "Fit": "Slim"}, stored, ctx)
    shown = canon(Kind.PRODUCT, "default_attributes", "defaults", stored, ctx, live=True)[0]
    assert shown == {"Fit": "Slim", "pa_color": "Red"}


def test_variation_options_match_case_insensitively_for_global_attributes_only() -> None:
    stored = response("06#14")["attributes"]
    live = {("pa_color" if a["id"] else a["name"]): a["option"] for a in stored}
    assert _same(Kind.VARIATION, "attributes", "combo", {"pa_color": "Red", "Fit": "regular"}, live)
    assert not _same(Kind.VARIATION, "attributes", "combo", {"pa_color": "Red", "Fit": "Regular"}, live)


def test_skus_are_trimmed_and_case_insensitive() -> None:
    assert c.sku_key(" hoodie-classic ") == c.sku_key("HOODIE-CLASSIC")
    assert _same(Kind.VARIATION, "sku", "text", "HV-red", "hv-RED")


def test_slugs_percent_encoded() -> None:
    assert c.slug_key("%e5%b8%bd%e5%ad%90") == c.slug_key("帽子")


def test_list_order_ignored_for_references() -> None:
    ctx = _ctx()
    assert _same(Kind.PRODUCT, "tags", "refs", ("winter", "sale"), ("Sale", "winter"), ctx)
    assert _same(Kind.PRODUCT, "upsells", "refs", ("MUG-1", "cap-2"), ("CAP-2", "mug-1"), ctx)


def test_empty_string_and_none_are_one_clear_value() -> None:
    for name, ftype in [("short_description", "html"), ("tax_class", "text"), ("button_text", "text"),
                        ("regular_price", "money"), ("date_on_sale_from", "datetime")]:
        assert _same(Kind.PRODUCT, name, ftype, None, ""), name
    assert _same(Kind.PRODUCT, "tax_class", "text", "standard", "")


def test_tags_outside_the_post_allowlist_lose_their_markup_not_their_text() -> None:
    assert c.html_text('<p onclick="x()">a</p><custom-box>b</custom-box><iframe src="x"></iframe>') == "<p>a</p>b"
    assert c.html_text("<p>a</p>\n\n<p>b</p>") == c.html_text("<p>a</p><p>b</p>")
    assert c.html_text("<p>a</p>") != c.html_text("<div>a</div>")


def test_variation_descriptions_come_back_through_wpautop() -> None:
    sent = next(v for v in request("06#8")["create"] if v["sku"] == "HV-BLUE-SLIM")["description"]
    for stored in (
        next(v for v in response("06#8")["create"] if v.get("sku") == "HV-BLUE-SLIM")["description"],
        next(v for v in response("06#18") if v.get("sku") == "HV-BLUE-SLIM")["description"],
    ):
        assert stored == "<p>Blue &amp; slim <b>limited</b></p>\n"
        assert _same(Kind.VARIATION, "description", "html", sent, stored)
    assert _same(Kind.VARIATION, "description", "html", "Line 1\nLine 2", "<p>Line 1<br />\nLine 2</p>\n")
    assert not _same(Kind.VARIATION, "description", "html", sent, "<p>Blue &amp; slim</p>\n")


def test_slugs_fold_accents_like_wordpress() -> None:
    assert c.slug_key("café-crème") == c.slug_key("cafe-creme")
    assert c.slug_key("große") == c.slug_key("grose")
    assert c.slug_key("cafe") != c.slug_key("cafe-2")


def test_product_descriptions_are_not_wrapped_in_edit_context_so_paragraphs_count() -> None:
    """Products keep their HTML as stored in ``context=edit`` (05#9, what wcsync reads) — unlike variations, a
    ``<p>`` WooCommerce adds only in ``context=view`` (05#8) would be a real difference, so product HTML is
    not unwrapped: a catalogue that adds or removes paragraphs still shows a change."""
    sent, edit, view = request("05#7"), response("05#9"), response("05#8")
    for name in ("description", "short_description", "purchase_note"):
        assert _same(Kind.PRODUCT, name, "html", sent[name], edit[name]), name
    assert not _same(Kind.PRODUCT, "short_description", "html", sent["short_description"], view["short_description"])
    assert not _same(Kind.PRODUCT, "description", "html", "Organic & fair", "<p>Organic &amp; fair</p>\n")
    # the same view-context text read as a variation description is unwrapped (06#8, 06#18)
    assert _same(Kind.VARIATION, "description", "html", sent["short_description"], view["short_description"])


def test_plain_variation_description_from_the_batch_create_is_no_change_in_a_plan() -> None:
    """End to end through the planner: the variation created in 06#8 and listed in 06#18, with the catalogue's
    plain-text description, plans no change."""
    from tests.scenarios.builders import STORE, live_product, product, state, variation
    from wcsync.core.plan import PlanSettings
    from wcsync.core.planner import build_plan
    from wcsync.core.records import Mark

    sent = next(v for v in request("06#8")["create"] if v["sku"] == "HV-BLUE-SLIM")
    listed = next(v for v in response("06#18") if v.get("sku") == "HV-BLUE-SLIM")
    attrs = ({"name": "Fit", "slug": None, "options": ("Slim",), "visible": True, "variation": True},)
    desired = state(products=[product("HV", "Hoodie", type="variable", attributes=attrs)],
                    variations=[variation("HV", "HV-BLUE-SLIM", {"Fit": "Slim"}, description=sent["description"])])
    live_var = LiveResource(kind=Kind.VARIATION, id=listed["id"], key="HV-BLUE-SLIM", parent_id=1, mark=Mark(),
                            fields={"sku": "HV-BLUE-SLIM", "attributes": {"Fit": "Slim"},
                                    "description": listed["description"]})
    live_attrs = ({"id": 0, "name": "Fit", "slug": "Fit", "options": ("Slim",), "visible": True, "variation": True},)
    live = LiveState(products=(live_product(1, "HV", name="Hoodie", type="variable", attributes=live_attrs),),
                     variations=(live_var,))
    assert listed["description"].startswith("<p>") and not sent["description"].startswith("<p>")
    assert build_plan(desired, live, PlanSettings(), store=STORE).changes == ()


@pytest.mark.parametrize("kind,name,ftype,values", [
    (Kind.PRODUCT, "regular_price", "money",
     [None, "", "abc", 45, 45.0, "45", "45.00", Decimal("45"), Decimal("45.000"), "39.5", Decimal("39.50"), 0, "0"]),
    (Kind.PRODUCT, "name", "text", ["Tom & Jerry", "Tom &amp; Jerry", " Tom & Jerry ", "Other"]),
    (Kind.VARIATION, "attributes", "combo",
     [{"pa_color": "Red"}, {"pa_color": "red"}, {"pa_color": "Blue"}, {"Fit": "Slim"}, {"pa_color": 1}]),
])
def test_same_text_shortcut_agrees_with_the_canonical_forms(kind: Kind, name: str, ftype: str, values: list[object]) -> None:
    """The planner's no-change shortcut never says "equal" where the canonical forms differ, and for money it
    decides exactly as they do."""
    from wcsync.core.compare import same_text

    for a in values:
        for b in values:
            equal = _same(kind, name, ftype, a, b)
            if same_text(kind, name, ftype, a, b):
                assert equal, (a, b)
            if ftype == "money":
                assert same_text(kind, name, ftype, a, b) == equal, (a, b)


def test_lt_and_gt_written_as_entities_stay_text_in_html() -> None:
    """``Für Tassen &lt; 300 ml`` decoded would be sent as ``Für Tassen < 300 ml`` and WordPress's filter would
    eat everything after the ``<`` (05#78): the canonical form keeps ``&lt;``/``&gt;`` in any spelling."""
    from wcsync.core.canonical import html_text

    assert html_text("<p>Für Tassen &lt; 300 ml &amp; mehr &#60;3 &#x3E;</p>") == "<p>Für Tassen &lt; 300 ml & mehr &lt;3 &gt;</p>"
    assert html_text("Tassen &LT; 300") == html_text("Tassen &lt; 300")
    assert html_text("a &amp;lt; b") == "a &lt; b"  # one level of decoding, as before
