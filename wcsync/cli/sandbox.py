"""``wcsync sandbox``: run and manage the embedded WooCommerce-compatible store.

    wcsync sandbox serve  --db PATH [--host 127.0.0.1] [--port 8080] [--tls] [--wc-version 9.8]
                          [--latency MS] [--jitter MS] [--fail-rate R] [--fault KIND=RATE …] [--fault-seed N]
    wcsync sandbox keys   --db PATH [--create [--permissions read|write|read_write]] [--app-password]
    wcsync sandbox reset  --db PATH
    wcsync sandbox seed   NAME --db PATH [--no-reset]   |   wcsync sandbox seed --list

A thin shell: the work is in ``wcsync.sandbox`` (server, keys, seeds, tls). Credentials go to stdout as
``NAME=value`` lines a shell can source; status goes to stderr.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from wcsync.cli.common import abort, fail, listen_socket, status

DEFAULT_DB = ".wcsync/sandbox.db"

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="The store's SQLite database (created when missing).",
)


@contextmanager
def _store(db_path: Path) -> Iterator[sqlite3.Connection]:
    from wcsync.sandbox.db import open_db

    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = open_db(db_path)
    except (OSError, sqlite3.Error) as err:
        abort(f"cannot open the sandbox database {db_path}: {err} — check the path and its permissions")
    try:
        yield conn
    finally:
        conn.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def sandbox() -> None:
    """Run and manage the embedded WooCommerce-compatible sandbox store."""


# --- serve -----------------------------------------------------------------------------------------------


def fault_config(
    latency: float,
    jitter: float,
    fail_rate: float | None,
    faults: tuple[str, ...],
    seed: int,
    extra: dict[str, Any],
) -> Any:
    """The ``FaultConfig`` the serve options describe (exits with a message when they are invalid)."""
    from pydantic import ValidationError

    from wcsync.sandbox.faults import FAULT_KINDS, FaultConfig

    config: dict[str, Any] = {"seed": seed, "latency_ms": latency, "jitter_ms": jitter, **extra}
    if fail_rate is not None:
        # a generic failure rate: split evenly over the three server errors
        for kind in ("500", "502", "503"):
            config[f"rate_{kind}"] = fail_rate / 3
    for item in faults:
        kind, sep, rate = item.partition("=")
        if not sep or kind not in FAULT_KINDS:
            abort(
                f"--fault {item!r}: write KIND=RATE with KIND one of {', '.join(FAULT_KINDS)}, e.g. 429=0.05"
            )
        try:
            config[f"rate_{kind}"] = float(rate)
        except ValueError:
            abort(f"--fault {item!r}: the rate must be a number between 0 and 1")
    try:
        return FaultConfig.model_validate(config)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors())
        abort(f"invalid fault options: {problems}")


def _bind(host: str, port: int) -> socket.socket:
    sock = listen_socket(host, port, backlog=2048, hint="pick another --port (0 picks a free one)")
    sock.set_inheritable(True)
    return sock


@sandbox.command(short_help="Serve the store over HTTP or HTTPS (--tls) until interrupted.")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port."
)
@click.option(
    "--tls", is_flag=True, help="Serve HTTPS with a generated certificate (its CA's path is printed)."
)
@click.option(
    "--tls-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the certificate files live [default: DB_NAME-tls/ next to the database].",
)
@click.option("--wc-version", default="11.0.1", show_default=True, help="Behave as this WooCommerce version.")
@click.option(
    "--latency", default=0.0, type=click.FloatRange(min=0), help="Milliseconds added to every request."
)
@click.option(
    "--jitter", default=0.0, type=click.FloatRange(min=0), help="Random ± milliseconds around --latency."
)
@click.option(
    "--fail-rate", type=click.FloatRange(0, 1), help="Share of requests answered 500/502/503 (split evenly)."
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="KIND=RATE",
    help="Fault rate by kind: 500, 502, 503, 429, hang, drop, fail_after_commit (repeatable).",
)
@click.option(
    "--fault-seed", default=0, show_default=True, help="Seed of the fault draws (same seed, same faults)."
)
@click.option(
    "--retry-after", default=1, show_default=True, type=click.IntRange(min=0), help="Retry-After of 429s."
)
@click.option(
    "--hang-seconds",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="How long a 'hang' fault holds the request before closing the connection.",
)
@click.option("--fault-methods", help="Only these methods get faults, e.g. POST,PUT,DELETE.")
@click.option(
    "--control-token",
    envvar="WCSYNC_SANDBOX_TOKEN",
    help="The token /__sandbox/… control requests must send as X-Sandbox-Token (default: a random one, "
    "printed at start). Env: WCSYNC_SANDBOX_TOKEN.",
)
def serve(
    db_path: Path,
    host: str,
    port: int,
    tls: bool,
    tls_dir: Path | None,
    wc_version: str,
    latency: float,
    jitter: float,
    fail_rate: float | None,
    faults: tuple[str, ...],
    fault_seed: int,
    retry_after: int,
    hang_seconds: float,
    fault_methods: str | None,
    control_token: str | None,
) -> None:
    """Serve the store over HTTP (or HTTPS with --tls) with uvicorn until interrupted.

    Two servers may serve one database at once (e.g. one --tls and one plain). Over plain HTTP use OAuth 1.0a;
    over HTTPS, Basic auth with a consumer key and secret (see `wcsync sandbox keys`). Faults and latency can
    also be changed while running: POST a FaultConfig to /__sandbox/faults; counters are at /__sandbox/stats.
    Control requests (/__sandbox/…) must be addressed to 127.0.0.1/localhost and send the control token
    printed at start as an X-Sandbox-Token header (or a read_write key as Basic credentials).
    """
    import uvicorn

    from wcsync.sandbox.server import build_asgi

    extra: dict[str, Any] = {"retry_after": retry_after, "hang_seconds": hang_seconds}
    if fault_methods:
        extra["methods"] = [m.strip().upper() for m in fault_methods.split(",") if m.strip()]
    fault_settings = fault_config(latency, jitter, fail_rate, faults, fault_seed, extra)
    with _store(db_path):
        pass
    ssl: dict[str, Any] = {}
    scheme = "http"
    if tls:
        from wcsync.sandbox.tls import ensure_certificates

        folder = tls_dir or db_path.with_name(db_path.stem + "-tls")
        files = ensure_certificates(folder, [host])
        ssl = {"ssl_certfile": str(files.cert_path), "ssl_keyfile": str(files.key_path)}
        scheme = "https"
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    url = f"{scheme}://{shown_host}:{bound_port}"
    app = build_asgi(
        db_path, wc_version=wc_version, faults=fault_settings, control_token=control_token, allowed_hosts=(host,)
    )
    status(f"wcsync sandbox: WooCommerce {wc_version} store {db_path} at {url}")
    if tls:
        status(
            f"TLS: certificate authority {files.ca_path.resolve()} (curl --cacert {files.ca_path.resolve()} …)"
        )
    else:
        status(
            "Plain HTTP: WooCommerce ignores Basic and query-string keys here; sign requests with OAuth 1.0a."
        )
    if fault_settings.active:
        status(f"Faults: {fault_settings.model_dump_json(exclude_defaults=True)}")
    shown = app.control_token if control_token is None else "the one given (--control-token / WCSYNC_SANDBOX_TOKEN)"
    status(f"Control token: {shown} (send it as X-Sandbox-Token: … to {url}/__sandbox/…)")
    status(
        f"API keys: wcsync sandbox keys --db {db_path} --create · stats: {url}/__sandbox/stats · Ctrl-C stops"
    )
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        **ssl,
    )
    # a "drop" fault ends responses early on purpose: uvicorn's complaint about it is not news
    logging.getLogger("uvicorn.error").addFilter(_DroppedOnPurpose())
    uvicorn.Server(config).run(sockets=[sock])


class _DroppedOnPurpose(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


# --- keys ------------------------------------------------------------------------------------------------


@sandbox.command()
@db_option
@click.option("--create", is_flag=True, help="Create a key and print it as two NAME=value lines.")
@click.option(
    "--permissions",
    type=click.Choice(["read", "write", "read_write"]),
    default="read_write",
    show_default=True,
    help="Scope of the new key.",
)
@click.option("--description", default="", help="Description of the new key.")
@click.option(
    "--app-password",
    is_flag=True,
    help="Create an application password for the admin user instead, printed as WCSYNC_USERNAME= and "
    "WCSYNC_APP_PASSWORD= lines (read with --store-url; in wcsync.yaml write auth: app_password, "
    "username: admin, app_password: ${WCSYNC_APP_PASSWORD}).",
)
def keys(db_path: Path, create: bool, permissions: str, description: str, app_password: bool) -> None:
    """List the store's API keys (no secrets), or create one.

    `--create` prints exactly two lines, so a shell can `eval` or source them:

    \b
        WCSYNC_CONSUMER_KEY=ck_…
        WCSYNC_CONSUMER_SECRET=cs_…
    """
    from wcsync.sandbox import keys as store_keys

    with _store(db_path) as conn:
        if app_password:
            password = store_keys.create_app_password(conn)
            click.echo(f"WCSYNC_USERNAME={store_keys.ADMIN_LOGIN}")
            click.echo(f"WCSYNC_APP_PASSWORD={password.replace(' ', '')}")
            return
        if create:
            consumer_key, consumer_secret = store_keys.create_key(conn, permissions, description)
            click.echo(f"WCSYNC_CONSUMER_KEY={consumer_key}")
            click.echo(f"WCSYNC_CONSUMER_SECRET={consumer_secret}")
            return
        found = store_keys.list_keys(conn)
    if not found:
        status(f"No API keys in {db_path}; create one with: wcsync sandbox keys --db {db_path} --create")
        return
    click.echo(f"{'id':>4}  {'permissions':<11}  {'key ends':<10}  {'last access':<19}  description")
    for key in found:
        click.echo(
            f"{key.key_id:>4}  {key.permissions:<11}  …{key.truncated_key:<9}  {key.last_access or '-':<19}"
            f"  {key.description}"
        )


# --- reset and seed ----------------------------------------------------------------------------------------


@sandbox.command(short_help="Empty the store (API keys are kept).")
@db_option
def reset(db_path: Path) -> None:
    """Empty the store to a fresh WooCommerce (only "Uncategorized"); API keys are kept."""
    from wcsync.sandbox import keys as store_keys
    from wcsync.sandbox.db import reset_store

    with _store(db_path) as conn:
        reset_store(conn)
        kept = len(store_keys.list_keys(conn))
    status(f"Reset {db_path}: the store is empty (only 'Uncategorized'); {kept} API key(s) kept.")


@sandbox.command()
@click.argument("name", required=False)
@db_option
@click.option("--list", "list_only", is_flag=True, help="List the seeds that exist.")
@click.option(
    "--no-reset", is_flag=True, help="Replay the seed on top of the current store instead of a reset one."
)
@click.option(
    "--wc-version",
    default="11.0.1",
    show_default=True,
    help="The WooCommerce version the store behaves as while the seed is replayed.",
)
def seed(name: str | None, db_path: Path, list_only: bool, no_reset: bool, wc_version: str) -> None:
    """Load a named live state into the store (NAME: see --list)."""
    from wcsync.sandbox import seeds

    if list_only:
        for seed_name, description in seeds.list_seeds().items():
            click.echo(f"{seed_name:<12} {description}")
        return
    if not name:
        abort(
            "name the seed to load, e.g. `wcsync sandbox seed empty`; `wcsync sandbox seed --list` shows them"
        )
    with _store(db_path):
        pass
    try:
        count = seeds.apply_seed(db_path, name, reset=not no_reset, wc_version=wc_version)
    except seeds.SeedError as err:
        fail(err)
    status(f"Seeded {db_path} with {name!r} ({count} request(s)).")
