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

from wcsync.api.applying import ApplyOutcome, apply
from wcsync.api.base import ClientFactory, Overrides, Progress, Silent, default_client, public_url
from wcsync.api.importing import ImportOutcome, import_
from wcsync.api.planning import plan

__all__ = ["ApplyOutcome", "ClientFactory", "ImportOutcome", "Overrides", "Progress", "Silent", "apply",
           "default_client", "import_", "plan", "public_url"]
