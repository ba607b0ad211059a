"""How to reach one store: the contract between the project-file loader (``wcsync.catalog.project``), the
command line (``--store``, ``--store-url``, environment) and the store client (``wcsync.store``).

Secrets are ``pydantic.SecretStr``: they print as ``**********`` and are never serialised.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr


class AuthMethod(StrEnum):
    #: HTTPS Basic with consumer key/secret (the default; refused over plain HTTP)
    BASIC = "basic"
    #: OAuth 1.0a one-legged, HMAC-SHA256 (for plain-HTTP stores)
    OAUTH1 = "oauth1"
    #: consumer_key / consumer_secret as query parameters (HTTPS only)
    QUERY = "query"
    #: WordPress application password (Basic ``user:password``)
    APP_PASSWORD = "app_password"


class StoreSettings(BaseModel):
    """Everything the client needs to talk to one store."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "default"
    #: ``https://shop.example.com`` (the WordPress site URL), or ``sandbox:PATH`` for the in-process sandbox
    url: str
    auth: AuthMethod = AuthMethod.BASIC
    consumer_key: SecretStr | None = None
    consumer_secret: SecretStr | None = None
    #: application passwords
    username: str | None = None
    app_password: SecretStr | None = None
    #: send an application password over plain ``http://`` (a WordPress ``local`` environment only; warned on
    #: every run). WordPress itself accepts application passwords without HTTPS only when
    #: ``wp_get_environment_type() === 'local'`` (``wp_is_application_passwords_supported``).
    allow_insecure_app_password: bool = False
    #: TLS: verification on by default; a private CA bundle path; ``verify_tls=False`` must be explicit
    verify_tls: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    #: read timeout for batch writes (a 100-product create takes 3–5 s on a healthy store)
    write_timeout: float = 180.0
    concurrency: int = 4
    batch_size: int = 100
    max_retries: int = 5
    #: where the credentials came from, for error hints — e.g. ``WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET``
    #: or ``consumer_key / consumer_secret of store 'shop' in wcsync.yaml``; None = unknown (hints name both)
    credentials_source: str | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.url.startswith("sandbox:")


#: what a store URL with ``user:password@`` in it gets told to use instead
URL_CREDENTIALS_HINT = (
    "remove the user name and password from the URL: put consumer_key / consumer_secret (or username / "
    "app_password) in the store's entry in wcsync.yaml as ${VARIABLES}, or export WCSYNC_CONSUMER_KEY / "
    "WCSYNC_CONSUMER_SECRET (or WCSYNC_USERNAME / WCSYNC_APP_PASSWORD) with --store-url"
)


def url_has_credentials(url: str) -> bool:
    """Whether an http(s) URL carries ``user[:password]@`` (never printed: it is a secret)."""
    if url.startswith("sandbox:"):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "@" in url.split("/", 3)[2] if url.count("/") >= 2 else False
    return "@" in parts.netloc
