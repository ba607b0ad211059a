"""``wcsync fmt``: every catalogue file in its canonical form — the one ``wcsync import`` writes — with the
comments, key order, quotes and flow/block choices of whoever wrote it kept (ruamel.yaml round trip with the
settings of ``wcsync.export.files.yaml_rt``: 2-space indentation, list items indented under their key,
``null`` spelled out, unicode kept, no line folding)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.error import MarkedYAMLError

from wcsync.export.files import yaml_rt


@dataclass
class FmtReport:
    #: files whose text differs from the canonical form (rewritten unless checking)
    changed: list[Path] = field(default_factory=list)
    #: ``file:line:col: problem`` for files that are not YAML
    errors: list[str] = field(default_factory=list)
    checked: int = 0


def catalogue_files(catalog_dir: Path) -> list[Path]:
    return sorted(p for p in catalog_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def canonical(text: str) -> str:
    """``text`` formatted (raises ruamel's ``MarkedYAMLError`` when it is not YAML)."""
    yaml = yaml_rt()
    data = yaml.load(text)
    if data is None:
        return text  # empty or comments only: nothing to lay out
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def format_files(paths: list[Path], *, root: Path, check: bool) -> FmtReport:
    report = FmtReport()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        report.checked += 1
        try:
            formatted = canonical(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{path.relative_to(root)}:{mark.line + 1}:{mark.column + 1}" if mark else str(path.relative_to(root))
            report.errors.append(f"{where}: {exc.problem or exc.context} — fix the YAML (`wcsync validate` explains)")
            continue
        if formatted != text:
            report.changed.append(path)
            if not check:
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(formatted, encoding="utf-8")
                tmp.replace(path)
    return report
