from __future__ import annotations

import asyncio
from typing import Any

from tests.engine.fakes import FakeWriter
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, DeleteMode, FieldChange, Plan, StoreRef
from wcsync.engine import Status, execute
from wcsync.engine.model import ApplyResult, Op
from wcsync.store.payload import ENCODER


def ch(kind: Kind, action: Action, key: str, **fields: Any) -> Change:
    extra: dict[str, Any] = {}
    for name in ("live_id", "parent_key", "live_parent_id", "delete_mode", "attachments", "mark_meta_keys"):
        if name in fields:
            extra[name] = fields.pop(name)
    return Change(kind=kind, action=action, key=key,
                  changes=tuple(FieldChange(field=f, after=v) for f, v in fields.items()), **extra)


def plan(*changes: Change, refs: dict[str, dict[str, int]] | None = None) -> Plan:
    return Plan(store=StoreRef(name="t", url="sandbox:x"), catalog_version="v1", changes=changes,
                refs=refs or {})


def run(p: Plan, writer: FakeWriter, **kw: Any) -> ApplyResult:
    return asyncio.run(execute(p, writer, encoder=ENCODER, **kw))


def test_dependency_order_top_down_then_deletes_bottom_up() -> None:
    p = plan(
        ch(Kind.PRODUCT, Action.DELETE, "OLD", live_id=7, delete_mode=DeleteMode.TRASH),
        ch(Kind.VARIATION, Action.CREATE, "H-RED", parent_key="H", sku="H-RED", attributes={"pa_color": "Red"}),
        ch(Kind.PRODUCT, Action.CREATE, "H", name="Hoodie", categories=["clothing/hoodies"]),
        ch(Kind.CATEGORY, Action.CREATE, "clothing/hoodies", name="Hoodies", parent="clothing"),
        ch(Kind.CATEGORY, Action.CREATE, "clothing", name="Clothing", parent=None),
        ch(Kind.TERM, Action.CREATE, "color/red", parent_key="color", name="Red"),
        ch(Kind.ATTRIBUTE, Action.CREATE, "color", name="Color"),
        ch(Kind.CATEGORY, Action.DELETE, "old/leaf", live_id=3),
        ch(Kind.CATEGORY, Action.DELETE, "old", live_id=2),
        ch(Kind.VARIATION, Action.DELETE, "OLD-V", live_id=9, live_parent_id=7, delete_mode=DeleteMode.FORCE),
    )
    writer = FakeWriter()
    result = run(p, writer)
    assert writer.sequence() == [
        ("attribute", "create", "color"),
        ("term", "create", "color/red"),
        ("category", "create", "clothing"),
        ("category", "create", "clothing/hoodies"),
        ("product", "create", "H"),
        ("variation", "create", "H-RED"),
        ("variation", "delete", "OLD-V"),
        ("product", "trash", "OLD"),
        ("category", "delete", "old/leaf"),
        ("category", "delete", "old"),
    ]
    assert result.ok and result.exit_code == 0
    ops = {op.key: op for _, batch in writer.calls for op in batch}
    # ids assigned earlier in the run are used by later stages
    assert ops["color/red"].parent_id == 101
    assert ops["clothing/hoodies"].payload["parent"] == 103
    assert ops["H"].payload["categories"] == [{"id": 104}]
    assert ops["H-RED"].parent_id == 105
    assert ops["H-RED"].payload["attributes"] == [{"id": 101, "option": "Red"}]


def test_variations_of_different_parents_are_separate_concurrent_writes() -> None:
    p = plan(
        ch(Kind.VARIATION, Action.UPDATE, "A-1", live_id=11, live_parent_id=1, regular_price="10"),
        ch(Kind.VARIATION, Action.UPDATE, "B-1", live_id=21, live_parent_id=2, regular_price="10"),
        ch(Kind.VARIATION, Action.UPDATE, "A-2", live_id=12, live_parent_id=1, regular_price="12.5"),
    )
    writer = FakeWriter()
    run(p, writer)
    assert [(k.value, [o.key for o in ops]) for k, ops in writer.calls] == [
        ("variation", ["A-1", "A-2"]), ("variation", ["B-1"])]
    assert writer.calls[0][1][1].payload == {"regular_price": "12.50"}


def test_partial_failure_stops_after_the_failed_stage() -> None:
    p = plan(
        ch(Kind.TAG, Action.CREATE, "winter", name="Winter"),
        ch(Kind.TAG, Action.CREATE, "summer", name="Summer"),
        ch(Kind.PRODUCT, Action.CREATE, "P1", name="P1"),
    )
    writer = FakeWriter(fail={"summer": "term_exists: A term with the name provided already exists."})
    result = run(p, writer)
    statuses = [(i.key, i.status, i.id) for i in result.items]
    assert statuses == [("winter", Status.APPLIED, 101), ("summer", Status.FAILED, 0), ("P1", Status.SKIPPED, 0)]
    assert result.stopped_after == "write tags"
    assert result.exit_code == 3
    assert result.summary() == ("Apply: 1 applied, 1 failed, 1 skipped. Stopped after the failed stage "
                                "write tags (--continue-on-error runs the rest).")
    assert [k for k, _ in writer.calls] == [Kind.TAG]


def test_continue_on_error_fails_only_dependents() -> None:
    p = plan(
        ch(Kind.CATEGORY, Action.CREATE, "bad", name="Bad"),
        ch(Kind.CATEGORY, Action.CREATE, "good", name="Good"),
        ch(Kind.PRODUCT, Action.CREATE, "P1", name="P1", categories=["bad"]),
        ch(Kind.PRODUCT, Action.CREATE, "P2", name="P2", categories=["good"]),
        ch(Kind.VARIATION, Action.CREATE, "P1-V", parent_key="P1", sku="P1-V"),
    )
    writer = FakeWriter(fail={"bad": "term_exists"})
    result = run(p, writer, continue_on_error=True)
    by_key = {i.key: i for i in result.items}
    assert by_key["P2"].status is Status.APPLIED
    assert by_key["P1"].status is Status.FAILED
    assert by_key["P1"].error == "categories: depends on category 'bad', its create failed: term_exists"
    assert by_key["P1-V"].status is Status.FAILED
    assert by_key["P1-V"].error is not None and by_key["P1-V"].error.startswith(
        "parent: depends on product 'P1', which could not be written")
    assert result.stopped_after is None
    # nothing depending on a failure was sent
    assert [op.key for _, ops in writer.calls for op in ops] == ["bad", "good", "P2"]


def test_links_to_products_created_in_the_run_are_set_in_a_second_pass() -> None:
    p = plan(
        ch(Kind.PRODUCT, Action.CREATE, "A", name="A", upsells=["B", "OLD"], cross_sells=["OLD"]),
        ch(Kind.PRODUCT, Action.CREATE, "B", name="B"),
        refs={"product": {"OLD": 5}},
    )
    writer = FakeWriter()
    result = run(p, writer)
    assert result.ok
    first, second = writer.calls
    assert [o.key for o in first[1]] == ["A", "B"]
    assert "upsell_ids" not in first[1][0].payload
    assert first[1][0].payload["cross_sell_ids"] == [5]
    assert [(o.op, o.id, o.payload) for o in second[1]] == [(Op.UPDATE, 101, {"upsell_ids": [102, 5]})]


def test_image_map_is_completed_from_the_response_positions() -> None:
    images = [{"src": "https://cdn/x.jpg", "alt": "X"}, {"src": "https://cdn/y.jpg", "alt": "Y"},
              {"src": "https://cdn/z.jpg", "alt": "Z"}]
    p = plan(ch(Kind.PRODUCT, Action.UPDATE, "A", live_id=40, images=images,
                attachments={"https://cdn/y.jpg": 77}, mark_meta_keys=("color_note",)))
    writer = FakeWriter(image_ids={"A": (501, 77, 502)})
    result = run(p, writer)
    assert result.ok
    first, second = writer.calls
    assert first[1][0].payload["images"] == [{"src": "https://cdn/x.jpg", "alt": "X"}, {"id": 77, "alt": "Y"},
                                             {"src": "https://cdn/z.jpg", "alt": "Z"}]
    assert first[1][0].payload["meta_data"] == [
        {"key": "_wcsync", "value": {"v": 1, "meta_keys": ["color_note"], "images": {"https://cdn/y.jpg": 77}}}]
    assert second[1][0].payload == {"meta_data": [{"key": "_wcsync", "value": {
        "v": 1, "meta_keys": ["color_note"],
        "images": {"https://cdn/x.jpg": 501, "https://cdn/y.jpg": 77, "https://cdn/z.jpg": 502}}}]}


UP = "https://shop/wp-content/uploads/2026/11/"


def _answer(*files: tuple[int, str]) -> tuple[dict[str, Any], ...]:
    return tuple({"id": att, "src": UP + name, "alt": "", "name": name} for att, name in files)


def test_no_image_map_pass_when_the_next_plan_finds_the_uploads_unambiguously() -> None:
    images = [{"src": "https://cdn/x.jpg"}, {"src": "https://cdn/y.jpg"}, {"src": "https://cdn/z.jpg"}]
    p = plan(ch(Kind.PRODUCT, Action.CREATE, "A", name="A", images=images, mark_meta_keys=("color_note",)),
             ch(Kind.VARIATION, Action.CREATE, "A-1", parent_key="A", image={"src": "https://cdn/v.jpg"},
                mark_meta_keys=()))
    # the store de-duplicated x.jpg (x-1.jpg): still one candidate per source
    writer = FakeWriter(images={"A": _answer((501, "x-1.jpg"), (502, "y.jpg"), (503, "z.jpg")),
                                "A-1": _answer((601, "v.jpg"))})
    result = run(p, writer)
    assert result.ok
    assert [(k, [o.op for o in ops]) for k, ops in writer.calls] == [
        (Kind.PRODUCT, [Op.CREATE]), (Kind.VARIATION, [Op.CREATE])]  # one request per endpoint, no second pass
    # the mark written at create still lists the meta keys (the image map stays for the next plan to find)
    assert writer.calls[0][1][0].payload["meta_data"] == [
        {"key": "_wcsync", "value": {"v": 1, "meta_keys": ["color_note"], "images": {}}}]
    assert all(i.followup_error is None for i in result.items)


def test_image_map_pass_kept_when_two_sources_share_a_file_name() -> None:
    images = [{"src": "https://cdn/a/mug.jpg"}, {"src": "https://cdn/b/mug.jpg"}]
    p = plan(ch(Kind.PRODUCT, Action.CREATE, "A", name="A", images=images, mark_meta_keys=()))
    writer = FakeWriter(images={"A": _answer((501, "mug.jpg"), (502, "mug-1.jpg"))})
    assert run(p, writer).ok
    _first, second = writer.calls
    assert second[1][0].payload == {"meta_data": [{"key": "_wcsync", "value": {
        "v": 1, "meta_keys": [], "images": {"https://cdn/a/mug.jpg": 501, "https://cdn/b/mug.jpg": 502}}}]}


def test_image_map_pass_kept_when_the_stored_file_names_are_ambiguous() -> None:
    # unique source file names, but the store renamed mug.jpg to mug-1.jpg (a mug.jpg existed already) and
    # mug-1.jpg to mug-1-1.jpg: attachment 501 could be either source, so the map must be written
    images = [{"src": "https://cdn/mug.jpg"}, {"src": "https://cdn/mug-1.jpg"}]
    p = plan(ch(Kind.PRODUCT, Action.CREATE, "A", name="A", images=images, mark_meta_keys=()))
    writer = FakeWriter(images={"A": _answer((501, "mug-1.jpg"), (502, "mug-1-1.jpg"))})
    assert run(p, writer).ok
    _first, second = writer.calls
    assert second[1][0].payload["meta_data"][0]["value"]["images"] == {
        "https://cdn/mug.jpg": 501, "https://cdn/mug-1.jpg": 502}


def test_links_still_take_the_second_pass_without_the_image_map() -> None:
    p = plan(ch(Kind.PRODUCT, Action.CREATE, "A", name="A", upsells=["B"], images=[{"src": "https://cdn/x.jpg"}],
                mark_meta_keys=()),
             ch(Kind.PRODUCT, Action.CREATE, "B", name="B"))
    writer = FakeWriter(images={"A": _answer((501, "x.jpg"))})
    assert run(p, writer).ok
    _first, second = writer.calls
    # the links need the second pass; the image map is not needed (the next plan finds x.jpg)
    assert [(o.op, o.id, o.payload) for o in second[1]] == [(Op.UPDATE, 101, {"upsell_ids": [102]})]


def test_no_second_pass_when_nothing_was_uploaded() -> None:
    p = plan(ch(Kind.PRODUCT, Action.UPDATE, "A", live_id=40, images=[{"src": "s", "alt": ""}],
                attachments={"s": 9}, mark_meta_keys=()))
    writer = FakeWriter(image_ids={"A": (9,)})
    run(p, writer)
    assert len(writer.calls) == 1


def test_stale_changes_are_left_alone_and_reported() -> None:
    p = plan(ch(Kind.PRODUCT, Action.UPDATE, "A", live_id=1, name="A2"),
             ch(Kind.PRODUCT, Action.UPDATE, "B", live_id=2, name="B2"))
    writer = FakeWriter()
    result = run(p, writer, skip={(Kind.PRODUCT, "A"): "changed in the store since planning"})
    assert [(i.key, i.status, i.error) for i in result.items] == [
        ("A", Status.STALE, "changed in the store since planning"), ("B", Status.APPLIED, None)]
    assert [o.key for _, ops in writer.calls for o in ops] == ["B"]
    assert result.exit_code == 3


def test_adopt_and_restore_write_the_mark() -> None:
    p = plan(ch(Kind.PRODUCT, Action.ADOPT, "A", live_id=1, mark_meta_keys=("k",), meta={"k": "v"}),
             ch(Kind.PRODUCT, Action.RESTORE, "B", live_id=2, mark_meta_keys=()))
    writer = FakeWriter()
    run(p, writer)
    a, b = writer.calls[0][1]
    assert a.op is Op.UPDATE and a.payload == {"meta_data": [
        {"key": "k", "value": "v"}, {"key": "_wcsync", "value": {"v": 1, "meta_keys": ["k"], "images": {}}}]}
    assert b.payload["status"] == "publish"


def test_every_kind_and_action_has_a_handler() -> None:
    from wcsync.engine.handlers import HANDLERS

    for kind in Kind:
        for action in Action:
            if action is Action.RESTORE and kind not in (Kind.PRODUCT, Kind.VARIATION):
                assert (kind, action) not in HANDLERS
            else:
                assert (kind, action) in HANDLERS


class _GateWriter(FakeWriter):
    """Each write waits until ``expected`` writes are in flight at once (or times out: then they were not
    concurrent)."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.expected = expected
        self.active = 0
        self.peak = 0
        self.all_in: asyncio.Event | None = None

    async def write(self, kind: Kind, ops: Any) -> Any:
        if self.all_in is None:
            self.all_in = asyncio.Event()
        self.active += 1
        self.peak = max(self.peak, self.active)
        if self.active >= self.expected:
            self.all_in.set()
        await asyncio.wait_for(self.all_in.wait(), timeout=2)
        self.active -= 1
        return await super().write(kind, ops)


def test_independent_batches_run_concurrently_dependent_stages_do_not() -> None:
    p = plan(
        ch(Kind.VARIATION, Action.UPDATE, "A-1", live_id=11, live_parent_id=1, regular_price="10"),
        ch(Kind.VARIATION, Action.UPDATE, "B-1", live_id=21, live_parent_id=2, regular_price="10"),
        ch(Kind.VARIATION, Action.UPDATE, "C-1", live_id=31, live_parent_id=3, regular_price="10"),
        ch(Kind.TERM, Action.CREATE, "color/red", parent_key="color", live_parent_id=5, name="Red"),
        ch(Kind.TERM, Action.CREATE, "size/s", parent_key="size", live_parent_id=6, name="S"),
    )
    writer = _GateWriter(expected=2)
    result = run(p, writer)
    assert result.ok
    # the terms of two attributes were in flight together, then the variations of three parents (peak 3);
    # had the two stages overlapped, all five writes would have been in flight at once
    assert writer.peak == 3
    assert [k for k, _ in writer.calls] == [Kind.TERM, Kind.TERM, Kind.VARIATION, Kind.VARIATION, Kind.VARIATION]


def test_a_value_the_store_cannot_take_fails_that_item_alone() -> None:
    p = plan(ch(Kind.PRODUCT, Action.UPDATE, "BAD", live_id=1, regular_price="twelve"),
             ch(Kind.PRODUCT, Action.UPDATE, "GOOD", live_id=2, regular_price="12"))
    writer = FakeWriter()
    result = run(p, writer)
    assert [(i.key, i.status, i.error) for i in result.items] == [
        ("BAD", Status.FAILED, "could not build the request: not a decimal: 'twelve'; nothing was sent for it"),
        ("GOOD", Status.APPLIED, None)]
    assert [o.key for _, ops in writer.calls for o in ops] == ["GOOD"]
    assert result.exit_code == 3
