"""``wcsync webhooks install|list|remove``: the store's webhooks that deliver product changes to
``wcsync watch``. The secret comes from the environment (``WCSYNC_WEBHOOK_SECRET`` by default) and is never
printed. The work is in ``wcsync.webhooks.install``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

import click

from wcsync.cli.common import (
    abort,
    debug_option,
    fail,
    project_option,
    status,
    store_option,
    store_url_option,
)
from wcsync.errors import ConfigError, WcsyncError
from wcsync.settings import StoreSettings

SECRET_ENV = "WCSYNC_WEBHOOK_SECRET"

secret_env_option = click.option(
    "--secret-env", metavar="VAR", default=SECRET_ENV, show_default=True,
    help="Environment variable that holds the webhook secret (shared with `wcsync watch`).")


def store_settings(project_dir: str, store: str | None, store_url: str | None) -> StoreSettings:
    from pathlib import Path

    from wcsync.catalog.project import load_project, resolve_store

    directory = Path(project_dir)
    url_given = bool(store_url or os.environ.get("WCSYNC_URL"))
    project = load_project(directory, required=not url_given)
    return resolve_store(project, store=store, store_url=store_url, env=os.environ)


def webhook_secret(var: str) -> str:
    secret = os.environ.get(var, "")
    if not secret.strip():
        raise ConfigError(f"no webhook secret: the environment variable {var} is not set",
                          hint=f"set {var} to a long random string (the same for `webhooks install` and `watch`)")
    if len(secret) < 16:
        raise ConfigError(f"the webhook secret in {var} is too short ({len(secret)} characters)",
                          hint="use at least 16 random characters, e.g. `openssl rand -hex 32`")
    return secret


def _run(settings: StoreSettings, work: Callable[[Any], Any], debug: bool) -> Any:
    from wcsync.cli.connect import open_client

    async def go() -> Any:
        async with open_client(settings) as client:
            return await work(client)

    try:
        return asyncio.run(go())
    except WcsyncError as err:
        fail(err, debug=debug)


def _public(settings: StoreSettings) -> str:
    from wcsync.cli.plan import public_url

    return public_url(settings)


@click.group("webhooks")
def webhooks() -> None:
    """Manage the store's webhooks that send product changes to `wcsync watch`."""


@webhooks.command("install")
@project_option
@store_option()
@store_url_option
@click.option("--url", required=True, metavar="URL", help="Delivery URL: where `wcsync watch` is reachable.")
@secret_env_option
@click.option("--rotate-secret", is_flag=True, help="Also set the secret of webhooks that already exist.")
@click.option("--allow-unsafe-url", is_flag=True,
              help="Install even where WordPress would refuse to deliver (a plugin widens its safe ports/hosts).")
@debug_option
def install(project_dir: str, store: str | None, store_url: str | None, url: str, secret_env: str,
            rotate_secret: bool, allow_unsafe_url: bool, debug: bool) -> None:
    """Make the store deliver product.created/updated/deleted/restored to URL (idempotent)."""
    from wcsync.webhooks import install as hooks

    try:
        settings = store_settings(project_dir, store, store_url)
        secret = webhook_secret(secret_env)
    except WcsyncError as err:
        fail(err, debug=debug)
    if not settings.is_sandbox and not allow_unsafe_url:
        reason = hooks.unsafe_reason(url, settings.url)
        if reason:
            abort(f"store {settings.name}: WooCommerce would not deliver to {url}: {reason} — or pass "
                  "--allow-unsafe-url if the store is configured to allow it")
    outcomes = _run(settings, lambda c: hooks.install(c, url, secret, rotate_secret=rotate_secret), debug)
    click.echo(f"Webhooks of store {settings.name} ({_public(settings)}) → {url}")
    for outcome in outcomes:
        click.echo(f"  {outcome.topic:<17} #{outcome.webhook_id}  {outcome.action}")
    if any(o.action == "created" for o in outcomes):
        status("WooCommerce pings the URL once per new webhook; product changes follow when its queue runs.")


@webhooks.command("list")
@project_option
@store_option()
@store_url_option
@click.option("--url", metavar="URL", help="Only the webhooks delivering to URL.")
@debug_option
def list_(project_dir: str, store: str | None, store_url: str | None, url: str | None, debug: bool) -> None:
    """Show wcsync's webhooks in the store and their status."""
    from wcsync.webhooks import install as hooks

    try:
        settings = store_settings(project_dir, store, store_url)
    except WcsyncError as err:
        fail(err, debug=debug)
    found = hooks.ours(_run(settings, hooks.read, debug), url)
    if not found:
        click.echo(f"No wcsync webhooks in store {settings.name} — `wcsync webhooks install --url URL` adds them.")
        return
    click.echo(f"wcsync webhooks of store {settings.name} ({_public(settings)}):")
    for hook in sorted(found, key=lambda h: int(h["id"])):
        click.echo(hooks.status_line(hook))
    missing = sorted(set(hooks.TOPICS) - {str(h.get("topic")) for h in found})
    if missing:
        click.echo(f"  missing topics: {', '.join(missing)} — `wcsync webhooks install` adds them")


@webhooks.command("remove")
@project_option
@store_option()
@store_url_option
@click.option("--url", metavar="URL", help="Only the webhooks delivering to URL (default: all of wcsync's).")
@debug_option
def remove(project_dir: str, store: str | None, store_url: str | None, url: str | None, debug: bool) -> None:
    """Delete wcsync's webhooks from the store (no other webhook is touched)."""
    from wcsync.webhooks import install as hooks

    try:
        settings = store_settings(project_dir, store, store_url)
    except WcsyncError as err:
        fail(err, debug=debug)
    outcomes = _run(settings, lambda c: hooks.remove(c, url), debug)
    if not outcomes:
        click.echo(f"No wcsync webhooks to remove in store {settings.name}.")
    for outcome in outcomes:
        click.echo(f"  {outcome.topic:<17} #{outcome.webhook_id}  removed")
