"""The Markdown form: a PR comment with a marker, a summary table first, one <details> block per resource,
escaping of user text, and a cut before GitHub's comment limit."""

from __future__ import annotations

import re

from syrupy.assertion import SnapshotAssertion

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, FieldChange, Info, Plan, StoreRef
from wcsync.render import COMMENT_LIMIT, MARKER, render_markdown


def test_marker_first_then_summary_then_table(design: Plan) -> None:
    md = render_markdown(design)
    assert md.startswith(MARKER + "\n")
    assert MARKER == "<!-- wcsync-plan -->"
    head = md.split("<details>")[0]
    assert "**Plan: 2 to create, 1 to update, 1 to adopt, 1 to delete.**" in head
    assert (
        "| resource | create | update | adopt | delete |\n"
        "|:--|--:|--:|--:|--:|\n"
        "| category | 1 | 0 | 0 | 0 |\n"
        "| product | 0 | 1 | 1 | 1 |\n"
        "| variation | 1 | 0 | 0 | 0 |\n"
        "| **total** | **2** | **1** | **1** | **1** |\n"
    ) in head
    assert "Store `production` (`https://shop.example.com`, WooCommerce 11.0) · catalog `3f2a1c9`" in head


def test_one_details_block_per_product_with_variations_inside(design: Plan) -> None:
    md = render_markdown(design)
    blocks = re.findall(r"<details>\n(.*?)</details>", md, flags=re.S)
    assert len(blocks) == 4  # category, HOODIE-CLASSIC (+ its variation), MUG-LOGO, MUG-OLD
    hoodie = blocks[1]
    assert hoodie.startswith(
        "<summary><code>~</code> update product <code>HOODIE-CLASSIC</code> — Classic Hoodie &amp; Co "
        "(2 fields · 1 variation)</summary>"
    )
    assert "| `regular_price` | `40.00` | `45.00` (+12.5 %) |" in hoodie
    assert "**<code>+</code> create variation <code>HOODIE-CLASSIC-BLUE-L</code>**" in hoodie
    assert "| `regular_price` | `48.00` |" in hoodie  # money as money
    assert "Moved to the trash" in blocks[3]
    assert "takes it over" in blocks[2]


def test_user_text_cannot_break_the_table_or_inject_html(full: Plan) -> None:
    md = render_markdown(full)
    assert "<script>" not in md
    assert "Hat &lt;script&gt;x&lt;/script&gt;" in md
    assert "<code>HAT-&lt;b&gt;</code>" in md
    # a backtick inside a value gets a longer code fence; table rows keep their column count
    assert "``[a.jpg, b`c.jpg]``" in md
    for line in md.splitlines():
        if line.startswith("| `"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) in (2, 3, 6), line
    assert "- ⚠️ category sale still holds 4 products; they move to Uncategorized" in md


def test_pipe_in_a_value_is_escaped_inside_the_cell() -> None:
    plan = Plan(
        store=StoreRef(name="s", url="u"),
        catalog_version="v",
        changes=(
            Change(
                kind=Kind.PRODUCT,
                action=Action.UPDATE,
                key="A",
                title="a|b",
                changes=(FieldChange(field="name", before="a|b", after="a_b *c*"),),
            ),
        ),
    )
    md = render_markdown(plan)
    assert '| `name` | `"a\\|b"` | `"a_b *c*"` |' in md


def test_every_note_appears_once(full: Plan) -> None:
    md = render_markdown(full)
    for change in full.changes:
        for note in change.notes:
            if note.code == "price-change" and note.percent is not None:
                assert f"({note.percent:+.1f} %)" in md
            else:
                assert md.count(note.message.replace("_", "\\_")) == 1, note.message


def test_info_section(full: Plan) -> None:
    md = render_markdown(full)
    assert md.endswith(
        "#### Information (not changes; nothing is written)\n"
        "\n"
        "| resource | key | message | field | store | catalogue |\n"
        "|:--|:--|:--|:--|:--|:--|\n"
        "| product | `TEE-BASIC` | store-owned field differs (left alone) | `stock_quantity` | `10` | `7` |\n"
        "| product | `GIFT-CARD` | not in the catalogue and not managed by wcsync: left alone | | | |\n"
    )


def _info_plan(*info: Info) -> Plan:
    return Plan(store=StoreRef(name="s", url="u"), catalog_version="v", info=info)


def _rows(md: str) -> list[str]:
    return md.split("#### Information (not changes; nothing is written)\n\n", 1)[1].splitlines()


def test_info_without_fields_has_only_the_message_columns() -> None:
    """The drift example: information about several resources (no key) and no field: three columns, a dash
    for the key, the message in its own column."""
    md = render_markdown(
        _info_plan(
            Info(
                kind=Kind.TAG,
                key="*",
                message="1 live tag(s) not in the catalogue left alone (ownership: marked manages only the terms "
                "the catalogue declares): staff-pick",
            ),
            Info(
                kind=Kind.PRODUCT,
                key="*",
                message="1 live product(s) not managed by wcsync and not in the catalogue are left alone: "
                "VOUCHER-PICKUP",
            ),
        )
    )
    assert _rows(md) == [
        "| resource | key | message |",
        "|:--|:--|:--|",
        "| tag | — | 1 live tag(s) not in the catalogue left alone (ownership: marked manages only the terms the "
        "catalogue declares): staff-pick |",
        "| product | — | 1 live product(s) not managed by wcsync and not in the catalogue are left alone: "
        "VOUCHER-PICKUP |",
    ]


def test_info_rows_with_and_without_key_field_and_values() -> None:
    """Every row has as many cells as the header; a field WooCommerce ignores (no values) shows its name only;
    a shipping class is labelled as in the changes."""
    md = render_markdown(
        _info_plan(
            Info(kind=Kind.PRODUCT, key="*", message="2 live product(s) … left alone: #585, STAFF-POSTCARDS"),
            Info(
                kind=Kind.PRODUCT,
                key="HOODIE",
                field="regular_price",
                message="WooCommerce ignores regular_price on a variable product; set prices on its variations: "
                "not compared, not written",
            ),
            Info(
                kind=Kind.PRODUCT, key="MUG", field="stock_quantity", before=None, after=7, message="differs"
            ),
            Info(
                kind=Kind.SHIPPING_CLASS,
                key="bulky",
                message="not in the catalogue; kept because delete: never",
            ),
        )
    )
    rows = _rows(md)
    assert rows == [
        "| resource | key | message | field | store | catalogue |",
        "|:--|:--|:--|:--|:--|:--|",
        "| product | — | 2 live product(s) … left alone: \\#585, STAFF-POSTCARDS | | | |",
        "| product | `HOODIE` | WooCommerce ignores regular\\_price on a variable product; set prices on its "
        "variations: not compared, not written | `regular_price` | | |",
        "| product | `MUG` | differs | `stock_quantity` | `(none)` | `7` |",
        "| shipping class | `bulky` | not in the catalogue; kept because delete: never | | | |",
    ]
    for row in rows:
        assert re.sub(r"`[^`]*`|\\\|", "", row).count("|") == 7, row


def test_empty_plan(empty: Plan) -> None:
    assert render_markdown(empty) == (
        "<!-- wcsync-plan -->\n"
        "### wcsync plan\n"
        "\n"
        "Store `production` (`https://shop.example.com`, WooCommerce 11.0) · catalog `3f2a1c9`\n"
        "\n"
        "**No changes. The store matches the catalogue.**\n"
    )


def _big_plan(n: int) -> Plan:
    return Plan(
        store=StoreRef(name="s", url="u"),
        catalog_version="v",
        changes=tuple(
            Change(
                kind=Kind.PRODUCT,
                action=Action.CREATE,
                key=f"SKU-{i:05d}",
                title=f"Product {i}",
                changes=(
                    FieldChange(field="name", after=f"Product {i}"),
                    FieldChange(field="regular_price", after="9.5"),
                ),
            )
            for i in range(n)
        ),
    )


def test_long_plan_is_cut_between_resources_before_the_limit() -> None:
    plan = _big_plan(600)
    md = render_markdown(plan)
    assert len(md) <= COMMENT_LIMIT
    shown = md.count("<details>")
    assert 0 < shown < 600
    assert md.count("</details>") == shown
    assert md.rstrip().endswith(
        f"This plan is too long for one comment: {shown} of 600 changes are shown. "
        "The full plan is in the plan file (`wcsync plan --out plan.json`), or run "
        "`wcsync plan --format text` to read it all."
    )
    assert md.startswith(MARKER)
    assert "**Plan: 600 to create, 0 to update, 0 to adopt, 0 to delete.**" in md
    # the cut is as late as possible: one more block would not have fitted
    one_block = len(md.split("<details>")[1]) + len("<details>")
    assert len(md) + one_block > COMMENT_LIMIT - 200


def test_cut_at_a_small_limit_with_a_hint_and_dropped_info(full: Plan) -> None:
    md = render_markdown(full, limit=3000, full_plan_hint="See https://ci.example.com/run/7.")
    assert len(md) <= 3000
    assert "and the information section is left out. See https://ci.example.com/run/7." in md
    assert "#### Information" not in md


def test_a_plan_that_fits_is_not_cut() -> None:
    plan = _big_plan(3)
    md = render_markdown(plan, limit=len(render_markdown(plan)))
    assert "too long" not in md
    assert md.count("<details>") == 3
    cut = render_markdown(plan, limit=len(render_markdown(plan)) - 1)
    assert "too long" in cut


def test_snapshot(full: Plan, snapshot_md: SnapshotAssertion) -> None:
    assert render_markdown(full) == snapshot_md


def test_cut_counts_changes_with_variations_inside_their_product() -> None:
    changes: list[Change] = []
    for i in range(40):
        changes.append(Change(kind=Kind.PRODUCT, action=Action.CREATE, key=f"P{i:02d}", title="x" * 50))
    for i in range(40):
        for size in ("S", "M", "L"):
            changes.append(
                Change(
                    kind=Kind.VARIATION,
                    action=Action.CREATE,
                    key=f"P{i:02d}-{size}",
                    parent_key=f"P{i:02d}",
                    changes=(FieldChange(field="regular_price", after="10"),),
                )
            )
    plan = Plan(store=StoreRef(name="s", url="u"), catalog_version="v", changes=tuple(changes))
    md = render_markdown(plan, limit=6000)
    blocks = md.count("<details>")
    assert f"{blocks * 4} of 160 changes are shown" in md


def test_scope_lines_sit_above_the_summary(design: Plan) -> None:
    from wcsync.core.plan import PlanSettings

    md = render_markdown(
        design.model_copy(update={"settings": PlanSettings(allow_deletes=True, targets=("A_B",))})
    )
    head = md.split("**Plan:")[0]
    assert "⚠️ Only A\\_B (--target): the rest of the store was not compared.\n" in head
    assert "⚠️ Guards overridden: --allow-deletes.\n" in head


def test_a_product_without_a_change_of_its_own_has_no_blank_symbol(full: Plan) -> None:
    md = render_markdown(full)
    assert (
        "<summary>unchanged product <code>HOODIE</code> (2 variations · ⚠️ 1 note)</summary>\n"
        "\n"
        "No change to the product itself.\n"
    ) in md
    assert "<code> </code>" not in md
