"""The library API's shared pieces: the ``Progress`` hooks, the client factory, the caller's overrides, and
how a command finds its store, settings and catalogue. No click, no rich, no printing."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wcsync.core.kinds import Kind
from wcsync.errors import CatalogError, ConfigError
from wcsync.settings import StoreSettings

if TYPE_CHECKING:
    from wcsync.catalog import LoadedCatalog
    from wcsync.catalog.project import Project
    from wcsync.core.plan import Plan, PlanSettings, StoreRef
    from wcsync.core.records import DesiredState, LiveState
    from wcsync.diagnostics import Diagnostic
    from wcsync.store.budget import RequestStats
    from wcsync.store.client import Notify, WooClient
    from wcsync.store.client import Progress as PageProgress


class Progress(Protocol):
    """What a command tells its caller while it runs (subclass ``Silent`` and override what you show)."""

    def status(self, message: str) -> None:
        """A status line (loading, reading the store, skipped objects, retries)."""

    def pages(self, path: str, done: int, total: int) -> None:
        """Reading the store: ``path`` has ``done`` of ``total`` pages."""

    def read_done(self) -> None:
        """The store read is over (also after an error): a live display can close."""

    def show_plan(self, plan: Plan) -> None:
        """``apply``: the plan about to be applied (before approval), or refused."""

    def stage_started(self, name: str, items: int) -> None:
        """``apply``: a stage of writes starts."""

    def batch(self, kind: Kind, items: int, failed: int, requests: int = 1) -> None:
        """``apply``: ``items`` written (``failed`` of them failed) in ``requests`` requests."""

    def stage_done(self, name: str, applied: int, failed: int) -> None:
        """``apply``: a stage is over."""

    def requests(self, stats: RequestStats) -> None:
        """The requests the command sent, per phase, when its client closes (also after an error)."""


class Silent:
    """A ``Progress`` that shows nothing."""

    def status(self, message: str) -> None:
        pass

    def pages(self, path: str, done: int, total: int) -> None:
        pass

    def read_done(self) -> None:
        pass

    def show_plan(self, plan: Plan) -> None:
        pass

    def stage_started(self, name: str, items: int) -> None:
        pass

    def batch(self, kind: Kind, items: int, failed: int, requests: int = 1) -> None:
        pass

    def stage_done(self, name: str, applied: int, failed: int) -> None:
        pass

    def requests(self, stats: RequestStats) -> None:
        pass


class ClientFactory(Protocol):
    def __call__(self, settings: StoreSettings, *, progress: PageProgress | None = None,
                 notify: Notify | None = None) -> WooClient: ...


def default_client(settings: StoreSettings, *, progress: PageProgress | None = None,
                   notify: Notify | None = None) -> WooClient:
    """A ``WooClient`` over HTTP(S). A ``sandbox:PATH`` store needs a factory that serves the sandbox."""
    from wcsync.store.client import WooClient

    if settings.is_sandbox:
        raise ConfigError(f"store {settings.name!r}: {settings.url} is a sandbox store, which this client factory "
                          "cannot reach", hint="pass client_factory=wcsync.cli.connect.open_client (it serves "
                          "sandbox stores in-process), or a factory of your own")
    return WooClient(settings, progress=progress, notify=notify)


@dataclass(frozen=True)
class Overrides:
    """The caller's part of the planner settings (the command line's flags)."""

    allow_deletes: bool = False
    allow_changes: bool = False
    allow_price_drops: bool = False
    targets: tuple[str, ...] = ()


def public_url(settings: StoreSettings) -> str:
    """The store URL as plans and messages show it: no user info, query or fragment (they can hold secrets)."""
    if settings.is_sandbox:
        return settings.url
    from wcsync.store.errors import redact_url

    return redact_url(settings.url)


def store_ref(settings: StoreSettings, live: LiveState) -> StoreRef:
    from wcsync.core.plan import StoreRef

    return StoreRef(name=settings.name, url=public_url(settings), wc_version=live.wc_version)


def resolve(directory: Path, *, store: str | None, store_url: str | None, settings: StoreSettings | None,
             env: Mapping[str, str], require_file: bool = False) -> tuple[Project, StoreSettings]:
    from wcsync.catalog.project import load_project, resolve_store

    url_given = settings is not None or bool(store_url or env.get("WCSYNC_URL"))
    if require_file and not url_given:
        _require_project_file(directory)
    project = load_project(directory, required=not url_given)
    if settings is None:
        settings = resolve_store(project, store=store, store_url=store_url, env=env)
    return project, settings


def _require_project_file(directory: Path) -> None:
    """Without a store URL, the project file names the store: say once what is missing and what to do."""
    from wcsync.catalog.project import PROJECT_FILE

    where = directory.resolve()
    if not directory.is_dir():
        raise ConfigError(
            f"the project directory {where} does not exist",
            hint="pass --project DIR pointing at the folder that holds wcsync.yaml and catalog/",
        )
    if not (directory / PROJECT_FILE).is_file():
        raise ConfigError(
            f"no {PROJECT_FILE} in {where}, so there is no store to plan against",
            hint=f"create {PROJECT_FILE} there (with `stores:`), pass --project DIR pointing at the project "
            "that has one, or pass --store-url URL (or set WCSYNC_URL)",
        )


def planner_settings(project: Project, overrides: Overrides) -> PlanSettings:
    from wcsync.catalog.project import plan_settings

    return plan_settings(project).model_copy(update={
        "allow_deletes": overrides.allow_deletes, "allow_changes": overrides.allow_changes,
        "allow_price_drops": overrides.allow_price_drops, "targets": overrides.targets})


def catalogue(directory: Path, project: Project, progress: Progress, *, warn: bool, outcome: str,
               again: str) -> DesiredState:
    from wcsync.catalog import load_catalog

    progress.status(f"Loading the catalogue in {directory.resolve()} …")
    return _checked(load_catalog(directory, project), progress, warn=warn, outcome=outcome, again=again)


#: the GIL's switch interval while the catalogue loads beside the store's reads (Python's default: 5 ms)
SWITCH_INTERVAL = 0.0005


class LoadingCatalogue:
    """``catalogue`` on a worker thread, started from inside the running event loop: the store is read
    meanwhile (its reads wait for ``task`` only where they depend on the catalogue). Errors end ``task`` at
    once (the reads stop); warnings wait for ``warn()``, so they print in one place whatever the timing."""

    def __init__(self, directory: Path, project: Project, progress: Progress, *, outcome: str, again: str) -> None:
        from wcsync.catalog import load_catalog

        self._progress = progress
        self._loaded: LoadedCatalog | None = None
        progress.status(f"Loading the catalogue in {directory.resolve()} …")
        # the loading thread holds the GIL between the event loop's turns; every turn of the loop (each
        # select() gives the GIL up) would wait up to the switch interval (5 ms) for it: shortened meanwhile,
        # so that the store's answers are handled at once
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
        loading = asyncio.get_running_loop().run_in_executor(None, load_catalog, directory, project)

        async def checked() -> DesiredState:
            try:
                self._loaded = await loading
            finally:
                sys.setswitchinterval(interval)
            return _checked(self._loaded, progress, warn=False, outcome=outcome, again=again)

        self.task: asyncio.Task[DesiredState] = asyncio.ensure_future(checked())

    async def desired(self, *, warn: bool) -> DesiredState:
        """The catalogue (its error if it has errors); with ``warn``, its lint warnings are reported now."""
        desired = await self.task
        if warn and self._loaded is not None:
            for line in warning_lines(self._loaded.warnings):
                self._progress.status(line)
        return desired


async def catalogue_first(desired: asyncio.Task[DesiredState], error: BaseException) -> BaseException:
    """The error to report when a store read failed while the catalogue was loading: the catalogue's own
    error if it has one (what to fix first, as when it is loaded before the store is read), else ``error``."""
    if isinstance(error, Exception) and not desired.cancelled():
        try:
            await asyncio.shield(desired)
        except CatalogError as problem:
            return problem
        except Exception:  # the store's error is the one to report
            pass
    desired.cancel()
    return error


#: lint warnings a plan shows per rule; the rest are counted (``wcsync validate`` lists every one)
WARNINGS_PER_RULE = 5


def warning_lines(warnings: list[Diagnostic], per_rule: int = WARNINGS_PER_RULE) -> list[str]:
    """The catalogue's lint warnings as a plan shows them: the first ``per_rule`` of each rule, then one line
    counting the rest of it (a catalogue of 1,000 products without a short description is one rule, not
    1,000 lines in front of the plan)."""
    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    lines: list[str] = []
    for warning in warnings:
        rule = warning.rule or warning.message
        if shown[rule] < per_rule:
            shown[rule] += 1
            lines.append(f"warning: {warning}")
        else:
            hidden[rule] += 1
    for rule, count in hidden.items():
        what = f"[{rule}]" if len(rule) <= 40 else "of that kind"
        lines.append(f"warning: … and {count:,} more {what} warning(s): `wcsync validate` lists every one")
    return lines


def _checked(loaded: LoadedCatalog, progress: Progress, *, warn: bool, outcome: str, again: str) -> DesiredState:
    if warn:
        for line in warning_lines(loaded.warnings):
            progress.status(line)
    if loaded.desired is None or not loaded.ok:
        errors = loaded.errors
        raise CatalogError(f"the catalogue has {len(errors)} error(s); {outcome}", list(errors),
                           hint=f"fix them (`wcsync validate` lists them) and {again}")
    return loaded.desired
