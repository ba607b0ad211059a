"""The one exception root of wcsync, and the exit codes the CLI maps it to.

    WcsyncError                  a problem a user can act on; ``str(err)`` is the message
    ├── CatalogError             the catalogue or project file is invalid (carries diagnostics)
    ├── ConfigError              the command line / environment / project file names something impossible
    ├── StoreError               talking to a store failed (wcsync.store.errors refines it)
    ├── PlanError                the planner refused (guard tripped, protected resource, stale plan)
    └── ApplyError               apply could not start or could not finish

Messages are for humans: what happened, where, and what to do next. They never contain a secret.
"""

from __future__ import annotations


class WcsyncError(Exception):
    """Root of every error wcsync reports to a user."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} — {self.hint}"
        return self.message


class CatalogError(WcsyncError):
    """The catalogue (or the project file) has errors; ``diagnostics`` lists every one of them."""

    def __init__(self, message: str, diagnostics: list[object] | None = None, *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.diagnostics = diagnostics or []


class ConfigError(WcsyncError):
    """Options, environment or project settings that cannot work together."""


class StoreError(WcsyncError):
    """A store could not be reached or refused a request."""


class PlanError(WcsyncError):
    """The planner refused to produce (or apply refused to consume) a plan."""


class ApplyError(WcsyncError):
    """Apply failed before or while writing."""
