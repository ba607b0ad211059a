"""``wcsync import`` end to end in-process against the embedded sandbox (``--store-url sandbox:PATH``): the
round trip (import, validate, plan shows no field change), adopt on the first apply, refusal to overwrite,
products without SKU reported, ``--meta`` and ``--only-managed``, and secrets never printed."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wcsync.catalog.project import resolve_store
from wcsync.cli.connect import open_client
from wcsync.cli.main import cli

REPO = Path(__file__).resolve().parents[2]
SECRET = "cs_IMPORTSECRET_5b1e77"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    base = {"WCSYNC_URL": "", "NO_COLOR": "1", "WCSYNC_CONSUMER_SECRET": SECRET, "WCSYNC_CONSUMER_KEY": "ck_x"}
    return CliRunner().invoke(cli, list(args), env={**base, **(env or {})})


def seed_demo(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    seeded = invoke("sandbox", "seed", "demo", "--db", str(db))
    assert seeded.exit_code == 0, seeded.output
    return db


def store_call(db: Path, method: str, path: str, body: Any = None) -> Any:
    settings = resolve_store(None, store=None, store_url=f"sandbox:{db}", env={})

    async def go() -> Any:
        async with open_client(settings) as client:
            if method == "GET":
                return await client.get(path, {"context": "edit", "per_page": 100})
            return await client.put(path, json=body)

    return asyncio.run(go())


def plan_json(project: Path, db: Path) -> dict[str, Any]:
    planned = invoke("plan", "--project", str(project), "--store-url", f"sandbox:{db}", "--format", "json")
    assert planned.exit_code == 0, planned.stderr
    result: dict[str, Any] = json.loads(planned.stdout)
    return result


@pytest.fixture(scope="module")
def demo_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Result]:
    """One demo store imported once for the read-only assertions of this module."""
    tmp = tmp_path_factory.mktemp("demo-import")
    db = seed_demo(tmp)
    project = tmp / "shop"
    result = invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}")
    assert result.exit_code == 0, result.output
    return project, db, result


def test_demo_round_trip_validates_and_plans_only_adopts(demo_import: tuple[Path, Path, Result]) -> None:
    project, db, result = demo_import
    assert result.stdout == ""
    products = sorted(p.name for p in (project / "catalog" / "products").rglob("*.yaml"))
    assert len(products) == 35
    assert "hoodie-classic.yaml" in products and "candle-pine.yaml" in products
    assert sorted(p.name for p in (project / "catalog").iterdir()) == [
        "attributes.yaml", "brands.yaml", "categories.yaml", "meta-fields.yaml", "products", "shipping-classes.yaml", "tags.yaml"
    ]
    assert "Imported 35 product(s) and 83 variation(s)" in result.stderr
    hoodie = project / "catalog" / "products" / "clothing" / "hoodies" / "hoodie-classic.yaml"  # by category
    assert f"  wrote {hoodie}" in result.stderr.splitlines()

    validated = invoke("validate", "--project", str(project))
    assert validated.exit_code == 0, validated.output
    assert "✓ catalogue valid (35 products, 83 variations" in validated.stderr

    plan = plan_json(project, db)
    # import never marks: the two unmanaged products are adopted by the first apply, with no field change
    assert [(c["kind"], c["action"], c["key"], c["changes"]) for c in plan["changes"]] == [
        ("product", "adopt", "CANDLE-PINE", []),
        ("product", "adopt", "STAFF-POSTCARDS", []),
    ]


def test_written_yaml_is_readable_and_decoded(demo_import: tuple[Path, Path, Result]) -> None:
    project, _, _ = demo_import
    hoodie = (project / "catalog" / "products" / "clothing" / "hoodies" / "hoodie-classic.yaml").read_text(encoding="utf-8")
    assert "\nname: Classic Hoodie & Co\n" in hoodie  # entity-decoded, plain text
    assert "name: Classic Hoodie &amp;" not in hoodie
    assert "Fjord &amp; Fell" in hoodie  # descriptions are HTML: kept as the store holds them
    assert "\ntype: variable\n" in hoodie
    assert 'regular_price: "45.00"' in hoodie  # prices as strings
    assert "\nvariation_matrix:\n  sku: HOODIE-CLASSIC-{{ Color | upper }}-{{ Size }}\n" in hoodie
    assert "_wcsync" not in hoodie  # wcsync's bookkeeping is never exported
    assert "  care_instructions: Wash inside out at 30 °C. Do not tumble dry." in hoodie  # unicode kept
    assert "\ncategories: [clothing/hoodies]\n" in hoodie  # short lists on one line
    assert "\n    weight: 0.62\n" in hoodie or "\n  weight: 0.62\n" in hoodie  # numbers unquoted
    categories = (project / "catalog" / "categories.yaml").read_text(encoding="utf-8")
    assert "  - name: Home & Kitchen\n    children:\n" in categories  # its slug is the one derived from the name: left out
    assert "        children:\n" in categories  # nested tree
    meta = (project / "catalog" / "meta-fields.yaml").read_text(encoding="utf-8")
    assert "  - key: care_instructions\n    type: string\n" in meta


def test_product_without_sku_is_skipped_and_listed(demo_import: tuple[Path, Path, Result]) -> None:
    project, db, result = demo_import
    listed = store_call(db, "GET", "products")
    no_sku = [p for p in listed if not p["sku"]]
    assert [p["name"] for p in no_sku] == ["Gift Wrapping"]
    assert "Not imported (1):" in result.stderr
    assert (
        f"  - product #{no_sku[0]['id']}: it has no SKU, and wcsync identifies products by SKU: give it one in wp-admin"
        in result.stderr.splitlines()
    )
    assert not any("Gift Wrapping" in p.read_text(encoding="utf-8") for p in (project / "catalog" / "products").rglob("*.yaml"))


def test_secrets_are_never_printed_or_written(demo_import: tuple[Path, Path, Result]) -> None:
    project, _, result = demo_import
    assert SECRET not in result.output
    for path in (project / "catalog").rglob("*.yaml"):
        assert SECRET not in path.read_text(encoding="utf-8")


def test_secrets_are_not_printed_when_the_store_fails(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "wcsync.yaml").write_text(
        """default_store: live
stores:
  live:
    url: http://127.0.0.1:9
    auth: oauth1
    consumer_key: ${SHOP_KEY}
    consumer_secret: ${SHOP_SECRET}
    max_retries: 0
""",
        encoding="utf-8",
    )
    result = invoke("import", "--project", str(project), env={"SHOP_KEY": "ck_abc", "SHOP_SECRET": SECRET})
    assert result.exit_code == 1
    assert result.stderr.startswith("Reading store live (http://127.0.0.1:9) …\nError: ")
    assert SECRET not in result.output
    assert not (project / "catalog").exists()
    # credentials written in the URL: refused before anything is sent (tests/security), never printed
    text = (project / "wcsync.yaml").read_text(encoding="utf-8")
    (project / "wcsync.yaml").write_text(text.replace("http://127", "http://ck_user:pw-SECRET-9@127"), encoding="utf-8")
    result = invoke("import", "--project", str(project), env={"SHOP_KEY": "ck_abc", "SHOP_SECRET": SECRET})
    assert result.exit_code == 1
    assert "the url has a user name or password in it" in result.stderr
    assert "pw-SECRET-9" not in result.output and SECRET not in result.output


def test_an_invalid_existing_catalogue_is_refused_before_the_store_is_read(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    (out / "products").mkdir(parents=True)
    (out / "products" / "mine.yaml").write_text("sku: MINE\nname: Mine\nregular_price: 12,50\n", encoding="utf-8")
    # the catalogue is loaded before the store is read: this URL would fail if it were contacted
    result = invoke("import", "--project", str(tmp_path), "--out", str(out), "--store-url", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert "catalog/products/mine.yaml:3:16: " in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Error: the catalogue in {out} has 1 error(s); import updates a catalogue in place only when it loads — "
        "fix them (`wcsync validate` lists them), or import into an empty directory with --out"
    )
    assert (out / "products" / "mine.yaml").read_text(encoding="utf-8") == "sku: MINE\nname: Mine\nregular_price: 12,50\n"
    assert not (tmp_path / "wcsync.yaml").exists()


def test_import_into_a_catalogue_deletes_nothing_of_the_users(tmp_path: Path) -> None:
    db = seed_demo(tmp_path)
    project = tmp_path / "shop"
    catalog = project / "catalog"
    (catalog / "products" / "old").mkdir(parents=True)
    (catalog / "templates").mkdir()
    gone = "# not in the store any more\nsku: GONE\nname: Gone\ntype: simple\nshort_description: Gone.\n"
    (catalog / "products" / "old" / "gone.yaml").write_text(gone, encoding="utf-8")
    (catalog / "tags.yaml").write_text("# our tags\ntags: []\n", encoding="utf-8")
    (catalog / "templates" / "a.html.j2").write_text("<p>{{ product.name }}</p>\n", encoding="utf-8")
    for flags in ((), ("--force",)):
        result = invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}", *flags)
        assert result.exit_code == 0, result.output
        assert "removed" not in result.stderr
        assert (catalog / "products" / "old" / "gone.yaml").read_text(encoding="utf-8") == gone
        assert (catalog / "templates" / "a.html.j2").exists()
    tags = (catalog / "tags.yaml").read_text(encoding="utf-8")
    assert tags.startswith("# our tags\ntags:\n") and "  - name: Winter\n" in tags
    assert (catalog / "products" / "clothing" / "hoodies" / "hoodie-classic.yaml").exists()
    assert invoke("validate", "--project", str(project)).exit_code == 0
    plan = plan_json(project, db)
    assert [(c["action"], c["key"]) for c in plan["changes"] if c["action"] != "adopt"] == [("create", "GONE")]


def test_first_apply_adopts_then_the_plan_is_empty(tmp_path: Path) -> None:
    db = seed_demo(tmp_path)
    project = tmp_path / "shop"
    assert invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}").exit_code == 0
    applied = invoke("apply", "--project", str(project), "--store-url", f"sandbox:{db}", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = invoke("plan", "--project", str(project), "--store-url", f"sandbox:{db}", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes. The store matches the catalogue" in again.stdout


def test_example_catalogue_store_round_trip_is_empty(tmp_path: Path) -> None:
    db = tmp_path / "example.db"
    example = tmp_path / "example"
    example.mkdir()
    shutil.copytree(REPO / "catalog", example / "catalog")
    applied = invoke("apply", "--project", str(example), "--store-url", f"sandbox:{db}", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    project = tmp_path / "imported"
    result = invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}")
    assert result.exit_code == 0, result.output
    assert "Not imported" not in result.stderr
    assert invoke("validate", "--project", str(project)).exit_code == 0
    formatted = invoke("fmt", "--check", "--project", str(project))  # import's output is already formatted
    assert formatted.exit_code == 0, formatted.output
    plan = invoke("plan", "--project", str(project), "--store-url", f"sandbox:{db}", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert plan.stdout.rstrip().endswith("No changes. The store matches the catalogue.")


def test_meta_flag_exports_plugin_keys_and_only_managed_leaves_unmarked_out(tmp_path: Path) -> None:
    db = seed_demo(tmp_path)
    candle = next(p for p in store_call(db, "GET", "products") if p["sku"] == "CANDLE-PINE")
    store_call(db, "PUT", f"products/{candle['id']}", {"meta_data": [
        {"key": "_plugin_rating", "value": "4.5"}, {"key": "_private_internal", "value": "x"},
    ]})
    project = tmp_path / "shop"
    result = invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}", "--meta", "_plugin_rating")
    assert result.exit_code == 0, result.output
    text = next((project / "catalog" / "products").rglob("candle-pine.yaml")).read_text(encoding="utf-8")
    assert "meta:\n  _plugin_rating: 4.5\n" in text  # typed: a number
    assert "_private_internal" not in text
    meta = (project / "catalog" / "meta-fields.yaml").read_text(encoding="utf-8")
    assert "  - key: _plugin_rating\n    type: number\n    applies_to: [simple]\n" in meta
    plan = plan_json(project, db)
    assert [(c["action"], c["key"], c["changes"]) for c in plan["changes"]] == [
        ("adopt", "CANDLE-PINE", []), ("adopt", "STAFF-POSTCARDS", []),
    ]

    managed = tmp_path / "managed"
    only = invoke("import", "--project", str(managed), "--store-url", f"sandbox:{db}", "--only-managed")
    assert only.exit_code == 0, only.output
    names = {p.name for p in (managed / "catalog" / "products").rglob("*.yaml")}
    assert "candle-pine.yaml" not in names and "staff-postcards.yaml" not in names and "mug-old.yaml" in names
    assert re.search(r"^  - 2 product\(s\): not managed by wcsync \(--only-managed\)$", only.stderr, re.M)


def test_meta_flag_refuses_wcsync_own_key_and_wordpress_internals(tmp_path: Path) -> None:
    result = invoke("import", "--project", str(tmp_path), "--store-url", "http://127.0.0.1:9", "--meta", "_wcsync")
    assert result.exit_code == 1
    assert result.stderr == "Error: --meta _wcsync is wcsync's own bookkeeping and is never exported — leave it out\n"
    result = invoke("import", "--project", str(tmp_path), "--store-url", "http://127.0.0.1:9", "--meta", "gtin,_edit_lock")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --meta _edit_lock is a WordPress internal key, kept by WordPress itself — import only meta your "
        "catalogue should own (e.g. an SEO description or a GTIN)\n"
    )


def test_ownership_all_warns_that_what_was_not_imported_would_be_deleted(tmp_path: Path) -> None:
    db = seed_demo(tmp_path)
    project = tmp_path / "shop"
    project.mkdir()
    (project / "wcsync.yaml").write_text(f"ownership: all\nstores:\n  s:\n    url: sandbox:{db}\n", encoding="utf-8")
    result = invoke("import", "--project", str(project))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "warning: wcsync.yaml says ownership: all, so `wcsync plan` lists what was not imported as deletes" in lines
    assert lines[-1] == (
        f"Next: `wcsync validate --project {project}`, then `wcsync plan --project {project}` — products wcsync "
        "does not manage yet show as adopt; the first apply adopts them."
    )
    plan = plan_json(project, db)
    assert [(c["action"], c["key"]) for c in plan["changes"] if c["action"] != "adopt"] == [("delete", "#" + str(
        next(p["id"] for p in store_call(db, "GET", "products") if not p["sku"])
    ))]


def test_a_store_without_products_is_imported_with_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    assert invoke("sandbox", "seed", "empty", "--db", str(db)).exit_code == 0
    project = tmp_path / "shop"
    result = invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}")
    assert result.exit_code == 0, result.output
    catalog = project / "catalog"
    assert (
        "warning: no product could be imported, and `wcsync validate` refuses a catalogue without products "
        f"(an empty catalogue never means 'delete everything'): add a product file under {catalog / 'products'}"
    ) in result.stderr.splitlines()
    assert sorted(p.name for p in catalog.iterdir()) == ["attributes.yaml", "categories.yaml", "products", "tags.yaml"]
    assert "name: Uncategorized" in (catalog / "categories.yaml").read_text(encoding="utf-8")


def test_meta_survives_the_round_trip_when_the_store_returns_marks_php_shaped(tmp_path: Path) -> None:
    db = tmp_path / "example.db"
    example = tmp_path / "example"
    example.mkdir()
    shutil.copytree(REPO / "catalog", example / "catalog")
    applied = invoke("apply", "--project", str(example), "--store-url", f"sandbox:{db}", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    marks = [m["value"] for p in store_call(db, "GET", "products") for m in p["meta_data"] if m["key"] == "_wcsync"]
    assert any(mark["images"] == [] for mark in marks)  # an empty map comes back as PHP's [] (11#1-4)
    project = tmp_path / "imported"
    result = invoke("import", "--project", str(project), "--store-url", f"sandbox:{db}")
    assert result.exit_code == 0, result.output
    assert "bookkeeping" not in result.stderr
    declared = (project / "catalog" / "meta-fields.yaml").read_text(encoding="utf-8")
    assert "key: gtin" in declared and "key: care_instructions" in declared
    [apron] = (project / "catalog" / "products").rglob("apron-canvas.yaml")  # in its first category's folder
    assert "meta:" in apron.read_text(encoding="utf-8")
    plan = invoke("plan", "--project", str(project), "--store-url", f"sandbox:{db}", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
