"""A small client of GitHub's REST API over httpx (no ``gh``, no ``jq`` on the runner).

- Pagination follows the ``Link: <…>; rel="next"`` header, ``per_page=100``.
- A secondary rate limit (403 or 429 with ``Retry-After``, or a 403 whose message says "secondary rate limit")
  waits as GitHub asks (at most ``max_wait`` seconds per wait, ``attempts`` tries) — ``sleep`` is injectable.
- Every call says what it is for (``what``) and which workflow permission it needs (``permission``), so a
  refusal reads "GitHub refused to post the plan comment on pull request #5 (403 Resource not accessible by
  integration): the workflow token lacks `pull-requests: write` — add it under `permissions:` …". The token
  never appears in a message.

    GitHubError (wcsync.errors.WcsyncError)
    ├── GitHubPermissionError   401/403/404 that a missing permission (or token) explains
    └── GitHubRateLimited       the rate limit outlasted every wait
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from wcsync import __version__
from wcsync.errors import WcsyncError
from wcsync.github.context import RunContext

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')


class GitHubError(WcsyncError):
    """GitHub refused or failed a request."""

    def __init__(self, message: str, *, hint: str | None = None, status: int | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class GitHubPermissionError(GitHubError):
    """The token may not do this: the message names the permission the job needs."""


class GitHubRateLimited(GitHubError):
    """GitHub's rate limit did not lift within the waits allowed."""


def next_link(header: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header."""
    for url, rel in _LINK.findall(header or ""):
        if rel == "next":
            return str(url)
    return None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no message"
    if not isinstance(body, dict):
        return response.reason_phrase or "no message"
    text = str(body.get("message") or response.reason_phrase)
    details = []
    for err in body.get("errors") or []:
        if isinstance(err, dict):
            detail = err.get("message") or " ".join(str(err.get(k)) for k in ("field", "code") if err.get(k))
            if detail:
                details.append(str(detail))
        elif isinstance(err, str):
            details.append(err)
    return text + (f": {'; '.join(details)}" if details else "")


def _retry_after(response: httpx.Response, now: float) -> float | None:
    """Seconds GitHub asks to wait, when this answer is a rate limit; ``None`` when it is not one."""
    if response.status_code not in (403, 429):
        return None
    raw = response.headers.get("Retry-After")
    if raw is not None:
        try:
            return max(0.0, float(raw))
        except ValueError:
            return 60.0
    if response.headers.get("X-RateLimit-Remaining") == "0":
        reset = response.headers.get("X-RateLimit-Reset")
        try:
            return max(0.0, float(reset or 0) - now)
        except ValueError:
            return 60.0
    if "secondary rate limit" in _message(response).lower():
        return 60.0  # GitHub's documented default when it gives no header
    return None


class GitHubClient:
    """Synchronous client bound to one repository (``with GitHubClient(ctx) as gh: …``)."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        attempts: int = 4,
        max_wait: float = 120.0,
    ) -> None:
        self.ctx = ctx
        self._sleep = sleep
        self._clock = clock
        self._attempts = attempts
        self._max_wait = max_wait
        self._http = httpx.Client(
            base_url=ctx.api_url,
            transport=transport,
            timeout=httpx.Timeout(30.0),
            headers={
                "Authorization": f"Bearer {ctx.token.get_secret_value()}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": f"wcsync/{__version__}",
            },
        )

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    @property
    def repo_path(self) -> str:
        return f"/repos/{self.ctx.repository}"

    def call(
        self, method: str, path: str, *, what: str, permission: str, json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """One request; the decoded JSON body (``None`` for 204)."""
        response = self._send(method, path, what=what, permission=permission, json=json, params=params)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def paginate(self, path: str, *, what: str, permission: str, params: dict[str, Any] | None = None
                 ) -> Iterator[dict[str, Any]]:
        """Every item of a list, page by page (``Link`` rel="next")."""
        url: str | None = path
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        while url is not None:
            response = self._send("GET", url, what=what, permission=permission, json=None, params=query)
            body = response.json()
            if not isinstance(body, list):
                raise GitHubError(f"GitHub answered {what} with something that is not a list",
                                  hint="check GITHUB_API_URL", status=response.status_code)
            yield from (item for item in body if isinstance(item, dict))
            url, query = next_link(response.headers.get("Link")), None

    def _send(self, method: str, url: str, *, what: str, permission: str, json: Any,
              params: dict[str, Any] | None) -> httpx.Response:
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._http.request(method, url, json=json, params=params)
            except httpx.TransportError as err:
                raise GitHubError(f"could not reach GitHub at {self.ctx.api_url} to {what} ({type(err).__name__})",
                                  hint="check GITHUB_API_URL and the runner's network") from None
            if response.is_success:
                return response
            wait = _retry_after(response, self._clock())
            if wait is None:
                raise self._error(response, method, what, permission)
            if attempt == self._attempts or wait > self._max_wait:
                raise GitHubRateLimited(
                    f"GitHub's rate limit kept refusing to {what} ({response.status_code} {_message(response)})",
                    hint="re-run the job later; fewer parallel jobs on one token avoid secondary rate limits",
                    status=response.status_code)
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, response: httpx.Response, method: str, what: str, permission: str) -> GitHubError:
        status = response.status_code
        said = f"{status} {_message(response)}"
        accepted = response.headers.get("X-Accepted-GitHub-Permissions")
        needs = f"`{permission}`" + (f" (GitHub accepts: {accepted})" if accepted else "")
        where = f"{method} {response.request.url.path}"
        if status == 401:
            return GitHubPermissionError(
                f"GitHub refused the token while trying to {what} ({said})",
                hint="pass the workflow token (`GITHUB_TOKEN: ${{ github.token }}`) or a valid token", status=status)
        if status == 403:
            return GitHubPermissionError(
                f"GitHub refused to {what} ({said}): the workflow token lacks {needs}",
                hint=f"add `{permission}` under the job's `permissions:` (a token from a fork's pull request "
                "is read-only: use the plan job on pull requests from this repository)", status=status)
        if status == 404:
            return GitHubPermissionError(
                f"GitHub answered 404 to {where} while trying to {what} ({said}): the repository "
                f"{self.ctx.repository} or the item does not exist, or the token cannot see it",
                hint=f"check GITHUB_REPOSITORY; the job needs `{permission}` (GitHub hides what a token may not "
                "read behind 404)", status=status)
        if status == 422:
            return GitHubError(f"GitHub refused to {what} ({said})",
                               hint="this is a wcsync bug if the message names a field: please report it",
                               status=status)
        return GitHubError(f"GitHub failed to {what} ({said})",
                           hint="GitHub may be having trouble (githubstatus.com): re-run the job", status=status)
