"""wcsync's ``_wcsync`` mark as a real store returns it: PHP stores an empty JSON object as an empty array and
answers ``[]``, nested too (11#1-4). The mark is read through the wire layer from the captured bodies, and a
mark that is present but unreadable is a state of its own (said in the plan and in import), never "wrote
nothing"."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.core.captures import answered, sent
from tests.export.livestate import live_state, product
from tests.scenarios.builders import STORE
from wcsync.core.kinds import Kind
from wcsync.core.plan import PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState, Mark
from wcsync.engine import bookkeeping
from wcsync.export import export_catalog
from wcsync.store import wire


def php(value: Any) -> Any:
    """What WordPress's meta storage makes of a JSON value: every empty object becomes ``[]``, nested too."""
    if isinstance(value, dict):
        return {k: php(v) for k, v in value.items()} if value else []
    if isinstance(value, list):
        return [php(v) for v in value]
    return value


def _rows(ref: str) -> dict[str, Any]:
    return {row["key"]: row["value"] for row in answered(ref)["meta_data"]}


@pytest.mark.parametrize("ref", ["11#1", "11#2", "11#3", "11#4"])
def test_php_model_matches_every_captured_meta_answer(ref: str) -> None:
    # 11#1 and 11#2 answer the single POST; 11#3 and 11#4 the batch create (same values)
    request = sent("11#1") if ref in ("11#1", "11#2") else sent("11#3")["create"][0]
    body = answered(ref)["create"][0] if ref == "11#3" else answered(ref)
    sent_values = {row["key"]: row["value"] for row in request["meta_data"]}
    got = {row["key"]: row["value"] for row in body["meta_data"]}
    assert got == {k: php(v) for k, v in sent_values.items()}
    assert got["nested_obj"] == {"images": [], "v": 1}


def test_the_captured_nested_empty_object_is_a_readable_mark() -> None:
    body = {**answered("11#2"), "meta_data": [{"key": "_wcsync", "value": _rows("11#2")["nested_obj"]}]}
    mark = wire.product(body).mark
    assert mark == Mark(v=1, images={}) and mark.unreadable is None


def test_an_empty_mark_answered_as_php_empty_array_is_readable() -> None:
    body = {**answered("11#2"), "meta_data": [{"key": "_wcsync", "value": _rows("11#2")["empty_obj"]}]}
    mark = wire.product(body).mark
    assert mark == Mark() and mark.unreadable is None


def _written_mark(meta_keys: list[str], images: dict[str, int]) -> Any:
    """The mark wcsync writes, as the real store answers it."""
    return php(bookkeeping.mark_row(meta_keys, images)["value"])


def test_the_mark_wcsync_writes_reads_back_whole_after_php() -> None:
    stored = _written_mark(["care", "gtin"], {})
    assert stored["images"] == []  # what broke on the real store
    assert wire.parse_mark({"_wcsync": stored}) == Mark(meta_keys=("care", "gtin"))
    images = _written_mark([], {"https://cdn.example/a.jpg": 41})
    assert wire.parse_mark({"_wcsync": images}) == Mark(images={"https://cdn.example/a.jpg": 41})
    # as a JSON string, too
    assert wire.parse_mark({"_wcsync": json.dumps(stored)}) == Mark(meta_keys=("care", "gtin"))


def _live(mark_value: Any) -> LiveState:
    body = product(100, "MUG-1", "Mug", meta_data=[
        {"id": 1, "key": "_wcsync", "value": mark_value},
        {"id": 2, "key": "care", "value": "Hand wash"},
        {"id": 3, "key": "gtin", "value": "0704"},
    ])
    return LiveState(products=(wire.product(body),))


def _desired() -> DesiredState:
    return DesiredState(products=(
        DesiredResource(kind=Kind.PRODUCT, key="MUG-1", fields={"name": "Mug", "meta": {"care": "Hand wash"}}),
    ))


def test_a_meta_key_removed_from_the_catalogue_is_deleted_when_the_mark_comes_back_php_shaped() -> None:
    plan = build_plan(_desired(), _live(_written_mark(["care", "gtin"], {})), PlanSettings(), store=STORE)
    assert [(c.key, c.meta_deletes) for c in plan.changes] == [("MUG-1", ("gtin",))]
    assert plan.info == ()


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("{not json", "it is not JSON"),
        (["care"], "it is a list, not a JSON object"),
        ({"v": 1, "meta_keys": "care"}, "its 'meta_keys' has the wrong shape"),
        ({"v": 1, "meta_keys": ["gtin"], "images": ["a.jpg"]}, "its 'images' has the wrong shape"),
    ],
)
def test_an_unreadable_mark_is_managed_and_said_in_the_plan(value: Any, why: str) -> None:
    live = _live(value)
    mark = live.products[0].mark
    assert mark is not None and mark.unreadable == why
    plan = build_plan(_desired(), live, PlanSettings(), store=STORE)
    assert [c.meta_deletes for c in plan.changes] == []  # nothing to delete is known, nothing else differs
    assert [(i.kind, i.key, i.field, i.message) for i in plan.info] == [
        (Kind.PRODUCT, "MUG-1", "meta", f"its wcsync bookkeeping (meta _wcsync) could not be read ({why}), so "
         "meta deletions cannot be planned for it; the next write to it stores the bookkeeping again"),
    ]


def test_a_partly_unreadable_mark_is_not_trusted_at_all() -> None:
    mark = wire.parse_mark({"_wcsync": {"v": 1, "meta_keys": ["gtin"], "images": "x"}})
    assert mark == Mark(unreadable="its 'images' has the wrong shape") and mark.meta_keys == ()
    # the reason is never stored back
    assert "unreadable" not in mark.model_dump(mode="json")


def test_import_keeps_meta_and_writes_meta_fields_when_marks_come_back_php_shaped() -> None:
    base = live_state(clean=True)
    stored = _written_mark(["care"], {})
    products = tuple(
        wire.product(product(100, "MUG-1", "Mug", meta_data=[{"key": "_wcsync", "value": stored},
                                                             {"key": "care", "value": "Hand wash"}]))
        if p.key == "MUG-1" else p
        for p in base.products
    )
    files = export_catalog(base.model_copy(update={"products": products})).files
    assert files["products/mug-1.yaml"]["meta"] == {"care": "Hand wash"}
    assert files["meta-fields.yaml"] == {"meta_fields": [{"key": "care", "type": "string", "applies_to": ["simple"]}]}


def test_import_says_when_a_mark_cannot_be_read() -> None:
    base = live_state(clean=True)
    products = tuple(
        wire.product(product(100, "MUG-1", "Mug", meta_data=[{"key": "_wcsync", "value": "{broken"},
                                                             {"key": "care", "value": "Hand wash"}]))
        if p.key == "MUG-1" else p
        for p in base.products
    )
    result = export_catalog(base.model_copy(update={"products": products}))
    assert "meta" not in result.files["products/mug-1.yaml"]
    assert [str(w) for w in result.warnings if "bookkeeping" in w.reason] == [
        "product MUG-1 (#100): its wcsync bookkeeping (meta _wcsync) could not be read (it is not JSON), so the "
        "meta keys wcsync wrote are unknown and not imported: name them with --meta KEY"
    ]
