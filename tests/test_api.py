"""``wcsync.api`` used as a library, without click: plan, apply and import against the in-process sandbox,
through a client factory the test passes, with a progress recorder that keeps every hook call."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from wcsync import api
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Plan
from wcsync.engine.model import Status
from wcsync.errors import CatalogError, ConfigError, PlanError
from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.budget import RequestStats
from wcsync.store.client import WooClient

PRODUCT = """\
products:
  - sku: {sku}
    name: Mug {sku}
    type: simple
    regular_price: "{price}"
    categories: [mugs]
    short_description: A mug.
"""


class Recorder(api.Silent):
    """Every hook call, in order (page progress: only finished lists, which do not depend on timing)."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.stats: list[RequestStats] = []

    def status(self, message: str) -> None:
        self.events.append(("status", message))

    def pages(self, path: str, done: int, total: int) -> None:
        if done == total:
            self.events.append(("read", path))

    def read_done(self) -> None:
        self.events.append(("read_done",))

    def show_plan(self, plan: Plan) -> None:
        self.events.append(("plan", plan.summary()))

    def stage_started(self, name: str, items: int) -> None:
        self.events.append(("stage", name, items))

    def batch(self, kind: Kind, items: int, failed: int, requests: int = 1) -> None:
        self.events.append(("batch", kind.value, items, failed))

    def stage_done(self, name: str, applied: int, failed: int) -> None:
        self.events.append(("done", name, applied, failed))

    def requests(self, stats: RequestStats) -> None:
        self.events.append(("requests",))
        self.stats.append(stats)

    def kinds(self) -> list[str]:
        return [e[0] for e in self.events]

    def statuses(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "status"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "catalog" / "products").mkdir(parents=True)
    (root / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    (root / "catalog" / "categories.yaml").write_text("categories:\n  - name: Mugs\n    slug: mugs\n",
                                                       encoding="utf-8")
    for sku in ("MUG-1", "MUG-2"):
        (root / "catalog" / "products" / f"{sku.lower()}.yaml").write_text(PRODUCT.format(sku=sku, price="9.50"),
                                                                          encoding="utf-8")
    return root


@pytest.fixture
def settings(sandbox_app: Any) -> StoreSettings:
    return StoreSettings(name="shop", url="https://shop.example", auth=AuthMethod.BASIC,
                         consumer_key=SecretStr(sandbox_app.consumer_key),
                         consumer_secret=SecretStr(sandbox_app.consumer_secret))


class Factory:
    """A client factory over the in-process sandbox (no socket); remembers what it opened."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self.opened: list[StoreSettings] = []

    def __call__(self, settings: StoreSettings, *, progress: Any = None, notify: Any = None) -> WooClient:
        self.opened.append(settings)
        return WooClient(settings, transport=self.sandbox.transport, base_url=self.sandbox.base_url,
                         progress=progress, notify=notify)


def skus_in_store(sandbox: Any) -> list[str]:
    rows = sandbox.call("GET", "/wp-json/wc/v3/products", params={"per_page": 100, "orderby": "id"}).json()
    return sorted(row["sku"] for row in rows)


def test_plan_reads_the_store_through_the_factory_and_says_what_it_does(
        project: Path, settings: StoreSettings, sandbox_app: Any) -> None:
    factory, rec = Factory(sandbox_app), Recorder()
    plan = api.plan(project, settings=settings, client_factory=factory, progress=rec)
    assert [(c.action, c.kind, c.key) for c in plan.changes] == [
        (Action.CREATE, Kind.CATEGORY, "mugs"), (Action.CREATE, Kind.PRODUCT, "MUG-1"),
        (Action.CREATE, Kind.PRODUCT, "MUG-2")]
    assert (plan.store.name, plan.store.url) == ("shop", "https://shop.example")
    assert factory.opened == [settings]
    assert rec.statuses() == [f"Loading the catalogue in {project.resolve()} …",
                              "Reading store shop (https://shop.example) …", "Planning …"]
    # every list read, then the read is over and the client's request counts are handed over
    assert ("read", "products") in rec.events and ("read", "products/categories") in rec.events
    assert rec.kinds().index("read_done") > max(i for i, k in enumerate(rec.kinds()) if k == "read")
    assert rec.kinds()[-3:] == ["read_done", "requests", "status"]  # … "Planning …"
    (stats,) = rec.stats
    assert stats.total() == sandbox_app.stats()["total"] > 0
    assert skus_in_store(sandbox_app) == []  # planning never writes


def test_apply_asks_writes_with_progress_and_converges(
        project: Path, settings: StoreSettings, sandbox_app: Any) -> None:
    factory, rec = Factory(sandbox_app), Recorder()
    asked: list[str] = []

    def approve(plan: Plan) -> bool:
        asked.append(plan.summary())
        return True

    outcome = api.apply(project, settings=settings, client_factory=factory, progress=rec, approve=approve)
    assert outcome.executed and outcome.exit_code == 0 and outcome.perpetual == []
    assert [(i.kind, i.key, i.status) for i in outcome.result.items] == [
        (Kind.CATEGORY, "mugs", Status.APPLIED), (Kind.PRODUCT, "MUG-1", Status.APPLIED),
        (Kind.PRODUCT, "MUG-2", Status.APPLIED)]
    assert skus_in_store(sandbox_app) == ["MUG-1", "MUG-2"]
    # the plan is shown, then approved, then written stage by stage, then the store is re-read
    assert asked == [outcome.plan.summary()]
    assert ("plan", outcome.plan.summary()) in rec.events
    stages = [e for e in rec.events if e[0] in ("stage", "batch", "done")]
    assert [e[0] for e in stages] == ["stage", "batch", "done"] * 2
    assert [e[1:] for e in stages if e[0] == "batch"] == [("category", 1, 0), ("product", 2, 0)]
    assert [e[2:] for e in stages if e[0] == "done"] == [(1, 0), (2, 0)]
    assert rec.statuses()[-1] == "Checking convergence (the store's answers; re-reading only what they cannot prove) …"
    assert rec.kinds()[-1] == "requests" and set(rec.stats[0].sent) == {"read", "lock", "write"}  # verify: the answers prove it, no request
    # a second apply has nothing to write and asks nothing
    again = api.apply(project, settings=settings, client_factory=factory, approve=approve)
    assert not again.executed and again.plan.is_empty and again.exit_code == 0 and len(asked) == 1


def test_apply_not_approved_writes_nothing(project: Path, settings: StoreSettings, sandbox_app: Any) -> None:
    rec = Recorder()
    outcome = api.apply(project, settings=settings, client_factory=Factory(sandbox_app), progress=rec,
                        approve=lambda plan: False)
    assert outcome.cancelled and not outcome.executed and outcome.exit_code == 1
    assert rec.statuses()[-1] == "Apply cancelled: nothing was written."
    assert skus_in_store(sandbox_app) == []


def test_a_saved_plan_is_applied_only_to_its_store(
        project: Path, settings: StoreSettings, sandbox_app: Any, tmp_path: Path) -> None:
    factory = Factory(sandbox_app)
    saved = tmp_path / "plan.json"
    saved.write_text(api.plan(project, settings=settings, client_factory=factory).model_dump_json(),
                     encoding="utf-8")
    other = settings.model_copy(update={"name": "other", "url": "https://other.example"})
    with pytest.raises(PlanError, match="was made for store shop"):
        api.apply(project, plan_file=saved, settings=other, client_factory=factory)
    assert skus_in_store(sandbox_app) == []
    rec = Recorder()
    outcome = api.apply(project, plan_file=saved, settings=settings, client_factory=factory, progress=rec)
    assert outcome.exit_code == 0 and skus_in_store(sandbox_app) == ["MUG-1", "MUG-2"]
    assert f"Applying {saved}: {outcome.plan.summary()}" in rec.statuses()


def test_import_writes_a_catalogue_that_plans_empty(
        project: Path, settings: StoreSettings, sandbox_app: Any, tmp_path: Path) -> None:
    factory = Factory(sandbox_app)
    assert api.apply(project, settings=settings, client_factory=factory).exit_code == 0
    target = tmp_path / "imported"
    target.mkdir()
    rec = Recorder()
    outcome = api.import_(target, settings=settings, client_factory=factory, progress=rec)
    assert (outcome.result.products, outcome.result.variations) == (2, 0)
    assert outcome.out_dir == target / "catalog" and outcome.unchanged is None
    assert outcome.project_file == target / "wcsync.yaml" and outcome.project_file.is_file()
    assert any(p.name == "categories.yaml" for p in outcome.written)
    assert rec.statuses() == ["Reading store shop (https://shop.example) …"]
    assert ("read", "products") in rec.events and "read_done" in rec.kinds()
    # the round trip: the imported catalogue plans no change against the same store
    assert api.plan(target, settings=settings, client_factory=factory).is_empty
    # into the existing catalogue: merged, nothing to update
    merged = api.import_(target, settings=settings, client_factory=factory)
    assert (merged.written, merged.updated, merged.unchanged) == ([], [], 2)


def test_errors_are_values_a_library_can_catch(project: Path, settings: StoreSettings, sandbox_app: Any) -> None:
    factory = Factory(sandbox_app)
    (project / "catalog" / "products" / "mug-1.yaml").write_text("products:\n  - sku: X\n    prise: 1\n",
                                                                 encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        api.plan(project, settings=settings, client_factory=factory)
    assert "catalog/products/mug-1.yaml:3:5: unknown field 'prise' — remove it or check the spelling" in [
        str(d) for d in caught.value.diagnostics]
    assert "error(s); no plan was made" in str(caught.value)
    # the store is read while the catalogue loads: a broken catalogue still wins over a store error
    broken_store = settings.model_copy(update={"consumer_secret": SecretStr("cs_wrong")})
    with pytest.raises(CatalogError):
        api.apply(project, settings=broken_store, client_factory=factory)
    assert "X" not in skus_in_store(sandbox_app)  # nothing was written
    # the default factory speaks HTTP(S) only and says how to reach a sandbox store
    (project / "catalog" / "products" / "mug-1.yaml").unlink()
    sandbox = settings.model_copy(update={"url": "sandbox:store.db"})
    with pytest.raises(ConfigError, match=re.escape("client_factory=wcsync.cli.connect.open_client")):
        api.plan(project, settings=sandbox)


def test_importing_the_api_loads_no_click_and_no_rich() -> None:
    code = ("import sys; import wcsync.api; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'click', 'rich', 'wcsync.cli'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using wcsync as a library", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"^```python\n(.*?)^```", section, re.M | re.S)
    shop = tmp_path / "shop"
    (shop / "catalog" / "products").mkdir(parents=True)
    (shop / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    (shop / "catalog" / "categories.yaml").write_text("categories:\n  - name: Mugs\n    slug: mugs\n",
                                                       encoding="utf-8")
    (shop / "catalog" / "products" / "mug.yaml").write_text(PRODUCT.format(sku="MUG-1", price="5"),
                                                            encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WCSYNC_URL", raising=False)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Loading the catalogue in {shop.resolve()} …"
    assert "Plan: 2 to create, 0 to update, 0 to adopt, 0 to delete." in out
    assert out[-1] == "Apply: 2 applied. exit code 0"
    assert (tmp_path / "shop.db").is_file()  # the sandbox store the example created


def test_a_plan_shows_five_warnings_of_a_rule_and_counts_the_rest() -> None:
    from wcsync.api.base import warning_lines
    from wcsync.diagnostics import Diagnostic, Severity

    def warn(n: int, rule: str) -> Diagnostic:
        return Diagnostic(f"catalog/p-{n}.yaml", 2, 1, f"product P-{n} has no short description [{rule}]",
                          severity=Severity.WARNING, rule=rule)

    lines = warning_lines([warn(n, "empty-short-description") for n in range(1000)] + [warn(0, "other-rule")])
    assert lines[:5] == [f"warning: catalog/p-{n}.yaml:2:1: product P-{n} has no short description "
                         "[empty-short-description]" for n in range(5)]
    assert lines[5].startswith("warning: catalog/p-0.yaml:2:1: ") and "[other-rule]" in lines[5]
    assert lines[6:] == ["warning: … and 995 more [empty-short-description] warning(s): `wcsync validate` lists "
                         "every one"]
    assert len(warning_lines([warn(n, "x") for n in range(5)])) == 5  # five or fewer: all of them, no count
