"""A fake of GitHub's REST API (Starlette), for the endpoints ``wcsync github`` uses, with GitHub's response
shapes (issue, pull request, comment objects as documented at docs.github.com/rest), ``Link`` pagination
(``per_page`` default 30, max 100; next links point at ``/repositories/{id}/…`` as GitHub's do), and its errors:

- 401 ``Bad credentials`` for an unknown token;
- 403 ``Resource not accessible by integration`` with ``X-Accepted-GitHub-Permissions`` when the token lacks
  the permission (tokens are given permission sets like a workflow's ``permissions:``);
- 404 ``Not Found`` for an unknown repository, issue or comment, or a file missing at a commit (contents API);
- 422 ``Validation Failed`` for a comment body over 65,536 characters, or an empty one;
- a secondary rate limit (403 with ``Retry-After``) on demand (``rate_limit_next``).

Served by uvicorn on 127.0.0.1 (an OS-picked port) in a thread; tests read ``state`` and ``log``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.threaded import ThreadedUvicorn

DOCS = "https://docs.github.com/rest"
BODY_LIMIT = 65_536
REPO_ID = 4242
WRITE_ALL = frozenset({"pull_requests:write", "issues:write", "contents:read", "pull_requests:read",
                       "issues:read"})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeGitHub:
    owner: str = "octo"
    name: str = "shop"
    #: token -> permissions ("pull_requests:write", "issues:write", …)
    tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: commit sha -> pull request numbers (GET /commits/{sha}/pulls)
    commit_pulls: dict[str, list[int]] = field(default_factory=dict)
    #: (commit sha, path) -> text of the file at that commit (GET /contents/{path}?ref=)
    files: dict[tuple[str, str], str] = field(default_factory=dict)
    log: list[tuple[str, str, int]] = field(default_factory=list)
    base_url: str = ""
    _rate_limited: int = 0
    _retry_after: int = 1
    _ids: Any = field(default_factory=lambda: itertools.count(1_000_001))

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    # -------------------------------------------------------------------------------- test set-up

    def rate_limit_next(self, n: int, retry_after: int = 1) -> None:
        self._rate_limited, self._retry_after = n, retry_after

    def add_pull(self, number: int, *, head_sha: str, merged_sha: str | None = None) -> dict[str, Any]:
        html = f"https://github.com/{self.full_name}/pull/{number}"
        issue = self._issue_obj(number, f"PR {number}", "", [])
        issue["pull_request"] = {"url": f"{self.base_url}/repos/{self.full_name}/pulls/{number}", "html_url": html,
                                 "merged_at": _now() if merged_sha else None}
        issue["html_url"] = html
        issue["_pull"] = {"head": {"sha": head_sha, "ref": f"feature-{number}"}, "base": {"ref": "main"},
                          "merge_commit_sha": merged_sha, "merged_at": _now() if merged_sha else None}
        self.issues[number] = issue
        if merged_sha:
            self.commit_pulls.setdefault(merged_sha, []).append(number)
        return issue

    def add_comment(self, number: int, body: str, login: str = "someone") -> dict[str, Any]:
        return self._new_comment(number, body, login)

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["_issue"] == number]

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, s in self.log if m != "GET" and s < 300]

    # ------------------------------------------------------------------------------------- objects

    def _user(self, login: str = "github-actions[bot]") -> dict[str, Any]:
        return {"login": login, "id": 41898282, "type": "Bot" if login.endswith("[bot]") else "User",
                "html_url": f"https://github.com/{login}"}

    def _issue_obj(self, number: int, title: str, body: str, labels: list[str]) -> dict[str, Any]:
        now = _now()
        return {"id": next(self._ids), "node_id": f"I_kw{number}", "number": number, "title": title, "body": body,
                "state": "open", "state_reason": None, "locked": False, "comments": 0,
                "url": f"{self.base_url}/repos/{self.full_name}/issues/{number}",
                "html_url": f"https://github.com/{self.full_name}/issues/{number}",
                "labels": [{"id": abs(hash(n)) % 10**8, "name": n, "color": "ededed", "default": False}
                           for n in labels],
                "user": self._user(), "assignees": [], "created_at": now, "updated_at": now, "closed_at": None,
                "author_association": "NONE"}

    def _new_comment(self, number: int, body: str, login: str = "github-actions[bot]") -> dict[str, Any]:
        cid = next(self._ids)
        now = _now()
        comment = {"id": cid, "node_id": f"IC_kw{cid}", "body": body, "user": self._user(login),
                   "url": f"{self.base_url}/repos/{self.full_name}/issues/comments/{cid}",
                   "html_url": f"https://github.com/{self.full_name}/pull/{number}#issuecomment-{cid}",
                   "issue_url": f"{self.base_url}/repos/{self.full_name}/issues/{number}",
                   "created_at": now, "updated_at": now, "author_association": "NONE", "_issue": number}
        self.comments[cid] = comment
        self.issues[number]["comments"] += 1
        return comment

    def content_obj(self, path: str, ref: str, raw: bytes) -> dict[str, Any]:
        """A file as GitHub's contents API shows it: base64 in lines of 60 characters, each ending in \\n."""
        sha = hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()  # git's blob id
        encoded = base64.b64encode(raw).decode("ascii")
        content = "".join(encoded[i:i + 60] + "\n" for i in range(0, len(encoded), 60))
        api = f"{self.base_url}/repos/{self.full_name}"
        html = f"https://github.com/{self.full_name}/blob/{ref}/{path}"
        return {"type": "file", "encoding": "base64", "size": len(raw), "name": path.rsplit("/", 1)[-1],
                "path": path, "content": content, "sha": sha, "url": f"{api}/contents/{path}?ref={ref}",
                "git_url": f"{api}/git/blobs/{sha}", "html_url": html,
                "download_url": f"https://raw.githubusercontent.com/{self.full_name}/{ref}/{path}",
                "_links": {"self": f"{api}/contents/{path}?ref={ref}", "git": f"{api}/git/blobs/{sha}",
                           "html": html}}

    @staticmethod
    def public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    # -------------------------------------------------------------------------------------- errors

    @staticmethod
    def error(status: int, message: str, **extra: Any) -> JSONResponse:
        headers = extra.pop("headers", {})
        return JSONResponse({"message": message, "documentation_url": DOCS, "status": str(status), **extra},
                            status_code=status, headers=headers)

    def _gate(self, request: Request, permission: str) -> Response | None:
        if self._rate_limited:
            self._rate_limited -= 1
            return self.error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before "
                              "you try again. If you reach out to GitHub Support for help, please include the "
                              "request ID 0000:1111:2222.", headers={"Retry-After": str(self._retry_after)})
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").removeprefix("token ").strip()
        if token not in self.tokens:
            return self.error(401, "Bad credentials")
        owner, name = request.path_params.get("owner"), request.path_params.get("name")
        rid = request.path_params.get("rid")
        if (rid is not None and int(rid) != REPO_ID) or (rid is None and f"{owner}/{name}" != self.full_name):
            return self.error(404, "Not Found")
        if permission not in self.tokens[token] and not (
            permission.endswith(":read") and permission.replace(":read", ":write") in self.tokens[token]
        ):
            accepted = permission.replace(":", "=")
            return self.error(403, "Resource not accessible by integration",
                              headers={"X-Accepted-GitHub-Permissions": accepted})
        return None

    def page(self, request: Request, items: list[dict[str, Any]], path: str) -> Response:
        per_page = min(int(request.query_params.get("per_page", "30")), 100)
        page = max(int(request.query_params.get("page", "1")), 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        kept = {k: v for k, v in request.query_params.items() if k not in ("page", "per_page")}
        links = []

        def url(n: int) -> str:
            return f"{self.base_url}/repositories/{REPO_ID}/{path}?" + urlencode({**kept, "per_page": per_page,
                                                                                 "page": n})

        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
        headers = {"Link": ", ".join(links)} if links else {}
        return JSONResponse([self.public(i) for i in chunk], headers=headers)


def create_app(fake: FakeGitHub) -> Starlette:
    async def logged(request: Request, response: Response) -> Response:
        fake.log.append((request.method, request.url.path, response.status_code))
        return response

    async def list_comments(request: Request) -> Response:
        number = int(request.path_params["number"])
        if (gate := fake._gate(request, "pull_requests:read")) is not None:
            return await logged(request, gate)
        if number not in fake.issues:
            return await logged(request, fake.error(404, "Not Found"))
        items = sorted(fake.comments_on(number), key=lambda c: c["id"])
        return await logged(request, fake.page(request, items, f"issues/{number}/comments"))

    async def post_comment(request: Request) -> Response:
        number = int(request.path_params["number"])
        issue = fake.issues.get(number)
        perm = "pull_requests:write" if issue is not None and "pull_request" in issue else "issues:write"
        if (gate := fake._gate(request, perm)) is not None:
            return await logged(request, gate)
        if issue is None:
            return await logged(request, fake.error(404, "Not Found"))
        body = (await request.json()).get("body")
        if (invalid := _invalid_body(body)) is not None:
            return await logged(request, invalid)
        return await logged(request, JSONResponse(fake.public(fake._new_comment(number, body)), status_code=201))

    async def patch_comment(request: Request) -> Response:
        comment = fake.comments.get(int(request.path_params["cid"]))
        issue = fake.issues.get(comment["_issue"]) if comment else None
        perm = "pull_requests:write" if issue is not None and "pull_request" in issue else "issues:write"
        if (gate := fake._gate(request, perm)) is not None:
            return await logged(request, gate)
        if comment is None:
            return await logged(request, fake.error(404, "Not Found"))
        body = (await request.json()).get("body")
        if (invalid := _invalid_body(body)) is not None:
            return await logged(request, invalid)
        comment["body"], comment["updated_at"] = body, _now()
        return await logged(request, JSONResponse(fake.public(comment)))

    async def list_issues(request: Request) -> Response:
        if (gate := fake._gate(request, "issues:read")) is not None:
            return await logged(request, gate)
        state = request.query_params.get("state", "open")
        labels = {x for x in request.query_params.get("labels", "").split(",") if x}
        items = [i for i in sorted(fake.issues.values(), key=lambda i: -i["number"])
                 if (state == "all" or i["state"] == state) and labels <= {x["name"] for x in i["labels"]}]
        return await logged(request, fake.page(request, items, "issues"))

    async def create_issue(request: Request) -> Response:
        if (gate := fake._gate(request, "issues:write")) is not None:
            return await logged(request, gate)
        data = await request.json()
        if not data.get("title"):
            return await logged(request, fake.error(422, "Validation Failed", errors=[
                {"resource": "Issue", "code": "missing_field", "field": "title"}]))
        if (invalid := _invalid_body(data.get("body") or " ")) is not None:
            return await logged(request, invalid)
        number = max(fake.issues, default=0) + 1
        issue = fake._issue_obj(number, data["title"], data.get("body") or "", list(data.get("labels") or []))
        fake.issues[number] = issue
        return await logged(request, JSONResponse(fake.public(issue), status_code=201))

    async def patch_issue(request: Request) -> Response:
        if (gate := fake._gate(request, "issues:write")) is not None:
            return await logged(request, gate)
        issue = fake.issues.get(int(request.path_params["number"]))
        if issue is None:
            return await logged(request, fake.error(404, "Not Found"))
        data = await request.json()
        if "body" in data and (invalid := _invalid_body(data["body"] or " ")) is not None:
            return await logged(request, invalid)
        for key in ("title", "body", "state", "state_reason"):
            if key in data:
                issue[key] = data[key]
        issue["closed_at"] = _now() if issue["state"] == "closed" else None
        issue["updated_at"] = _now()
        return await logged(request, JSONResponse(fake.public(issue)))

    async def commit_pulls(request: Request) -> Response:
        if (gate := fake._gate(request, "pull_requests:read")) is not None:
            return await logged(request, gate)
        pulls = []
        for number in fake.commit_pulls.get(request.path_params["sha"], []):
            issue = fake.issues[number]
            pulls.append({"id": issue["id"], "number": number, "state": "closed", "title": issue["title"],
                          "html_url": issue["html_url"], "user": issue["user"], "body": "",
                          **issue["_pull"]})
        return await logged(request, JSONResponse(pulls))

    async def get_contents(request: Request) -> Response:
        if (gate := fake._gate(request, "contents:read")) is not None:
            return await logged(request, gate)
        path = request.path_params["path"]
        ref = request.query_params.get("ref", "main")
        text = fake.files.get((ref, path))
        if text is None:
            return await logged(request, fake.error(404, "Not Found"))
        raw = text.encode("utf-8")
        if "raw" in request.headers.get("accept", ""):
            return await logged(request, Response(raw, media_type="application/vnd.github.raw+json"))
        return await logged(request, JSONResponse(fake.content_obj(path, ref, raw)))

    repo = "/repos/{owner}/{name}"
    rid = "/repositories/{rid:int}"
    routes = []
    for base in (repo, rid):
        routes += [
            Route(base + "/issues/{number:int}/comments", list_comments, methods=["GET"]),
            Route(base + "/issues/{number:int}/comments", post_comment, methods=["POST"]),
            Route(base + "/issues/comments/{cid:int}", patch_comment, methods=["PATCH"]),
            Route(base + "/issues", list_issues, methods=["GET"]),
            Route(base + "/issues", create_issue, methods=["POST"]),
            Route(base + "/issues/{number:int}", patch_issue, methods=["PATCH"]),
            Route(base + "/commits/{sha}/pulls", commit_pulls, methods=["GET"]),
            Route(base + "/contents/{path:path}", get_contents, methods=["GET"]),
        ]
    return Starlette(routes=routes)


def _invalid_body(body: Any) -> JSONResponse | None:
    if not isinstance(body, str) or not body:
        return FakeGitHub.error(422, "Validation Failed", errors=[
            {"resource": "IssueComment", "code": "missing_field", "field": "body"}])
    if len(body) > BODY_LIMIT:
        return FakeGitHub.error(422, "Validation Failed", errors=[
            {"resource": "IssueComment", "code": "custom", "field": "body",
             "message": f"body is too long (maximum is {BODY_LIMIT} characters)"}])
    return None


class Served:
    """The fake served by uvicorn on 127.0.0.1 (an OS-picked port) in a thread."""

    def __init__(self, fake: FakeGitHub) -> None:
        self._server = ThreadedUvicorn(create_app(fake), what="the fake GitHub API")
        fake.base_url = f"http://127.0.0.1:{self._server.port}"

    def stop(self) -> None:
        self._server.stop()
