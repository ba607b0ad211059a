"""Attacks 5, 6 and 8 from the store's side: a hostile "WooCommerce" on 127.0.0.1 answers a million pages,
endless or compressed-bomb bodies, string ids, and text full of terminal escape sequences and Markdown that
GitHub would render. ``wcsync plan`` must end with a clear error naming the response (memory-bounded: run in a
subprocess under ``RLIMIT_AS``) or print the text harmlessly."""

from __future__ import annotations

import gzip
import json
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.security.conftest import Answer, HostileStore, Seen
from wcsync.cli.main import cli

MEMORY_LIMIT = 1024 * 1024 * 1024
ESC = "\x1b]0;pwned\x07\x1b[2J"
ENV = {"WCSYNC_CONSUMER_KEY": "ck_test", "WCSYNC_CONSUMER_SECRET": "cs_test", "WCSYNC_AUTH": "oauth1"}


def _json(body: Any, status: int = 200, **headers: str) -> Answer:
    raw = json.dumps(body).encode()
    return status, {"Content-Type": "application/json", "Content-Length": str(len(raw)), **headers}, [raw]


def wordpress(products: Callable[[Seen], Answer] | None = None, **overrides: Callable[[Seen], Answer]) -> Callable[[Seen], Answer]:
    """A minimal WooCommerce: the REST index, empty lists, and the given answers for some routes."""

    def answer(seen: Seen) -> Answer:
        path = seen.path.split("?", 1)[0]
        if path == "/wp-json/wc/v3/products" and products is not None:
            return products(seen)
        for route, fn in overrides.items():
            if path == f"/wp-json/wc/v3/{route.replace('__', '/')}":
                return fn(seen)
        if path.startswith("/wp-json/wc/v3/system_status"):
            return _json({"environment": {"version": "11.0.1"}})
        if path.startswith("/wp-json/wc/"):
            return _json([], **{"X-WP-Total": "0", "X-WP-TotalPages": "0"})
        return _json({"namespaces": ["wp/v2", "wc/v3"], "routes": {"/wc/v3/variations": {}}})

    return answer


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "catalog/products").mkdir(parents=True)
    (root / "catalog/products/mug.yaml").write_text(
        "sku: MUG\nname: Mug\ntype: simple\nregular_price: 5\nshort_description: A mug.\n", encoding="utf-8"
    )
    return root


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def plan_bounded(project: Path, url: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from wcsync.cli.main import cli; sys.exit(cli(sys.argv[1:]))"
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("WCSYNC_")}
    return subprocess.run(
        [sys.executable, "-c", code, "plan", "--project", str(project), "--store-url", url],
        capture_output=True,
        text=True,
        preexec_fn=_limit,
        timeout=300,
        check=False,
        env={**env, **ENV, "NO_COLOR": "1"},
    )


def plan(project: Path, url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["plan", "--project", str(project), "--store-url", url, *args], env={**ENV, "WCSYNC_URL": None})


# --- memory and work -----------------------------------------------------------------------------------------


def test_a_million_pages_are_never_requested(project: Path, hostile_store: HostileStore) -> None:
    page = [{"id": n, "sku": f"S{n}"} for n in range(1, 101)]
    hostile_store.answer = wordpress(lambda s: _json(page, **{"X-WP-Total": "100000000", "X-WP-TotalPages": "1000000"}))
    result = plan_bounded(project, hostile_store.url)
    assert result.returncode == 1, result.stderr
    assert "answered X-WP-TotalPages: 1000000: more than the 20,000 pages" in result.stderr
    assert "Traceback" not in result.stderr
    # the store check (its count is implausible too: not trusted) and the first page only
    assert sum("/wc/v3/products?" in s.path for s in hostile_store.requests) <= 2


def test_pages_that_disagree_with_the_item_count(project: Path, hostile_store: HostileStore) -> None:
    hostile_store.answer = wordpress(lambda s: _json([], **{"X-WP-Total": "3", "X-WP-TotalPages": "500"}))
    result = plan(project, hostile_store.url)
    assert result.exit_code == 1
    assert "answered X-WP-TotalPages: 500 but X-WP-Total: 3" in result.stderr


def test_full_pages_forever_without_paging_headers(project: Path, hostile_store: HostileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import wcsync.store.paging as paging_module

    monkeypatch.setattr(paging_module, "MAX_PAGES", 5)  # the real bound (20,000) is the same code path
    page = [{"id": n, "sku": f"S{n}"} for n in range(1, 101)]
    hostile_store.answer = wordpress(lambda s: _json(page))
    result = plan(project, hostile_store.url)
    assert result.exit_code == 1
    assert "kept answering full pages past page 5" in result.stderr


def _endless(seen: Seen) -> Answer:
    def body() -> Iterator[bytes]:
        yield b"["
        item = json.dumps({"id": 1, "sku": "x" * 1000}).encode() + b","
        chunk = item * 1000  # ~1 MB
        for _ in range(600):  # 600 MB if nobody stops reading
            yield chunk
        yield b"{}]"

    return 200, {"Content-Type": "application/json", "X-WP-Total": "1", "X-WP-TotalPages": "1"}, body()


def test_an_endless_body_is_cut_at_the_cap(project: Path, hostile_store: HostileStore) -> None:
    hostile_store.answer = wordpress(_endless)
    result = plan_bounded(project, hostile_store.url)
    assert result.returncode == 1, result.stderr
    assert "GET /wp-json/wc/v3/products on http://127.0.0.1" in result.stderr
    assert "sent more than 64 MiB" in result.stderr
    assert "MemoryError" not in result.stderr and "Traceback" not in result.stderr


def test_a_gzip_bomb_is_cut_at_the_cap(project: Path, hostile_store: HostileStore) -> None:
    bomb = gzip.compress(b"[" + b" " * (200 * 1024 * 1024) + b"]", compresslevel=1)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
    hostile_store.answer = wordpress(lambda s: (200, headers, [bomb]))
    result = plan_bounded(project, hostile_store.url)
    assert result.returncode == 1, result.stderr
    assert "sent more than 64 MiB" in result.stderr


def test_an_announced_huge_body_is_not_read(project: Path, hostile_store: HostileStore) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(600 * 1024 * 1024)}
    hostile_store.answer = wordpress(lambda s: (200, headers, [b"[]"]))
    result = plan(project, hostile_store.url)
    assert result.exit_code == 1
    assert f"announced {600 * 1024 * 1024:,} bytes" in result.stderr


# --- text from the store ---------------------------------------------------------------------------------------


def _hostile_text() -> Callable[[Seen], Answer]:
    unmanaged = [
        {"id": 7, "sku": f"EVIL{ESC}", "name": f"n{ESC}", "type": "simple", "status": "publish", "meta_data": []},
        {"id": 8, "sku": "@org/team https://evil.example <img src=x onerror=alert(1)> [x](https://evil.example)",
         "name": "m", "type": "simple", "status": "publish", "meta_data": []},
        {"id": 9, "sku": "L" * 10_000, "name": "long", "type": "simple", "status": "publish", "meta_data": []},
    ]
    return wordpress(
        lambda s: _json(unmanaged if "status=any" in s.path else [], **{"X-WP-Total": "3", "X-WP-TotalPages": "1"}),
        system_status=lambda s: _json({"environment": {"version": f"11.0{ESC}"}}),
        products__categories=lambda s: _json(
            [{"id": 3, "name": f"Cat{ESC}", "slug": f"cat{ESC}", "parent": 0, "description": "", "display": "default",
              "menu_order": 0, "image": None}], **{"X-WP-Total": "1", "X-WP-TotalPages": "1"}
        ),
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_escape_sequences_never_reach_the_output(project: Path, hostile_store: HostileStore, fmt: str) -> None:
    hostile_store.answer = _hostile_text()
    result = plan(project, hostile_store.url, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\x1b" not in result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["store"]["wc_version"] == f"11.0{ESC}"  # JSON keeps it, escaped
    elif fmt == "text":
        assert "11.0\\x1b]0;pwned\\x07\\x1b[2J" in result.stdout  # visible, not interpreted
        assert max(len(line) for line in result.stdout.splitlines()) < 1200  # the 10,000-character SKU is cut
    else:
        assert "x1b\\]0;pwned" in result.stdout  # visible (and Markdown-escaped), not interpreted
    if fmt == "markdown":
        assert "<img" not in result.stdout and "@org" not in result.stdout
        assert "https://evil" not in result.stdout and "[x](" not in result.stdout  # \\[x\\] is no link
        assert "L" * 1000 not in result.stdout  # cut (the JSON plan has it whole)


def test_a_store_error_message_with_escape_sequences(project: Path, hostile_store: HostileStore) -> None:
    hostile_store.answer = wordpress(
        lambda s: _json({"code": "woocommerce_rest_cannot_view", "message": f"nope{ESC}", "data": {"status": 403}}, status=403)
    )
    result = plan(project, hostile_store.url)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "nope\\x1b]0;pwned" in result.stderr or "refused" in result.stderr


# --- malformed answers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", "12", None, 1.5, True])
def test_an_item_id_that_is_not_a_number(project: Path, hostile_store: HostileStore, bad: Any) -> None:
    hostile_store.answer = wordpress(
        lambda s: _json([{"id": bad, "sku": "X"}], **{"X-WP-Total": "1", "X-WP-TotalPages": "1"})
    )
    result = plan(project, hostile_store.url)
    assert result.exit_code == 1
    assert "unexpected" not in result.stderr and "ValueError" not in result.stderr
    assert f"GET /wp-json/wc/v3/products on {hostile_store.url} answered an item whose id is {bad!r}" in result.stderr
