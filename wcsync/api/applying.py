"""``apply``: plan (or read a saved plan), apply through the store's writer, re-read to prove convergence."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wcsync.api.base import (
    ClientFactory,
    LoadingCatalogue,
    Overrides,
    Progress,
    Silent,
    catalogue,
    catalogue_first,
    default_client,
    planner_settings,
    public_url,
    resolve,
    store_ref,
)
from wcsync.bulk import run_async
from wcsync.core.plan import Plan, PlanSettings
from wcsync.engine.model import ApplyResult
from wcsync.settings import StoreSettings

if TYPE_CHECKING:
    from wcsync.catalog.project import Project
    from wcsync.core.records import DesiredState
    from wcsync.store.client import WooClient


@dataclass
class ApplyOutcome:
    """What ``apply`` did: the plan applied, every item's result, and how the run ended."""

    plan: Plan
    result: ApplyResult = field(default_factory=ApplyResult)
    #: the writes ran (False: the plan was empty, or the caller did not approve it)
    executed: bool = False
    #: the caller's ``approve`` said no: nothing was written
    cancelled: bool = False
    #: resources written as sent that still differ (a perpetual diff: a canonical form is wrong)
    perpetual: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all applied and converged (or nothing to do); 1 cancelled or refused before writing; else 3."""
        return 1 if self.cancelled else self.result.exit_code


def apply(project_dir: str | Path = ".", *, plan_file: str | Path | None = None, store: str | None = None,
          store_url: str | None = None, settings: StoreSettings | None = None, overrides: Overrides | None = None,
          env: Mapping[str, str] | None = None, batch_size: int | None = None, continue_on_error: bool = False,
          lock: bool = True, approve: Callable[[Plan], bool] | None = None,
          client_factory: ClientFactory | None = None, progress: Progress | None = None) -> ApplyOutcome:
    """Make the store match the catalogue. Without ``plan_file`` it plans first and asks ``approve(plan)``
    (None: no question); with one it applies exactly that plan (refused when made for another store or
    catalogue version, or refused by a guard without its override), skipping objects changed since planning.
    Afterwards the store is re-read to prove convergence. ``lock`` holds the store's apply lock throughout.
    Raises ``WcsyncError`` subclasses for errors before anything was written."""
    from wcsync.engine.saved import check_saved_plan, read_plan_file, saved_refusal

    progress = progress or Silent()
    overrides = overrides or Overrides()
    env = os.environ if env is None else env
    directory = Path(project_dir)
    project, settings = resolve(directory, store=store, store_url=store_url, settings=settings, env=env)
    if batch_size:
        settings = settings.model_copy(update={"batch_size": batch_size})
    psettings = planner_settings(project, overrides)
    saved: Plan | None = None
    desired: DesiredState | None = None
    if plan_file is not None:  # the saved plan is checked against the catalogue before the store is read
        desired = catalogue(directory, project, progress, warn=False, outcome="nothing was written",
                            again="apply again")
        saved = read_plan_file(Path(plan_file))
        check_saved_plan(saved, store=settings.name, url=public_url(settings),
                         catalog_version=desired.catalog_version, path=Path(plan_file))
        refused = saved_refusal(saved, psettings, Path(plan_file))
        if refused is not None:
            progress.show_plan(saved)
            raise refused
    run = _ApplyRun(settings, psettings, desired, saved, progress, continue_on_error=continue_on_error,
                    approve=approve, label=str(plan_file), directory=directory, project=project)
    # not one GC pause for the whole run (as plan has): the writes of a large apply run for minutes
    return run_async(run.open(client_factory or default_client, lock=lock))


@dataclass
class _ApplyRun:
    settings: StoreSettings
    psettings: PlanSettings
    #: the catalogue; None: loaded by ``open`` while the store is read
    desired: DesiredState | None
    saved: Plan | None
    progress: Progress
    continue_on_error: bool
    approve: Callable[[Plan], bool] | None
    label: str
    directory: Path
    project: Project
    _loading: LoadingCatalogue | None = None

    async def open(self, factory: ClientFactory, *, lock: bool) -> ApplyOutcome:
        from wcsync.store.lock import apply_lock

        settings = self.settings
        if self.desired is None:
            self._loading = LoadingCatalogue(self.directory, self.project, self.progress,
                                             outcome="nothing was written", again="apply again")
        try:
            async with factory(settings, progress=self.progress.pages, notify=self.progress.status) as client:
                try:
                    async with apply_lock(client, settings.name, enabled=lock, notify=self.progress.status) as held:
                        return await self.run(client, held)
                finally:
                    self.progress.requests(client.stats)
        except BaseException as err:
            if self._loading is None:
                raise
            raise await catalogue_first(self._loading.task, err) from None

    async def run(self, client: WooClient, lock: Any = None) -> ApplyOutcome:
        from wcsync.core.guards import refusal
        from wcsync.core.planner import build_plan, verify_convergence
        from wcsync.core.targets import check_targets
        from wcsync.engine import execute
        from wcsync.engine.converge import convergence_errors, perpetual
        from wcsync.engine.moved import moved_changes
        from wcsync.engine.stale import already_applied, stale_changes
        from wcsync.errors import PlanError, WcsyncError
        from wcsync.store.budget import phase, write_bound
        from wcsync.store.fetch import fetch_live_state
        from wcsync.store.payload import ENCODER
        from wcsync.store.verify import proven_state
        from wcsync.store.writer import StoreWriter

        settings, saved, progress = self.settings, self.saved, self.progress
        progress.status(f"Reading store {settings.name} ({public_url(settings)}) …")
        # a saved plan's staleness check looks for its resources in the trash too: read it then
        live = await fetch_live_state(client, progress=progress.pages,
                                      desired=self._loading.task if self._loading else self.desired,
                                      trash_when_needed=saved is None)
        desired = await self._loading.desired(warn=False) if self._loading is not None else self.desired
        assert desired is not None
        skip: dict[Any, str] = {}
        already: dict[Any, int] = {}
        if saved is not None:
            plan = saved
            progress.show_plan(plan)
            progress.status(f"Applying {self.label}: {plan.summary()}")
            skip = stale_changes(plan, live)
            remaining = verify_convergence(desired, live, plan.settings, store_ref(settings, live))
            already = already_applied(plan, live, skip, remaining)
            for where in already:
                skip.pop(where, None)
            if already:
                progress.status(f"  {len(already)} change(s) already applied: the store already holds what the "
                                "plan wanted")
            for (kind, key), reason in skip.items():
                progress.status(f"  skipped {kind.value} {key}: {reason}")
        else:
            check_targets(self.psettings.targets, desired, live, store=settings.name)
            plan = build_plan(desired, live, self.psettings, store=store_ref(settings, live))
            progress.show_plan(plan)
            if plan.refused:
                raise refusal(plan) or PlanError("a guard refused the plan")
            if plan.is_empty:
                return ApplyOutcome(plan)
            if self.approve is not None and not self.approve(plan):
                progress.status("Apply cancelled: nothing was written.")
                return ApplyOutcome(plan, cancelled=True)
        if lock is not None:  # taken only now, to write: changes whose objects moved since the read are stale
            moved = moved_changes(plan, live, await lock.before_writing(plan, live, skip={*skip, *already}),
                                  skip={*skip, *already})
            for (kind, key), reason in moved.items():
                progress.status(f"  skipped {kind.value} {key}: {reason}")
            skip.update(moved)
        writer = StoreWriter(client, on_batch=progress.batch)  # batch_size: the settings'
        client.stats.bounds["write"] = write_bound(plan)
        with phase("write"):
            result = await execute(plan, writer, encoder=ENCODER, continue_on_error=self.continue_on_error,
                                   skip=skip, progress=progress, already=already)
        outcome = ApplyOutcome(plan, result, executed=True)
        if result.refused is not None:
            return outcome
        progress.status("Checking convergence (the store's answers; re-reading only what they cannot prove) …")
        try:
            with phase("verify"):
                after = await proven_state(client, live, result, writer.answers)
        except WcsyncError as err:  # the writes are done: report them, and say convergence is unproven
            result.unproven = f"the store could not be re-read to check convergence: {err}"
        else:
            # the store is not read again: the lock goes back while the proof is computed (on a thread, so
            # that the release request is on its way meanwhile)
            releasing = asyncio.ensure_future(lock.release()) if lock is not None else None
            try:
                remaining = await asyncio.to_thread(verify_convergence, desired, after, plan.settings,
                                                    store_ref(settings, after))
            finally:
                if releasing is not None:
                    await releasing
            result.convergence_errors = convergence_errors(remaining, result)
            outcome.perpetual = perpetual(remaining, result)
        return outcome
