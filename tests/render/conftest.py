"""Hand-built plans for the renderer tests, and syrupy extensions that store snapshots as readable files."""

from __future__ import annotations

from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from wcsync.core.kinds import Kind
from wcsync.core.plan import (
    Action,
    Change,
    DeleteMode,
    FieldChange,
    Info,
    Note,
    Plan,
    PlanSettings,
    StoreRef,
)


class _TextSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT


class TxtSnapshot(_TextSnapshot):
    file_extension = "txt"


class MdSnapshot(_TextSnapshot):
    file_extension = "md"


class JsonSnapshot(_TextSnapshot):
    file_extension = "json"


@pytest.fixture
def snapshot_txt(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(TxtSnapshot)


@pytest.fixture
def snapshot_md(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(MdSnapshot)


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JsonSnapshot)


STORE = StoreRef(name="production", url="https://shop.example.com", wc_version="11.0")


def fc(field: str, before: Any = None, after: Any = None) -> FieldChange:
    return FieldChange(field=field, before=before, after=after)


def design_plan() -> Plan:
    """The example of design.md §5."""
    return Plan(
        store=STORE,
        catalog_version="3f2a1c9",
        changes=(
            Change(
                kind=Kind.CATEGORY,
                action=Action.CREATE,
                key="clothing/hoodies",
                title="Hoodies & Sweatshirts",
                changes=(fc("name", None, "Hoodies & Sweatshirts"), fc("parent", None, "clothing")),
            ),
            Change(
                kind=Kind.PRODUCT,
                action=Action.UPDATE,
                key="HOODIE-CLASSIC",
                live_id=12,
                title="Classic Hoodie & Co",
                changes=(
                    fc("regular_price", "40.00", "45.00"),
                    fc("categories", ["clothing"], ["clothing/hoodies"]),
                ),
                notes=(
                    Note(
                        code="price-change",
                        message="regular_price 40.00 → 45.00 (+12.5 %)",
                        field="regular_price",
                        percent=12.5,
                    ),
                ),
                date_modified="2026-05-01T10:00:00",
            ),
            Change(
                kind=Kind.PRODUCT,
                action=Action.ADOPT,
                key="MUG-LOGO",
                live_id=13,
                title="Logo Mug",
                date_modified="2026-05-01T10:00:00",
            ),
            Change(
                kind=Kind.VARIATION,
                action=Action.CREATE,
                key="HOODIE-CLASSIC-BLUE-L",
                parent_key="HOODIE-CLASSIC",
                live_parent_id=12,
                changes=(
                    fc("regular_price", None, "48"),
                    fc("attributes", None, {"pa_color": "Blue", "pa_size": "L"}),
                ),
            ),
            Change(
                kind=Kind.PRODUCT,
                action=Action.DELETE,
                key="MUG-OLD",
                live_id=14,
                title="Old mug",
                delete_mode=DeleteMode.TRASH,
                date_modified="2026-05-01T10:00:00",
            ),
        ),
    )


def full_plan() -> Plan:
    """Every action, every impact note, meta deletes, info, a variation whose product does not change."""
    return Plan(
        store=StoreRef(name="staging", url="https://staging.example.com", wc_version=None),
        catalog_version="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        settings=PlanSettings(store_owned=("stock_quantity",), max_deletes=5),
        changes=(
            Change(
                kind=Kind.ATTRIBUTE,
                action=Action.CREATE,
                key="color",
                title="Color",
                changes=(fc("name", None, "Color"), fc("has_archives", None, False)),
            ),
            Change(
                kind=Kind.TERM,
                action=Action.CREATE,
                key="color/red",
                parent_key="color",
                title="Red",
                changes=(fc("name", None, "Red"),),
            ),
            Change(
                kind=Kind.SHIPPING_CLASS,
                action=Action.UPDATE,
                key="bulky",
                live_id=3,
                title="Bulky",
                changes=(fc("description", "Big", "Big & heavy"),),
            ),
            Change(
                kind=Kind.CATEGORY,
                action=Action.UPDATE,
                key="clothing/tops",
                live_id=20,
                title="Tops",
                changes=(fc("slug", "t-shirts", "tops"),),
                notes=(
                    Note(code="slug-change", message="slug t-shirts → tops: links to the old address break"),
                ),
            ),
            Change(
                kind=Kind.TAG,
                action=Action.ADOPT,
                key="winter",
                live_id=31,
                title="Winter",
                changes=(fc("description", "", "Cold days"),),
            ),
            Change(
                kind=Kind.PRODUCT,
                action=Action.UPDATE,
                key="TEE-BASIC",
                live_id=40,
                title='Basic Tee | "Best"',
                changes=(
                    fc("sku", "TEE-OLD", "TEE-BASIC"),
                    fc("type", "simple", "variable"),
                    fc("status", "publish", "draft"),
                    fc("regular_price", "20", "15.5"),
                    fc("sale_price", None, "12.00"),
                    fc("weight", "0.250", "0.3"),
                    fc("featured", False, True),
                    fc("description", "<p>" + "Soft cotton. " * 10 + "</p>", "<p>New</p>"),
                    fc(
                        "images",
                        [{"src": "https://cdn.example.com/a.jpg", "alt": "A"}],
                        [
                            {"src": "https://cdn.example.com/a.jpg", "alt": "A"},
                            {"src": "https://cdn.example.com/b`c.jpg", "alt": "B"},
                        ],
                    ),
                    fc(
                        "attributes",
                        [],
                        [
                            {
                                "name": "Color",
                                "slug": "color",
                                "options": ["Red", "Blue"],
                                "visible": True,
                                "variation": True,
                            }
                        ],
                    ),
                    fc("meta", {"_yoast_wpseo_metadesc": "old"}, {"_yoast_wpseo_metadesc": "new"}),
                ),
                meta_deletes=("_old_flag",),
                notes=(
                    Note(
                        code="sku-change",
                        message="SKU TEE-OLD → TEE-BASIC: orders and feeds that use the old SKU no longer match",
                    ),
                    Note(code="type-change", message="type simple → variable"),
                    Note(
                        code="unpublish",
                        message="unpublished: status publish → draft, the product leaves the shop",
                    ),
                    Note(
                        code="price-change",
                        message="regular_price 20.00 → 15.50 (-22.5 %)",
                        field="regular_price",
                        percent=-22.5,
                    ),
                ),
                date_modified="2026-05-01T10:00:00",
            ),
            Change(
                kind=Kind.PRODUCT,
                action=Action.RESTORE,
                key="SCARF-WOOL",
                live_id=41,
                title="Wool Scarf",
                changes=(fc("status", "trash", "publish"),),
                notes=(Note(code="publish", message="published: the product appears in the shop"),),
            ),
            Change(
                kind=Kind.PRODUCT,
                action=Action.UPDATE,
                key="HAT-<b>",
                live_id=42,
                title="Hat <script>x</script>",
                changes=(
                    fc(
                        "attributes",
                        [
                            {
                                "name": "Size",
                                "slug": "size",
                                "options": ["S", "M"],
                                "visible": True,
                                "variation": True,
                            }
                        ],
                        [
                            {
                                "name": "Size",
                                "slug": "size",
                                "options": ["M"],
                                "visible": True,
                                "variation": True,
                            }
                        ],
                    ),
                ),
                notes=(
                    Note(
                        code="option-in-use",
                        message="option S of Size is removed but variation HAT-S still uses it",
                    ),
                ),
            ),
            Change(
                kind=Kind.VARIATION,
                action=Action.UPDATE,
                key="HOODIE-RED-M",
                parent_key="HOODIE",
                live_id=51,
                live_parent_id=50,
                changes=(fc("sale_price", "39.00", None),),
                notes=(Note(code="price-change", message="sale_price removed", field="sale_price"),),
            ),
            Change(
                kind=Kind.VARIATION,
                action=Action.CREATE,
                key="HOODIE[Color=Blue,Size=L]",
                parent_key="HOODIE",
                live_parent_id=50,
                changes=(
                    fc("attributes", None, {"pa_color": "Blue", "pa_size": "L"}),
                    fc("regular_price", None, "45"),
                ),
            ),
            Change(
                kind=Kind.VARIATION,
                action=Action.DELETE,
                key="TEE-BASIC-XS",
                parent_key="TEE-BASIC",
                live_id=60,
                live_parent_id=40,
                delete_mode=DeleteMode.FORCE,
            ),
            Change(
                kind=Kind.PRODUCT,
                action=Action.DELETE,
                key="MUG-OLD",
                live_id=70,
                title="Old mug",
                delete_mode=DeleteMode.FORCE,
            ),
            Change(
                kind=Kind.CATEGORY,
                action=Action.DELETE,
                key="sale",
                live_id=21,
                title="Sale",
                delete_mode=DeleteMode.FORCE,
                notes=(
                    Note(
                        code="category-in-use",
                        message="category sale still holds 4 products; they move to Uncategorized",
                    ),
                ),
            ),
        ),
        info=(
            Info(
                kind=Kind.PRODUCT,
                key="TEE-BASIC",
                message="store-owned field differs (left alone)",
                field="stock_quantity",
                before=10,
                after=7,
            ),
            Info(
                kind=Kind.PRODUCT,
                key="GIFT-CARD",
                message="not in the catalogue and not managed by wcsync: left alone",
            ),
        ),
    )


@pytest.fixture
def design() -> Plan:
    return design_plan()


@pytest.fixture
def full() -> Plan:
    return full_plan()


@pytest.fixture
def empty() -> Plan:
    return Plan(store=STORE, catalog_version="3f2a1c9")
