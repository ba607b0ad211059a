"""Every newcomer failure through ``wcsync plan``, over real sockets (uvicorn on 127.0.0.1): the message
printed names the store and the request, says what to do, and never shows a secret.

Sites that are not a WooCommerce store are small ASGI apps served in place of the sandbox's WooCommerce
routes (so the sandbox's counters still count what wcsync sent); the rest is the sandbox itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from wcsync.cli.main import cli

pytestmark = pytest.mark.e2e
SECRET = "cs_" + "5" * 40
KEY = "ck_" + "6" * 40


def _site(answer: Any) -> Starlette:
    async def endpoint(request: Request) -> Response:
        result: Response = answer(request)
        return result

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "DELETE"])])


def nginx_welcome(request: Request) -> Response:
    return HTMLResponse("<html><h1>Welcome to nginx!</h1></html>")


def wordpress_without_woocommerce(request: Request) -> Response:
    if request.url.path == "/wp-json/":
        return JSONResponse({"name": "Blog", "namespaces": ["oembed/1.0", "wp/v2"], "routes": {"/": {}}})
    return JSONResponse({"code": "rest_no_route", "message": "No route was found matching the URL and request "
                         "method.", "data": {"status": 404}}, status_code=404)


def plain_permalinks(request: Request) -> Response:
    if request.url.path == "/" and request.query_params.get("rest_route") == "/":
        return JSONResponse({"name": "Shop", "namespaces": ["wp/v2", "wc/v3"], "routes": {}})
    return HTMLResponse("<html>Page not found</html>", status_code=404)


def plan(tmp_path: Path, url: str, *, key: str = KEY, secret: str = SECRET, auth: str | None = None,
         extra: str = "", ca: Path | None = None, expect_failure: bool = True) -> Any:
    project = tmp_path / "project"
    (project / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (project / "catalog" / "products" / "one.yaml").write_text("sku: ONE\nname: One\nregular_price: '5'\n",
                                                               encoding="utf-8")
    lines = ["default_store: shop", "stores:", "  shop:", f"    url: {url}", "    consumer_key: ${K}",
             "    consumer_secret: ${S}", "    max_retries: 1"]
    if auth:
        lines.append(f"    auth: {auth}")
    if ca:
        lines.append(f"    ca_bundle: {ca}")
    lines += [f"    {line}" for line in extra.splitlines() if line]
    (project / "wcsync.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", "--project", str(project)], env={"K": key, "S": secret,
                                                                                "NO_COLOR": "1"})
    assert (result.exit_code != 0) is expect_failure, result.output
    assert key not in result.output and secret not in result.output  # stdout and stderr: no credential
    return result


def error_line(result: Any) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("site", "expected", "advice"), [
    (nginx_welcome, "Error: GET /wp-json/ on {url} answered HTTP 200 (text/html; charset=utf-8), not the "
     "WordPress REST API index: {url} does not look like a WordPress site", "give the WordPress site address"),
    (wordpress_without_woocommerce, "Error: GET /wp-json/ on {url}: this is a WordPress site, but its REST API "
     "has no wc/v3 namespace: WooCommerce is not active", "install and activate WooCommerce in wp-admin"),
    (plain_permalinks, "Error: GET /wp-json/ on {url} answered 404: this WordPress site uses plain permalinks",
     "Settings → Permalinks"),
], ids=["not-wordpress", "woocommerce-inactive", "permalinks-off"])
def test_sites_that_are_not_a_usable_store(sandbox_server_factory: Any, tmp_path: Path, site: Any,
                                            expected: str, advice: str) -> None:
    server = sandbox_server_factory(tls=True, store_app=_site(site))
    line = error_line(plan(tmp_path, server.base_url, ca=server.ca_path))
    assert line.startswith(expected.format(url=server.base_url)), line
    assert advice in line


def test_basic_auth_over_plain_http_is_refused_before_sending(sandbox_server: Any, tmp_path: Path) -> None:
    line = error_line(plan(tmp_path, sandbox_server.base_url, auth="basic"))
    assert line.startswith("Error: refusing to send the consumer key and secret of store 'shop' as HTTP Basic auth "
                           f"over plain HTTP ({sandbox_server.base_url})")
    assert "use the store's https:// URL, or set `auth: oauth1`" in line
    assert sandbox_server.stats()["total"] == 0  # nothing was sent


def test_wrong_key_or_secret(sandbox_tls_server: Any, tmp_path: Path) -> None:
    line = error_line(plan(tmp_path, sandbox_tls_server.base_url, key=sandbox_tls_server.consumer_key,
                           ca=sandbox_tls_server.ca_path))
    url = sandbox_tls_server.base_url
    assert line.startswith("Error: GET /wp-json/wc/v3/")
    assert f" on {url} was refused: wrong consumer key or secret (401 woocommerce_rest_authentication_error: " \
           "Consumer secret is invalid.)" in line
    assert "copy both from WooCommerce → Settings → Advanced → REST API" in line


def test_unknown_key(sandbox_tls_server: Any, tmp_path: Path) -> None:
    line = error_line(plan(tmp_path, sandbox_tls_server.base_url, ca=sandbox_tls_server.ca_path))
    assert f"on {sandbox_tls_server.base_url} was treated as anonymous: the store did not recognise the " \
           "credentials" in line and "check the key" in line


def test_certificate_problem(sandbox_tls_server: Any, tmp_path: Path) -> None:
    line = error_line(plan(tmp_path, sandbox_tls_server.base_url, key=sandbox_tls_server.consumer_key,
                           secret=sandbox_tls_server.consumer_secret))
    assert line.startswith(f"Error: the TLS certificate of {sandbox_tls_server.base_url} could not be verified "
                           "(GET /wp-json/wc/v3/products?status=any&per_page=1&_fields=id)")
    assert "point WCSYNC_CA_BUNDLE (or `ca_bundle` in wcsync.yaml) at its PEM file" in line


def test_read_timeout_states_the_timeout(sandbox_server: Any, tmp_path: Path) -> None:
    sandbox_server.set_faults(rate_hang=1.0, hang_seconds=3, path_contains="/wc/v3/")
    line = error_line(plan(tmp_path, sandbox_server.base_url, key=sandbox_server.consumer_key,
                           secret=sandbox_server.consumer_secret, auth="oauth1", extra="read_timeout: 0.4"))
    assert line.startswith("Error: GET /wp-json/wc/v3/")
    assert f" on {sandbox_server.base_url} timed out: no answer within the read timeout of 0.4 s" in line
    assert "raise `read_timeout` in wcsync.yaml" in line


def test_read_only_key_used_for_a_write(sandbox_tls_server: Any, tmp_path: Path) -> None:
    from wcsync.sandbox.db import open_db
    from wcsync.sandbox.keys import create_key

    conn = open_db(sandbox_tls_server.db_path)
    try:
        key, secret = create_key(conn, "read")
    finally:
        conn.close()
    plan(tmp_path, sandbox_tls_server.base_url, key=key, secret=secret, ca=sandbox_tls_server.ca_path,
         expect_failure=False)
    result = CliRunner().invoke(cli, ["apply", "--project", str(tmp_path / "project"), "--auto-approve"],
                                env={"K": key, "S": secret, "NO_COLOR": "1"})
    assert result.exit_code != 0 and key not in result.output and secret not in result.output
    assert f"on {sandbox_tls_server.base_url} was refused: the API key is read-only" in result.stderr, result.stderr
    assert "create a key with Read/Write permissions" in result.stderr


def plan_url(tmp_path: Path, url: str, env: dict[str, str]) -> Any:
    """``wcsync plan --store-url URL`` on a project without wcsync.yaml (credentials from WCSYNC_*)."""
    project = tmp_path / "bare"
    (project / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (project / "catalog" / "products" / "one.yaml").write_text("sku: ONE\nname: One\nregular_price: '5'\n",
                                                               encoding="utf-8")
    full_env = {"WCSYNC_CONSUMER_KEY": KEY, "WCSYNC_CONSUMER_SECRET": SECRET, "NO_COLOR": "1", "WCSYNC_URL": "",
                **env}
    result = CliRunner().invoke(cli, ["plan", "--project", str(project), "--store-url", url], env=full_env)
    assert result.exit_code == 1, result.output
    assert KEY not in result.output and SECRET not in result.output
    return result


def test_wrong_secret_names_the_variables_actually_used(sandbox_tls_server: Any, tmp_path: Path) -> None:
    # --store-url: the credentials came from WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET, and the hint says so
    line = error_line(plan_url(tmp_path, sandbox_tls_server.base_url, {
        "WCSYNC_CONSUMER_KEY": sandbox_tls_server.consumer_key, "WCSYNC_CA_BUNDLE": str(sandbox_tls_server.ca_path)}))
    assert "was refused: wrong consumer key or secret" in line
    assert line.endswith("(secrets are shown once; create a new key if lost) and set WCSYNC_CONSUMER_KEY / "
                         "WCSYNC_CONSUMER_SECRET in the environment"), line
    assert "WC_CONSUMER_KEY /" not in line
    # wcsync.yaml: the hint names the variables the store's entry interpolates, and the entry itself
    line = error_line(plan(tmp_path, sandbox_tls_server.base_url, key=sandbox_tls_server.consumer_key,
                           ca=sandbox_tls_server.ca_path))
    assert line.endswith("create a new key if lost) and set K / S (read by consumer_key / consumer_secret of "
                         "store 'shop' in wcsync.yaml)"), line


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_connection_refused_says_so_and_shows_each_retry(tmp_path: Path) -> None:
    port = _free_port()  # bound and closed again: nothing listens there
    result = plan(tmp_path, f"https://127.0.0.1:{port}")  # max_retries: 1
    retries = [line for line in result.stderr.splitlines() if line.startswith("retrying ")]
    assert len(retries) == 1, result.stderr  # only the store check: every other read waits for it
    assert re.fullmatch(r"retrying GET /wp-json/wc/v3/products in \d+\.\d s \(attempt 2/2\): connection refused",
                        retries[0])
    assert error_line(result) == (
        f"Error: could not connect to https://127.0.0.1:{port} for GET /wp-json/wc/v3/products?status=any&per_page=1&_fields=id: "
        "connection refused — nothing is "
        f"listening on 127.0.0.1 port {port} (2 attempts) — check the port in the store URL, and that the web "
        "server is running"
    )


def test_https_url_on_a_plain_http_port(sandbox_server: Any, tmp_path: Path) -> None:
    port = sandbox_server.base_url.rsplit(":", 1)[1]
    result = plan(tmp_path, f"https://127.0.0.1:{port}")
    assert "retrying" not in result.stderr  # not transient: said at once
    assert error_line(result) == (
        f"Error: https://127.0.0.1:{port} did not speak TLS on port {port} (GET /wp-json/wc/v3/products?status=any&per_page=1&_fields=id): the server answered, "
        "but not with a TLS handshake — this is most likely a plain-HTTP port — if the store has no HTTPS, use "
        f"http://127.0.0.1:{port} with `auth: oauth1` (WCSYNC_AUTH=oauth1 with --store-url); otherwise use the "
        "port that serves HTTPS (443 unless it was changed)"
    )
    assert "WRONG_VERSION_NUMBER" not in result.stderr
