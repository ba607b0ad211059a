"""The WooCommerce REST client: one httpx connection pool per store, authentication, timeouts, retries,
adaptive bounded concurrency, pagination and batches. The only place wcsync sends HTTP.

Safety rule for writes: a write is repeated only when the store certainly did not process it (the connection
was never made, or the store answered 429/503 "come back later"). When the outcome is unknown (read timeout,
dropped connection, another 5xx after sending) the client raises ``UnknownOutcome`` carrying the request, and
the caller re-reads before deciding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import httpx

from wcsync import __version__
from wcsync.errors import ConfigError, StoreError
from wcsync.settings import URL_CREDENTIALS_HINT, StoreSettings, url_has_credentials
from wcsync.store import failures
from wcsync.store.auth import build_auth
from wcsync.store.batch import BatchResponse, parse_batch
from wcsync.store.budget import RequestStats
from wcsync.store.errors import (
    NotWordPressError,
    RequestInfo,
    classify_error,
    redact_url,
)
from wcsync.store.limiter import AdaptiveLimiter
from wcsync.store.limits import (
    checked_items,
    send_capped,
)
from wcsync.store.responses import application_error, json_or_none, lenient_json, location, wire_params
from wcsync.store.retry import (
    PUSHBACK_STATUSES,
    RETRY_STATUSES,
    Attempts,
    RetryPolicy,
    parse_retry_after,
    status_kind,
    transport_reason,
)
from wcsync.store.tls import is_cert_error, is_not_tls, tls_verify

API_PREFIX = "/wp-json/wc/v3/"

#: progress callback: (path, pages fetched, total pages)
Progress = Callable[[str, int, int], None]
#: status callback: one line for the user (a retry about to wait, …)
Notify = Callable[[str], None]


class WooClient:
    """Async client of one WooCommerce store (use as ``async with WooClient(settings) as client``)."""

    def __init__(
        self,
        settings: StoreSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        progress: Progress | None = None,
        notify: Notify | None = None,
    ) -> None:
        self.settings = settings
        self.base_url = (base_url or settings.url).rstrip("/")
        if not self.base_url.lower().startswith(("http://", "https://")):
            raise ConfigError(
                f"store {settings.name!r}: {settings.url!r} is not an http(s) URL",
                hint="give the WordPress site address, e.g. https://shop.example.com",
            )
        if url_has_credentials(self.base_url):
            raise ConfigError(
                f"store {settings.name!r}: the URL has a user name or password in it ({redact_url(self.base_url)}); "
                "wcsync does not send credentials written in a URL",
                hint=URL_CREDENTIALS_HINT,
            )
        self.store = redact_url(self.base_url)
        self._auth = build_auth(settings, self.base_url)
        self.limiter = AdaptiveLimiter(settings.concurrency)
        self.retry = retry or RetryPolicy()
        self.progress = progress
        #: hears "retrying GET /wp-json/ in 2.0 s (attempt 2/6): connection refused" before each backoff wait
        self.notify = notify
        #: every HTTP attempt made (retries included)
        self.attempts = 0
        #: the same attempts per phase (read, write, verify), and the run's lower bounds (``--stats``)
        self.stats = RequestStats()
        #: what the first full read learned about the store (a ``wcsync.store.probe.StoreInfo`` with its
        #: version): a later re-read of the same client (the convergence check) does not ask again
        self.store_info: Any = None
        self._read_timeout = httpx.Timeout(
            connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout, pool=None
        )
        self._write_timeout = httpx.Timeout(
            connect=settings.connect_timeout, read=settings.write_timeout, write=settings.write_timeout, pool=None
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            verify=True if transport is not None else tls_verify(settings),
            timeout=self._read_timeout,
            headers={"Accept": "application/json", "User-Agent": f"wcsync/{__version__}"},
            limits=httpx.Limits(max_connections=max(settings.concurrency, 1) + 2, max_keepalive_connections=8),
            follow_redirects=False,
        )

    async def __aenter__(self) -> WooClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def max_in_flight(self) -> int:
        """The most requests this client ever had in flight at once."""
        return self.limiter.max_in_flight

    # -- public API ---------------------------------------------------------------------------------------

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._decode(await self.request("GET", path, params=params))

    async def post(self, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        return self._decode(await self.request("POST", path, params=params, json=json))

    async def put(self, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        return self._decode(await self.request("PUT", path, params=params, json=json))

    async def delete(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._decode(await self.request("DELETE", path, params=params))

    async def batch(
        self,
        path: str,
        *,
        create: Sequence[dict[str, Any]] = (),
        update: Sequence[dict[str, Any]] = (),
        delete: Sequence[Any] = (),
    ) -> BatchResponse:
        """One batch request (``path`` like ``products/batch``); results matched by position.

        Remember: WooCommerce batch deletes are permanent (forced), never trashed.
        """
        total = len(create) + len(update) + len(delete)
        if total > self.settings.batch_size:
            raise ValueError(f"batch of {total} items exceeds batch_size {self.settings.batch_size}")
        sent = {"create": len(create), "update": len(update), "delete": len(delete)}
        if total == 0:
            return BatchResponse()
        body: dict[str, list[Any]] = {}
        for op, items in (("create", create), ("update", update), ("delete", delete)):
            if items:
                body[op] = list(items)
        answer = await self.post(path, json=body)
        return parse_batch(answer, sent=sent)

    async def list_all(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        fields: Sequence[str] | Callable[[], Sequence[str]] | None = None,
        *,
        progress: Progress | None = None,
        label: str | None = None,
        on_page: Callable[[list[dict[str, Any]]], None] | None = None,
        pages: int | None = None,
    ) -> list[dict[str, Any]]:
        """Every item of a collection (``wcsync.store.paging.list_all``: ``per_page=100``, ``orderby=id``
        ascending, ``context=edit``; ``pages``: how many pages a count just read says there are)."""
        from wcsync.store.paging import list_all

        return await list_all(self, path, params, fields, progress=progress or self.progress, label=label,
                              on_page=on_page, pages=pages)

    async def raw(self, method: str, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """An unauthenticated request whose response is returned whatever its status (probes)."""
        return await self.request(method, path, params=params, authenticate=False, raise_for_status=False)

    # -- the engine room ----------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
        json: Any = None,
        authenticate: bool = True,
        raise_for_status: bool = True,
    ) -> httpx.Response:
        """Send one request with retries; return the 2xx response or raise a ``StoreError``.

        ``path`` is relative to ``/wp-json/wc/v3/`` unless it starts with ``/`` (then relative to the site).
        ``params`` may be a function: called when the request gets its slot in the limiter (a list page's
        ``_fields`` can then depend on what became known while it waited). With ``raise_for_status=False`` any
        final response is returned (transport failures still raise).
        """
        query = params if callable(params) else (lambda: params or {})
        info = RequestInfo(method=method.upper(), path=path, params={}, json=json)
        url = path if path.startswith("/") else API_PREFIX + path
        timeout = self._write_timeout if info.is_write else self._read_timeout
        attempt = 0
        history = Attempts()
        while True:
            attempt += 1
            retry_after: float | None = None
            failure: StoreError | None = None
            reason = ""
            async with self.limiter.slot() as epoch:
                info = RequestInfo(method=info.method, path=path, params=dict(query()), json=json)
                self.attempts += 1
                self.stats.count()
                try:
                    built = self._http.build_request(
                        info.method, url, params=wire_params(info.params), json=json, timeout=timeout
                    )
                    response = await send_capped(self._http, built, self._auth if authenticate else None, store=self.store)
                except httpx.ConnectTimeout:
                    failure = failures.timeout_error(self.store, info, "connect", self.settings.connect_timeout)
                    reason = f"no connection within {self.settings.connect_timeout:g} s"
                    history.add("no connection (timeout)")
                except httpx.ConnectError as exc:
                    if is_cert_error(exc):
                        raise failures.cert_error(self.store, info, exc) from exc
                    if is_not_tls(exc):
                        raise failures.not_tls_error(self.base_url, self.store, info) from exc
                    failure, reason = failures.connect_error(self.base_url, self.store, info, exc, attempt)
                    history.add(reason)
                except httpx.WriteTimeout:
                    # the request never finished uploading, so the store cannot have processed it
                    failure = failures.timeout_error(self.store, info, "write", timeout.write or 0.0)
                    reason = f"upload not finished within {timeout.write or 0.0:g} s"
                    history.add("upload timed out")
                except httpx.TimeoutException as exc:
                    used = timeout.read or 0.0
                    if info.is_write:
                        why = f"no answer within the {used:g} s read timeout"
                        raise failures.unknown_outcome(self.store, info, why) from exc
                    failure = failures.timeout_error(self.store, info, "read", used)
                    reason = f"no answer within {used:g} s"
                    history.add("no answer in time")
                except httpx.TransportError as exc:
                    if info.is_write:
                        why = f"the connection failed after sending: {transport_reason(exc)}"
                        raise failures.unknown_outcome(self.store, info, why) from exc
                    failure = failures.dropped(self.store, info, exc)
                    reason = "the connection dropped"
                    history.add(reason)
                else:
                    status = response.status_code
                    if status < 300:
                        await self.limiter.succeeded()
                        return response
                    if status in PUSHBACK_STATUSES:
                        self.limiter.pushed_back(epoch)
                    body = json_or_none(response)
                    final = application_error(status, body)
                    history.add(status_kind(status), rate_limited=status == 429 or (
                        status == 503 and response.headers.get("Retry-After") is not None))
                    if status in RETRY_STATUSES and not final and info.is_write and status not in PUSHBACK_STATUSES:
                        why = f"the store answered {status} after receiving it"
                        raise failures.unknown_outcome(self.store, info, why)
                    if final or status not in RETRY_STATUSES or attempt > self.settings.max_retries:
                        if not raise_for_status:
                            return response
                        raise classify_error(
                            store=self.store,
                            request=info,
                            status=status,
                            body=body,
                            auth=self.settings.auth.value,
                            attempts=attempt,
                            location=location(response),
                            credentials=self.settings.credentials_source,
                            history=history,
                        )
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    reason = f"HTTP {status}"
            if failure is not None and attempt > self.settings.max_retries:
                if history.mixed:  # say what happened to every attempt, not only the last one
                    failure.message += f" (after {attempt} attempts: {history.summary()})"
                raise failure
            delay = self.retry.delay(attempt, retry_after)
            if self.notify is not None:
                self.notify(
                    f"retrying {info.describe(query=False)} in {delay:.1f} s "
                    f"(attempt {attempt + 1}/{self.settings.max_retries + 1}): {reason}"
                )
            await self.retry.sleep(delay)

    # -- helpers ------------------------------------------------------------------------------------------

    def _decode(self, response: httpx.Response) -> Any:
        try:
            return lenient_json(response)
        except ValueError:
            raise self._not_json(response, "JSON") from None

    def _not_json(self, response: httpx.Response, what: str) -> NotWordPressError:
        request = response.request
        return NotWordPressError(
            f"{request.method} {request.url.path} on {self.store} did not answer {what} "
            f"(HTTP {response.status_code}, Content-Type {response.headers.get('Content-Type', '?')})",
            hint="check that the store URL is the WordPress site address and that no proxy or security "
            "plugin rewrites REST API answers",
        )

    def list_body(self, response: httpx.Response, path: str) -> list[dict[str, Any]]:
        """A list answer's items (raises ``NotWordPressError`` when it is not a JSON list)."""
        body = json_or_none(response)
        if not isinstance(body, list):
            raise self._not_json(response, "a JSON list")
        return checked_items([item for item in body if isinstance(item, dict)], response, store=self.store)

