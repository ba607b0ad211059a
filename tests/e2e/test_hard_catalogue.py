"""The hard catalogue (``tests/projects/hard``) end to end over HTTP: validate → apply to an empty sandbox →
plan empty → import into a directory holding only ``wcsync.yaml`` → validate → plan empty, meta included.

The project is what a careful merchandiser of a multilingual shop could write: names with quotes, ``&``,
emoji, right-to-left and CJK text; non-ASCII SKUs and slugs; every meta type; global terms with ``&`` and
``ß``; local options with ``/`` and quotes; a three-level category tree; date-only sale windows; a zero
price; a draft without a price; private and hidden products; a grouped product pointing at variable ones;
an external URL with a query string and a fragment; ``<`` where WordPress leaves it alone (a meta value, and
``&lt;`` in a description)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.helpers import REPO, all_products, duplicate_skus, wcsync

pytestmark = pytest.mark.e2e

HARD = REPO / "tests" / "projects" / "hard"
API = "/wp-json/wc/v3"


def _project_file(server: Any) -> str:
    text = (HARD / "wcsync.yaml").read_text(encoding="utf-8")
    store = (f"default_store: test\nstores:\n  test:\n    url: {server.base_url}\n    auth: oauth1\n"
             "    consumer_key: ${SANDBOX_KEY}\n    consumer_secret: ${SANDBOX_SECRET}\n")
    return re.sub(r"default_store: sandbox\nstores:\n  sandbox:\n    url: [^\n]+\n", store, text)


def _products(project: Path) -> dict[str, dict[str, Any]]:
    yaml = YAML(typ="safe")
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((project / "catalog" / "products").rglob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"))
        for item in doc.get("products", [doc]):
            out[item["sku"]] = item
    return out


def test_the_hard_catalogue_applies_converges_and_round_trips_through_import(tmp_path: Path,
                                                                             sandbox_server: Any) -> None:
    project = tmp_path / "hard"
    shutil.copytree(HARD / "catalog", project / "catalog")
    (project / "wcsync.yaml").write_text(_project_file(sandbox_server), encoding="utf-8")

    valid = wcsync(project, sandbox_server, "validate")
    assert valid.exit_code == 0, valid.output
    assert "catalogue valid (12 products, 6 variations" in valid.output

    run = wcsync(project, sandbox_server, "apply", "--auto-approve")
    assert run.exit_code == 0, run.output
    assert "Plan: 37 to create, 0 to update, 0 to adopt, 0 to delete." in run.stdout
    assert "Apply: 37 applied." in run.stderr
    again = wcsync(project, sandbox_server, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout

    live = {p["sku"]: p for p in all_products(sandbox_server) if p.get("sku")}
    assert duplicate_skus(sandbox_server) == []
    assert live["EXTERN-MÜHLE"]["external_url"] == (
        "https://partner.example.com/kaufen?sku=M%C3%BChle-1&ref=wcsync#bewertungen")
    assert live["GRATIS-PROBE"]["regular_price"] == "0.00"  # a zero price is a price, not "no price"
    assert live["ENTWURF-OHNE-PREIS"]["status"] == "draft" and live["ENTWURF-OHNE-PREIS"]["regular_price"] == ""
    assert live["PRIVAT-MITARBEITER"]["status"] == "private"
    assert live["VERSTECKT-NUR-LINK"]["catalog_visibility"] == "hidden"
    assert sorted(live["SET-TEE-TASSE"]["grouped_products"]) == sorted(
        [live["TEE-ÖSTLICH"]["id"], live["TASSE-GROß"]["id"]])
    meta = {m["key"]: m["value"] for m in live["KAFFEE-ÄTHIOPIEN-250"]["meta_data"]}
    assert meta["gtin"] == "0040012345678" and "<" in meta["hinweis"]
    assert "&lt; 300 ml" in live["KAFFEE-ÄTHIOPIEN-250"]["description"]  # text, not eaten as markup

    imported = tmp_path / "imported"
    imported.mkdir()
    (imported / "wcsync.yaml").write_text(_project_file(sandbox_server), encoding="utf-8")
    out = wcsync(imported, sandbox_server, "import")
    assert out.exit_code == 0, out.output
    assert "Imported 12 product(s) and 6 variation(s)" in out.stderr
    assert (imported / "catalog" / "meta-fields.yaml").is_file()
    products = _products(imported)
    assert set(products) == set(_products(project))
    coffee = products["KAFFEE-ÄTHIOPIEN-250"]
    assert coffee["meta"]["gtin"] == "0040012345678"  # leading zeros kept
    assert coffee["meta"]["spec"]["herkunft"]["land"] == "ET"
    assert not coffee["meta"]["spec"]["herkunft"]["region"]  # the nested empty object, however PHP spells it
    assert products["GRATIS-PROBE"]["meta"]["rabatt"] == "50 % off"

    valid = wcsync(imported, sandbox_server, "validate")
    assert valid.exit_code == 0, valid.output
    plan = wcsync(imported, sandbox_server, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "No changes." in plan.stdout


def test_a_global_term_with_sharp_s_gets_the_slug_woocommerce_derives(tmp_path: Path, sandbox_server: Any) -> None:
    """WordPress folds 'ß' to 's' outside German locales (02#10: 'Straße' → 'strase'); catalogue, sandbox and
    import agree, so the term converges and import writes no slug it would derive itself."""
    project = tmp_path / "hard"
    (project / "catalog").mkdir(parents=True)
    shutil.copy(HARD / "catalog" / "attributes.yaml", project / "catalog")  # the terms and one product: quick
    (project / "catalog" / "products").mkdir()
    (project / "catalog" / "products" / "p.yaml").write_text(
        "sku: P-1\nname: P\nregular_price: 1\nshort_description: P.\n", encoding="utf-8")
    (project / "wcsync.yaml").write_text(_project_file(sandbox_server), encoding="utf-8")
    assert wcsync(project, sandbox_server, "apply", "--auto-approve").exit_code == 0
    with sandbox_server.client() as client:
        farbe = next(a for a in client.get(f"{API}/products/attributes").json() if a["slug"] == "pa_farbe")
        terms = client.get(f"{API}/products/attributes/{farbe['id']}/terms", params={"per_page": 100}).json()
    assert {t["slug"] for t in terms} == {"rot-weis", "grun", "blau-grau"}
    imported = tmp_path / "imported"
    imported.mkdir()
    (imported / "wcsync.yaml").write_text(_project_file(sandbox_server), encoding="utf-8")
    assert wcsync(imported, sandbox_server, "import").exit_code == 0
    text = (imported / "catalog" / "attributes.yaml").read_text(encoding="utf-8")
    assert "Rot & Weiß" in text and "rot-weiss" not in text
    assert wcsync(imported, sandbox_server, "plan", "--detailed-exitcode").exit_code == 0
