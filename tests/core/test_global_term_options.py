"""A variation option naming a global term: WooCommerce looks the term up by its NAME, stores its slug
(``rot-weiss``, not a slugified ``rot-weis``) and answers the term's name (11#69, 11#72-76, 11#81). Through the
wire layer from the captured bodies, the catalogue's term name plans nothing, a create sends the name the store
looks up, and import writes the name back."""

from __future__ import annotations

from typing import Any

from tests.core.captures import answered, sent
from tests.scenarios.builders import STORE
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState
from wcsync.engine.handlers import HANDLERS
from wcsync.export import export_catalog
from wcsync.store import wire
from wcsync.store.payload import ENCODER

_MARK = [{"id": 1, "key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": []}}]
#: the local option containing WooCommerce's delimiter is refused by `wcsync validate` (tests/catalog): left out
_SPLIT = "Stoff"


def _without_split(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in items if a.get("name") != _SPLIT]


def _live(*, variation: bool = True) -> LiveState:
    farbe = wire.attribute(answered("11#66"))
    slugs = wire.attribute_slugs([farbe])
    terms = tuple(wire.term(t, farbe.id) for t in answered("11#81"))
    parent_body = {**answered("11#70"), "sku": sent("11#68")["sku"], "type": "variable", "status": "publish",
                   "meta_data": _MARK,
                   "attributes": _without_split(answered("11#70")["attributes"])}
    parent = wire.product(parent_body, slugs)
    variations = ()
    if variation:
        body = {**answered("11#72"), "meta_data": _MARK, "attributes": _without_split(answered("11#72")["attributes"])}
        variations = (wire.variation(body, slugs, parent_id=parent.id, parent_sku=parent.key),)
    return LiveState(attributes=(farbe,), terms=terms, products=(parent,), variations=variations)


def _desired() -> DesiredState:
    term = sent("11#67")
    attribute = DesiredResource(kind=Kind.ATTRIBUTE, key="farbe", fields={"name": "Farbe", "slug": "farbe"})
    terms = (DesiredResource(kind=Kind.TERM, key=f"farbe/{term['slug']}", parent_key="farbe",
                             fields={"name": term["name"], "slug": term["slug"]}),)
    product = DesiredResource(kind=Kind.PRODUCT, key="F-TEXT", fields={"type": "variable", "attributes": (
        {"name": "Farbe", "slug": "farbe", "options": (term["name"],), "visible": True, "variation": True},
        {"name": "Size", "slug": None, "options": ("Größe ½",), "visible": True, "variation": True},
    )})
    combo = {a.get("name") or "pa_farbe": a["option"] for a in sent("11#69")["attributes"] if a.get("name") != _SPLIT}
    variation = DesiredResource(kind=Kind.VARIATION, key="F-TEXT-1", parent_key="F-TEXT",
                                fields={"sku": "F-TEXT-1", "attributes": combo})
    return DesiredState(attributes=(attribute,), terms=terms, products=(product,), variations=(variation,))


def test_the_term_name_the_catalogue_gives_converges_with_what_the_store_keeps() -> None:
    live = _live()
    assert live.variations[0].fields["attributes"] == {"pa_farbe": "Rot & Weiß", "Size": "Größe ½"}
    assert [t.key for t in live.terms] == ["rot-weiss"]  # one term: looked up by name, not created again
    plan = build_plan(_desired(), live, PlanSettings(), store=STORE)
    assert [(c.action.value, c.key, [f.field for f in c.changes]) for c in plan.changes] == []


def test_a_create_sends_the_term_name_the_store_looks_up() -> None:
    plan = build_plan(_desired(), _live(variation=False), PlanSettings(), store=STORE)
    (create,) = plan.changes
    assert (create.action, create.key) == (Action.CREATE, "F-TEXT-1")
    refs = {(Kind.ATTRIBUTE, "farbe"): answered("11#66")["id"]}
    op = HANDLERS[(Kind.VARIATION, Action.CREATE)](create, lambda kind, key: refs.get((kind, key)), (),
                                                     ENCODER)
    # what 11#69 sent, which the store matched to the existing term (11#81)
    assert sorted(op.payload["attributes"], key=str) == [{"id": 1, "option": "Rot & Weiß"},
                                                         {"name": "Size", "option": "Größe ½"}]


def test_import_writes_the_term_name() -> None:
    files = export_catalog(_live()).files
    (item,) = files["products/f-text.yaml"]["variations"]
    assert item["attributes"] == {"Farbe": "Rot & Weiß", "Size": "Größe ½"}
