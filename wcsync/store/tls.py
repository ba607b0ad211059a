"""TLS for store connections: verification on by default, a private CA bundle when given, and the loud
warning when verification is turned off. Environment: ``WCSYNC_CA_BUNDLE`` (used when the settings name no
bundle)."""

from __future__ import annotations

import os
import ssl
import sys

from wcsync.errors import ConfigError
from wcsync.settings import StoreSettings


def tls_verify(settings: StoreSettings) -> ssl.SSLContext | bool:
    """What httpx should verify the store's certificate with: the system CAs, a private CA bundle
    (``ca_bundle`` or WCSYNC_CA_BUNDLE), or — explicitly asked, loudly warned — nothing."""
    if not settings.verify_tls:
        sys.stderr.write(
            f"WARNING: TLS certificate verification is OFF for store {settings.name!r} ({settings.url}). "
            "Anyone on the network path can read and change the traffic, credentials included. "
            "Use `ca_bundle` / WCSYNC_CA_BUNDLE for a private CA instead.\n"
        )
        return False
    bundle = settings.ca_bundle or os.environ.get("WCSYNC_CA_BUNDLE") or None
    if bundle is None:
        return ssl.create_default_context()
    if not os.path.isfile(bundle):
        raise ConfigError(
            f"the CA bundle {bundle!r} for store {settings.name!r} does not exist",
            hint="point `ca_bundle` (or WCSYNC_CA_BUNDLE) at a PEM file with your CA certificate(s)",
        )
    return ssl.create_default_context(cafile=bundle)


def is_cert_error(exc: BaseException) -> bool:
    """Whether a connection error was caused by certificate verification."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
