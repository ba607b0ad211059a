"""A fast writer for import's documents, producing exactly what ruamel.yaml's round-trip dumper produces with
``yaml_rt()`` (the canonical form ``wcsync fmt`` keeps) — about twenty times faster.

ruamel.yaml's pure-Python emitter costs ~3 ms per product file; an import of 10,000 products spent most of
its time there. Import's documents are plain data (dicts, lists, strings, numbers) styled by
``files.styled``, so this writer lays them out itself and decides quoting the way ruamel does for the common
cases: a scalar that is plainly safe is written plain; any other scalar is rendered once by ruamel itself in
the same context (block value, mapping key or flow item) and the result is cached. Anything outside this
shape (very long text, unusual literal blocks, nested lists) raises :class:`Unsupported` and the caller
dumps that document with ruamel. ``tests/export/test_emit.py`` checks the equality on real and generated
documents.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

#: longer text is handed to ruamel (its line folding depends on the column)
_MAX_FAST = 2000
_RESERVED = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "", "="})  # "=": YAML 1.1's value key
_UNSAFE_START = set("#,[]{}&*!|>'\"%@`-?: .+0123456789")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}:#]")
_PRICE = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class Unsupported(Exception):
    """The document has a shape this writer does not lay out: dump it with ruamel."""


def _plain_ok(text: str) -> bool:
    return (
        len(text) < _MAX_FAST
        and text[:1] not in _UNSAFE_START
        and text[-1:] not in (" ", ":")
        and text.lower() not in _RESERVED
        and ": " not in text
        and " #" not in text
        and text.isprintable()
    )


_INDICATOR_START = set("#,[]{}&*!|>'\"%@`")
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")


def _never_plain(text: str, context: str) -> bool:
    """True when ruamel certainly quotes ``text`` (so it writes it single-quoted: printable, one line)."""
    return (
        text[:1] in _INDICATOR_START
        or text[:1] == " "
        or text[-1:] in (" ", ":")
        or ": " in text
        or " #" in text
        or (context == "flow" and _FLOW_INDICATORS.search(text) is not None)
    )


@lru_cache(maxsize=1)
def _yaml() -> Any:
    from wcsync.export.files import yaml_rt

    return yaml_rt()


@lru_cache(maxsize=1 << 14)
def _ruamel_scalar(text: str, context: str) -> str:
    """How ruamel writes ``text`` as a block value (``value``), a mapping key (``key``) or a flow item."""
    yaml = _yaml()
    buf = io.StringIO()
    if context == "key":
        yaml.dump({text: 1}, buf)
        out = buf.getvalue()
        if not out.endswith(": 1\n") or out.count("\n") != 1:
            raise Unsupported(text)
        return out[: -len(": 1\n")]
    if context == "flow":
        seq = CommentedSeq([text])
        seq.fa.set_flow_style()
        yaml.dump({"k": seq}, buf)
        out = buf.getvalue()
        if not out.startswith("k: [") or not out.endswith("]\n") or out.count("\n") != 1:
            raise Unsupported(text)
        return out[len("k: [") : -2]
    yaml.dump({"k": text}, buf)
    out = buf.getvalue()
    if not out.startswith("k: ") or out.count("\n") != 1:
        raise Unsupported(text)
    return out[3:-1]


#: rendered text per context, for plain ``str`` values (keys, options, statuses repeat across thousands of files)
_SEEN: dict[str, dict[str, str]] = {"key": {}, "value": {}, "flow": {}}
_SEEN_MAX = 1 << 16


def _scalar(value: Any, context: str) -> str:
    if type(value) is str:
        seen = _SEEN[context]
        text = seen.get(value)
        if text is None:
            text = _render(value, context)
            if len(seen) >= _SEEN_MAX:
                seen.clear()
            seen[value] = text
        return text
    return _render(value, context)


def _render(value: Any, context: str) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    if type(value) is float:
        text = repr(value)
        if "e" in text or "n" in text:
            raise Unsupported(text)
        return text
    if type(value) is DoubleQuotedScalarString and _PRICE.match(value):
        return f'"{value}"'
    if type(value) is str:
        if _plain_ok(value) and (context != "flow" or not _FLOW_UNSAFE.search(value)):
            return value
        if len(value) >= _MAX_FAST or not value.isprintable():
            raise Unsupported(value[:40])  # line breaks, tabs, control characters: ruamel decides
        if value and "'" not in value and _never_plain(value, context):
            return "'" + value.replace("'", "''") + "'"
        return _ruamel_scalar(value, context)
    raise Unsupported(type(value).__name__)


def _literal(value: str, indent: int, out: list[str]) -> None:
    chomp = "-" if not value.endswith("\n") else "+" if value.endswith("\n\n") else ""
    if len(value) >= _MAX_FAST or value.startswith((" ", "\n")) or chomp == "+":
        raise Unsupported("literal")
    out.append(f"|{chomp}\n")
    pad = " " * indent
    for line in value[:-1].split("\n") if value.endswith("\n") else value.split("\n"):
        out.append(f"{pad}{line}\n" if line else "\n")


def _flow(value: Any) -> str:
    if isinstance(value, CommentedSeq):
        return "[" + ", ".join(_scalar(v, "flow") for v in value) + "]"
    parts = []
    for k, v in value.items():
        if not (isinstance(k, str) and _plain_ok(k) and not _FLOW_UNSAFE.search(k)):
            raise Unsupported("flow key")
        parts.append(f"{k}: {_scalar(v, 'flow')}")
    return "{" + ", ".join(parts) + "}"


def _is_flow(value: Any) -> bool:
    return isinstance(value, CommentedSeq | CommentedMap) and bool(value.fa.flow_style())


def _value(value: Any, indent: int, out: list[str]) -> None:
    """``value`` after ``key:`` (the key already written, no space yet) in a mapping at ``indent``."""
    if _is_flow(value):
        out.append(f" {_flow(value)}\n")
    elif isinstance(value, dict):
        if not value:
            out.append(" {}\n")
        else:
            out.append("\n")
            _mapping(value, indent + 2, out)
    elif isinstance(value, list):
        if not value:
            out.append(" []\n")
        else:
            out.append("\n")
            _sequence(value, indent + 2, out)
    elif type(value) is LiteralScalarString:
        out.append(" ")
        _literal(value, indent + 2, out)
    else:
        out.append(f" {_scalar(value, 'value')}\n")


def _mapping(mapping: dict[Any, Any], indent: int, out: list[str], *, first_inline: bool = False) -> None:
    pad = " " * indent
    for i, (key, value) in enumerate(mapping.items()):
        out.append(("" if first_inline and i == 0 else pad) + _scalar(key, "key") + ":")
        _value(value, indent, out)


def _sequence(items: list[Any], indent: int, out: list[str]) -> None:
    """Items at ``indent`` (``- `` there, content two further)."""
    pad = " " * indent
    for item in items:
        if _is_flow(item):
            out.append(f"{pad}- {_flow(item)}\n")
        elif isinstance(item, dict) and item:
            out.append(f"{pad}- ")
            _mapping(item, indent + 2, out, first_inline=True)
        elif isinstance(item, list | dict) or type(item) is LiteralScalarString:
            raise Unsupported("nested collection")
        else:
            out.append(f"{pad}- {_scalar(item, 'value')}\n")


def fast_dump(document: Any) -> str:
    """``document`` (as ``files.styled`` shapes it) as ruamel's ``yaml_rt()`` would write it; raises
    :class:`Unsupported` for what this writer does not lay out."""
    if not isinstance(document, dict) or not document or _is_flow(document):
        raise Unsupported("top level")
    out: list[str] = []
    _mapping(document, 0, out)
    return "".join(out)


#: the names ``files.fast_text`` lays documents out with
scalar_text = _scalar
literal_block = _literal
#: a price ``_render`` writes double-quoted as it is
PRICE = _PRICE


def plain_flow_key(text: str) -> bool:
    """A key ``_flow`` writes as it is inside ``{…}``."""
    return _plain_ok(text) and not _FLOW_UNSAFE.search(text)
