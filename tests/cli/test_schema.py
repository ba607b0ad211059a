"""``wcsync schema``: one JSON Schema per file kind, generated from the models; ``schemas/`` must be current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wcsync.catalog.models import Product
from wcsync.catalog.schemas import json_schemas, render_schema, stale_schemas
from wcsync.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
KINDS = [
    "attributes.schema.json",
    "brands.schema.json",
    "categories.schema.json",
    "meta-fields.schema.json",
    "product.schema.json",
    "project.schema.json",
    "shipping-classes.schema.json",
    "tags.schema.json",
]


def test_committed_schemas_are_current() -> None:
    stale = stale_schemas(ROOT / "schemas")
    assert stale == [], f"schemas/ is stale ({', '.join(stale)}): run `wcsync schema`"


def test_schema_command_writes_every_kind(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == KINDS
    assert result.stdout.splitlines() == [str(tmp_path / "out" / name) for name in json_schemas()]
    assert result.stderr == f"wrote 8 schemas to {tmp_path / 'out'}/\n"
    for name, schema in json_schemas().items():
        assert (tmp_path / "out" / name).read_text() == render_schema(schema)


def test_check_flag_detects_stale(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["schema", str(tmp_path)]).exit_code == 0
    ok = runner.invoke(cli, ["schema", "--check", str(tmp_path)])
    assert (ok.exit_code, ok.stderr) == (0, f"schemas in {tmp_path}/ are up to date\n")
    (tmp_path / "tags.schema.json").write_text("{}\n")
    (tmp_path / "project.schema.json").unlink()
    bad = runner.invoke(cli, ["schema", "--check", str(tmp_path)])
    assert bad.exit_code == 1
    assert bad.stderr == (
        f"Error: schemas in {tmp_path}/ are stale: tags.schema.json, project.schema.json — run `wcsync schema {tmp_path}`\n"
    )


def test_check_default_folder_wording_and_a_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    missing = runner.invoke(cli, ["schema", "--check"])
    assert (missing.exit_code, missing.stderr) == (1, "Error: schemas/ does not exist — run `wcsync schema`\n")
    elsewhere = runner.invoke(cli, ["schema", "--check", "out"])
    assert (elsewhere.exit_code, elsewhere.stderr) == (1, "Error: out/ does not exist — run `wcsync schema out`\n")
    assert runner.invoke(cli, ["schema"]).stderr == "wrote 8 schemas to schemas/\n"
    ok = runner.invoke(cli, ["schema", "--check"])
    assert (ok.exit_code, ok.stderr) == (0, "schemas in schemas/ are up to date\n")
    (tmp_path / "schemas" / "tags.schema.json").unlink()
    stale = runner.invoke(cli, ["schema", "--check"])
    assert stale.stderr == "Error: schemas in schemas/ are stale: tags.schema.json — run `wcsync schema`\n"


def test_help_names_the_folder_dir_throughout() -> None:
    text = CliRunner().invoke(cli, ["schema", "--help"]).output
    assert "schema [OPTIONS] [DIR]\n" in text
    assert "into DIR (default: schemas/)" in " ".join(text.split())
    assert "DIRECTORY" not in text


def test_product_schema_mirrors_the_model() -> None:
    schema = json.loads((ROOT / "schemas" / "product.schema.json").read_text())
    single = schema["$defs"]["Product"]
    assert single["additionalProperties"] is False
    assert set(single["properties"]) == set(Product.model_fields)
    assert single["required"] == ["sku", "name"]
    assert single["properties"]["status"]["enum"] == ["publish", "draft", "pending", "private"]
    price = single["properties"]["regular_price"]
    assert {"type": "null"} in price["anyOf"] and {"minimum": 0, "type": "number"} in price["anyOf"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"$ref": "#/$defs/Product"} in schema["anyOf"] and {"$ref": "#/$defs/ProductList"} in schema["anyOf"]


def test_project_schema_marks_secrets_write_only() -> None:
    schema = json.loads((ROOT / "schemas" / "project.schema.json").read_text())
    secret = schema["$defs"]["StoreConfig"]["properties"]["consumer_secret"]
    assert any(alt.get("writeOnly") is True for alt in secret["anyOf"])


def test_project_schema_lists_the_lint_rule_ids() -> None:
    from wcsync.catalog.lintrules import RULES

    schema = json.loads((ROOT / "schemas" / "project.schema.json").read_text())
    lint = schema["properties"]["lint"]
    assert lint["propertyNames"] == {"enum": sorted(RULES)}
    assert lint["additionalProperties"] == {"enum": ["error", "warning", "off"], "type": "string"}
