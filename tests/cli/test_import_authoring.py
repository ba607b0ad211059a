"""Import as a person's first contact, end to end through the CLI: into an empty directory it writes files that
`wcsync fmt --check` accepts and `wcsync plan` finds equal (the demo shop, the example shop, a generated
1,000-product store); into an existing catalogue it changes only what the store changed and keeps comments;
`--sku`/`--category` select; wcsync.yaml is written with ${ENV} references; `wcsync init`, `wcsync fmt` and
the upward search for wcsync.yaml."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.cli.test_import import invoke, seed_demo
from wcsync.catalog.project import resolve_store
from wcsync.cli.common import find_project_dir
from wcsync.cli.connect import open_client
from wcsync.core.slugs import slug_from_name

REPO = Path(__file__).resolve().parents[2]


def store_call(db: Path, method: str, path: str, body: Any = None) -> Any:
    settings = resolve_store(None, store=None, store_url=f"sandbox:{db}", env={})

    async def go() -> Any:
        async with open_client(settings) as client:
            if method == "GET":
                return await client.get(path, {"context": "edit", "per_page": 100})
            if method == "POST":
                return await client.post(path, json=body)
            return await client.put(path, json=body)

    return asyncio.run(go())


def texts(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yaml"))}


def plan_changes(project: Path, db: Path, *flags: str) -> list[tuple[str, str, str, list[Any]]]:
    planned = invoke("plan", "--project", str(project), "--store-url", f"sandbox:{db}", "--format", "json", *flags)
    assert planned.exit_code == 0, planned.output
    return [(c["kind"], c["action"], c["key"], c["changes"]) for c in json.loads(planned.stdout)["changes"]]


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def test_init_import_fmt_validate_plan(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    created = ok(invoke("init", str(project)))
    assert f"  created {project / 'wcsync.yaml'}" in created.stderr.splitlines()
    settings = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["schemas/product.schema.json"] == ["catalog/products/**/*.yaml"]
    assert (project / "schemas" / "product.schema.json").is_file()
    assert (project / "catalog" / "tags.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/tags.schema.json\n"
    )
    assert ok(invoke("init", str(project))).stderr.count("kept") >= 5  # never overwrites

    db = seed_demo(tmp_path)
    imported = ok(invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}"))
    assert "Imported 35 product(s) and 83 variation(s)" in imported.stderr
    tags = (project / "catalog" / "tags.yaml").read_text(encoding="utf-8")
    assert tags.startswith("# yaml-language-server: $schema=../schemas/tags.schema.json\n# Tags are flat")
    assert "  - name: Winter\n" in tags
    checked = ok(invoke("fmt", "--check", "--project", str(project)))
    assert checked.stderr.endswith("catalogue file(s): already formatted.\n")
    ok(invoke("validate", "--project", str(project)))
    assert plan_changes(project, db) == [
        ("product", "adopt", "CANDLE-PINE", []), ("product", "adopt", "STAFF-POSTCARDS", []),
    ]


def test_what_a_merchandiser_would_write(tmp_path: Path) -> None:
    db = seed_demo(tmp_path)
    project = tmp_path / "shop"
    ok(invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}"))
    catalog = project / "catalog"
    hoodie = (catalog / "products" / "clothing" / "hoodies" / "hoodie-classic.yaml").read_text(encoding="utf-8")
    assert (
        "variation_matrix:\n"
        "  sku: HOODIE-CLASSIC-{{ Color | upper }}-{{ Size }}\n"
        '  regular_price: "45.00"\n'
        "  manage_stock: true\n"
        "  weight: 0.62\n"
        "  overrides:\n"
        "    - when: {Size: L}\n"
        '      regular_price: "48.00"\n'
        "variations:\n"
        "  - sku: HOODIE-CLASSIC-RED-M\n"
        '    sale_price: "39.00"\n'
    ) in hoodie
    assert "\nslug:" not in hoodie  # the slug WooCommerce derives from the name is left out
    assert "  launch_year: 2019\n" in hoodie  # typed meta
    meta = (catalog / "meta-fields.yaml").read_text(encoding="utf-8")
    assert "  - key: launch_year\n    type: number\n" in meta
    assert "  - key: featured_badge\n    type: enum\n    values: [bestseller, new, limited, eco]\n" in meta
    tshirt = (catalog / "products" / "clothing" / "t-shirts" / "tshirt-organic.yaml").read_text(encoding="utf-8")
    assert "  sku: TSHIRT-ORGANIC-{{ Color | replace(' ', '-') | upper }}-{{ Size }}\n" in tshirt


def test_decoded_slugs_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    ok(invoke("sandbox", "seed", "empty", "--db", str(db)))
    made = store_call(db, "POST", "products/categories", {"name": "日本茶"})
    store_call(db, "POST", "products", {"name": "Sencha ☕ Premium", "sku": "TEA-1", "regular_price": "9",
                                        "slug": "sencha-日本", "categories": [{"id": made["id"]}],
                                        "short_description": "Tea."})
    project = tmp_path / "shop"
    ok(invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}"))
    tea = (project / "catalog" / "products" / "日本茶" / "tea-1.yaml").read_text(encoding="utf-8")
    assert "\nslug: sencha-日本\n" in tea and "categories: [日本茶]" in tea
    assert "%e6" not in tea
    ok(invoke("validate", "--project", str(project)))
    assert plan_changes(project, db) == [("product", "adopt", "TEA-1", [])]
    assert slug_from_name("日本茶") == "%e6%97%a5%e6%9c%ac%e8%8c%b6"


def test_import_into_the_example_catalogue_changes_only_what_the_store_changed(tmp_path: Path) -> None:
    project = tmp_path / "example"
    project.mkdir()
    shutil.copytree(REPO / "catalog", project / "catalog")
    shutil.copy(REPO / "wcsync.yaml", project / "wcsync.yaml")
    db = tmp_path / "example.db"
    ok(invoke("apply", "--project", str(project), "--store-url", f"sandbox:{db}", "--auto-approve"))
    before = texts(project / "catalog")
    unchanged = ok(invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}"))
    assert texts(project / "catalog") == before
    assert "(0 new file(s), 0 updated, 34 product(s) already as the store has them)" in unchanged.stderr

    mug = next(p for p in store_call(db, "GET", "products") if p["sku"] == "MUG-LOGO")
    store_call(db, "PUT", f"products/{mug['id']}", {"regular_price": "21.00", "name": "Logo Mug XL"})
    hoodie = next(p for p in store_call(db, "GET", "products") if p["sku"] == "HOODIE-CLASSIC")
    blue_s = next(v for v in store_call(db, "GET", f"products/{hoodie['id']}/variations")
                  if v["sku"] == "HOODIE-CLASSIC-BLUE-S")
    store_call(db, "PUT", f"products/{hoodie['id']}/variations/{blue_s['id']}", {"regular_price": "44.00"})
    mugs_cat = next(c for c in store_call(db, "GET", "products/categories") if c["slug"] == "mugs")
    store_call(db, "POST", "products", {"name": "Mug Saucer", "sku": "MUG-SAUCER", "regular_price": "8",
                                        "short_description": "A saucer.", "categories": [{"id": mugs_cat["id"]}]})

    result = ok(invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}"))
    after = texts(project / "catalog")
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {
        "products/home/mugs.yaml", "products/clothing/hoodie-classic.yaml",
        "products/home-kitchen/cafe-creme/mugs/mug-saucer.yaml",
    }
    assert "(1 new file(s), 2 updated, 32 product(s) already as the store has them)" in result.stderr
    old_mugs, new_mugs = before["products/home/mugs.yaml"].splitlines(), after["products/home/mugs.yaml"].splitlines()
    assert [(a, b) for a, b in zip(old_mugs, new_mugs, strict=True) if a != b] == [
        ("    name: Fjord & Fell Logo Mug", "    name: Logo Mug XL"),
        ("    regular_price: 24", "    regular_price: 21"),  # written the way the file writes it
    ]
    assert new_mugs[1] == "# A file may hold several products under `products:`. These are the mugs."
    new_hoodie = after["products/clothing/hoodie-classic.yaml"]
    assert new_hoodie.replace("  - sku: HOODIE-CLASSIC-BLUE-S\n    regular_price: \"44.00\"\n", "") == (
        before["products/clothing/hoodie-classic.yaml"]
    )
    ok(invoke("fmt", "--check", "--project", str(project)))
    ok(invoke("validate", "--project", str(project)))
    assert plan_changes(project, db) == [("product", "adopt", "MUG-SAUCER", [])]


def test_sku_and_category_select_what_is_imported(tmp_path: Path) -> None:
    db = seed_demo(tmp_path)
    project = tmp_path / "shop"
    result = ok(invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}",
                       "--sku", "mug-logo", "--category", "clothing/hoodies"))
    products = sorted(str(p.relative_to(project / "catalog" / "products"))
                      for p in (project / "catalog" / "products").rglob("*.yaml"))
    assert products == [
        "clothing/hoodies/crewnecks/sweat-crew-fell.yaml", "clothing/hoodies/hoodie-classic.yaml",
        "clothing/hoodies/zip-hoodies/hoodie-zip-merino.yaml", "home-kitchen/cafe-creme/mugs/mug-logo.yaml",
    ]
    assert "  - 31 product(s): not selected by --sku / --category" in result.stderr.splitlines()


def test_project_file_is_written_with_environment_references(tmp_path: Path, sandbox_server: Any) -> None:
    sandbox_server.seed("demo")
    env = sandbox_server.env()
    project = tmp_path / "shop"
    result = ok(invoke("import", "--project", str(project), "--store-url", env["WCSYNC_URL"],
                       env={k: v for k, v in env.items() if k != "WCSYNC_URL"}))
    text = (project / "wcsync.yaml").read_text(encoding="utf-8")
    assert f"    url: {env['WCSYNC_URL']}\n" in text
    assert "    consumer_key: ${WCSYNC_CONSUMER_KEY}\n    consumer_secret: ${WCSYNC_CONSUMER_SECRET}\n" in text
    assert env["WCSYNC_CONSUMER_SECRET"] not in text and env["WCSYNC_CONSUMER_KEY"] not in text
    assert env["WCSYNC_CONSUMER_SECRET"] not in result.output
    creds = {"WCSYNC_CONSUMER_KEY": env["WCSYNC_CONSUMER_KEY"], "WCSYNC_CONSUMER_SECRET": env["WCSYNC_CONSUMER_SECRET"]}
    planned = invoke("plan", "--project", str(project), "--format", "json", env=creds)
    assert planned.exit_code == 0, planned.output
    assert {c["action"] for c in json.loads(planned.stdout)["changes"]} == {"adopt"}


def test_fmt_formats_keeping_comments_and_check_fails_in_ci(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    ok(invoke("init", str(project)))
    tags = project / "catalog" / "tags.yaml"
    tags.write_text("# our tags\ntags:\n- name: Winter   # cold\n  slug:    winter\n- {name: Sale}\n", encoding="utf-8")
    checked = invoke("fmt", "--check", "--project", str(project))
    assert checked.exit_code == 1
    assert "  not formatted: catalog/tags.yaml" in checked.stderr.splitlines()
    assert checked.stderr.splitlines()[-1] == (
        "Error: 1 of 4 file(s) are not formatted — run `wcsync fmt`"
    )
    ok(invoke("fmt", "--project", str(project)))
    assert tags.read_text(encoding="utf-8") == (
        "# our tags\ntags:\n  - name: Winter # cold\n    slug: winter\n  - {name: Sale}\n"
    )
    ok(invoke("fmt", "--check", "--project", str(project)))
    (project / "catalog" / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    broken = invoke("fmt", "--check", "--project", str(project))
    assert broken.exit_code == 1 and "catalog/broken.yaml:2:1: " in broken.stderr


def test_the_example_catalogue_is_formatted(tmp_path: Path) -> None:
    ok(invoke("fmt", "--check", "--project", str(REPO)))


def test_wcsync_yaml_is_found_upward_like_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "shop"
    shutil.copytree(REPO / "catalog", project / "catalog")
    shutil.copy(REPO / "wcsync.yaml", project / "wcsync.yaml")
    monkeypatch.chdir(project / "catalog" / "products" / "clothing")
    validated = ok(invoke("validate"))
    assert "✓ catalogue valid (34 products" in validated.stderr
    ok(invoke("fmt", "--check"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    if find_project_dir(elsewhere) is None:  # no wcsync.yaml here or above: the current directory is used
        assert invoke("validate").exit_code != 0


def _gen_catalog() -> Any:
    spec = importlib.util.spec_from_file_location("gen_catalog", REPO / "benchmarks" / "gen_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_generated_1000_product_store_round_trips(tmp_path: Path) -> None:
    source = _gen_catalog().generate(tmp_path / "generated", 1000, 1500)
    for path in (source / "catalog").rglob("*.yaml"):  # the sandbox refuses images from example.com
        path.write_text(path.read_text(encoding="utf-8").replace("cdn.example.com", "cdn.shop.example"), encoding="utf-8")
    db = tmp_path / "generated.db"
    ok(invoke("apply", "--project", str(source), "--store-url", f"sandbox:{db}", "--auto-approve"))
    project = tmp_path / "imported"
    result = ok(invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}"))
    assert "Imported 1000 product(s) and 1500 variation(s)" in result.stderr
    assert "variation_matrix:" in "".join(texts(project / "catalog").values())
    ok(invoke("fmt", "--check", "--project", str(project)))
    assert plan_changes(project, db) == []  # every product was applied (marked) and is imported as it is


def test_the_nearest_wcsync_yaml_upward_wins(tmp_path: Path) -> None:
    (tmp_path / "outer" / "inner" / "deep").mkdir(parents=True)
    (tmp_path / "outer" / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    assert find_project_dir(tmp_path / "outer" / "inner" / "deep") == (tmp_path / "outer").resolve()
    (tmp_path / "outer" / "inner" / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    assert find_project_dir(tmp_path / "outer" / "inner" / "deep") == (tmp_path / "outer" / "inner").resolve()
    (tmp_path / "outer" / "inner" / "deep" / "wcsync.yaml").mkdir()  # a directory of that name is not the file
    assert find_project_dir(tmp_path / "outer" / "inner" / "deep") == (tmp_path / "outer" / "inner").resolve()
