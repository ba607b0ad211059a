"""``wcsync.yaml`` for a catalogue imported without one: the store it came from, its credentials as ``${ENV}``
references (the variables ``--store-url`` reads), never their values."""

from __future__ import annotations

import os
from pathlib import Path

from wcsync.settings import AuthMethod, StoreSettings

PROJECT_FILE = "wcsync.yaml"

_TEMPLATE = """\
{schema}# wcsync project file, written by `wcsync import` from the store the catalogue was imported from.
# Secrets are never written here: ${{NAME}} is replaced by the environment variable NAME.

default_store: {name}

stores:
  {name}:
    url: {url}
{credentials}
# marked: only touch what wcsync created or adopted (imported products are adopted by the first apply).
ownership: marked
{catalog}"""


def _yaml_text(text: str) -> str:
    """``text`` as a YAML scalar: plain when it is safe, else double-quoted."""
    if text and all(ch.isalnum() or ch in "-._:/@+~" for ch in text) and text[0] not in "-:@~":
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_text(settings: StoreSettings, *, project_dir: Path, out_dir: Path, public_url: str, schema: str) -> str:
    url = settings.url
    if url.startswith("sandbox:"):
        path = Path(url[len("sandbox:") :])
        if not path.is_absolute():
            path = Path(os.path.relpath(path.resolve(), project_dir.resolve()))
        url = f"sandbox:{path.as_posix()}"
        credentials = ""
    else:
        url = public_url
        lines = []
        if settings.auth is not AuthMethod.BASIC:
            lines.append(f"    auth: {settings.auth.value}")
        if settings.auth is AuthMethod.APP_PASSWORD:
            lines += ["    username: ${WCSYNC_USERNAME}", "    app_password: ${WCSYNC_APP_PASSWORD}"]
        else:
            lines += ["    consumer_key: ${WCSYNC_CONSUMER_KEY}", "    consumer_secret: ${WCSYNC_CONSUMER_SECRET}"]
        credentials = "\n".join(lines) + "\n"
    rel = Path(os.path.relpath(out_dir.resolve(), project_dir.resolve())).as_posix()
    catalog = "" if rel == "catalog" else f"catalog: {_yaml_text(rel)}\n"
    name = _yaml_text(settings.name)
    return _TEMPLATE.format(schema=schema, name=name, url=_yaml_text(url), credentials=credentials, catalog=catalog)


def write_project_file(project_dir: Path, settings: StoreSettings, *, out_dir: Path, public_url: str) -> bool:
    """Write ``wcsync.yaml`` into ``project_dir`` when it has none; True when written."""
    path = project_dir / PROJECT_FILE
    if path.exists():
        return False
    project_dir.mkdir(parents=True, exist_ok=True)
    schema = "# yaml-language-server: $schema=schemas/project.schema.json\n" if (project_dir / "schemas" / "project.schema.json").exists() else ""
    path.write_text(
        project_text(settings, project_dir=project_dir, out_dir=out_dir, public_url=public_url, schema=schema),
        encoding="utf-8",
    )
    return True
