"""``wcsync import`` round trip on a store built by hand through the REST API (as wp-admin would leave it):
entity-encoded names, a non-Latin category slug, term descriptions, a global and a local attribute with
non-ASCII text, variations with and without their own SKU, sideloaded images on products, variations and
categories. Import, validate and plan: only ``adopt`` lines, with no field change."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from wcsync.catalog.project import resolve_store
from wcsync.cli.connect import open_client
from wcsync.cli.main import cli


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"WCSYNC_URL": "", "NO_COLOR": "1"})


async def _build(db: Path) -> None:
    settings = resolve_store(None, store=None, store_url=f"sandbox:{db}", env={})
    async with open_client(settings) as wc:
        cafe = await wc.post("products/categories", json={"name": "Café & Crème", "description": "Slow <b>coffee</b> & more"})
        hats = await wc.post("products/categories", json={
            "name": "帽子", "parent": cafe["id"], "image": {"src": "https://cdn.example/hats.jpg", "alt": "Hats"},
        })
        tag = await wc.post("products/tags", json={"name": "Rain & Wind", "description": "Wet <p>and</p> windy"})
        await wc.post("products/shipping_classes", json={"name": "Bulky & Heavy"})
        color = await wc.post("products/attributes", json={"name": "Farbe", "slug": "farbe"})
        for name in ("Grün", "Rot & Weiß"):
            await wc.post(f"products/attributes/{color['id']}/terms", json={"name": name})
        mug = await wc.post("products", json={
            "name": "Fish & Chips Mug", "sku": "MUG-FISH", "regular_price": "12.5", "sale_price": "9",
            "categories": [{"id": hats["id"]}], "tags": [{"id": tag["id"]}], "shipping_class": "bulky-heavy",
            "images": [{"src": "https://cdn.example/mug.jpg", "alt": "Mug & saucer"}],
            "short_description": "A <em>sturdy</em> mug.", "weight": "0.40", "dimensions": {"length": "9"},
            "meta_data": [{"key": "_plugin_seo", "value": "x"}],
        })
        cap = await wc.post("products", json={
            "name": "Loden Cap", "sku": "CAP", "type": "variable", "categories": [{"id": cafe["id"]}],
            "attributes": [
                {"id": color["id"], "options": ["Grün", "Rot & Weiß"], "variation": True, "visible": True},
                {"name": "Größe", "options": ["56", "58"], "variation": True, "visible": False},
            ],
            "default_attributes": [{"id": color["id"], "option": "Grün"}, {"name": "Größe", "option": "58"}],
            "upsell_ids": [mug["id"]],
        })
        await wc.post(f"products/{cap['id']}/variations", json={
            "sku": "CAP-GRUEN-56", "regular_price": "59", "description": "Green & small",
            "attributes": [{"id": color["id"], "option": "Grün"}, {"name": "Größe", "option": "56"}],
            "image": {"src": "https://cdn.example/cap-green.jpg", "alt": "Green cap"},
        })
        await wc.post(f"products/{cap['id']}/variations", json={
            "regular_price": "61.00", "menu_order": 2,
            "attributes": [{"id": color["id"], "option": "Rot & Weiß"}, {"name": "Größe", "option": "58"}],
        })


def test_hand_built_store_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert invoke("sandbox", "seed", "empty", "--db", str(db)).exit_code == 0
    asyncio.run(_build(db))
    project = tmp_path / "shop"
    imported = invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}")
    assert imported.exit_code == 0, imported.output
    assert "Not imported" not in imported.stderr and "warning:" not in imported.stderr

    catalog = project / "catalog"
    mug = next((catalog / "products").rglob("mug-fish.yaml")).read_text(encoding="utf-8")
    assert "name: Fish & Chips Mug\n" in mug
    assert "categories: [cafe-creme/帽子]\n" in mug  # decoded, as a person writes it
    assert "_plugin_seo" not in mug  # plugin meta is not imported unless asked for
    cap = next((catalog / "products").rglob("cap.yaml")).read_text(encoding="utf-8")
    assert "default_attributes: {Farbe: Grün, Größe: '58'}\n" in cap
    assert "  - attributes: {Farbe: Rot & Weiß, Größe: '58'}\n" in cap  # no SKU of its own
    attributes = (catalog / "attributes.yaml").read_text(encoding="utf-8")
    assert "      - name: Rot & Weiß\n" in attributes

    validated = invoke("validate", "--project", str(project))
    assert validated.exit_code == 0, validated.output
    planned = invoke("plan", "--project", str(project), "--store-url", f"sandbox:{db}", "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan: dict[str, Any] = json.loads(planned.stdout)
    assert [(c["kind"], c["action"], c["key"], c["changes"]) for c in plan["changes"]] == [
        ("product", "adopt", "CAP", []),
        ("product", "adopt", "MUG-FISH", []),
        ("variation", "adopt", "CAP-GRUEN-56", []),
        ("variation", "adopt", "CAP[Größe=58,pa_farbe=Rot & Weiß]", []),
    ]

    applied = invoke("apply", "--project", str(project), "--store-url", f"sandbox:{db}", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = invoke("plan", "--project", str(project), "--store-url", f"sandbox:{db}", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
