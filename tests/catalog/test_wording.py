"""``message — hint``: a message from another library's exception loses its closing period before the hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from wcsync.catalog.templates import TemplateProblem, Templates
from wcsync.catalog.wording import clause
from wcsync.catalog.yamlio import parse_text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "access to attribute '__class__' of 'str' object is unsafe.",
            "access to attribute '__class__' of 'str' object is unsafe",
        ),
        (
            "Unexpected end of template. Jinja was looking for 'endfor'.",
            "Unexpected end of template. Jinja was looking for 'endfor'",
        ),
        ("one period only..", "one period only.."),
        ("an ellipsis...", "an ellipsis..."),
        ("an ellipsis…", "an ellipsis…"),
        ("no period", "no period"),
        ("trailing blank. \n", "trailing blank"),
        ("", ""),
    ],
)
def test_clause(message: str, expected: str) -> None:
    assert clause(message) == expected


def test_a_document_diagnostic_drops_the_period_only_before_a_hint() -> None:
    doc, diags = parse_text("catalog/x.yaml", "a: 1\n")
    assert doc is not None and diags == []
    assert doc.diag(("a",), "it broke.", "fix it").format() == "catalog/x.yaml:1:4: it broke — fix it"
    assert doc.diag(("a",), "it broke.").format() == "catalog/x.yaml:1:4: it broke."


def test_inline_sku_template_errors_have_no_period_before_the_hint(tmp_path: Path) -> None:
    templates = Templates(tmp_path, "catalog")
    with pytest.raises(TemplateProblem) as unsafe:
        templates.render_inline("{{ Color.__class__.__mro__ }}", {"Color": "Red"})
    assert unsafe.value.message == "template error: access to attribute '__class__' of 'str' object is unsafe"
    with pytest.raises(TemplateProblem) as syntax:
        templates.render_inline("{% if Color %}A", {"Color": "Red"})
    assert syntax.value.message == (
        "template syntax error: Unexpected end of template. Jinja was looking for the following tags: 'elif' or "
        "'else' or 'endif'. The innermost block that needs to be closed is 'if'"
    )
