"""Writing exported documents as readable YAML, in the canonical form ``wcsync fmt`` keeps (ruamel.yaml round
trip: block style, short lists and attribute maps on one line, unicode kept, multi-line text as literal
blocks). Import never removes a file.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from wcsync.bulk import paused_gc
from wcsync.core.slugs import decode_slug, slug_from_name
from wcsync.errors import WcsyncError
from wcsync.export.emit import PRICE, Unsupported, fast_dump, literal_block, plain_flow_key, scalar_text
from wcsync.export.model import ExportResult

HEADER = "# Written by `wcsync import`{store}. Edit freely: this file is now the source of truth.\n"


@dataclass
class WriteReport:
    written: list[Path] = field(default_factory=list)


def product_file_names(skus: Iterable[str]) -> list[str]:
    """``<sku-slug>.yaml`` per SKU, unique (``-2``, ``-3`` … on a clash, compared case-insensitively)."""
    taken: set[str] = set()
    out: list[str] = []
    for sku in skus:
        base = decode_slug(slug_from_name(sku)) or "product"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.casefold())
        out.append(f"{name}.yaml")
    return out


#: written as ``"45.00"``, the way the catalogue documentation writes prices
_PRICE_KEYS = frozenset({"regular_price", "sale_price"})
#: maps of scalars written on one line (``attributes: {Color: Red, Size: M}``)
_FLOW_MAPS = frozenset({"attributes", "when", "default_attributes", "dimensions"})
#: a flow collection is used only when it stays this short
_FLOW_WIDTH = 80


#: characters that make a text unfit for a one-line list anywhere (flow indicators, key and comment marks) …
_NOT_IN_FLOW = frozenset(",[]{}:#")
#: … and at its start (YAML indicators)
_NOT_FIRST_IN_FLOW = frozenset("-?&*!|>'\"%@`")


def _one_line(value: Any) -> bool:
    """A scalar that reads naturally, and back unchanged, inside ``[…]`` or ``{…}``."""
    if isinstance(value, bool | int | float):
        return True
    return (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and value.isprintable()
        and value[0] not in _NOT_FIRST_IN_FLOW
        and not _NOT_IN_FLOW.intersection(value)
    )


def _flow_seq(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def styled(value: Any, key: str | None = None) -> Any:
    """The document as a person writes it: short lists of scalars and attribute maps on one line, multi-line
    text as literal blocks (``|``) where YAML can hold it verbatim, prices double-quoted."""
    if key in _PRICE_KEYS and isinstance(value, str):
        return DoubleQuotedScalarString(value)
    if isinstance(value, dict):
        if (
            key in _FLOW_MAPS
            and value
            and all(_one_line(k) and _one_line(v) for k, v in value.items())
            and sum(len(str(k)) + len(str(v)) + 4 for k, v in value.items()) <= _FLOW_WIDTH
        ):
            flow = CommentedMap(value)
            flow.fa.set_flow_style()
            return flow
        return {
            k: DoubleQuotedScalarString(v) if k in _PRICE_KEYS and isinstance(v, str) else styled(v, k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        if value and all(_one_line(v) for v in value) and sum(len(str(v)) + 2 for v in value) <= _FLOW_WIDTH:
            return _flow_seq(value)
        return [styled(v) for v in value]
    if isinstance(value, str) and _literal_ok(value):
        return LiteralScalarString(value)
    return value


def _literal_ok(value: str) -> bool:
    """Multi-line text YAML holds verbatim in a literal block (``|``)."""
    return (
        "\n" in value
        and not any(ch in value for ch in "\t\r\x85\u2028\u2029")
        and not any(line != line.rstrip(" ") for line in value.split("\n"))
        and not value.startswith((" ", "\n"))
    )



# -- the fast path: ``fast_dump(styled(document))`` in one pass, without building the styled copy -------------


#: the plain types written as they are (``str`` aside)
_SCALARS = frozenset({type(None), bool, int, float})


def fast_text(document: Any) -> str:
    """What ``fast_dump(styled(document))`` writes, laid out straight from the plain document (no ruamel
    objects built): the path import takes for its documents. Raises :class:`Unsupported` for anything but
    plain dicts, lists, text, numbers, booleans and None, and wherever ``fast_dump`` would; ``dump`` then
    takes the reference path. ``tests/export/test_fast_text.py`` pins the two together."""
    if type(document) is not dict or not document:
        raise Unsupported("top level")
    out: list[str] = []
    _fused_mapping(document, 0, out, False)
    return "".join(out)


def _fused_mapping(mapping: dict[Any, Any], indent: int, out: list[str], first_inline: bool) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        out.append(("" if first_inline else pad) + scalar_text(key, "key") + ":")
        first_inline = False
        _fused_value(value, key, indent, out)


def _fused_value(value: Any, key: Any, indent: int, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        if key in _PRICE_KEYS:
            out.append(" " + (f'"{value}"' if PRICE.match(value) else scalar_text(DoubleQuotedScalarString(value), "value")) + "\n")
        elif "\n" in value and _literal_ok(value):
            out.append(" ")
            literal_block(value, indent + 2, out)
        else:
            out.append(" " + scalar_text(value, "value") + "\n")
    elif kind is dict:
        if key in _FLOW_MAPS and value and (flow := _flow_map_text(value)) is not None:
            out.append(" " + flow + "\n")
        elif not value:
            out.append(" {}\n")
        else:
            out.append("\n")
            _fused_mapping(value, indent + 2, out, False)
    elif kind is list:
        if value and (flow := _flow_seq_text(value)) is not None:
            out.append(" " + flow + "\n")
        elif not value:
            out.append(" []\n")
        else:
            out.append("\n")
            _fused_sequence(value, indent + 2, out)
    elif kind in _SCALARS:
        out.append(" " + scalar_text(value, "value") + "\n")
    else:
        raise Unsupported(kind.__name__)


def _fused_sequence(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        kind = type(item)
        if kind is dict and item:
            out.append(pad + "- ")
            _fused_mapping(item, indent + 2, out, True)
        elif kind is list and item and (flow := _flow_seq_text(item)) is not None:
            out.append(pad + "- " + flow + "\n")
        elif (kind is str and not ("\n" in item and _literal_ok(item))) or kind in _SCALARS:
            out.append(pad + "- " + scalar_text(item, "value") + "\n")
        else:
            raise Unsupported("sequence item")


#: one-line collections as written (``{Color: Red, Size: M}``), or None for one that does not fit on a line, by
#: their items with the items' types (``1``, ``1.0`` and ``True`` are equal keys of a dict): the products and
#: variations of a store repeat the same few option lists and attribute maps
_FLOW_SEEN: dict[tuple[Any, ...], str | None] = {}


def _flow_seen(signature: tuple[Any, ...], render: Callable[[], str | None]) -> str | None:
    try:
        return _FLOW_SEEN[signature]
    except KeyError:
        pass
    except TypeError:  # an unhashable item (a nested collection): never on one line, not remembered
        return render()
    if len(_FLOW_SEEN) >= 1 << 14:
        _FLOW_SEEN.clear()
    text: str | None = render()
    _FLOW_SEEN[signature] = text
    return text


def _flow_seq_text(items: list[Any]) -> str | None:
    """``[a, b]`` for a list written on one line, else None."""
    return _flow_seen(
        ("[", *[(v, type(v)) for v in items]),
        lambda: "[" + ", ".join(_flow_item(v) for v in items) + "]" if _flow_seq_ok(items) else None,
    )


def _flow_map_text(mapping: dict[Any, Any]) -> str | None:
    """``{k: v, …}`` for a map written on one line, else None."""
    return _flow_seen(
        ("{", *[(k, type(k), v, type(v)) for k, v in mapping.items()]),
        lambda: "{" + ", ".join(_flow_pair(k, v) for k, v in mapping.items()) + "}" if _flow_map_ok(mapping) else None,
    )


def _flow_seq_ok(items: list[Any]) -> bool:
    return all(_one_line(v) for v in items) and sum(len(str(v)) + 2 for v in items) <= _FLOW_WIDTH


def _flow_map_ok(mapping: dict[Any, Any]) -> bool:
    return (
        all(_one_line(k) and _one_line(v) for k, v in mapping.items())
        and sum(len(str(k)) + len(str(v)) + 4 for k, v in mapping.items()) <= _FLOW_WIDTH
    )


def _flow_item(value: Any) -> str:
    if type(value) is not str and type(value) not in _SCALARS:
        raise Unsupported("flow item")
    return scalar_text(value, "flow")


def _flow_pair(key: Any, value: Any) -> str:
    if not (type(key) is str and plain_flow_key(key)):
        raise Unsupported("flow key")
    return f"{key}: {_flow_item(value)}"


def _null(representer: Any, _: Any) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def yaml_rt() -> YAML:
    """The round-trip YAML every catalogue file is read and written with (``wcsync fmt``'s canonical form):
    block style, 2-space mappings, list items indented by 2 under their key, unicode kept, quotes kept as
    written, no line folding, ``null`` spelled out."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def _yaml() -> YAML:
    return yaml_rt()


def dump(document: Any, yaml: YAML | None = None) -> str:
    """``document`` as YAML text (pass one ``YAML`` from ``_yaml()`` to write many documents faster)."""
    try:
        return fast_text(document)
    except Unsupported:
        pass
    shaped = styled(document)
    try:
        return fast_dump(shaped)
    except Unsupported:
        pass
    yaml = yaml or _yaml()
    buf = io.StringIO()
    yaml.dump(shaped, buf)
    return buf.getvalue()


def dump_ruamel(document: Any) -> str:
    """``document`` written by ruamel.yaml itself (what :func:`dump` must equal)."""
    buf = io.StringIO()
    _yaml().dump(styled(document), buf)
    return buf.getvalue()


def has_catalogue(out_dir: Path) -> bool:
    """True when ``out_dir`` already holds catalogue files (import then updates them in place)."""
    return out_dir.is_dir() and any(
        p.suffix in (".yaml", ".yml") for p in [*out_dir.glob("*.y*ml"), *(out_dir / "products").rglob("*.y*ml")]
    )


def check_output_dir(out_dir: Path) -> None:
    """Refuse a file where the catalogue directory should be (before anything is read from the store)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise WcsyncError(f"the output path {out_dir} is a file", hint="give a directory with --out")


def _write_new(path: Path, data: bytes) -> None:
    """``path`` with ``data``, as ``open(path, "w")`` would write it (created or truncated, mode 0o666 less the
    umask) in three system calls instead of six, and without a text wrapper: ten thousand files add up."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


@paused_gc()  # documents of a whole store at once: see wcsync.bulk
def write_catalog(result: ExportResult, out_dir: Path, *, store: str | None = None) -> WriteReport:
    """Write every document of ``result`` under ``out_dir`` (a directory without catalogue files: an existing
    catalogue is updated by ``wcsync.export.merge`` instead). Files already there are never removed."""
    check_output_dir(out_dir)
    report = WriteReport()
    header = HEADER.format(store=f" from store {store}" if store else "")
    yaml = _yaml()
    (out_dir / "products").mkdir(parents=True, exist_ok=True)
    made: set[Path] = set()
    for rel, document in result.files.items():
        path = out_dir / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        text = header + dump(document, yaml)
        _write_new(path, (text if os.linesep == "\n" else text.replace("\n", os.linesep)).encode("utf-8"))
        report.written.append(path)
    return report
