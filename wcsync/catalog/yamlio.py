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
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from wcsync.catalog.wording import clause
from wcsync.catalog.yaml_limits import MAX_DEPTH, Budget, LimitExceeded, deep_line, enter, read_capped
from wcsync.diagnostics import Diagnostic

PathT = tuple[str | int, ...]

_INDENT_HINT = "check the indentation of this line and the lines above it: nested items use spaces, aligned under their parent"


@dataclass
class Positions:
    """1-based (line, col) of values and of mapping keys, by path from the document root.

    ``nodes``: path → (line, col) of a sequence item, or (key line, key col, value line, value col) of a
    mapping entry: one entry per value, filled while reading."""

    nodes: dict[PathT, tuple[int, ...]] = field(default_factory=dict)

    def of(self, path: PathT, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``: the key (when ``key``) or the value, else the nearest known ancestor."""
        p = tuple(path)
        while p:
            hit = self.nodes.get(p)
            if hit is not None:
                return (hit[0], hit[1]) if key or len(hit) == 2 else (hit[2], hit[3])
            p = p[:-1]
            key = False
        return 1, 1


@dataclass
class YamlDoc:
    """One parsed file: relative path (for messages), plain data and positions."""

    file: str
    data: Any
    pos: Positions

    def diag(self, path: PathT, message: str, hint: str | None = None, *, key: bool = False) -> Diagnostic:
        line, col = self.pos.of(path, key=key)
        return Diagnostic(self.file, line, col, clause(message) if hint else message, hint)


# Tags the composers give the nodes whose tag is implicit (no ``!tag`` written): values are built from the
# nodes here with the YAML 1.2 core schema, so resolving plain scalars during composition (ruamel.yaml's
# versioned resolver: about a third of the parse time) is skipped. Explicit tags keep their full name.
_PLAIN = "wcsync:plain"  # an untagged plain scalar: resolved by ``_scalar``
_TEXT = "tag:yaml.org,2002:str"  # an untagged quoted or block scalar
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


#: one shared Tag per implicit tag (a node built with a Tag keeps it; with a string it makes a new one)
_TAGS = {name: Tag(suffix=name) for name in (_PLAIN, _TEXT, _MERGE, _SEQ, _MAP)}
_PLAIN_TAG, _TEXT_TAG, _MERGE_TAG, _SEQ_TAG, _MAP_TAG = (_TAGS[n] for n in (_PLAIN, _TEXT, _MERGE, _SEQ, _MAP))


def _implicit_tag(kind: Any, value: Any, implicit: Any) -> Tag:
    if kind is ScalarNode:
        if implicit[0]:
            return _MERGE_TAG if value == "<<" else _PLAIN_TAG
        return _TEXT_TAG
    return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


class _PlainResolver(VersionedResolver):
    """The pure composer's resolver: the same implicit tags as the C composer's below."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        return _implicit_tag(kind, value, implicit)


# ruamel.yaml's C composer (ruamel.yaml.clib, built on libyaml) when present: 10-30x faster than the
# pure-Python composer on a large catalogue. Only its parser and composer are used (one class, defined once:
# ``YAML().compose`` builds a new loader class per call, which cost more than parsing a small file).
try:
    from _ruamel_yaml import CParser  # type: ignore[import-not-found]

    class _CComposer(CParser):  # type: ignore[misc]
        # The composer calls these around every node; path-dependent resolution is not used, so they are
        # C callables that accept the arguments and do nothing useful (a Python no-op costs a frame each).
        descend_resolver = slice  # (parent, index) -> ignored slice object
        ascend_resolver = tuple  # () -> ()
        resolve = staticmethod(_implicit_tag)

    PURE = False
except ImportError:  # pragma: no cover - depends on the platform's wheels
    PURE = True


def _pure_compose(text: str) -> Any:
    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _PlainResolver
    return yaml.compose(text)


def _compose(text: str) -> Any:
    """The node tree of ``text``. The pure-Python composer is the reference: the C one only speeds up the
    common case, and any text it refuses (its libyaml is stricter, e.g. about ``:`` inside flow mappings
    such as ``{src: https://…}``) is parsed again by the pure one, whose verdict and message stand."""
    if not PURE:
        composer = _CComposer(text)
        try:
            return composer.get_single_node()
        except YAMLError:
            pass
        finally:
            composer.dispose()
    return _pure_compose(text)


def _tag(node: Node) -> str:
    """The node's tag: one of the implicit ones above, or the full name of an explicit one."""
    ctag = node.ctag
    if ctag is _PLAIN_TAG or ctag is _TEXT_TAG or ctag is _MERGE_TAG or ctag is _MAP_TAG or ctag is _SEQ_TAG:
        return str(ctag.suffix)
    return str(ctag)


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
    # Quoted/block scalars are text, and so is a plain one tagged `!!str` or with a tag of its own. Other
    # plain ones are resolved here by YAML 1.2 rules (an explicit `!!int`/`!!float`/… tag changes nothing).
    if node.style:
        return value
    if node.ctag is not _PLAIN_TAG:
        tag = _tag(node)
        if tag == _TEXT or not tag.startswith("tag:yaml.org,2002:"):
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


def _key(key_node: Node) -> str:
    raw_key = _scalar(key_node) if isinstance(key_node, ScalarNode) else str(key_node.value)
    return raw_key if isinstance(raw_key, str) else str(raw_key).lower() if isinstance(raw_key, bool) else str(raw_key)


def _plain(
    node: Node, path: PathT, nodes: dict[PathT, tuple[int, ...]], dups: list[tuple[str, Node]], budget: Budget | None = None
) -> Any:
    if budget is None:
        budget = Budget()
    if isinstance(node, MappingNode):
        enter(node, path, budget)
        out: dict[str, Any] = {}
        merged: set[str] = set()
        for pair in node.value:
            key_node, value_node = pair
            kt, key = key_node.ctag, key_node.value
            if kt is _PLAIN_TAG:  # the common case first: a plain key (text unless it looks like a number…)
                if not key or key[0] in _SPECIAL_START:
                    key = _key(key_node)
            elif kt is not _TEXT_TAG:
                if (kt is _MERGE_TAG or _tag(key_node) == _MERGE) and isinstance(value_node, MappingNode):
                    for k, v in _plain(value_node, path, nodes, dups, budget).items():
                        if k not in out:
                            out[k] = v
                            merged.add(k)
                    continue
                key = _key(key_node)
            if key in out:
                if key not in merged:
                    dups.append((key, key_node))
                    continue
                merged.discard(key)  # a key written next to '<<:' wins over the merged one
            child = (*path, key)
            km, vm = key_node.start_mark, value_node.start_mark
            nodes[child] = (km.line + 1, km.column + 1, vm.line + 1, vm.column + 1)
            out[key] = _scalar(value_node) if type(value_node) is ScalarNode else _plain(value_node, child, nodes, dups, budget)
        return out
    if isinstance(node, SequenceNode):
        enter(node, path, budget)
        items: list[Any] = []
        for i, item in enumerate(node.value):
            child = (*path, i)
            vm = item.start_mark
            nodes[child] = (vm.line + 1, vm.column + 1)
            items.append(_scalar(item) if type(item) is ScalarNode else _plain(item, child, nodes, dups, budget))
        return items
    assert isinstance(node, ScalarNode)
    return _scalar(node)


def _tab_diagnostics(rel: str, text: str) -> list[Diagnostic]:
    if "\t" not in text:
        return []
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
    except RecursionError:
        line = deep_line(text)
        return None, [Diagnostic(rel, line, 1, f"nesting deeper than {MAX_DEPTH} levels", "no catalogue needs this: flatten the structure")]
    except MarkedYAMLError as exc:
        msg, hint, at_context = _friendly(exc)
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, [Diagnostic(rel, line, col, clause(msg), hint)]
    except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, [Diagnostic(rel, 1, 1, f"invalid YAML: {clause(str(exc))}", "fix the YAML syntax")]
    pos = Positions()
    if node is None:
        return YamlDoc(rel, None, pos), []
    dups: list[tuple[str, Node]] = []
    try:
        data = _plain(node, (), pos.nodes, dups, Budget())
    except LimitExceeded as exc:
        line, col = pos.of(exc.path)
        return None, [Diagnostic(rel, line, col, exc.message, exc.hint)]
    except RecursionError:
        line = deep_line(text)
        return None, [Diagnostic(rel, line, 1, f"nesting deeper than {MAX_DEPTH} levels", "no catalogue needs this: flatten the structure")]
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


def _line_col(content: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` (in ``content``'s units)."""
    if isinstance(content, bytes):
        before = content[:offset]
        start = before.rfind(b"\n") + 1
        return before.count(b"\n") + 1, len(before[start:].decode("utf-8", errors="replace")) + 1
    return content.count("\n", 0, offset) + 1, offset - (content.rfind("\n", 0, offset) + 1) + 1


#: what YAML does not allow in a file (the complement of its printable set, as ruamel.yaml's reader checks it)
_CONTROL_RE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def decode(rel: str, content: bytes) -> tuple[str | None, list[Diagnostic]]:
    """The text of a file's bytes, as ``read_text`` gives it (UTF-8, universal newlines), or a diagnostic
    at the line of the first byte that is not UTF-8 or the first control character YAML does not allow."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(content, exc.start)
        return None, [
            Diagnostic(rel, line, col, f"file is not UTF-8 text ({exc.reason} 0x{content[exc.start]:02x})", "save the file as UTF-8")
        ]
    bad = _CONTROL_RE.search(text)
    if bad is not None:
        line, col = _line_col(text, bad.start())
        what = "a NUL byte" if bad.group() == "\x00" else f"control character U+{ord(bad.group()):04X}"
        return None, [Diagnostic(rel, line, col, f"{what} is not allowed in a YAML file", "remove it: the file may be binary or damaged")]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def parse_bytes(rel: str, content: bytes) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse a file already read; ``rel`` is the name used in messages (relative to the project)."""
    text, diags = decode(rel, content)
    return (None, diags) if text is None else parse_text(rel, text)


def parse_file(path: Path, rel: str) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Read and parse ``path``; ``rel`` is the name used in messages (relative to the project)."""
    content, problem = read_capped(path, rel)
    if content is None:
        return None, [problem] if problem is not None else []
    return parse_bytes(rel, content)
