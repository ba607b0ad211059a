"""Reading YAML with positions: ruamel.yaml nodes (libyaml-speed C composer from ruamel.yaml.clib when present) → plain Python values (YAML 1.2 core schema) + a map from value paths to line/column.

Every problem becomes a ``Diagnostic`` (1-based line and column) instead of an exception, so the loader can
report all problems of a run at once. This module knows nothing about the catalogue's meaning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


# ruamel.yaml's C composer (ruamel.yaml.clib, built on libyaml) when present: 10-30x faster than the
# pure-Python composer on a large catalogue. Only the parser and composer are used; values are built from the
# nodes here with the YAML 1.2 core schema, keeping every node's position.
try:
    import _ruamel_yaml  # type: ignore[import-not-found]  # noqa: F401

    PURE = False
except ImportError:  # pragma: no cover - depends on the platform's wheels
    PURE = True


def _compose(text: str) -> Any:
    """The node tree of ``text``. The pure-Python composer is the reference: the C one only speeds up the
    common case, and any text it refuses (its libyaml is stricter, e.g. about ``:`` inside flow mappings
    such as ``{src: https://…}``) is parsed again by the pure one, whose verdict and message stand."""
    if not PURE:
        try:
            return YAML(typ="safe", pure=False).compose(text)
        except YAMLError:
            pass
    return YAML(typ="safe", pure=True).compose(text)


_MERGE = "tag:yaml.org,2002:merge"
_SPECIAL_START = frozenset("0123456789+-.~nNtTfF")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_RE = re.compile(r"^[-+]?[0-9]+$")
_OCT_RE = re.compile(r"^0o[0-7]+$")
_HEX_RE = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF_RE = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN_RE = re.compile(r"^\.(?:nan|NaN|NAN)$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
_STAMP_RE = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?$"
)


def _timestamp(text: str) -> Any:
    try:
        if _DATE_RE.match(text):
            y, m, d = (int(x) for x in text.split("-"))
            return dt.date(y, m, d)
        norm = re.sub(r"[ \t]+", "T", text.strip(), count=1).replace("t", "T")
        norm = re.sub(r"[ \t]+", "", norm).replace("Z", "+00:00")
        return dt.datetime.fromisoformat(norm)
    except ValueError:
        return text


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    # Quoted/block scalars are text. Plain ones are resolved here by YAML 1.2 rules, whatever tag the
    # YAML 1.1 resolver gave them (an explicit `!!str` on a plain scalar is the one case this cannot see).
    if node.style:
        return value
    if not str(node.tag).startswith("tag:yaml.org,2002:"):
        return value
    if value and value[0] not in _SPECIAL_START:
        return value  # plain text: no YAML 1.2 core-schema value starts like this
    if _NULL_RE.match(value):
        return None
    if _BOOL_RE.match(value):
        return value.lower() == "true"
    if _INT_RE.match(value):
        return int(value)
    if _OCT_RE.match(value):
        return int(value[2:], 8)
    if _HEX_RE.match(value):
        return int(value[2:], 16)
    if _FLOAT_RE.match(value):
        return float(value)
    if _INF_RE.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN_RE.match(value):
        return float("nan")
    if _STAMP_RE.match(value) or _DATE_RE.match(value):
        return _timestamp(value)
    return value


def _plain(node: Node, path: PathT, pos: Positions, dups: list[tuple[str, Node]]) -> Any:
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if str(key_node.tag) == _MERGE and isinstance(value_node, MappingNode):
                merged = _plain(value_node, path, pos, dups)
                for k, v in merged.items():
                    out.setdefault(k, v)
                continue
            raw_key = _scalar(key_node) if isinstance(key_node, ScalarNode) else str(key_node.value)
            key = raw_key if isinstance(raw_key, str) else str(raw_key).lower() if isinstance(raw_key, bool) else str(raw_key)
            if key in out:
                dups.append((key, key_node))
                continue
            child = (*path, key)
            pos.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            pos.values[child] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            out[key] = _plain(value_node, child, pos, dups)
        return out
    if isinstance(node, SequenceNode):
        items: list[Any] = []
        for i, item in enumerate(node.value):
            child = (*path, i)
            pos.values[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_plain(item, child, pos, dups))
        return items
    assert isinstance(node, ScalarNode)
    return _scalar(node)


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


def _friendly(exc: MarkedYAMLError) -> tuple[str, str, bool]:
    """(message, hint, point at the context mark rather than the problem mark)."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "mapping values are not allowed" in problem:
        return "invalid YAML: mapping values are not allowed here", _INDENT_HINT, False
    if "expected '-' indicator" in problem or "expected key" in problem or "expected <block end>" in problem:
        return "invalid YAML: this line does not line up with the lines above", _INDENT_HINT, False
    if "could not find expected ':'" in problem:
        return "invalid YAML: a key without ':'", "a key needs a ':' after it; also " + _INDENT_HINT, False
    if "expected ',' or ']'" in problem:
        return "invalid YAML: '[' is never closed", "close the list with ']' or quote the text", True
    if "expected ',' or '}'" in problem:
        return "invalid YAML: '{' is never closed", "close the mapping with '}' or quote the text", True
    if "quoted scalar" in context:
        return "invalid YAML: a quote is never closed", "close the quote on the same line", True
    return f"invalid YAML: {problem or exc}", "fix the YAML syntax at this position", False


def parse_text(rel: str, text: str) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse one YAML document. On any syntax problem returns ``(None, diagnostics)``."""
    tabs = _tab_diagnostics(rel, text)
    if tabs:
        return None, tabs
    try:
        node = _compose(text)
    except MarkedYAMLError as exc:
        msg, hint, at_context = _friendly(exc)
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, [Diagnostic(rel, line, col, msg, hint)]
    except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, [Diagnostic(rel, 1, 1, f"invalid YAML: {exc}", "fix the YAML syntax")]
    pos = Positions()
    pos.values[()] = (1, 1)
    if node is None:
        return YamlDoc(rel, None, pos), []
    dups: list[tuple[str, Node]] = []
    data = _plain(node, (), pos, dups)
    if dups:
        return None, [
            Diagnostic(
                rel,
                n.start_mark.line + 1,
                n.start_mark.column + 1,
                f"duplicate key '{key}'",
                "a key may appear only once in a mapping: remove or rename one of them",
            )
            for key, n in dups
        ]
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
