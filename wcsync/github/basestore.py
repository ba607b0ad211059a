"""The store a pull request's plan talks to, read from the **base** branch's ``wcsync.yaml`` through GitHub's
REST API (``GET /repos/{owner}/{repo}/contents/{path}?ref={base sha}``), never from the pull request's checkout:
a pull request can edit ``wcsync.yaml`` and point the store's URL at a server of its choosing while the shop's
keys are in the job's environment. The plan then runs with ``--store-url`` set to that URL (credentials from
``WCSYNC_CONSUMER_KEY`` / ``WCSYNC_CONSUMER_SECRET``), and says so when the pull request changes the URL.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from urllib.parse import quote

from wcsync.catalog.project import PROJECT_FILE, Project, StoreConfig, load_project
from wcsync.catalog.yamlio import parse_file
from wcsync.diagnostics import Diagnostic, Severity
from wcsync.errors import CatalogError, ConfigError
from wcsync.github.client import GitHubClient, GitHubError

CONTENTS_READ = "contents: read"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_WHAT_TO_DO = "merge wcsync.yaml into the base branch first, or give the plan job the URL (the action's `store-url`)"


class NoBaseStore(ConfigError):
    """The base branch names no store this pull request's plan can trust (no ``wcsync.yaml`` there, no such
    store in it, or an invalid one): the plan job says so on the pull request instead of planning.
    ``reason`` is the Markdown sentence of what the base branch lacks; ``no_file``: it has no ``wcsync.yaml``;
    ``invalid``: it has one that does not load."""

    def __init__(self, message: str, *, hint: str, reason: str, no_file: bool = False, invalid: bool = False) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason
        self.no_file = no_file
        self.invalid = invalid


#: the settings of a store entry a pull request's plan takes from the base branch only (with the url): where the
#: keys go, how they are sent, and what the store's certificate is checked against
TRUSTED = ("url", "auth", "verify_tls", "ca_bundle")


@dataclass(frozen=True)
class BaseStore:
    name: str
    url: str
    #: the base branch's ``auth`` (basic | oauth1 | query | app_password)
    auth: str = "basic"
    verify_tls: bool = True
    #: the PEM text of the base branch's ``ca_bundle`` (read from the base branch, never from the checkout)
    ca_pem: str | None = None
    #: the settings of ``TRUSTED`` the pull request changes ("" when it removes the store), each with the
    #: warning at its line for the annotation
    changed: tuple[tuple[str, Diagnostic], ...] = ()

    def env(self, ca_file: Path | None, env: Mapping[str, str]) -> dict[str, str]:
        """The environment the wrapped ``wcsync plan --store-url`` gets for the base branch's settings (the
        job's own ``WCSYNC_AUTH`` / ``WCSYNC_CA_BUNDLE``, set by the workflow, win as they do everywhere)."""
        out = {"WCSYNC_VERIFY_TLS": "true" if self.verify_tls else "false"}
        if not env.get("WCSYNC_AUTH"):
            out["WCSYNC_AUTH"] = self.auth
        if ca_file is not None and not env.get("WCSYNC_CA_BUNDLE"):
            out["WCSYNC_CA_BUNDLE"] = str(ca_file)
        return out


def base_sha(event: Mapping[str, object]) -> str:
    pr = event.get("pull_request")
    base = pr.get("base") if isinstance(pr, dict) else None
    sha = base.get("sha") if isinstance(base, dict) else None
    if not isinstance(sha, str) or not sha:
        raise ConfigError("the pull_request event names no base commit (pull_request.base.sha), so wcsync cannot "
                          "read the store's URL from the base branch", hint="give the plan job the URL (`store-url`)")
    return sha


def read_base_file(gh: GitHubClient, path: str, ref: str) -> str | None:
    """The text of ``path`` at commit ``ref`` (``None`` when GitHub answers 404: no such file there)."""
    try:
        body = gh.call("GET", f"{gh.repo_path}/contents/{quote(path)}", params={"ref": ref},
                       what=f"read {path} of the base branch ({ref[:7]})", permission=CONTENTS_READ)
    except GitHubError as err:
        if err.status == 404:
            return None
        raise
    if not isinstance(body, dict) or body.get("type", "file") != "file" or body.get("encoding") != "base64":
        raise GitHubError(f"GitHub did not answer {path} of the base branch ({ref[:7]}) with a file's content",
                          hint=f"{path} must be a file under 1 MB in the repository")
    try:
        return base64.b64decode(str(body.get("content") or "")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise GitHubError(f"GitHub's content of {path} at {ref[:7]} is not base64 UTF-8 text") from None


def _parse(text: str) -> Project:
    with tempfile.TemporaryDirectory(prefix="wcsync-base-") as tmp:
        (Path(tmp) / PROJECT_FILE).write_text(text, encoding="utf-8")
        try:
            return load_project(Path(tmp))
        except CatalogError as err:
            first = next((f"{d.where}: {d.message}" for d in err.diagnostics if isinstance(d, Diagnostic)), str(err))
            raise NoBaseStore(f"the base branch's {PROJECT_FILE} is invalid ({first}), so wcsync cannot read the "
                              "store's URL from it", hint=_WHAT_TO_DO,
                              reason=f"the base branch's `{PROJECT_FILE}` is invalid", invalid=True) from None


def _interpolate(value: str, env: Mapping[str, str], store: str, field: str = "url") -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in env:
            raise ConfigError(f"store '{store}': the base branch's {field} uses ${{{m.group(1)}}} but the "
                              f"environment variable {m.group(1)} is not set",
                              hint=f"set {m.group(1)} in the plan job's env")
        return env[m.group(1)]

    return _VAR.sub(sub, value)


def _choose(project: Project, store: str | None, ref: str) -> str:
    name = store or project.default_store
    if name is None and len(project.stores) == 1:
        name = next(iter(project.stores))
    if name is None or name not in project.stores:
        what = f"no store named '{name}'" if name else "no store chosen (no default_store, not exactly one store)"
        known = ", ".join(sorted(project.stores)) or "none"
        raise NoBaseStore(f"the base branch's {PROJECT_FILE} ({ref[:7]}) has {what} (declared: {known})",
                          hint=f"{_WHAT_TO_DO}; or pass the action's `store` input",
                          reason=f"the base branch's `{PROJECT_FILE}` declares {_md_what(name)}")
    return name


def _md_what(name: str | None) -> str:
    return f"no store named `{name}`" if name else "no store to choose (no `default_store`, not exactly one store)"


def _changed(project_dir: Path, name: str, base: StoreConfig) -> tuple[tuple[str, Diagnostic], ...]:
    """A warning at each of the pull request's ``TRUSTED`` settings of store ``name`` that differs from the base
    branch's (or at ``stores:`` when the pull request removes the store)."""
    try:
        head = load_project(project_dir, required=False)
    except CatalogError:
        return ()  # the plan reports the broken file
    cfg = head.stores.get(name)
    if cfg is None:
        changes = [("", f"this pull request removes store '{name}' from {PROJECT_FILE}: the plan used the base "
                        "branch's settings of it")]
    else:
        changes = [(key, f"this pull request changes store '{name}'s {key} in {PROJECT_FILE}: the plan used the "
                         f"base branch's {key}; the new one is used only after the merge")
                   for key in TRUSTED if getattr(cfg, key) != getattr(base, key)]
    if not changes:
        return ()
    doc, _ = parse_file(project_dir / PROJECT_FILE, PROJECT_FILE)
    out: list[tuple[str, Diagnostic]] = []
    for key, message in changes:
        if doc is None:
            out.append((key, Diagnostic(PROJECT_FILE, 1, 1, message, severity=Severity.WARNING)))
            continue
        # at the setting; at the store's entry when the pull request removes the setting (back to its default)
        path: tuple[str, ...] = ("stores",) if not key else ("stores", name)
        if key and _has(doc.data, (*path, key)):
            path = (*path, key)
        found = doc.diag(path, message)
        out.append((key, Diagnostic(found.file, max(found.line, 1), max(found.col, 1), message,
                                    severity=Severity.WARNING)))
    return tuple(out)


def _has(data: object, where: tuple[str, ...]) -> bool:
    for key in where:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


def _ca_pem(gh: GitHubClient, cfg: StoreConfig, *, name: str, prefix: str, ref: str,
            env: Mapping[str, str]) -> str | None:
    """The PEM text of the base branch's ``ca_bundle``: a file of the project, read from the base branch through
    GitHub's API (the pull request could change the checkout's copy). None without one, or when the job's
    ``WCSYNC_CA_BUNDLE`` (which wins) is set."""
    if cfg.ca_bundle is None or env.get("WCSYNC_CA_BUNDLE"):
        return None
    written = _interpolate(cfg.ca_bundle, env, name, "ca_bundle")
    rel = posixpath.normpath(written.replace("\\", "/"))
    if posixpath.isabs(rel) or PureWindowsPath(written).drive or rel == ".." or rel.startswith("../"):
        raise ConfigError(f"store '{name}': the base branch's ca_bundle '{written}' is outside the project, and "
                          "a pull request's plan reads only files of the project (from the base branch)",
                          hint="commit the CA certificate in the project and name it relative to the project "
                          "directory, or set WCSYNC_CA_BUNDLE in the plan job's env")
    text = read_base_file(gh, prefix + rel, ref)
    if text is None:
        raise ConfigError(f"store '{name}': the base branch ({ref[:7]}) has no {prefix + rel}, its ca_bundle",
                          hint="commit the CA certificate there (a ca_bundle is relative to the project "
                          "directory), or set WCSYNC_CA_BUNDLE in the plan job's env")
    return text


def resolve_base_store(gh: GitHubClient, *, project_dir: Path, prefix: str, store: str | None,
                       env: Mapping[str, str]) -> BaseStore:
    """The store the base branch's ``wcsync.yaml`` declares — its ``TRUSTED`` settings, the CA certificate
    read from the base branch — and what the pull request changes of them; refuses clearly when there is none."""
    ref = base_sha(gh.ctx.event)
    path = prefix + PROJECT_FILE
    text = read_base_file(gh, path, ref)
    if text is None:
        raise NoBaseStore(f"the base branch ({ref[:7]}) has no {path} (or the workflow token cannot read it), so "
                          "wcsync cannot tell which store to plan against without trusting this pull request",
                          hint=f"{_WHAT_TO_DO}; the job needs `{CONTENTS_READ}`",
                          reason=f"the base branch has no `{path}`", no_file=True)
    project = _parse(text)
    name = _choose(project, store, ref)
    cfg = project.stores[name]
    url = _interpolate(cfg.url, env, name)
    if url.startswith("sandbox:") and not Path(url.removeprefix("sandbox:")).is_absolute():
        url = f"sandbox:{project_dir / url.removeprefix('sandbox:')}"
    return BaseStore(name, url, auth=cfg.auth, verify_tls=cfg.verify_tls,
                     ca_pem=_ca_pem(gh, cfg, name=name, prefix=prefix, ref=ref, env=env),
                     changed=_changed(project_dir, name, cfg))
