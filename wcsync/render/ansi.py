"""Colour for the text plan: ANSI SGR sequences, spelled as terminals (and click) spell them, so the renderer
needs no UI library. Only the colours and weights the text template uses."""

from __future__ import annotations

from typing import Any

#: foreground colour name -> SGR code
FOREGROUND: dict[str, int] = {
    "black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36, "white": 37,
}
RESET = "\x1b[0m"


def style(text: Any, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    """``text`` in colour ``fg``, bold and/or dim, then a reset (a colour name not in ``FOREGROUND`` is a
    ValueError: a typo in a template shows at once)."""
    codes = []
    if fg is not None:
        if fg not in FOREGROUND:
            raise ValueError(f"unknown colour {fg!r}")
        codes.append(FOREGROUND[fg])
    if bold:
        codes.append(1)
    if dim:
        codes.append(2)
    return "".join(f"\x1b[{code}m" for code in codes) + str(text) + RESET


def plain(text: Any, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    """``style`` without colour."""
    return str(text)
