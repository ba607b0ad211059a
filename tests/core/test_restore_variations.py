"""A trashed variable product comes back with its variations in one apply: restoring the parent leaves them in
the trash (11#14-17), where only ``status=trash`` lists them (11#8-10) and they keep their SKUs (11#13), so
the plan restores them (a variations batch update with a status, 11#27-29) instead of creating them again.
Built from the captured bodies through the wire layer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.core.captures import answered, sent
from tests.scenarios.builders import STORE, lines
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, PlanSettings
from wcsync.core.planner import build_plan
from wcsync.core.records import DesiredResource, DesiredState, LiveState
from wcsync.engine.converge import convergence_errors
from wcsync.engine.handlers import HANDLERS
from wcsync.engine.model import ApplyResult, ItemResult, Status
from wcsync.store import wire
from wcsync.store.fetch import restorable_parents
from wcsync.store.payload import ENCODER


def _desired(*, extra: bool = False) -> DesiredState:
    parent = sent("11#5")
    attrs = tuple({"name": a["name"], "slug": None, "options": tuple(a["options"]), "visible": a["visible"],
                   "variation": a["variation"]} for a in parent["attributes"])
    variations = [
        DesiredResource(kind=Kind.VARIATION, key=v["sku"], parent_key=parent["sku"],
                        fields={"sku": v["sku"], "regular_price": Decimal(v["regular_price"]),
                                "attributes": {a["name"]: a["option"] for a in v["attributes"]}})
        for v in sent("11#6")["create"]
    ]
    if extra:  # a variation the trash does not hold: created
        variations.append(DesiredResource(kind=Kind.VARIATION, key="B-VAR-L", parent_key=parent["sku"],
                                          fields={"sku": "B-VAR-L", "attributes": {"Size": "L"}}))
    return DesiredState(
        products=(DesiredResource(kind=Kind.PRODUCT, key=parent["sku"],
                                  fields={"name": parent["name"], "type": "variable", "attributes": attrs}),),
        variations=tuple(variations),
    )


def _trashed_variation_bodies() -> list[dict[str, Any]]:
    """The variations as created (11#6), with the status the trash list reports for them (11#9)."""
    status = {row["id"]: row["status"] for row in answered("11#9")}
    return [{**body, "status": status[body["id"]]} for body in answered("11#6")["create"]]


def _live(parent_status: str) -> LiveState:
    parent_sent = sent("11#5")
    body = {**answered("11#5"), "name": parent_sent["name"], "status": parent_status,
            "attributes": [{**a, "id": 0, "position": 0} for a in parent_sent["attributes"]]}
    if parent_status != "trash":  # restored by wcsync: marked (as PHP returns the mark, 11#2)
        body["meta_data"] = [{"id": 9, "key": "_wcsync", "value": {"v": 1, "meta_keys": [], "images": []}}]
    parent = wire.product(body)
    trashed = tuple(wire.variation(b, parent_id=parent.id, parent_sku=parent.key) for b in _trashed_variation_bodies())
    if parent_status == "trash":
        return LiveState(trashed_products=(parent,), trashed_variations=trashed)
    return LiveState(products=(parent,), trashed_variations=trashed)


def test_trashed_variations_are_read_with_their_trash_status() -> None:
    assert [(v.key, v.status) for v in _live("trash").trashed_variations] == [("B-VAR-S", "trash"), ("B-VAR-M", "trash")]


def test_a_trashed_parent_is_restored_with_its_variations_in_one_plan() -> None:
    plan = build_plan(_desired(), _live("trash"), PlanSettings(), store=STORE)
    assert lines(plan) == ["restore product B-PARENT", "restore variation B-VAR-M",
                           "restore variation B-VAR-S"]
    assert plan.info == ()
    restore = next(c for c in plan.changes if c.key == "B-VAR-S")
    assert restore.live_id == 432 and restore.live_parent_id == 431
    op = HANDLERS[(Kind.VARIATION, Action.RESTORE)](restore, lambda kind, key: None, (), ENCODER)
    # a variations batch update with the status restores it (11#27-29), and wcsync marks it
    assert op.op.value == "update" and op.id == 432 and op.parent_id == 431
    assert op.payload["status"] == "publish"
    assert [row["key"] for row in op.payload["meta_data"]] == ["_wcsync"]


def test_a_parent_restored_before_gets_its_variations_back_and_new_ones_created() -> None:
    # the parent is live again (restored by an earlier run or by hand), its variations still in the trash
    plan = build_plan(_desired(extra=True), _live("publish"), PlanSettings(), store=STORE)
    assert lines(plan) == ["create variation B-VAR-L [sku,attributes]", "restore variation B-VAR-M",
                           "restore variation B-VAR-S"]


def test_trashed_variations_are_read_only_for_parents_a_restore_brings_back() -> None:
    trash_meta = [{"id": 1, "key": "_wp_trash_meta_status", "value": "publish"}]  # left by a restore (11#21)
    products = [{"id": 1, "type": "variable", "meta_data": []}, {"id": 2, "type": "variable", "meta_data": trash_meta},
                {"id": 3, "type": "simple", "meta_data": trash_meta}]
    trash = [{"id": 4, "type": "variable"}, {"id": 5, "type": "simple"}]
    assert restorable_parents(products, trash) == [2, 4]


def test_convergence_covers_the_variations_a_restore_brings_back() -> None:
    # after an apply that restored the parent only, the re-plan still restores its variations: not converged
    live = _live("publish")
    remaining = build_plan(_desired(), live, PlanSettings(), store=STORE).changes
    result = ApplyResult(items=[ItemResult(kind=Kind.PRODUCT, key="B-PARENT", action="restore", status=Status.APPLIED)])
    assert convergence_errors(remaining, result) == [
        "variation B-VAR-M: still in the trash after apply",
        "variation B-VAR-S: still in the trash after apply",
    ]
