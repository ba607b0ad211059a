"""Builders for planner scenarios: desired records in the catalogue's vocabulary, live states rendered the
way WooCommerce returns them (tests.core.woo), and drift applied to them as wp-admin would."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.core.woo import WooRenderer
from wcsync.core.canonical import sku_key
from wcsync.core.kinds import Kind
from wcsync.core.plan import Change, Plan, StoreRef
from wcsync.core.records import DesiredResource, DesiredState, LiveResource, LiveState, Mark

STORE = StoreRef(name="test", url="https://shop.example", wc_version="11.0.1")


def product(sku: str, name: str | None = None, **fields: Any) -> DesiredResource:
    f: dict[str, Any] = {"name": name or sku.title(), "type": "simple", "status": "publish"}
    f.update(fields)
    protect = bool(f.pop("protect", False))
    return DesiredResource(kind=Kind.PRODUCT, key=sku, fields=f, protect=protect)


def variation(parent: str, sku: str | None = None, combo: dict[str, str] | None = None, **fields: Any) -> DesiredResource:
    from wcsync.core.kinds import variation_combo_key

    f: dict[str, Any] = {"attributes": dict(combo or {})}
    if sku:
        f["sku"] = sku
    f.update(fields)
    key = sku or variation_combo_key(parent, dict(combo or {}))
    return DesiredResource(kind=Kind.VARIATION, key=key, parent_key=parent, fields=f)


def category(path: str, name: str, **fields: Any) -> DesiredResource:
    parent = path.rsplit("/", 1)[0] if "/" in path else None
    f: dict[str, Any] = {"name": name, "slug": path.rsplit("/", 1)[-1], "parent": parent}
    f.update(fields)
    return DesiredResource(kind=Kind.CATEGORY, key=path, fields=f)


def tag(slug: str, name: str, **fields: Any) -> DesiredResource:
    return DesiredResource(kind=Kind.TAG, key=slug, fields={"name": name, "slug": slug, **fields})


def attribute(slug: str, name: str, terms: list[str]) -> tuple[DesiredResource, list[DesiredResource]]:
    attr = DesiredResource(kind=Kind.ATTRIBUTE, key=slug, fields={"name": name, "slug": slug})
    out = [
        DesiredResource(kind=Kind.TERM, key=f"{slug}/{t.lower()}", parent_key=slug,
                        fields={"name": t, "slug": t.lower()})
        for t in terms
    ]
    return attr, out


def money(value: str) -> Decimal:
    return Decimal(value)


def state(**kinds: Any) -> DesiredState:
    return DesiredState(catalog_version="abc1234", **{k: tuple(v) for k, v in kinds.items()})


def render(desired: DesiredState, *, marked: bool = True) -> LiveState:
    return WooRenderer(desired).render(marked=marked)


def _replace(live: LiveState, kind: Kind, match: Any, fn: Any) -> LiveState:
    attr = {Kind.PRODUCT: "products", Kind.VARIATION: "variations", Kind.CATEGORY: "categories",
            Kind.TAG: "tags", Kind.ATTRIBUTE: "attributes", Kind.TERM: "terms"}[kind]
    items = list(getattr(live, attr))
    hits = [i for i, r in enumerate(items) if match(r)]
    assert hits, f"no live {kind.value} matched"
    for i in hits:
        items[i] = fn(items[i])
    return live.model_copy(update={attr: tuple(items)})


def drift(live: LiveState, kind: Kind, key: str, **fields: Any) -> LiveState:
    """Change live fields of the resource with this key (SKU, slug) as an edit in wp-admin would."""
    return _replace(live, kind, lambda r: sku_key(r.key) == sku_key(key),
                    lambda r: r.model_copy(update={"fields": {**r.fields, **fields}}))


def unmark(live: LiveState, sku: str) -> LiveState:
    def strip(r: LiveResource) -> LiveResource:
        meta = {k: v for k, v in dict(r.fields.get("meta") or {}).items() if k != "_wcsync"}
        return r.model_copy(update={"mark": None, "fields": {**r.fields, "meta": meta}})

    return _replace(live, Kind.PRODUCT, lambda r: sku_key(r.key) == sku_key(sku), strip)


def set_mark(live: LiveState, kind: Kind, key: str, mark: Mark) -> LiveState:
    return _replace(live, kind, lambda r: sku_key(r.key) == sku_key(key), lambda r: r.model_copy(update={"mark": mark}))


def live_product(pid: int, sku: str, *, marked: bool = True, **fields: Any) -> LiveResource:
    f = {"name": sku.title(), "type": "simple", "status": "publish", **fields}
    return LiveResource(kind=Kind.PRODUCT, id=pid, key=sku, fields=f, status=str(f["status"]),
                        mark=Mark() if marked else None, date_modified="2026-11-01T09:00:00")


def lines(plan: Plan | list[Change]) -> list[str]:
    """A compact, exact listing: ``action kind key [changed fields]``."""
    changes = plan.changes if isinstance(plan, Plan) else plan
    out = []
    for c in changes:
        fields = ",".join(fc.field for fc in c.changes)
        out.append(f"{c.action.value} {c.kind.value} {c.key}" + (f" [{fields}]" if fields else ""))
    return out


def change(plan: Plan, kind: Kind, key: str) -> Change:
    hits = [c for c in plan.changes if c.kind is kind and c.key == key]
    assert len(hits) == 1, lines(plan)
    return hits[0]


def field(c: Change, name: str) -> tuple[Any, Any]:
    hits = [fc for fc in c.changes if fc.field == name]
    assert len(hits) == 1, [fc.field for fc in c.changes]
    return hits[0].before, hits[0].after


def base_catalogue(**overrides: Any) -> DesiredState:
    """A small realistic catalogue: a variable hoodie with two variations, a mug with images and meta, a cap."""
    color, color_terms = attribute("color", "Color", ["Red", "Blue"])
    hoodie = product(
        "HOODIE-CLASSIC",
        "Classic Hoodie & Co",
        type="variable",
        description="<p>Warm & soft.</p>\n<p>Organic cotton.</p>",
        categories=("clothing/hoodies",),
        tags=("winter",),
        attributes=({"name": "Color", "slug": "color", "options": ("Red", "Blue"), "visible": True, "variation": True},),
        default_attributes={"pa_color": "Red"},
        images=({"src": "https://cdn.example/hoodie-front.jpg", "alt": "Front"},),
        meta={"_yoast_wpseo_metadesc": "Classic hoodie"},
    )
    mug = product(
        "MUG-LOGO",
        "Logo Mug",
        regular_price=money("12.50"),
        categories=("kitchen",),
        images=(
            {"src": "https://cdn.example/mug-1.jpg", "alt": "Mug"},
            {"src": "https://cdn.example/mug-2.jpg", "alt": "Mug back"},
        ),
        meta={"gtin_note": "none", "featured_rank": 3},
        upsells=("CAP-WOOL",),
        stock_quantity=10,
        manage_stock=True,
    )
    cap = product("CAP-WOOL", "Wool Cap", regular_price=money("20"), sale_price=money("15"), categories=("clothing",))
    red = variation("HOODIE-CLASSIC", "HOODIE-CLASSIC-RED", {"pa_color": "Red"}, regular_price=money("45"))
    blue = variation("HOODIE-CLASSIC", None, {"pa_color": "Blue"}, regular_price=money("45"))
    parts: dict[str, Any] = {
        "attributes": [color],
        "terms": color_terms,
        "categories": [
            category("clothing", "Clothing & Apparel"),
            category("clothing/hoodies", "Hoodies & Sweatshirts", description="<p>Warm & cosy</p>"),
            category("kitchen", "Kitchen"),
        ],
        "tags": [tag("winter", "Winter & Snow")],
        "products": [hoodie, mug, cap],
        "variations": [red, blue],
    }
    parts.update(overrides)
    return state(**parts)
