from __future__ import annotations

from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change, FieldChange, Plan, StoreRef
from wcsync.core.records import LiveResource, LiveState
from wcsync.engine.converge import convergence_errors
from wcsync.engine.model import ApplyResult, ItemResult, Status
from wcsync.engine.stale import stale_changes


def _plan(*changes: Change) -> Plan:
    return Plan(store=StoreRef(name="s", url="sandbox:x"), catalog_version="v", changes=changes)


def test_stale_object_by_object() -> None:
    plan = _plan(
        Change(kind=Kind.PRODUCT, action=Action.UPDATE, key="SAME", live_id=1, date_modified="2026-01-01T00:00:00"),
        Change(kind=Kind.PRODUCT, action=Action.UPDATE, key="EDITED", live_id=2, date_modified="2026-01-01T00:00:00"),
        Change(kind=Kind.PRODUCT, action=Action.UPDATE, key="GONE", live_id=3, date_modified="2026-01-01T00:00:00"),
        Change(kind=Kind.PRODUCT, action=Action.CREATE, key="new-sku"),
        Change(kind=Kind.PRODUCT, action=Action.CREATE, key="STILL-NEW"),
        Change(kind=Kind.CATEGORY, action=Action.CREATE, key="clothing/hoodies"),
        Change(kind=Kind.PRODUCT, action=Action.DELETE, key="DELETED-ALREADY", live_id=9),
    )
    live = LiveState(
        products=(
            LiveResource(kind=Kind.PRODUCT, id=1, key="SAME", date_modified="2026-01-01T00:00:00"),
            LiveResource(kind=Kind.PRODUCT, id=2, key="EDITED", date_modified="2026-01-02T10:00:00"),
            LiveResource(kind=Kind.PRODUCT, id=4, key="NEW-SKU", date_modified="2026-01-02T10:00:00"),
        ),
        categories=(LiveResource(kind=Kind.CATEGORY, id=7, key="hoodies"),),
    )
    assert stale_changes(plan, live) == {
        (Kind.PRODUCT, "EDITED"): "changed in the store since planning (modified 2026-01-02T10:00:00, plan saw "
                                  "2026-01-01T00:00:00); plan again",
        (Kind.PRODUCT, "GONE"): "no longer exists in the store (id 3); plan again",
        (Kind.PRODUCT, "new-sku"): "already exists in the store (created since planning); plan again",
        (Kind.CATEGORY, "clothing/hoodies"): "already exists in the store (created since planning); plan again",
    }


def test_a_saved_plan_restoring_trashed_variations_is_not_stale() -> None:
    plan = _plan(
        Change(kind=Kind.PRODUCT, action=Action.RESTORE, key="VAR", live_id=1, date_modified="2026-01-01T00:00:00"),
        Change(kind=Kind.VARIATION, action=Action.RESTORE, key="VAR-S", parent_key="VAR", live_id=2,
               live_parent_id=1, date_modified="2026-01-01T00:00:00"),
    )
    in_trash = {"status": "trash", "date_modified": "2026-01-01T00:00:00"}
    live = LiveState(
        trashed_products=(LiveResource(kind=Kind.PRODUCT, id=1, key="VAR", **in_trash),),
        trashed_variations=(LiveResource(kind=Kind.VARIATION, id=2, key="VAR-S", parent_id=1, **in_trash),),
    )
    assert stale_changes(plan, live) == {}
    assert stale_changes(plan, live.model_copy(update={"trashed_variations": ()})) == {
        (Kind.VARIATION, "VAR-S"): "no longer exists in the store (id 2); plan again"}


def test_convergence_names_resource_and_field_only_for_written_items() -> None:
    result = ApplyResult(items=[
        ItemResult(kind=Kind.PRODUCT, key="A", action="update", status=Status.APPLIED, id=1),
        ItemResult(kind=Kind.PRODUCT, key="B", action="update", status=Status.FAILED, id=2),
        ItemResult(kind=Kind.TAG, key="t", action="create", status=Status.APPLIED, id=3),
    ])
    remaining = [
        Change(kind=Kind.PRODUCT, action=Action.UPDATE, key="A",
               changes=(FieldChange(field="name", before="A &amp; B", after="A & B"),)),
        Change(kind=Kind.PRODUCT, action=Action.UPDATE, key="B",
               changes=(FieldChange(field="name", before="x", after="y"),)),
        Change(kind=Kind.TAG, action=Action.CREATE, key="t"),
    ]
    assert convergence_errors(remaining, result) == [
        'product A: still differs after apply: name is "A &amp; B", catalogue wants "A & B"',
        "tag t: still missing from the store after apply created it",
    ]
    result.convergence_errors = convergence_errors(remaining, result)
    assert result.exit_code == 3


def test_a_failed_second_pass_is_not_called_a_perpetual_diff() -> None:
    result = ApplyResult(items=[
        ItemResult(kind=Kind.PRODUCT, key="A", action="create", status=Status.APPLIED, id=1,
                   followup_error="second pass (links, image map) failed: 502"),
        ItemResult(kind=Kind.PRODUCT, key="B", action="create", status=Status.APPLIED, id=2),
    ])
    remaining = [Change(kind=Kind.PRODUCT, action=Action.UPDATE, key=k,
                        changes=(FieldChange(field="upsells", before=[], after=["B"]),)) for k in ("A", "B")]
    assert convergence_errors(remaining, result) == [
        'product B: still differs after apply: upsells is [], catalogue wants ["B"]']
    assert result.exit_code == 3  # A's failed second pass alone makes the run incomplete


def test_only_a_write_the_store_answered_proves_a_perpetual_diff() -> None:
    from wcsync.engine.converge import perpetual

    result = ApplyResult(items=[
        ItemResult(kind=Kind.PRODUCT, key="ANSWERED", action="update", status=Status.APPLIED, id=1),
        ItemResult(kind=Kind.PRODUCT, key="SETTLED", action="create", status=Status.APPLIED, id=2, recovered=True),
    ])
    remaining = [Change(kind=Kind.PRODUCT, action=Action.UPDATE, key=k,
                        changes=(FieldChange(field="name", before="x", after="y"),)) for k in ("ANSWERED", "SETTLED")]
    assert len(convergence_errors(remaining, result)) == 2
    assert perpetual(remaining, result) == ['product ANSWERED: still differs after apply: name is "x", catalogue '
                                            'wants "y"']
    assert perpetual(remaining[1:], result) == []


def test_unproven_convergence_is_exit_3_and_said_in_the_summary() -> None:
    result = ApplyResult(items=[ItemResult(kind=Kind.PRODUCT, key="A", action="update", status=Status.APPLIED)])
    assert result.exit_code == 0 and result.summary() == "Apply: 1 applied."
    result.unproven = "the store could not be re-read to check convergence: the connection dropped"
    assert result.exit_code == 3 and not result.ok
    assert result.summary() == ("Apply: 1 applied. Convergence unproven: the store could not be re-read afterwards; "
                                "run `wcsync plan` to check.")
    assert result.as_json()["convergence_unproven"] == result.unproven
