"""Limits no real catalogue file reaches, so a file from a pull request cannot exhaust memory, time or the
stack: file size, nesting depth, and what aliases expand to (a 300-byte "billion laughs" file). Each fails
with a diagnostic at the file and line instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from wcsync.diagnostics import NO_LINE, Diagnostic

PathT = tuple[str | int, ...]

#: Limits no real catalogue file reaches; each fails with a diagnostic at the file (and line) instead of
#: exhausting memory, time or the stack. A 10,000-product single-file catalogue is about 10 MB.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: nesting of mappings and lists (a category tree ten levels deep is about 25)
MAX_DEPTH = 100
#: values an alias (``*name``, ``<<: *name``) may add in one file, counting every repetition: a shared block
#: of ten fields merged into 10,000 products is 100,000; a "billion laughs" file is 10^9
MAX_ALIAS_VALUES = 250_000


class LimitExceeded(Exception):
    """A file broke one of the limits above; ``path`` is where (a value path in the document)."""

    def __init__(self, message: str, hint: str, path: PathT, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.path, self.line = message, hint, path, line


@dataclass
class Budget:
    seen: set[int] = field(default_factory=set)
    sizes: dict[int, int] = field(default_factory=dict)
    alias_values: int = 0


def _size(root: Node, memo: dict[int, int]) -> int:
    """How many values ``root`` expands to, aliases repeated (iterative, memoised by node identity)."""
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in memo:
            continue
        if isinstance(node, ScalarNode):
            memo[id(node)] = 1
            continue
        children = [v for pair in node.value for v in pair] if isinstance(node, MappingNode) else list(node.value)
        if done:
            memo[id(node)] = 1 + sum(memo.get(id(c), 1) for c in children)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in memo)
        # a cycle (an alias inside its own anchor) cannot be composed by YAML, so no guard is needed here
    return memo[id(root)]


def enter(node: Node, path: PathT, budget: Budget) -> None:
    if len(path) > MAX_DEPTH:
        raise LimitExceeded(
            f"nesting deeper than {MAX_DEPTH} levels", "no catalogue needs this: flatten the structure", path
        )
    key = id(node)
    if key not in budget.seen:
        budget.seen.add(key)
        return
    budget.alias_values += _size(node, budget.sizes)
    if budget.alias_values > MAX_ALIAS_VALUES:
        raise LimitExceeded(
            f"aliases expand to more than {MAX_ALIAS_VALUES:,} values",
            "an alias repeats its anchor's whole content: write the values out, or use fewer nested aliases",
            path,
        )


def deep_line(text: str) -> int:
    """The line where nesting first exceeds ``MAX_DEPTH``, from the parser's events (no recursion)."""
    depth = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            name = type(event).__name__
            if name in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    return int(event.start_mark.line) + 1
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    except YAMLError:
        pass
    return 1


def read_capped(path: Path, rel: str) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of ``path``, or a diagnostic when it cannot be read or is larger than ``MAX_FILE_BYTES``."""
    try:
        with path.open("rb") as fh:
            content = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, Diagnostic(rel, NO_LINE, NO_LINE, f"cannot read file: {exc.strerror}", "check the file permissions")
    if len(content) > MAX_FILE_BYTES:
        return None, Diagnostic(
            rel, NO_LINE, NO_LINE, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", "split it into several product files"
        )
    return content, None


