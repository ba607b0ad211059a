"""Attack 1: a pull request adds symbolic links that point outside the project, hoping wcsync reads the target
and prints it (plans, annotations). Each test plants a fake secret outside the project and checks that no
output holds it, and that the error names the link as written. Links inside the project keep working."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wcsync.cli.main import cli

SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "catalogs" / "shop"
SECRET = "FAKE_SECRET_do_not_print_9f3a"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside the project, holding a file with a fake secret (YAML-valid, so a read would show)."""
    d = tmp_path / "runner"
    d.mkdir()
    (d / "environ").write_text(f"description: {SECRET}\n", encoding="utf-8")
    (d / "product.yaml").write_text(f"sku: {SECRET}\nname: {SECRET}\ntype: simple\nregular_price: 1\n", encoding="utf-8")
    return d


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    dest = tmp_path / "shop"
    shutil.copytree(SHOP, dest)
    return dest


def validate(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", "--project", str(project), *args])


def plan(project: Path, db: Path, *args: str) -> Result:
    env = {"WCSYNC_CONSUMER_SECRET": "cs_x", "WCSYNC_URL": ""}
    return CliRunner().invoke(cli, ["plan", "--project", str(project), "--store-url", f"sandbox:{db}", *args], env=env)


def no_secret(result: Result) -> None:
    assert SECRET not in result.stdout and SECRET not in result.stderr


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_product_file_linked_to_a_file_outside(shop: Path, outside: Path, fmt: str) -> None:
    (shop / "catalog/products/passwd.yaml").symlink_to(outside / "product.yaml")
    result = validate(shop, "--format", fmt)
    assert result.exit_code == 1
    no_secret(result)
    assert "catalog/products/passwd.yaml" in result.stdout and "outside the project directory" in result.stdout
    assert str(outside) not in result.stdout  # the link is named, never its target


def test_template_linked_to_the_environment_never_reaches_the_plan(shop: Path, outside: Path, tmp_path: Path) -> None:
    tpl = shop / "catalog/templates/hoodie.html.j2"
    tpl.unlink()
    tpl.symlink_to(outside / "environ")
    result = validate(shop)
    assert result.exit_code == 1
    no_secret(result)
    assert "template 'catalog/templates/hoodie.html.j2' resolves outside the project directory" in result.stdout
    for fmt in ("markdown", "text", "json"):
        result = plan(shop, tmp_path / "store.db", "--format", fmt)
        assert result.exit_code == 1
        no_secret(result)


def test_template_include_of_a_link_outside(shop: Path, outside: Path) -> None:
    (shop / "catalog/templates/env.j2").symlink_to(outside / "environ")
    tpl = shop / "catalog/templates/hoodie.html.j2"
    tpl.write_text("{% include 'env.j2' %}", encoding="utf-8")
    result = validate(shop)
    assert result.exit_code == 1
    no_secret(result)
    assert "catalog/templates/env.j2' resolves outside the project directory" in result.stdout


def test_products_directory_linked_outside_is_refused_before_walking(shop: Path, outside: Path) -> None:
    # /usr in the attack: a directory holding a huge tree; here, one with a readable product
    shutil.rmtree(shop / "catalog/products")
    (shop / "catalog/products").symlink_to(outside, target_is_directory=True)
    result = validate(shop, "--format", "github")
    assert result.exit_code == 1
    no_secret(result)
    assert "directory 'catalog/products' (a symbolic link) resolves outside the project directory" in result.stdout


def test_catalog_setting_outside_the_project(tmp_path: Path, outside: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "wcsync.yaml").write_text("catalog: ../runner\n", encoding="utf-8")
    (outside / "products").mkdir()
    (outside / "products/x.yaml").write_text(f"sku: {SECRET}\nname: x\ntype: simple\nregular_price: 1\n")
    result = validate(project)
    assert result.exit_code == 1
    no_secret(result)
    assert "wcsync.yaml:1:10: catalog: '../runner' is outside the project directory" in result.stdout


def test_catalogue_directory_linked_outside(tmp_path: Path, outside: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    (outside / "products").mkdir()
    (outside / "products/x.yaml").write_text(f"sku: {SECRET}\nname: x\ntype: simple\nregular_price: 1\n")
    (project / "catalog").symlink_to(outside, target_is_directory=True)
    result = validate(project)
    assert result.exit_code == 1
    no_secret(result)
    assert "catalogue directory 'catalog' (a symbolic link) resolves outside the project directory" in result.stdout


def test_project_file_linked_outside(shop: Path, outside: Path) -> None:
    (shop / "wcsync.yaml").unlink()
    (shop / "wcsync.yaml").symlink_to(outside / "environ")
    result = validate(shop)
    assert result.exit_code == 1
    no_secret(result)
    assert "file 'wcsync.yaml' (a symbolic link) resolves outside the project directory" in result.stdout


def test_taxonomy_file_linked_outside(shop: Path, outside: Path) -> None:
    (shop / "catalog/meta-fields.yaml").unlink()
    (shop / "catalog/meta-fields.yaml").symlink_to(outside / "environ")
    result = validate(shop, "--format", "github")
    assert result.exit_code == 1
    no_secret(result)
    assert "catalog/meta-fields.yaml" in result.stdout


def test_links_inside_the_project_keep_working(shop: Path, tmp_path: Path) -> None:
    """A file linked to another file of the project, a template linked to a shared one and ``products/``
    linked to a directory of the project are read as if they were there."""
    before = validate(shop, "--format", "json")
    assert before.exit_code == 0, before.stdout
    shared = shop / "shared"
    shared.mkdir()
    os.replace(shop / "catalog/products/mugs.yaml", shared / "mugs.yaml")
    (shop / "catalog/products/mugs.yaml").symlink_to(Path("../../shared/mugs.yaml"))
    os.replace(shop / "catalog/templates/hoodie.html.j2", shared / "hoodie.html.j2")
    (shop / "catalog/templates/hoodie.html.j2").symlink_to(shared / "hoodie.html.j2")
    os.replace(shop / "catalog/products", shared / "products")
    (shop / "catalog/products").symlink_to(shared / "products", target_is_directory=True)
    after = validate(shop, "--format", "json")
    assert after.exit_code == 0, after.stdout
    assert after.stdout == before.stdout
