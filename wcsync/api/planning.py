"""``plan``: catalogue + live store → ``Plan`` (what ``wcsync plan`` prints)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wcsync.api.base import (
    ClientFactory,
    LoadingCatalogue,
    Overrides,
    Progress,
    Silent,
    catalogue_first,
    default_client,
    planner_settings,
    public_url,
    resolve,
    store_ref,
)
from wcsync.bulk import paused_gc, run_async
from wcsync.core.plan import Plan
from wcsync.settings import StoreSettings

if TYPE_CHECKING:
    from wcsync.core.records import DesiredState, LiveState


def plan(project_dir: str | Path = ".", *, store: str | None = None, store_url: str | None = None,
         settings: StoreSettings | None = None, overrides: Overrides | None = None,
         env: Mapping[str, str] | None = None, client_factory: ClientFactory | None = None,
         progress: Progress | None = None) -> Plan:
    """Project + catalogue + live store → ``Plan``. Raises ``WcsyncError`` subclasses (catalogue errors with
    diagnostics, store errors); a plan refused by a guard is returned with ``refused`` set
    (``wcsync.core.guards.refusal`` gives its ``PlanError``). The catalogue loads while the store is read."""
    progress = progress or Silent()
    overrides = overrides or Overrides()
    env = os.environ if env is None else env
    directory = Path(project_dir)
    project, settings = resolve(directory, store=store, store_url=store_url, settings=settings, env=env,
                                 require_file=True)

    async def load_and_read() -> tuple[DesiredState, LiveState]:
        loading = LoadingCatalogue(directory, project, progress, outcome="no plan was made", again="plan again")
        progress.status(f"Reading store {settings.name} ({public_url(settings)}) …")
        try:
            live = await read_store(client_factory or default_client, settings, progress, loading.task)
        except BaseException as err:
            raise await catalogue_first(loading.task, err) from None
        return await loading.desired(warn=True), live

    with paused_gc():  # one pause for both threads (see wcsync.bulk)
        desired, live = run_async(load_and_read())
    from wcsync.core.planner import build_plan
    from wcsync.core.targets import check_targets

    check_targets(overrides.targets, desired, live, store=settings.name)
    progress.status("Planning …")
    return build_plan(desired, live, planner_settings(project, overrides), store=store_ref(settings, live))


async def read_store(factory: ClientFactory, settings: StoreSettings, progress: Progress,
                     desired: DesiredState | asyncio.Future[DesiredState] | None = None) -> LiveState:
    """The store's ``LiveState``, read for ``desired`` (a catalogue, one still loading, or None: everything)."""
    from wcsync.store.fetch import fetch_live_state

    async with factory(settings, progress=progress.pages, notify=progress.status) as client:
        try:
            live: LiveState = await fetch_live_state(client, progress=progress.pages, desired=desired)
            return live
        finally:
            progress.read_done()
            progress.requests(client.stats)
