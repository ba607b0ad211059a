"""The library API: one plain function per command, shared by the CLI and library users (alembic's
``command.py``). No click, no rich, no printing: what a caller shows goes through ``Progress`` hooks, errors
are ``wcsync.errors.WcsyncError`` subclasses (a catalogue's with ``diagnostics``), results are values.

- ``plan(project_dir, …) -> Plan``: catalogue + live store → plan (a refused plan comes back ``refused``);
- ``apply(project_dir, …) -> ApplyOutcome``: plan (or read ``plan_file``), apply, re-read to prove convergence;
- ``import_(project_dir, …) -> ImportOutcome``: live store → catalogue YAML files (new or merged in place).

The store is reached through ``client_factory(settings, progress=…, notify=…)`` (an async context manager
client: ``wcsync.store.client.WooClient``). The default speaks HTTP(S) only; ``wcsync.cli.connect.open_client``
also serves ``sandbox:PATH`` stores in-process, and a test may pass any factory (an ASGI transport, a fake).
Settings come from the project (``wcsync.yaml``, ``store``/``store_url``, the ``env``) or, given as
``settings``, are used as they are.

Modules: ``base`` (the ``Progress`` hooks, ``Silent``, the client factory, ``Overrides``, loading), ``planning``,
``applying``, ``importing`` (one per command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wcsync.api.base import ClientFactory, Overrides, Progress, Silent, default_client, public_url

if TYPE_CHECKING:
    from wcsync.api.applying import ApplyOutcome, apply
    from wcsync.api.importing import ImportOutcome, import_
    from wcsync.api.planning import plan

__all__ = ["ApplyOutcome", "ClientFactory", "ImportOutcome", "Overrides", "Progress", "Silent", "apply",
           "default_client", "import_", "plan", "public_url"]

#: imported when first used: a command imports only its own module (``wcsync plan`` starts reading the store
#: sooner without the engine's and the exporter's imports in front of it)
_LAZY = {"ApplyOutcome": "applying", "apply": "applying", "ImportOutcome": "importing", "import_": "importing",
         "plan": "planning"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wcsync.api' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"wcsync.api.{module}"), name)
    globals()[name] = value
    return value
