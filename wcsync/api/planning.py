"""``plan``: catalogue + live store → ``Plan`` (what ``wcsync plan`` prints)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wcsync.api.base import (
    ClientFactory,
    Overrides,
    Progress,
    Silent,
    catalogue,
    default_client,
    planner_settings,
    public_url,
    resolve,
    store_ref,
)
from wcsync.bulk import run_async
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
    (``wcsync.core.guards.refusal`` gives its ``PlanError``)."""
    from wcsync.core.planner import build_plan
    from wcsync.core.targets import check_targets
    from wcsync.store.fetch import catalogue_skus

    progress = progress or Silent()
    overrides = overrides or Overrides()
    env = os.environ if env is None else env
    directory = Path(project_dir)
    project, settings = resolve(directory, store=store, store_url=store_url, settings=settings, env=env,
                                 require_file=True)
    psettings = planner_settings(project, overrides)
    desired = catalogue(directory, project, progress, warn=True, outcome="the store was not read",
                         again="plan again")
    progress.status(f"Reading store {settings.name} ({public_url(settings)}) …")
    live = run_async(read_store(client_factory or default_client, settings, progress, catalogue_skus(desired), desired))
    check_targets(overrides.targets, desired, live, store=settings.name)
    progress.status("Planning …")
    return build_plan(desired, live, psettings, store=store_ref(settings, live))


async def read_store(factory: ClientFactory, settings: StoreSettings, progress: Progress,
                skus: frozenset[str] | None, desired: DesiredState | None = None) -> LiveState:
    from wcsync.store.fetch import fetch_live_state

    async with factory(settings, progress=progress.pages, notify=progress.status) as client:
        try:
            live: LiveState = await fetch_live_state(client, progress=progress.pages, skus=skus, desired=desired)
            return live
        finally:
            progress.read_done()
            progress.requests(client.stats)
