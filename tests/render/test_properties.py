"""Properties of the renderers over arbitrary plans: user text never breaks a Markdown table or injects HTML,
the comment never exceeds its limit, and the text form always ends with the plan's summary."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, DeleteMode, FieldChange, Info, Note, Plan, StoreRef
from wcsync.render import MARKER, render_markdown, render_text

nasty = st.text(alphabet=st.sampled_from(list("ab |`<>&*_[]#\n\\\"'é€→")), max_size=40)
keys = st.text(alphabet=st.sampled_from(list("AB-|`<_é/")), min_size=1, max_size=12)
values = st.one_of(st.none(), nasty, st.integers(-5, 5), st.booleans(), st.lists(nasty, max_size=3))
fields = st.sampled_from(["name", "regular_price", "description", "categories", "weight", "meta", "status"])


@st.composite
def changes(draw: st.DrawFn) -> Change:
    kind = draw(st.sampled_from([Kind.CATEGORY, Kind.TAG, Kind.PRODUCT, Kind.VARIATION, Kind.TERM]))
    action = draw(st.sampled_from(list(Action)))
    return Change(
        kind=kind,
        action=action,
        key=draw(keys),
        parent_key=draw(keys) if kind is Kind.VARIATION else None,
        title=draw(st.one_of(st.none(), nasty)),
        changes=tuple(
            FieldChange(field=f, before=draw(values), after=draw(values))
            for f in draw(st.lists(fields, max_size=3, unique=True))
        )
        if action is not Action.DELETE
        else (),
        notes=tuple(Note(code="x", message=m) for m in draw(st.lists(nasty, max_size=2))),
        delete_mode=DeleteMode.TRASH if action is Action.DELETE else None,
    )


plans = st.builds(
    Plan,
    store=st.builds(StoreRef, name=keys, url=nasty, wc_version=st.one_of(st.none(), nasty)),
    catalog_version=keys,
    changes=st.lists(changes(), max_size=8).map(tuple),
    info=st.lists(
        st.builds(
            Info, kind=st.just(Kind.PRODUCT), key=keys, message=nasty, field=st.one_of(st.none(), fields)
        ),
        max_size=2,
    ).map(tuple),
)


def _cells(row: str) -> int:
    # a pipe inside a table cell is always escaped; count the unescaped ones
    return len(re.findall(r"(?<!\\)\|", row)) - 1


@settings(max_examples=80, deadline=None)
@given(plans)
def test_markdown_tables_and_html_stay_intact(plan: Plan) -> None:
    md = render_markdown(plan)
    assert md.startswith(MARKER + "\n")
    lines = md.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|:--"):
            width = _cells(line)
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert _cells(lines[j]) == width, lines[j]
                j += 1
    # the only HTML tags are the renderer's own
    outside = re.sub(r"<code>.*?</code>", "", md)  # the renderer's own HTML code, content HTML-escaped
    outside = re.sub(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", outside)  # Markdown code spans
    tags = set(re.findall(r"</?([a-zA-Z]+)", outside))
    assert tags <= {"details", "summary", "code"}, tags
    assert md.count("<details>") == md.count("</details>")
    for line in lines:
        if line.startswith("<summary>"):
            assert line.endswith("</summary>"), line  # one line: a title cannot end the HTML block


@settings(max_examples=40, deadline=None)
@given(plans, st.integers(min_value=600, max_value=4000))
def test_markdown_never_exceeds_the_limit(plan: Plan, limit: int) -> None:
    md = render_markdown(plan, limit=limit)
    assert len(md) <= limit
    assert md.startswith(MARKER)


@settings(max_examples=80, deadline=None)
@given(plans)
def test_text_ends_with_the_summary(plan: Plan) -> None:
    text = render_text(plan)
    assert text.endswith(plan.summary() + "\n")
    assert "\x1b[" not in text
