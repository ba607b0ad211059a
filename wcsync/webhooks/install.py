"""The store's webhooks for drift alerts: one per product topic, named ``wcsync drift alerts (<topic>)``
and matched by that name and the delivery URL, so ``install`` is idempotent and ``remove`` touches nothing
else.

WordPress delivers only to a "safe" URL (``wp_http_validate_url``): http or https; port 80, 443 or 8080
(``http_allowed_safe_ports``) unless it is the site's own host and port; and not a loopback, private or
link-local address unless it is the site's own host. A refused delivery fails silently inside the store, so
``install`` refuses such a URL up front (``unsafe_reason``) unless told the store allows it.

WooCommerce disables a webhook after repeated failed deliveries (status ``disabled``); ``install`` turns it
back on.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wcsync.store import endpoints

TOPICS = ("product.created", "product.updated", "product.deleted", "product.restored")
NAME_PREFIX = "wcsync drift alerts"
SAFE_PORTS = (80, 443, 8080)
REENABLE_HINT = ("WooCommerce disabled it after repeated failed deliveries: make the receiver reachable, then "
                 "run `wcsync webhooks install` again (or set it Active under WooCommerce → Settings → Advanced → "
                 "Webhooks)")


def webhook_name(topic: str) -> str:
    return f"{NAME_PREFIX} ({topic})"


def unsafe_reason(url: str, store_url: str) -> str | None:
    """Why WordPress would not deliver to ``url`` from the store at ``store_url``, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "WooCommerce delivers only to http:// or https:// URLs with a host"
    try:
        port = parts.port
    except ValueError:
        return "the URL's port is not a number"
    site = urlsplit(store_url)
    same_host = site.hostname is not None and site.hostname.lower() == parts.hostname.lower()
    if not same_host:
        if parts.hostname.lower() == "localhost":
            return "WordPress never delivers to localhost (unless it is the store's own host)"
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            address = None
        if address is not None and (address.is_private or address.is_loopback or address.is_link_local
                                    or address.is_reserved or address.is_unspecified):
            return (f"WordPress never delivers to the private or loopback address {address} (unless it is the "
                    "store's own host)")
    if port is not None and port not in SAFE_PORTS:
        site_port = site.port or (443 if site.scheme == "https" else 80)
        if not (same_host and port == site_port):
            return (f"WordPress delivers only to ports 80, 443 and 8080 (http_allowed_safe_ports), not {port}; "
                    "put the receiver behind a reverse proxy on one of them")
    return None


@dataclass(frozen=True)
class Outcome:
    topic: str
    action: str  # created | unchanged | re-enabled | secret updated | removed
    webhook_id: int | None = None


def ours(hooks: list[dict[str, Any]], url: str | None = None) -> list[dict[str, Any]]:
    """wcsync's webhooks among ``hooks`` (for ``url``, when given)."""
    names = {webhook_name(t) for t in TOPICS}
    return [h for h in hooks if h.get("name") in names and (url is None or h.get("delivery_url") == url)]


async def read(client: Any) -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = await client.list_all(endpoints.WEBHOOKS, {"status": "all"})
    return hooks


async def install(client: Any, url: str, secret: str, *, rotate_secret: bool = False) -> list[Outcome]:
    """Make the store have one active webhook per product topic delivering to ``url`` with ``secret``."""
    existing = ours(await read(client), url)
    outcomes = []
    for topic in TOPICS:
        matches = sorted((h for h in existing if h.get("topic") == topic), key=lambda h: int(h["id"]))
        if not matches:
            body = {"name": webhook_name(topic), "topic": topic, "delivery_url": url, "secret": secret,
                    "status": "active"}
            created = await client.post(endpoints.WEBHOOKS, body)
            outcomes.append(Outcome(topic, "created", int(created["id"])))
            continue
        keep, extras = matches[0], matches[1:]
        for extra in extras:
            await client.delete(endpoints.webhook(extra["id"]), {"force": "true"})
            outcomes.append(Outcome(topic, "removed", int(extra["id"])))
        if keep.get("status") != "active":
            await client.put(endpoints.webhook(keep["id"]), {"status": "active", "secret": secret})
            outcomes.append(Outcome(topic, "re-enabled", int(keep["id"])))
        elif rotate_secret:
            await client.put(endpoints.webhook(keep["id"]), {"secret": secret})
            outcomes.append(Outcome(topic, "secret updated", int(keep["id"])))
        else:
            outcomes.append(Outcome(topic, "unchanged", int(keep["id"])))
    return outcomes


async def remove(client: Any, url: str | None) -> list[Outcome]:
    """Delete wcsync's webhooks (those delivering to ``url``, or all of them)."""
    outcomes = []
    for hook in ours(await read(client), url):
        await client.delete(endpoints.webhook(hook["id"]), {"force": "true"})
        outcomes.append(Outcome(str(hook.get("topic")), "removed", int(hook["id"])))
    return outcomes


def status_line(hook: dict[str, Any]) -> str:
    """One line of ``wcsync webhooks list``."""
    status = str(hook.get("status"))
    line = f"  #{hook.get('id')}  {hook.get('topic')!s:<17} {status:<9} {hook.get('delivery_url')}"
    if status == "disabled":
        line += f"\n      {REENABLE_HINT}"
    elif status == "paused":
        line += "\n      paused in WooCommerce: `wcsync webhooks install` sets it active again"
    return line
