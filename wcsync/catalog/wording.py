"""Wording of the catalogue's diagnostics, which read ``message — hint``: a message taken from another
library's exception (Jinja2, ruamel.yaml, a validator) loses its closing period before the hint is joined, so
it reads ``… object is unsafe — see …``, never ``… is unsafe. — see …``. Pure."""

from __future__ import annotations


def clause(message: str) -> str:
    """``message`` without trailing whitespace and one closing period (an ellipsis, ``...``, is kept): the
    first half of ``message — hint``."""
    text = message.rstrip()
    if text.endswith(".") and not text.endswith(".."):
        return text[:-1]
    return text
