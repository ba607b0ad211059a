"""wcsync: catalogue-as-code for WooCommerce.

Layers (see docs/architecture.md):

- ``wcsync.core``     pure: desired/live records, canonical forms, planner, plan value. No I/O.
- ``wcsync.catalog``  reads the YAML catalogue and the project file into the core's desired state.
- ``wcsync.store``    the only package that speaks HTTP and knows WooCommerce's wire format.
- ``wcsync.engine``   runs a plan against a store writer (apply).
- ``wcsync.render``   turns a plan into text, Markdown or JSON.
- ``wcsync.api``      the commands as plain functions (plan, apply, import_) for the CLI and library users.
- ``wcsync.cli``      maps argv, prompts and exit codes onto the layers above.
- ``wcsync.sandbox``  an embedded WooCommerce-compatible store; the engine never imports it.
"""

__version__ = "0.1.0"
