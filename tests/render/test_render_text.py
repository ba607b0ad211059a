"""The text form: design.md §5's shape, line by line, and colour only when asked."""

from __future__ import annotations

from syrupy.assertion import SnapshotAssertion

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, FieldChange, Info, Note, Plan, StoreRef
from wcsync.render import render_text

DESIGN_TEXT = """\
wcsync plan · store production (https://shop.example.com, WooCommerce 11.0) · catalog 3f2a1c9

  + category  clothing/hoodies        "Hoodies & Sweatshirts"
  ~ product   HOODIE-CLASSIC          "Classic Hoodie & Co"
      regular_price   40.00 → 45.00  (+12.5 %)
      categories      [clothing] → [clothing/hoodies]
    + variation HOODIE-CLASSIC-BLUE-L
  ± product   MUG-LOGO                adopt (exists live, not yet managed)
  - product   MUG-OLD                 "Old mug" → trash

Plan: 2 to create, 1 to update, 1 to adopt, 1 to delete.
"""


def test_design_example_is_rendered_exactly(design: Plan) -> None:
    assert render_text(design) == DESIGN_TEXT


def test_no_colour_unless_asked(design: Plan) -> None:
    assert "\x1b[" not in render_text(design)
    assert "\x1b[" not in render_text(design, color=False)


def test_colour_styles_symbols_but_keeps_the_words(design: Plan) -> None:
    coloured = render_text(design, color=True)
    assert "\x1b[32m" in coloured  # green create
    assert "\x1b[31m" in coloured  # red delete
    assert "\x1b[36m" in coloured  # cyan adopt
    assert coloured.startswith("\x1b[1mwcsync plan · store production")  # bold, not cancelled by "not dim"
    assert "\x1b[22m" not in coloured
    stripped = __import__("click").unstyle(coloured)
    assert stripped == DESIGN_TEXT


def test_every_action_and_note(full: Plan) -> None:
    text = render_text(full)
    lines = text.splitlines()
    assert lines[0] == "wcsync plan · store staging (https://staging.example.com) · catalog 0123456"
    assert '  + attribute      color                   "Color"' in lines
    assert '  ~ shipping class bulky                   "Bulky"' in lines
    assert "  ± tag            winter                  adopt (exists live, not yet managed)" in lines
    assert (
        '  ~ product        SCARF-WOOL              "Wool Scarf" restore (in the trash: untrash, then update)'
        in lines
    )
    assert '  - product        MUG-OLD                 "Old mug" → delete permanently' in lines
    # price change: the percentage from the note sits on the field's line, the note is not repeated
    assert "      regular_price    20.00 → 15.50  (-22.5 %)" in lines
    assert not any("regular_price 20.00 → 15.50 (-22.5 %)" in line for line in lines)
    # every other note is printed under its resource
    for message in (
        "slug t-shirts → tops: links to the old address break",
        "SKU TEE-OLD → TEE-BASIC: orders and feeds that use the old SKU no longer match",
        "type simple → variable",
        "unpublished: status publish → draft, the product leaves the shop",
        "published: the product appears in the shop",
        "option S of Size is removed but variation HAT-S still uses it",
        "category sale still holds 4 products; they move to Uncategorized",
        "sale_price removed",
    ):
        assert sum(1 for line in lines if line.strip() == f"! {message}") == 1, message
    assert "      meta._old_flag   (removed)" in lines
    assert lines[-1] == "Plan: 3 to create, 5 to update, 1 to restore, 1 to adopt, 3 to delete."


def test_variations_nest_under_their_product(full: Plan) -> None:
    lines = render_text(full).splitlines()
    tee = lines.index('  ~ product        TEE-BASIC               "Basic Tee | \\"Best\\""')
    xs = lines.index("    - variation      TEE-BASIC-XS          → delete permanently")
    assert (
        tee
        < xs
        < lines.index(
            '  ~ product        SCARF-WOOL              "Wool Scarf" restore (in the trash: untrash, then update)'
        )
    )
    # a product without a change of its own still heads its variations
    hoodie = lines.index("    product        HOODIE")
    assert lines[hoodie + 1] == "    ~ variation      HOODIE-RED-M"
    assert lines[hoodie + 2] == "        sale_price      39.00 → (none)"
    assert lines[hoodie + 4] == "    + variation      HOODIE[Color=Blue,Size=L]"


def test_creates_list_no_fields(design: Plan) -> None:
    text = render_text(design)
    assert "parent" not in text
    assert "48.00" not in text


def test_info_is_a_separate_section_after_the_changes(full: Plan) -> None:
    lines = render_text(full).splitlines()
    start = lines.index("Information (not changes; nothing is written):")
    assert lines[start + 1 :] == [
        "  · product        TEE-BASIC               store-owned field differs (left alone)",
        "      stock_quantity  store 10 · catalogue 7",
        "  · product        GIFT-CARD               not in the catalogue and not managed by wcsync: left alone",
        "",
        "Plan: 3 to create, 5 to update, 1 to restore, 1 to adopt, 3 to delete.",
    ]
    assert start > max(i for i, line in enumerate(lines) if line.startswith("  - "))


def test_empty_plan(empty: Plan) -> None:
    assert render_text(empty) == (
        "wcsync plan · store production (https://shop.example.com, WooCommerce 11.0) · catalog 3f2a1c9\n"
        "\n"
        "No changes. The store matches the catalogue.\n"
    )


def test_empty_plan_with_info_only() -> None:
    plan = Plan(
        store=StoreRef(name="s", url="sandbox:x.db"),
        catalog_version="v1",
        info=(Info(kind=Kind.TAG, key="sale", message="unmanaged: left alone"),),
    )
    assert render_text(plan) == (
        "wcsync plan · store s (sandbox:x.db) · catalog v1\n"
        "\n"
        "Information (not changes; nothing is written):\n"
        "  · tag       sale                    unmanaged: left alone\n"
        "\n"
        "No changes. The store matches the catalogue; the information shown is not a change.\n"
    )


def test_long_text_is_shortened_and_multiline_text_is_one_line() -> None:
    plan = Plan(
        store=StoreRef(name="s", url="u"),
        catalog_version="v",
        changes=(
            Change(
                kind=Kind.PRODUCT,
                action=Action.UPDATE,
                key="A",
                changes=(
                    FieldChange(field="short_description", before="line one\nline two", after="x" * 100),
                ),
            ),
        ),
    )
    line = render_text(plan).splitlines()[3]
    assert line == '      short_description   "line one line two" → "' + "x" * 59 + '…"'


def test_snapshot(full: Plan, snapshot_txt: SnapshotAssertion) -> None:
    assert render_text(full) == snapshot_txt


def test_info_about_several_resources_has_no_key() -> None:
    plan = Plan(
        store=StoreRef(name="s", url="u"),
        catalog_version="v",
        info=(
            Info(
                kind=Kind.PRODUCT,
                key="*",
                message="2 live product(s) not managed by wcsync … left alone: A, B",
            ),
        ),
    )
    assert "  · product   2 live product(s) not managed by wcsync … left alone: A, B" in (
        render_text(plan).splitlines()
    )


def test_a_title_on_several_lines_stays_on_its_line() -> None:
    plan = Plan(
        store=StoreRef(name="s", url="u"),
        catalog_version="v",
        changes=(Change(kind=Kind.TAG, action=Action.CREATE, key="t", title="Two\nlines"),),
    )
    assert render_text(plan).splitlines()[2] == '  + tag       t                       "Two lines"'


def test_scope_lines_for_targets_and_overridden_guards(design: Plan) -> None:
    from wcsync.core.plan import PlanSettings

    scoped = design.model_copy(
        update={
            "settings": PlanSettings(targets=("HOODIE-CLASSIC",), allow_price_drops=True, allow_changes=True)
        }
    )
    assert render_text(scoped).splitlines()[:4] == [
        "wcsync plan · store production (https://shop.example.com, WooCommerce 11.0) · catalog 3f2a1c9",
        "Only HOODIE-CLASSIC (--target): the rest of the store was not compared.",
        "Guards overridden: --allow-changes --allow-price-drops.",
        "",
    ]


def _info_text(*info: Info) -> list[str]:
    lines = render_text(Plan(store=StoreRef(name="s", url="u"), catalog_version="v", info=info)).splitlines()
    start = lines.index("Information (not changes; nothing is written):")
    return lines[start + 1 : -2]


def test_info_with_and_without_key_keeps_the_message_column() -> None:
    """A key-less row among rows with keys shows "—" as its key, so every message starts in one column; a
    shipping class is labelled as in the changes."""
    assert _info_text(
        Info(kind=Kind.PRODUCT, key="GIFT-CARD", message="not in the catalogue; kept because delete: never"),
        Info(kind=Kind.PRODUCT, key="*", message="2 live product(s) … left alone: A, B"),
        Info(kind=Kind.SHIPPING_CLASS, key="*", message="1 live shipping class(es) … left alone: bulky"),
    ) == [
        "  · product        GIFT-CARD               not in the catalogue; kept because delete: never",
        "  · product        —                       2 live product(s) … left alone: A, B",
        "  · shipping class —                       1 live shipping class(es) … left alone: bulky",
    ]


def test_info_field_lines_long_names_and_fields_without_values() -> None:
    """A field name longer than the column keeps two spaces before "store"; a field WooCommerce ignores (no
    values to compare) is named alone, never as "store (none) · catalogue (none)"."""
    assert _info_text(
        Info(
            kind=Kind.VARIATION,
            key="HOODIE-RED-M",
            field="date_on_sale_from",
            before="2026-01-01T00:00:00",
            after=None,
            message="store-owned field differs (left alone)",
        ),
        Info(
            kind=Kind.PRODUCT,
            key="HOODIE",
            field="regular_price",
            message="WooCommerce ignores regular_price on a variable product; set prices on its variations: "
            "not compared, not written",
        ),
    ) == [
        "  · variation HOODIE-RED-M            store-owned field differs (left alone)",
        "      date_on_sale_from  store 2026-01-01T00:00:00 · catalogue (none)",
        "  · product   HOODIE                  WooCommerce ignores regular_price on a variable product; set prices "
        "on its variations: not compared, not written",
        "      regular_price",
    ]


def test_notes_of_a_create_are_shown_its_fields_are_not() -> None:
    plan = Plan(
        store=StoreRef(name="s", url="u"),
        catalog_version="v",
        changes=(
            Change(
                kind=Kind.PRODUCT,
                action=Action.CREATE,
                key="MUG",
                title="Mug",
                changes=(FieldChange(field="name", after="Mug"),),
                notes=(Note(code="sku-moves", message="its SKU MUG was held by a trashed product"),),
            ),
            Change(kind=Kind.TAG, action=Action.CREATE, key="sale", title="Sale"),
        ),
    )
    assert render_text(plan).splitlines()[2:5] == [
        '  + product   MUG                     "Mug"',
        "      ! its SKU MUG was held by a trashed product",
        '  + tag       sale                    "Sale"',
    ]
