"""Making text from the store (and the catalogue) harmless where it is printed.

Everything a plan or a message shows may come from a store (names, slugs, SKUs, attribute names, the
WooCommerce version, error messages) or from a pull request's catalogue. Printed raw, ``\\x1b]0;pwned\\x07``
retitles the terminal, ``\\x1b[2J`` clears it, a carriage return overwrites a line, bidirectional controls
reorder what a reviewer reads, and in a pull-request comment ``@team`` notifies people, ``https://…`` becomes
a link and ``<img>`` a tracking pixel. So:

- ``visible``: control characters (C0 but the newline, DEL, C1), bidirectional controls and line/paragraph
  separators become ``\\xNN`` / ``\\uNNNN`` text — for every text output (terminal, GitHub annotations, the text
  and Markdown plans). The JSON plan needs nothing: JSON escapes them itself.
- ``neutral_markdown``: on text already HTML-escaped for Markdown prose or an HTML block, breaks
  ``@mentions`` and bare links with a zero-width space (invisible when rendered);
  code spans need only ``visible`` (GitHub renders nothing inside them).
- ``shorten``: a display bound for single values (a 10,000-character SKU is shown cut, whole in the JSON plan).
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_ESCAPES = {"\t": "\\t", "\r": "\\r"}

#: what GitHub turns into a notification, a reference or a link in a comment
_MENTION = re.compile(r"(?<![\w`])(@)(?=[\w-])")
_LINK = re.compile(r"(?i)(https?|ftp|mailto|www)(:|\.)")

#: a zero-width space as an HTML entity: invisible when rendered, breaks GitHub's autolinks and mentions
_ZWSP = "&#8203;"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control or invisible formatting character written out (newlines kept)."""
    return _INVISIBLE.sub(_escape, text) if _INVISIBLE.search(text) else text


def one_line(text: str) -> str:
    """``visible`` for a single-line context: a newline is written out as ``\\n`` too."""
    return visible(text).replace("\n", "\\n")


def neutral_markdown(escaped_html: str) -> str:
    """Markdown/HTML text (already HTML-escaped) that GitHub shows but never turns into a mention, an issue
    reference or a link."""
    out = _MENTION.sub(lambda m: m.group(1) + _ZWSP, escaped_html)
    return _LINK.sub(lambda m: m.group(1) + _ZWSP + m.group(2), out)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with "…" when longer."""
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"
