"""Every fault kind is configurable from the command line (``wcsync sandbox serve --fault KIND=RATE``) and
does what it says: the served application (captured before uvicorn runs it) is asked in-process, and the two
kinds that need a socket (hang, drop) are checked against a real ``serve`` subprocess."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from serve_helpers import signed

from wcsync.cli.main import cli
from wcsync.sandbox import keys as store_keys
from wcsync.sandbox.db import open_db
from wcsync.sandbox.faults import FAULT_KINDS

TAGS = "/wp-json/wc/v3/products/tags"


def served_app(monkeypatch: pytest.MonkeyPatch, db: Path, *args: str) -> Any:
    """Run ``wcsync sandbox serve`` with uvicorn's loop replaced: return the application it would serve."""
    import uvicorn

    captured: list[Any] = []

    def fake_run(self: Any, sockets: Any = None) -> None:
        captured.append(self.config.app)
        for sock in sockets or ():
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    result = CliRunner().invoke(cli, ["sandbox", "serve", "--db", str(db), "--port", "0", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [app] = captured
    return app


def _key(db: Path) -> tuple[str, str]:
    conn = open_db(db)
    try:
        return store_keys.create_key(conn, "read_write")
    finally:
        conn.close()


def _post_tag(app: Any, key: tuple[str, str], name: str) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://store.test",
                                     auth=key) as client:
            return await client.post(TAGS, json={"name": name})

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("kind", "status", "written"),
    [("500", 500, False), ("502", 502, False), ("503", 503, False), ("429", 429, False),
     ("fail_after_commit", 502, True)],
)
def test_each_answering_fault_kind_from_the_command_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str, status: int, written: bool) -> None:
    db = tmp_path / "s.db"
    key = _key(db)
    app = served_app(monkeypatch, db, "--fault", f"{kind}=1", "--retry-after", "7", "--fault-seed", "3")
    assert app.faults.config.rate(kind) == 1.0 and app.faults.config.seed == 3
    response = _post_tag(app, key, "Faulted")
    assert response.status_code == status
    if kind == "429":
        assert response.headers["Retry-After"] == "7"
    assert app.stats.snapshot()["faults"] == {kind: 1}
    app.faults.configure(app.faults.config.model_copy(update={f"rate_{kind}": 0.0}))
    listed = _post_tag(app, key, "After")
    assert listed.status_code == 201

    async def names() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://store.test",
                                     auth=key) as client:
            return [t["name"] for t in (await client.get(TAGS)).json()]

    assert sorted(asyncio.run(names())) == (["After", "Faulted"] if written else ["After"])


def test_latency_jitter_and_filters_from_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = served_app(monkeypatch, tmp_path / "s.db", "--latency", "40", "--jitter", "5", "--fail-rate", "0.3",
                     "--fault", "hang=0.1", "--hang-seconds", "2", "--fault-methods", "post, put")
    config = app.faults.config
    assert (config.latency_ms, config.jitter_ms, config.hang_seconds, config.methods) == (40, 5, 2, ["POST", "PUT"])
    assert [config.rate(k) for k in FAULT_KINDS] == pytest.approx([0.1, 0.1, 0.1, 0, 0.1, 0, 0])
    assert app.wc_version == "11.0.1"


@pytest.mark.e2e
@pytest.mark.parametrize(("kind", "error"), [("hang", httpx.ReadTimeout), ("drop", httpx.RemoteProtocolError)])
def test_hang_and_drop_from_the_command_line_over_a_socket(
        serve: Any, tmp_path: Path, kind: str, error: type[Exception]) -> None:
    db = tmp_path / "s.db"
    key, secret = _key(db)
    served = serve(db, "--fault", f"{kind}=1", "--hang-seconds", "5")
    with pytest.raises(error):
        httpx.get(signed(served.url + TAGS, key, secret), timeout=httpx.Timeout(5, read=0.5))
    httpx.post(f"{served.url}/__sandbox/faults", json={}, headers=served.control)
    assert httpx.get(signed(served.url + TAGS, key, secret), timeout=5).json() == []
    stats = httpx.get(f"{served.url}/__sandbox/stats", headers=served.control).json()
    assert stats["faults"] == {kind: 1} and stats["counts"] == {"GET " + TAGS: 2}
