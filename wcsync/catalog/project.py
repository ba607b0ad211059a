"""The project file ``wcsync.yaml``: stores, ownership, delete mode, store-owned fields, guards, lint levels.

``load_project`` validates it with the same ``file:line:col`` diagnostics as the catalogue; ``resolve_store``
turns it (plus ``--store``/``--store-url`` and the environment) into ``StoreSettings``; ``plan_settings``
gives the planner its settings. Secrets stay ``SecretStr`` from the file to the client and never appear in a
message: errors name the variable or the field, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, JsonValue, PrivateAttr, SecretStr, StrictBool, StrictFloat, StrictInt

from wcsync.catalog.confine import is_inside, outside
from wcsync.catalog.lintrules import RULES
from wcsync.catalog.models import Model
from wcsync.catalog.problems import suggestion_hint, validate_model
from wcsync.catalog.yamlio import YamlDoc, parse_file
from wcsync.core.fields import PRODUCT_FIELDS, STORE_OWNABLE
from wcsync.core.plan import DeleteMode, PlanSettings
from wcsync.diagnostics import NO_LINE, Diagnostic, sort_diagnostics
from wcsync.errors import CatalogError, ConfigError
from wcsync.settings import URL_CREDENTIALS_HINT, AuthMethod, StoreSettings, url_has_credentials

PROJECT_FILE = "wcsync.yaml"

AuthName = Literal["basic", "oauth1", "query", "app_password"]


class StoreConfig(Model):
    """One store as written in ``wcsync.yaml``; string values may use ``${ENV_VAR}``."""

    url: str = Field(min_length=1, description="https://shop.example.com, or sandbox:PATH; may use ${VAR}")
    auth: AuthName = "basic"
    consumer_key: SecretStr | None = Field(default=None, description="usually ${WC_CONSUMER_KEY}")
    consumer_secret: SecretStr | None = Field(default=None, description="usually ${WC_CONSUMER_SECRET}")
    username: str | None = None
    app_password: SecretStr | None = None
    verify_tls: StrictBool = True
    ca_bundle: str | None = None
    allow_insecure_app_password: StrictBool = Field(
        default=False,
        description="send the application password over plain http:// — only for a WordPress site whose "
        "environment type is 'local'; warned about on every run",
    )
    connect_timeout: StrictFloat = Field(default=10.0, gt=0)
    read_timeout: StrictFloat = Field(default=60.0, gt=0)
    write_timeout: StrictFloat = Field(default=180.0, gt=0)
    concurrency: StrictInt = Field(default=4, ge=1, le=32)
    batch_size: StrictInt = Field(default=100, ge=1, le=100)
    max_retries: StrictInt = Field(default=5, ge=0, le=20)


class Guards(Model):
    max_deletes: StrictInt | None = Field(default=None, ge=0)
    max_changed_percent: StrictFloat | None = Field(default=None, ge=0, le=100)
    max_price_drop_percent: StrictFloat | None = Field(default=None, ge=0, le=100)


class Project(Model):
    """The validated project file (a default one when there is no ``wcsync.yaml`` and it is not required)."""

    stores: dict[str, StoreConfig] = Field(default_factory=dict)
    default_store: str | None = None
    ownership: Literal["marked", "all"] = "marked"
    delete: Literal["trash", "force", "never"] = "trash"
    store_owned: list[str] = Field(default_factory=list)
    guards: Guards = Field(default_factory=Guards)
    lint: dict[str, Literal["error", "warning", "off"]] = Field(
        default_factory=dict,
        description="lint rule id → error | warning | off",
        json_schema_extra={"propertyNames": {"enum": list[JsonValue](sorted(RULES))}},
    )
    catalog: str = Field(default="catalog", description="catalogue directory, relative to the project")
    #: the directory ``load_project`` read it from (relative ``sandbox:`` store URLs are resolved against it)
    _directory: Path | None = PrivateAttr(default=None)

    @property
    def directory(self) -> Path | None:
        """The project directory this file was read from (None for a ``Project()`` built in code)."""
        return self._directory


def _semantic_checks(project: Project, doc: YamlDoc) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if project.default_store is not None and project.default_store not in project.stores:
        out.append(
            doc.diag(
                ("default_store",),
                f"default_store '{project.default_store}' is not one of the stores",
                suggestion_hint(project.default_store, project.stores, fallback="declare it under stores:"),
            )
        )
    owned_ok = set(STORE_OWNABLE)
    for i, name in enumerate(project.store_owned):
        if name not in owned_ok:
            out.append(
                doc.diag(
                    ("store_owned", i),
                    f"store_owned: '{name}' is not a product or variation field" if name not in PRODUCT_FIELDS else f"store_owned: '{name}' cannot be owned by the store (wcsync needs it to plan)",
                    suggestion_hint(name, owned_ok, fallback="use field names like stock_quantity"),
                )
            )
    for rule in project.lint:
        if rule not in RULES:
            out.append(
                doc.diag(
                    ("lint", rule),
                    f"lint: unknown rule '{rule}'",
                    suggestion_hint(rule, RULES, fallback="known rules: " + ", ".join(sorted(RULES))),
                    key=True,
                )
            )
    for name, store in project.stores.items():
        if store.url.startswith("sandbox:") or "${" in store.url:
            continue
        if url_has_credentials(store.url):
            out.append(
                doc.diag(("stores", name, "url"), f"store '{name}': the url has a user name or password in it", URL_CREDENTIALS_HINT)
            )
            continue
        parsed = urlparse(store.url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            out.append(
                doc.diag(
                    ("stores", name, "url"),
                    f"store '{name}': url is not an http(s) URL or sandbox:PATH",
                    "write the WordPress site URL, like https://shop.example.com",
                )
            )
    return out


def load_project(project_dir: Path, *, required: bool = True) -> Project:
    """Read and validate ``<project_dir>/wcsync.yaml``.

    Raises ``CatalogError`` (with ``.diagnostics``) when it is invalid, or when it is missing and ``required``;
    returns ``Project()`` defaults when it is missing and not required.
    """
    path = Path(project_dir) / PROJECT_FILE
    if not path.is_file():
        if not required:
            return Project()
        diag = Diagnostic(
            PROJECT_FILE, NO_LINE, NO_LINE, f"no {PROJECT_FILE} in {project_dir}", "create one, or point --project at the project directory"
        )
        raise CatalogError(f"no {PROJECT_FILE} in {project_dir}", [diag], hint="create one or pass --project DIR")
    problem = outside(path, Path(project_dir), PROJECT_FILE)
    doc, diags = (None, [problem]) if problem is not None else parse_file(path, PROJECT_FILE)
    project: Project | None = None
    if doc is not None:
        data = {} if doc.data is None else doc.data
        project = validate_model(doc, (), data, Project, "project file", diags)
        if project is not None:
            diags.extend(_semantic_checks(project, doc))
            if not is_inside(Path(project_dir) / project.catalog, Path(project_dir)):
                diags.append(
                    doc.diag(
                        ("catalog",),
                        f"catalog: '{project.catalog}' is outside the project directory",
                        "name a directory inside the project, like catalog",
                    )
                )
    if diags or project is None:
        diags = sort_diagnostics(diags)
        raise CatalogError(f"{PROJECT_FILE} has {len(diags)} problem(s)", list(diags))
    project._directory = Path(project_dir)
    return project


_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _interpolate(value: str | None, env: Mapping[str, str], *, store: str, field: str) -> str | None:
    if value is None:
        return None

    def sub(m: re.Match[str]) -> str:
        var = m.group(1)
        if var not in env:
            raise ConfigError(
                f"store '{store}': {field} uses ${{{var}}} but the environment variable {var} is not set",
                hint=f"export {var}=… before running wcsync (or set it as a CI secret)",
            )
        return env[var]

    return _VAR_RE.sub(sub, value)


def _secret(value: SecretStr | None, env: Mapping[str, str], *, store: str, field: str) -> SecretStr | None:
    if value is None:
        return None
    resolved = _interpolate(value.get_secret_value(), env, store=store, field=field)
    return SecretStr(resolved) if resolved else None


def _check_credentials(s: StoreSettings, *, flag_hint: str) -> None:
    if s.is_sandbox:
        return
    if s.auth is AuthMethod.APP_PASSWORD:
        missing = [f for f in ("username", "app_password") if getattr(s, f) is None]
    else:
        missing = [f for f in ("consumer_key", "consumer_secret") if getattr(s, f) is None]
    if missing:
        raise ConfigError(f"store '{s.name}' has no {' and no '.join(missing)}", hint=flag_hint)


def _sandbox_in(url: str, directory: Path | None) -> str:
    """``sandbox:REL`` of a project file, resolved against its directory (absolute paths are kept)."""
    if directory is None or not url.startswith("sandbox:"):
        return url
    path = url.removeprefix("sandbox:")
    if not path or Path(path).is_absolute():
        return url
    return f"sandbox:{directory / path}"


def _in_project(path: str | None, directory: Path | None) -> str | None:
    """A relative ``ca_bundle`` of a project file is a file of the project: resolved against its directory."""
    if path is None or directory is None or Path(path).is_absolute():
        return path
    return str(directory / path)


def _env_verify_tls(env: Mapping[str, str], default: bool) -> bool:
    """``WCSYNC_VERIFY_TLS`` (true | false) with a URL from the flag or the environment; the wrapped plan of
    ``wcsync github plan`` gets the base branch's ``verify_tls`` through it."""
    value = env.get("WCSYNC_VERIFY_TLS", "").strip().lower()
    if not value:
        return default
    if value not in ("true", "false"):
        raise ConfigError(f"WCSYNC_VERIFY_TLS '{value}' is neither true nor false", hint="set it to true or false")
    return value == "true"


def _env_auth(env: Mapping[str, str], base: StoreConfig | None, scheme: str) -> str:
    """``WCSYNC_AUTH`` > the ``--store`` entry's ``auth`` > application password when only ``WCSYNC_USERNAME`` /
    ``WCSYNC_APP_PASSWORD`` are set > OAuth 1.0a for ``http://`` > Basic."""
    if env.get("WCSYNC_AUTH"):
        return env["WCSYNC_AUTH"]
    if base is not None:
        return base.auth
    has_key = env.get("WCSYNC_CONSUMER_KEY") or env.get("WCSYNC_CONSUMER_SECRET")
    if not has_key and (env.get("WCSYNC_USERNAME") or env.get("WCSYNC_APP_PASSWORD")):
        return "app_password"
    return "oauth1" if scheme == "http" else "basic"


def _project_source(cfg: StoreConfig, name: str, auth: AuthMethod) -> str:
    """Where a project-file store's credentials come from, as ``set …`` hints name it."""
    fields = ("username", "app_password") if auth is AuthMethod.APP_PASSWORD else ("consumer_key", "consumer_secret")
    where = f"{fields[0]} / {fields[1]} of store '{name}' in {PROJECT_FILE}"
    variables: list[str] = []
    for field in fields:
        raw = getattr(cfg, field)
        value = raw.get_secret_value() if isinstance(raw, SecretStr) else raw
        match = _VAR_RE.fullmatch(value.strip()) if isinstance(value, str) else None
        if match:
            variables.append(match.group(1))
    if len(variables) == len(fields):
        return f"{' / '.join(variables)} (read by {where})"
    return where


def resolve_store(
    project: Project | None, *, store: str | None, store_url: str | None, env: Mapping[str, str]
) -> StoreSettings:
    """Which store to talk to, and how: ``--store-url`` > ``WCSYNC_URL`` > ``--store NAME`` > ``default_store``.

    With a URL from the flag or the environment, credentials come from the environment: ``WCSYNC_CONSUMER_KEY``
    / ``WCSYNC_CONSUMER_SECRET``, or ``WCSYNC_USERNAME`` / ``WCSYNC_APP_PASSWORD`` for a WordPress application
    password (chosen by ``WCSYNC_AUTH=app_password``, or on its own when those are set and no consumer key is);
    ``WCSYNC_AUTH`` picks the method, ``WCSYNC_CA_BUNDLE`` a private CA, ``WCSYNC_VERIFY_TLS=false`` turns
    certificate verification off (warned on every run). A ``sandbox:PATH`` URL needs none.

    Relative ``sandbox:PATH`` URLs: one written in ``wcsync.yaml`` is resolved against the project directory
    (``project.directory``, set by ``load_project``), so ``--project DIR`` run from elsewhere reaches
    ``DIR/.wcsync/sandbox.db``; one given as ``--store-url`` / ``WCSYNC_URL`` stays relative to the current
    directory, as whoever typed it expects.

    ``credentials_source`` of the result says where the credentials came from (None for a sandbox), so store
    errors name the real place to fix them.
    """
    project = project or Project()
    url = store_url or env.get("WCSYNC_URL") or None
    ca_env = env.get("WCSYNC_CA_BUNDLE") or None
    if url:
        source = "--store-url" if store_url else "WCSYNC_URL"
        if url_has_credentials(url):
            raise ConfigError(f"the URL given with {source} has a user name or password in it", hint=URL_CREDENTIALS_HINT)
        parsed = urlparse(url)
        if not url.startswith("sandbox:") and (parsed.scheme not in ("http", "https") or not parsed.netloc):
            raise ConfigError(f"{source} is not an http(s) URL or sandbox:PATH", hint="give the WordPress site URL, like https://shop.example.com")
        base = project.stores.get(store) if store else None
        auth = _env_auth(env, base, parsed.scheme)
        if auth not in AuthMethod.__members__.values():
            raise ConfigError(f"WCSYNC_AUTH '{auth}' is not an authentication method", hint="use basic, oauth1, query or app_password")
        method = AuthMethod(auth)
        key, secret = env.get("WCSYNC_CONSUMER_KEY"), env.get("WCSYNC_CONSUMER_SECRET")
        user, password = env.get("WCSYNC_USERNAME"), env.get("WCSYNC_APP_PASSWORD")
        if method is AuthMethod.APP_PASSWORD:
            variables = "WCSYNC_USERNAME and WCSYNC_APP_PASSWORD"
            flag_hint = f"with {source}, set {variables} in the environment (`wcsync sandbox keys --app-password` prints them for a sandbox)"
        else:
            variables = "WCSYNC_CONSUMER_KEY and WCSYNC_CONSUMER_SECRET"
            flag_hint = (
                f"with {source}, set {variables} in the environment (or WCSYNC_USERNAME and WCSYNC_APP_PASSWORD "
                "for a WordPress application password)"
            )
        settings = StoreSettings(
            name=store or ("sandbox" if url.startswith("sandbox:") else parsed.hostname or "store"),
            url=url,
            auth=method,
            consumer_key=SecretStr(key) if key else None,
            consumer_secret=SecretStr(secret) if secret else None,
            username=user or None,
            app_password=SecretStr(password) if password else None,
            verify_tls=_env_verify_tls(env, base.verify_tls if base else True),
            allow_insecure_app_password=base.allow_insecure_app_password if base else False,
            ca_bundle=ca_env or (_in_project(base.ca_bundle, project.directory) if base else None),
            credentials_source=None if url.startswith("sandbox:") else variables.replace(" and ", " / ") + " in the environment",
            **(_tuning(base) if base else {}),
        )
        _check_credentials(settings, flag_hint=flag_hint)
        return settings
    name = store or project.default_store
    if name is None:
        if len(project.stores) == 1:
            name = next(iter(project.stores))
        elif not project.stores:
            raise ConfigError(
                "no store to talk to", hint="pass --store-url URL (or set WCSYNC_URL), or declare stores in wcsync.yaml"
            )
        else:
            raise ConfigError(
                "several stores are declared and none is chosen",
                hint=f"pass --store NAME ({', '.join(sorted(project.stores))}) or set default_store in wcsync.yaml",
            )
    cfg = project.stores.get(name)
    if cfg is None:
        known = ", ".join(sorted(project.stores)) or "none"
        guess = suggestion_hint(name, project.stores, fallback=f"declared stores: {known}")
        raise ConfigError(f"no store named '{name}' in wcsync.yaml", hint=guess)
    url = _interpolate(cfg.url, env, store=name, field="url") or ""
    if url_has_credentials(url):
        raise ConfigError(f"store '{name}': the url in wcsync.yaml has a user name or password in it", hint=URL_CREDENTIALS_HINT)
    auth = AuthMethod(cfg.auth)
    settings = StoreSettings(
        name=name,
        url=_sandbox_in(url, project.directory),
        auth=auth,
        consumer_key=_secret(cfg.consumer_key, env, store=name, field="consumer_key"),
        consumer_secret=_secret(cfg.consumer_secret, env, store=name, field="consumer_secret"),
        username=_interpolate(cfg.username, env, store=name, field="username"),
        app_password=_secret(cfg.app_password, env, store=name, field="app_password"),
        verify_tls=cfg.verify_tls,
        allow_insecure_app_password=cfg.allow_insecure_app_password,
        ca_bundle=ca_env or _in_project(_interpolate(cfg.ca_bundle, env, store=name, field="ca_bundle"), project.directory),
        credentials_source=None if url.startswith("sandbox:") else _project_source(cfg, name, auth),
        **_tuning(cfg),
    )
    if auth is AuthMethod.APP_PASSWORD:
        fields, example = "username and app_password", "app_password: ${WP_APP_PASSWORD}"
    else:
        fields, example = "consumer_key and consumer_secret", "consumer_key: ${WC_CONSUMER_KEY}"
    _check_credentials(settings, flag_hint=f"set {fields} for store '{name}' in wcsync.yaml, e.g. {example}")
    return settings


def _tuning(cfg: StoreConfig) -> dict[str, float | int]:
    return {
        "connect_timeout": cfg.connect_timeout,
        "read_timeout": cfg.read_timeout,
        "write_timeout": cfg.write_timeout,
        "concurrency": cfg.concurrency,
        "batch_size": cfg.batch_size,
        "max_retries": cfg.max_retries,
    }


def plan_settings(project: Project) -> PlanSettings:
    """The planner's settings from the project file (the CLI applies its override flags with model_copy)."""
    return PlanSettings(
        ownership=project.ownership,
        delete=DeleteMode(project.delete),
        store_owned=tuple(project.store_owned),
        max_deletes=project.guards.max_deletes,
        max_changed_percent=project.guards.max_changed_percent,
        max_price_drop_percent=project.guards.max_price_drop_percent,
    )
