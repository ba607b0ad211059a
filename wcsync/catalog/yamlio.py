"""Reading YAML with positions: ruamel.yaml → plain Python values + a map from value paths to line/column.

Every problem becomes a ``Diagnostic`` (1-based line and column) instead of an exception, so the loader can
report all problems of a run at once. This module knows nothing about the catalogue's meaning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from wcsync.diagnostics import Diagnostic

PathT = tuple[str | int, ...]

_INDENT_HINT = "check the indentation of this line and the lines above it: nested items use spaces, aligned under their parent"


@dataclass
class Positions:
    """1-based (line, col) of values and of mapping keys, by path from the document root."""

    values: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathT, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: PathT, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``: the key (when ``key``) or the value, else the nearest known ancestor."""
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


@dataclass
class YamlDoc:
    """One parsed file: relative path (for messages), plain data and positions."""

    file: str
    data: Any
    pos: Positions

    def diag(self, path: PathT, message: str, hint: str | None = None, *, key: bool = False) -> Diagnostic:
        line, col = self.pos.of(path, key=key)
        return Diagnostic(self.file, line, col, message, hint)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def _plain(node: Any, path: PathT, pos: Positions) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for k, v in node.items():
            key = k if isinstance(k, str | int | bool) or k is None else str(k)
            child = (*path, str(key))
            try:
                kl, kc = node.lc.key(k)
                vl, vc = node.lc.value(k)
                pos.keys[child] = (kl + 1, kc + 1)
                pos.values[child] = (vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            out[str(key) if not isinstance(key, str) else key] = _plain(v, child, pos)
        return out
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for i, v in enumerate(node):
            child = (*path, i)
            try:
                il, ic = node.lc.item(i)
                pos.values[child] = (il + 1, ic + 1)
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            items.append(_plain(v, child, pos))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return dt.datetime(node.year, node.month, node.day, node.hour, node.minute, node.second)
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node


def _tab_diagnostics(rel: str, text: str) -> list[Diagnostic]:
    diags = []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" \t")
        lead = line[: len(line) - len(stripped)]
        if "\t" in lead:
            diags.append(
                Diagnostic(
                    rel,
                    n,
                    lead.index("\t") + 1,
                    "tab character used for indentation",
                    "YAML indents with spaces only: replace the tab with spaces",
                )
            )
    return diags


def _friendly(exc: MarkedYAMLError) -> tuple[str, str]:
    problem = (exc.problem or "").strip()
    if isinstance(exc, DuplicateKeyError):
        key = problem.split('"')[1] if '"' in problem else "?"
        return f"duplicate key '{key}'", "a key may appear only once in a mapping: remove or rename one of them"
    if "mapping values are not allowed" in problem or "expected <block end>" in problem:
        return f"invalid YAML: {problem}", _INDENT_HINT
    if "could not find expected ':'" in problem:
        return f"invalid YAML: {problem}", "a key needs a ':' after it; also " + _INDENT_HINT
    if "found character '\\t'" in problem:
        return "tab character in YAML", "YAML indents with spaces only: replace the tab with spaces"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return f"invalid YAML: {problem}", "close the bracket on the same line or quote the text"
    return f"invalid YAML: {problem or exc}", "fix the YAML syntax at this position"


def parse_text(rel: str, text: str) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse one YAML document. On any syntax problem returns ``(None, diagnostics)``."""
    tabs = _tab_diagnostics(rel, text)
    if tabs:
        return None, tabs
    try:
        raw = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        msg, hint = _friendly(exc)
        return None, [Diagnostic(rel, line, col, msg, hint)]
    except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, [Diagnostic(rel, 1, 1, f"invalid YAML: {exc}", "fix the YAML syntax")]
    pos = Positions()
    pos.values[()] = (1, 1)
    data = _plain(raw, (), pos)
    return YamlDoc(rel, data, pos), []


def parse_file(path: Path, rel: str) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Read and parse ``path``; ``rel`` is the name used in messages (relative to the project)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Diagnostic(rel, 1, 1, f"file is not UTF-8 text ({exc.reason})", "save the file as UTF-8")]
    except OSError as exc:
        return None, [Diagnostic(rel, 1, 1, f"cannot read file: {exc.strerror}", "check the file permissions")]
    return parse_text(rel, text)
