"""Bounds on what a description template can make wcsync do: Jinja's sandbox (no access to Python internals,
``range`` capped), plus limits on the text a template builds — ``'x' * 10**9``, ``2 ** 10**9``, a field width
of a billion in ``%``/``format``, ``center(10**9)``, doubling a string in a loop with ``~`` or ``+`` — and on
its whole output, so a template from a pull request cannot exhaust the runner's memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

#: the most text one template may produce (a long product description is about 20 KB)
MAX_TEMPLATE_OUTPUT = 1024 * 1024


def render_capped(template: Template, context: dict[str, Any]) -> str:
    """Render, stopping as soon as the output passes ``MAX_TEMPLATE_OUTPUT`` characters."""
    parts: list[str] = []
    size = 0
    for chunk in template.generate(**context):
        size += len(chunk)
        if size > MAX_TEMPLATE_OUTPUT:
            raise ValueError(f"the output is longer than {MAX_TEMPLATE_OUTPUT // 1024} KiB characters")
        parts.append(chunk)
    return "".join(parts)


#: a field width or precision of a million or more in a '%' or '{}' format (``'%999999999s' % x``)
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(?:\*|[0-9]{7,})|%[-+ #0]*[0-9]*\.(?:\*|[0-9]{7,})|\{[^{}]*:[^{}]*[0-9]{7,}[^{}]*\}")


def _too_long(n: int) -> None:
    if n > MAX_TEMPLATE_OUTPUT:
        raise SecurityError(f"the result would be longer than {MAX_TEMPLATE_OUTPUT // 1024} KiB characters")


def _check_format(fmt: object) -> None:
    if isinstance(fmt, str) and _WIDE_FORMAT.search(fmt):
        raise SecurityError("a field width or precision of a million or more")


def _sized(name: str, width_arg: int, original: Callable[..., Any]) -> Callable[..., Any]:
    def checked(*args: Any, **kwargs: Any) -> Any:
        width = kwargs.get("width", args[width_arg] if len(args) > width_arg else 0)
        if isinstance(width, int):
            _too_long(width)
        return original(*args, **kwargs)

    checked.__name__ = name
    return checked


class _CappedCodeGenerator(CodeGenerator):
    """``a ~ b`` through ``environment.capped_join`` (autoescape is off here, so plain text joining)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.capped_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class CappedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox (no attribute access to internals, ``range`` bounded), plus bounds on what builds a huge
    string before any output is produced: ``'x' * 10**9``, ``2 ** 10**9``, wide ``%``/``format`` fields,
    ``center``/``indent`` widths."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])
    code_generator_class = _CappedCodeGenerator

    @staticmethod
    def capped_join(parts: tuple[Any, ...]) -> str:
        texts = [str(p) for p in parts]
        _too_long(sum(len(t) for t in texts))
        return "".join(texts)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name, width_arg in (("center", 1), ("indent", 1)):
            self.filters[name] = _sized(name, width_arg, self.filters[name])
        fmt = self.filters["format"]

        def format_filter(value: Any, *args: Any, **kwargs: Any) -> Any:
            _check_format(value)
            return fmt(value, *args, **kwargs)

        self.filters["format"] = format_filter

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int):
                    _too_long(len(seq) * n)
        elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float) and abs(right) > 1000 and abs(left) > 1:
            raise SecurityError("an exponent above 1000")
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _too_long(len(left) + len(right))
        elif operator == "%":
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if getattr(value, "__name__", None) in ("format", "format_map") and isinstance(getattr(value, "__self__", None), str):
            _check_format(value.__self__)
        return super().wrap_str_format(value)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        for name in ("ljust", "rjust", "center", "zfill", "expandtabs"):
            if getattr(__obj, "__name__", None) == name and isinstance(getattr(__obj, "__self__", None), str):
                _too_long(max([a for a in args if isinstance(a, int)] or [0]) * (8 if name == "expandtabs" else 1))
        return super().call(__context, __obj, *args, **kwargs)


