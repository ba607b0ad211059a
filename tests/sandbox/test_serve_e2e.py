"""``wcsync sandbox serve`` end to end, as a subprocess:

- ``curl`` gets exactly what the real store answered in capture 01 (status, the headers that matter and the
  body, compared under the conformance normaliser), over HTTPS with Basic auth and query keys and over plain
  HTTP with OAuth 1.0a (HMAC-SHA1 and -SHA256, query string and Authorization header, nonce replay);
- ``--wc-version 9.8`` hides ``/wc/v3/variations`` (REST index and route) and ``wcsync plan`` then reads
  variations with one list per variable product, counted by the server's own ``/__sandbox/stats``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from conformance import CAPTURES, Comparison, IdMap, top_space
from oauthlib import oauth1
from serve_helpers import signed

from wcsync.sandbox import keys as store_keys
from wcsync.sandbox.db import open_db

pytestmark = pytest.mark.e2e
CAPTURE_01 = json.loads((CAPTURES / "01-auth.json").read_text(encoding="utf-8"))["exchanges"]
COMPARED_HEADERS = ("X-WP-Total", "X-WP-TotalPages", "Link", "Allow", "Content-Type")


def curl_full(*args: str) -> tuple[int, dict[str, str], Any]:
    """Run curl with ``-i``; status, headers (last block, names as sent) and JSON body."""
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    done = subprocess.run([curl, "-s", "-i", *args], capture_output=True, text=True, timeout=20)
    head, _, body = done.stdout.replace("\r\n", "\n").partition("\n\n")
    status_line, *header_lines = head.split("\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, json.loads(body)


def same_as_capture(number: int, answer: tuple[int, dict[str, str], Any], netloc: str, ids: IdMap) -> list[str]:
    """Differences between curl's answer and exchange ``number`` of capture 01 (``{base}`` = ``netloc``)."""
    exchange = CAPTURE_01[number - 1]
    expected = json.loads(json.dumps(exchange["response"]).replace("{base}", netloc))
    status, headers, body = answer
    check = Comparison(ids)
    if status != expected["status"]:
        check.fail("status", expected["status"], status)
    for name in COMPARED_HEADERS:
        wanted, got = expected["headers"].get(name), headers.get(name.lower())
        if wanted is None or got is None:
            if wanted != got:
                check.fail(f"header {name}", wanted, got)
        else:
            check.text(f"header {name}", wanted, got)
    check.value("body", expected["body"], body, top_space(exchange["request"]["path"]))
    return check.diffs


def _key(db: Path, permissions: str = "read_write") -> tuple[str, str]:
    conn = open_db(db)
    try:
        return store_keys.create_key(conn, permissions)
    finally:
        conn.close()


def _oauth(url: str, key: str, secret: str, method: str, *, header: bool = False) -> tuple[str, list[str]]:
    client = oauth1.Client(key, client_secret=secret, signature_method=method,
                           signature_type=oauth1.SIGNATURE_TYPE_AUTH_HEADER if header else oauth1.SIGNATURE_TYPE_QUERY)
    uri, headers, _ = client.sign(url, http_method="GET")
    return str(uri), [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]


def test_curl_gets_what_the_real_store_answered(serve: Any, tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    key, secret = _key(db)
    read_key, read_secret = _key(db, "read")
    secure, plain = serve(db, "--tls"), serve(db)
    assert secure.ca_path is not None
    tls_netloc, plain_netloc = secure.url.split("://")[1], plain.url.split("://")[1]
    cacert = ("--cacert", str(secure.ca_path))
    products, categories = "/wp-json/wc/v3/products", "/wp-json/wc/v3/products/categories"
    ids = IdMap()
    diffs: dict[int, list[str]] = {}

    def check(number: int, netloc: str, *args: str) -> None:
        diffs[number] = same_as_capture(number, curl_full(*args), netloc, ids)

    check(2, tls_netloc, *cacert, "-u", f"{key}:{secret}", secure.url + categories)
    check(4, plain_netloc, "-u", f"{key}:{secret}", plain.url + products)
    check(6, tls_netloc, *cacert, secure.url + products)
    check(8, tls_netloc, *cacert, "-u", f"{key}:cs_{'0' * 40}", secure.url + products)
    check(10, tls_netloc, *cacert, f"{secure.url}{products}?consumer_key={key}&consumer_secret={secret}")
    check(12, plain_netloc, f"{plain.url}{products}?consumer_key={key}&consumer_secret={secret}")
    check(14, plain_netloc, _oauth(plain.url + products, key, secret, "HMAC-SHA256")[0])
    check(15, plain_netloc, _oauth(plain.url + products, key, secret, "HMAC-SHA1")[0])
    uri, header_args = _oauth(plain.url + products, key, secret, "HMAC-SHA256", header=True)
    check(16, plain_netloc, *header_args, uri)
    uncategorized = curl_full(*cacert, "-u", f"{key}:{secret}", secure.url + categories)[2][0]["id"]
    once = signed(f"{plain.url}{categories}/{uncategorized}", key, secret)
    check(21, plain_netloc, once)
    check(22, plain_netloc, once)  # the same signed URL again: nonce already used
    check(25, plain_netloc, _oauth(plain.url + products, key, "cs_wrong", "HMAC-SHA256")[0])
    check(30, tls_netloc, *cacert, "-u", f"{read_key}:{read_secret}", f"{secure.url}{categories}/{uncategorized}")
    check(31, tls_netloc, *cacert, "-u", f"{read_key}:{read_secret}", "-X", "POST", "-H",
          "Content-Type: application/json", "-d", '{"name": "Nope"}', secure.url + categories)
    assert {number: found for number, found in diffs.items() if found} == {}
    assert len(diffs) == 14


def _plan(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wcsync.cli.main", "plan", "--project", str(project)],
        capture_output=True, text=True, timeout=90, env={**os.environ, **env, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(("version", "store_wide"), [("9.8", False), ("11.0.1", True)])
def test_wc_version_decides_how_wcsync_plan_reads_variations(
        serve: Any, tmp_path: Path, version: str, store_wide: bool) -> None:
    db = tmp_path / "shop.db"
    key, secret = _key(db)
    served = serve(db, "--wc-version", version)
    with httpx.Client(base_url=served.url, timeout=30, headers=served.control) as control:
        assert control.post("/__sandbox/seed", json={"name": "demo"}).status_code == 200
        index = control.get("/wp-json/").json()
        assert ("/wc/v3/variations" in index["routes"]) is store_wide
        route = control.get(signed(f"{served.url}/wp-json/wc/v3/variations", key, secret))
        assert route.status_code == (200 if store_wide else 404)
        variable = control.get(signed(f"{served.url}/wp-json/wc/v3/products?type=variable&per_page=100&_fields=id",
                                      key, secret)).json()
        assert len(variable) >= 2
        control.post("/__sandbox/stats/reset")

        root = Path(__file__).resolve().parents[2]
        project = tmp_path / "project"
        shutil.copytree(root / "catalog", project / "catalog")
        shutil.copy(root / "wcsync.yaml", project / "wcsync.yaml")
        done = _plan(project, {"WCSYNC_URL": served.url, "WCSYNC_CONSUMER_KEY": key,
                               "WCSYNC_CONSUMER_SECRET": secret, "WCSYNC_AUTH": "oauth1"})
        assert done.returncode == 0, done.stderr
        # the demo seed: a first plan shows creates, updates, an adopt and a delete
        summary = re.search(r"Plan: (\d+) to create, (\d+) to update, (\d+) to adopt, (\d+) to delete\.",
                            done.stdout)
        assert summary is not None, done.stdout
        assert all(int(count) >= 1 for count in summary.groups()), summary.group(0)
        counts = control.get("/__sandbox/stats", params={"log": "0"}).json()["counts"]
    per_product = counts.get("GET /wp-json/wc/v3/products/{id}/variations", 0)
    if store_wide:
        # the store-wide list (one page)
        assert counts["GET /wp-json/wc/v3/variations"] == 1 and per_product == 0
    else:
        assert counts["GET /wp-json/wc/v3/variations"] == 1  # its first page only: no such route (404)
        assert per_product == len(variable)  # one list per variable product, no more
