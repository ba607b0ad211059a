"""SKU templates: the fast path for simple substitutions renders exactly what Jinja renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wcsync.catalog.templates import Templates, _render_simple


@pytest.mark.parametrize(
    "source",
    [
        "HOODIE-{{ Color | upper }}-{{ Size }}",
        "{{Color|lower}}/{{ Size|trim }}",
        "X-{{ Größe }}",
        "plain",
        "{{ parent_sku }}-{{ Color }}",
        "{{ Color | replace(' ', '-') | upper }}-{{ Size | trim }}",
        '{{ Color|replace("e", "E")|lower|replace( "g" , "" ) }}',
    ],
)
def test_fast_path_matches_jinja(source: str, tmp_path: Path) -> None:
    ctx = {"Color": "Forest Green", "Size": " M ", "Größe": "56", "parent_sku": "P-1"}
    fast = _render_simple(source, ctx)
    assert fast is not None
    jinja = Templates(tmp_path, "catalog").inline.from_string(source).render(**ctx).strip()
    assert fast == jinja


@pytest.mark.parametrize(
    "source",
    ["{{ Color | replace(' ', '-', 1) }}", "{{ Color | title }}", "{% if Color %}x{% endif %}", "{{ Missing }}", "{{ Color }}{# c #}", "{{ attrs['Color'] }}"],
)
def test_anything_else_goes_to_jinja(source: str) -> None:
    assert _render_simple(source, {"Color": "Red", "attrs": {"Color": "Red"}}) is None


@given(
    st.text(alphabet="ab {}|-_'", max_size=20),
    st.text(max_size=8),
    st.sampled_from(["", "| upper", "| replace(' ', '-') | upper", "| trim | lower", "|replace('a','')"]),
)
def test_fast_path_never_disagrees_with_jinja(prefix: str, value: str, filters: str) -> None:
    source = prefix + "{{ Color " + filters + " }}"
    fast = _render_simple(source, {"Color": value})
    if fast is None:
        return
    templates = Templates(Path("."), "catalog")
    assert fast == templates.inline.from_string(source).render(Color=value).strip()


def test_missing_name_reports_jinja_error(tmp_path: Path) -> None:
    from wcsync.catalog.templates import TemplateProblem

    with pytest.raises(TemplateProblem) as exc:
        Templates(tmp_path, "catalog").render_inline("A-{{ Colour }}", {"Color": "Red"})
    assert exc.value.message == "template error: 'Colour' is undefined"
