"""The errors a failed connection attempt becomes, said so a user can act (built by ``WooClient.request``).

Never an exception class name: a broken connection is described in words (``wcsync.store.retry.transport_reason``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from wcsync.store.errors import (
    CertificateError,
    NotTlsError,
    RequestInfo,
    StoreTimeout,
    StoreUnreachable,
    UnknownOutcome,
)
from wcsync.store.retry import transport_reason
from wcsync.store.tls import is_connection_refused


def timeout_error(store: str, info: RequestInfo, phase: str, used: float) -> StoreTimeout:
    setting = {"connect": "connect_timeout", "write": "write_timeout"}.get(phase, "read_timeout")
    what = {"connect": "connection", "write": "upload of the request"}.get(phase, "answer")
    return StoreTimeout(
        f"{info.describe()} on {store} timed out: no {what} within the {phase} timeout of {used:g} s",
        hint=f"the store is slow or unreachable; raise `{setting}` in wcsync.yaml, or lower `concurrency`",
        timeout=used,
        phase=phase,
    )


def cert_error(store: str, info: RequestInfo, exc: Exception) -> CertificateError:
    return CertificateError(
        f"the TLS certificate of {store} could not be verified ({info.describe()}): {exc}",
        hint="if the store uses a private or self-signed CA, point WCSYNC_CA_BUNDLE (or `ca_bundle` in "
        "wcsync.yaml) at its PEM file; renew the certificate if it expired",
    )


def connect_error(base_url: str, store: str, info: RequestInfo, exc: Exception,
                  attempt: int) -> tuple[StoreUnreachable, str]:
    """The error to raise if no retry is left, and the short reason for a retry line."""
    if is_connection_refused(exc):
        parts = urlsplit(base_url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        tries = f" ({attempt} attempts)" if attempt > 1 else ""
        return StoreUnreachable(
            f"could not connect to {store} for {info.describe()}: connection refused — nothing is "
            f"listening on {parts.hostname} port {port}{tries}",
            hint="check the port in the store URL, and that the web server is running",
        ), "connection refused"
    reason = str(exc).strip() or "no connection could be made"
    return StoreUnreachable(
        f"could not connect to {store} for {info.describe()}: {reason}",
        hint="check the store URL, DNS and that the site is up",
    ), reason


def not_tls_error(base_url: str, store: str, info: RequestInfo) -> NotTlsError:
    parts = urlsplit(base_url)
    port = parts.port or 443
    host = parts.hostname or "?"
    return NotTlsError(
        f"{store} did not speak TLS on port {port} ({info.describe()}): the server answered, but not "
        "with a TLS handshake — this is most likely a plain-HTTP port",
        hint=f"if the store has no HTTPS, use http://{host}:{port} with `auth: oauth1` (WCSYNC_AUTH=oauth1 "
        "with --store-url); otherwise use the port that serves HTTPS (443 unless it was changed)",
    )


def unknown_outcome(store: str, info: RequestInfo, what: str) -> UnknownOutcome:
    return UnknownOutcome(
        f"{info.describe()} on {store}: outcome unknown — {what}; the change may or may not have been applied",
        request=info,
        hint="wcsync re-reads the store before deciding; it never repeats such a write blindly",
        reason=what,
    )


def dropped(store: str, info: RequestInfo, exc: Exception) -> StoreUnreachable:
    return StoreUnreachable(
        f"the connection to {store} failed during {info.describe()}: {transport_reason(exc)}",
        hint="the store or a proxy dropped the connection; try again, or lower `concurrency`",
    )
