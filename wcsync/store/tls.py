"""TLS for store connections: verification on by default, a private CA bundle when given, and the loud
warning when verification is turned off. Environment: ``WCSYNC_CA_BUNDLE`` (used when the settings name no
bundle)."""

from __future__ import annotations

import os
import ssl
import sys

from wcsync.errors import ConfigError
from wcsync.settings import StoreSettings
from wcsync.store.errors import redact_url


def tls_verify(settings: StoreSettings) -> ssl.SSLContext | bool:
    """What httpx should verify the store's certificate with: the system CAs, a private CA bundle
    (``ca_bundle`` or WCSYNC_CA_BUNDLE), or — explicitly asked, loudly warned — nothing."""
    if not settings.verify_tls:
        sys.stderr.write(
            f"WARNING: TLS certificate verification is OFF for store {settings.name!r} ({redact_url(settings.url)}). "
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
    return any(
        isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen)
        for seen in _chain(exc)[:6]
    )


#: OpenSSL reasons meaning "the peer answered, but not with TLS" (3.0: WRONG_VERSION_NUMBER; later versions
#: may say RECORD_LAYER_FAILURE or PACKET_LENGTH_TOO_LONG for the same plain-HTTP answer)
_NOT_TLS_REASONS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST")


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(out) < 8:
        out.append(seen)
        seen = seen.__cause__ or seen.__context__
    return out


def is_not_tls(exc: BaseException) -> bool:
    """Whether a TLS handshake failed because the server did not speak TLS (an https:// URL on an HTTP port)."""
    for seen in _chain(exc):
        if isinstance(seen, ssl.SSLError) and (
            getattr(seen, "reason", None) in _NOT_TLS_REASONS or any(r in str(seen) for r in _NOT_TLS_REASONS)
        ):
            return True
    return False


def is_connection_refused(exc: BaseException) -> bool:
    """Whether a connection attempt was refused (nothing listening on that port)."""
    return any(isinstance(seen, ConnectionRefusedError) for seen in _chain(exc))
