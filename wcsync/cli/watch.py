"""``wcsync watch``: receive the store's signed webhooks and alert on drift (``wcsync.webhooks``).

Alerts are JSON lines on stdout (and optionally a chat webhook POST); status and refusals are log lines on
stderr. Stop it with Ctrl-C or SIGTERM: what is pending is checked before it exits.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from wcsync.cli.common import (
    abort,
    debug_option,
    fail,
    listen_socket,
    project_option,
    status,
    store_option,
    store_url_option,
)
from wcsync.cli.webhooks import secret_env_option, store_settings, webhook_secret
from wcsync.errors import WcsyncError

CHAT_ENV = "WCSYNC_CHAT_WEBHOOK_URL"


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        abort(f"--listen {value!r} is not HOST:PORT — e.g. --listen 127.0.0.1:8787")
    return host.strip("[]"), int(port)


def _log(message: str) -> None:
    status(f"watch: {message}")


@click.command("watch")
@project_option
@store_option()
@store_url_option
@click.option("--listen", default="127.0.0.1:8787", show_default=True, metavar="HOST:PORT",
              help="Where to receive webhooks (put a TLS reverse proxy in front of it).")
@click.option("--ref", metavar="REF", help="Plan against the catalogue at this git ref instead of the working tree.")
@click.option("--redis", "redis_url", metavar="URL",
              help="Keep dedupe and coalescing state in Redis (several receivers behind a load balancer).")
@click.option("--state", "state_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="SQLite state file without --redis [default: PROJECT/.wcsync/watch-state.db].")
@click.option("--window", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to coalesce events into one alert.")
@click.option("--chat-url", metavar="URL", help=f"Also POST alerts to this chat webhook (or set {CHAT_ENV}).")
@secret_env_option
@debug_option
def watch(project_dir: str, store: str | None, store_url: str | None, listen: str, ref: str | None,
          redis_url: str | None, state_path: str | None, window: float, chat_url: str | None, secret_env: str,
          debug: bool) -> None:
    """Receive WooCommerce's product webhooks and print an alert when the store drifts from the catalogue.

    Every delivery's signature is checked with the secret in WCSYNC_WEBHOOK_SECRET (see --secret-env);
    unsigned or forged requests are refused. Set up the store's side with `wcsync webhooks install`.
    """
    import uvicorn

    from wcsync.cli.connect import open_client
    from wcsync.webhooks.alerts import ChatSink, Sink, StdoutSink
    from wcsync.webhooks.coalesce import Watcher
    from wcsync.webhooks.drift import DriftChecker
    from wcsync.webhooks.receiver import create_receiver
    from wcsync.webhooks.state import RedisState, SqliteState, StateStore

    host, port = _listen(listen)
    try:
        settings = store_settings(project_dir, store, store_url)
        secret = webhook_secret(secret_env)
        state: StateStore = (RedisState(redis_url) if redis_url else
                             SqliteState(state_path or Path(project_dir) / ".wcsync" / "watch-state.db"))
    except WcsyncError as err:
        fail(err, debug=debug)
    sinks: list[Sink] = [StdoutSink()]
    chat = chat_url or os.environ.get(CHAT_ENV)
    if chat:
        if not chat.startswith(("https://", "http://")):
            abort("the chat webhook URL must start with https:// (or http://) — check --chat-url or "
                  f"{CHAT_ENV}")
        sinks.append(ChatSink(chat, _log))
    checker = DriftChecker(project_dir, settings, open_client, ref=ref)
    watcher = Watcher(state, checker, sinks, store=settings.name, window=window, log=_log)
    app = create_receiver(secret, state, watcher, _log)
    sock = listen_socket(host, port, backlog=128, hint="pick another --listen address or port")
    bound = sock.getsockname()[1]
    catalogue = f"{Path(project_dir).resolve()}" + (f" at {ref}" if ref else "")
    _log(f"store {settings.name}; catalogue {catalogue}; state {state.describe()}; window {window:g}s; "
         f"listening on http://{host}:{bound}/")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", log_config=None)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        state.close()
