"""``wcsync init``: the files of a new catalogue repository — ``wcsync.yaml``, an empty ``catalog/``, the JSON
Schemas wired for the editor (``# yaml-language-server`` lines and ``.vscode/settings.json``), a ``.gitignore``
for the sandbox's files. Existing files are never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

from wcsync.catalog.schemas import SCHEMAS, write_schemas

PROJECT = """\
# yaml-language-server: $schema=schemas/project.schema.json
# wcsync project file: which stores this catalogue is applied to, and how carefully.
# Secrets are never written here: ${NAME} is replaced by the environment variable NAME.

default_store: sandbox

stores:
  # The embedded WooCommerce-compatible sandbox (SQLite file, in-process, no network).
  sandbox:
    url: sandbox:.wcsync/sandbox.db

  # Your shop. Uncomment, then run with `--store production` (or make it the default_store).
  # production:
  #   url: https://shop.example.com
  #   auth: basic                          # basic (HTTPS) | oauth1 (plain HTTP) | query | app_password
  #   consumer_key: ${WC_CONSUMER_KEY}
  #   consumer_secret: ${WC_CONSUMER_SECRET}

# marked: only touch what wcsync created or adopted. all: manage the whole store (choose deliberately).
ownership: marked

# What happens to a managed product that disappears from catalog/: trash | force | never
delete: trash

# Fields the shop itself owns (stock is counted by orders, not by git): never written.
store_owned: [stock_quantity, stock_status]
"""

CATALOG = {
    "categories.yaml": ("categories.schema.json", "The category tree: children nested under their parent.", "categories"),
    "tags.yaml": ("tags.schema.json", "Tags are flat; products refer to them by slug or name.", "tags"),
    "attributes.yaml": ("attributes.schema.json", "Global attributes (pa_*) and their terms.", "attributes"),
    "meta-fields.yaml": ("meta-fields.schema.json", "Custom meta keys wcsync may write, with their types.", "meta_fields"),
}

GITIGNORE = "# the embedded sandbox store's database\n.wcsync/\n"


def _catalog_file(schema: str, comment: str, wrapper: str) -> str:
    return f"# yaml-language-server: $schema=../schemas/{schema}\n# {comment}\n{wrapper}: []\n"


def vscode_settings() -> str:
    """``yaml.schemas`` for the Red Hat YAML extension: every catalogue file kind to its schema."""
    schemas = {f"schemas/{name}": [glob] for name, (_, _, glob) in SCHEMAS.items()}
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"


def scaffold(directory: Path) -> tuple[list[Path], list[Path]]:
    """(files created, files left alone because they exist)."""
    created: list[Path] = []
    kept: list[Path] = []
    files: dict[Path, str] = {directory / "wcsync.yaml": PROJECT, directory / ".gitignore": GITIGNORE}
    for name, (schema, comment, wrapper) in CATALOG.items():
        files[directory / "catalog" / name] = _catalog_file(schema, comment, wrapper)
    files[directory / "catalog" / "products" / ".gitkeep"] = ""
    files[directory / ".vscode" / "settings.json"] = vscode_settings()
    for path, text in files.items():
        if path.exists():
            kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        created.append(path)
    created += write_schemas(directory / "schemas")
    return created, kept
