"""Conformance: every recorded exchange with the real WooCommerce 11.0.1 store, replayed against the
sandbox and compared under the normaliser documented in ``conformance.py``.

At least 95 % of the exchanges of EACH capture file must match (so a well-covered capture cannot hide a
poorly-covered one; requests to WordPress's own ``/wp/v2`` API are not scored, see ``conformance.py``); the ones the sandbox knowingly answers differently are listed
(with the reason) in ``conformance.EXCEPTIONS``. Run this module directly (``python
tests/sandbox/test_conformance.py [NN]``) to print every difference.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from conformance import HOST, FakeClock, Outcome, Replayer, load_captures

from wcsync.sandbox import db, keys
from wcsync.sandbox.app import create_app

THRESHOLD = 0.95


async def _replay_one(number: str, capture: dict[str, object], folder: Path) -> list[Outcome]:
    path = folder / f"store-{number}.db"
    conn = db.open_db(path)
    credentials = {permission: keys.create_key(conn, permission) for permission in keys.PERMISSIONS}
    app_password = keys.create_app_password(conn)
    conn.close()
    clock = FakeClock()
    db.set_clock(clock)
    try:
        app = create_app(path)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"https://{HOST}") as client:
            replayer = Replayer(number, capture, client, credentials, app_password, clock)
            return await replayer.run()
    finally:
        db.set_clock(None)


def replay_all(folder: Path, only: set[str] | None = None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for number, capture in load_captures():
        if only and number not in only:
            continue
        outcomes.extend(asyncio.run(_replay_one(number, capture, folder)))
    return outcomes


def score_table(outcomes: list[Outcome]) -> str:
    lines = []
    for number in sorted({o.capture for o in outcomes}):
        mine = [o for o in outcomes if o.capture == number and o.scored]
        ok = sum(o.ok for o in mine)
        unscored = sum(1 for o in outcomes if o.capture == number and not o.scored)
        note = f", {unscored} not scored (not WooCommerce API)" if unscored else ""
        lines.append(f"{number}: {ok}/{len(mine)} match ({100 * ok / len(mine):.1f} %){note}")
    scored = [o for o in outcomes if o.scored]
    ok = sum(o.ok for o in scored)
    lines.append(f"all: {ok}/{len(scored)} match ({100 * ok / len(scored):.1f} %)")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    return replay_all(tmp_path_factory.mktemp("conformance"))


def test_every_capture_is_replayed(outcomes: list[Outcome]) -> None:
    captures = load_captures()
    assert len(captures) == 11
    assert len(outcomes) == sum(len(c["exchanges"]) for _, c in captures)  # type: ignore[arg-type]


def test_at_least_95_percent_of_exchanges_match_in_each_capture(outcomes: list[Outcome]) -> None:
    print("\n" + score_table(outcomes))
    unexpected = [o for o in outcomes if not o.ok and not o.excepted and o.scored]
    for outcome in unexpected[:40]:
        print(f"  {outcome.capture}#{outcome.number} [{outcome.step}]: {outcome.diffs[:2]}")
    below = []
    for number in sorted({o.capture for o in outcomes}):
        mine = [o for o in outcomes if o.capture == number and o.scored]
        if sum(o.ok for o in mine) / len(mine) < THRESHOLD:
            below.append(number)
    assert below == [], score_table(outcomes)


def test_only_wordpress_core_requests_go_unscored(outcomes: list[Outcome]) -> None:
    """The unscored exchanges are exactly the six /wp/v2/media evidence steps of 08, none of capture 11."""
    assert sorted((o.capture, o.number) for o in outcomes if not o.scored) == [
        ("08", 1), ("08", 4), ("08", 6), ("08", 12), ("08", 29), ("08", 47)]


def test_listed_exceptions_really_differ(outcomes: list[Outcome]) -> None:
    """An exception that starts matching must be removed from the list (it would hide a regression)."""
    stale = [f"{o.capture}#{o.number}" for o in outcomes if o.excepted and o.ok]
    assert stale == []


if __name__ == "__main__":  # pragma: no cover - developer tool
    wanted = set(sys.argv[1:]) or None
    with tempfile.TemporaryDirectory() as tmp:
        results = replay_all(Path(tmp), wanted)
    for result in results:
        if not result.ok:
            flag = "NOT SCORED" if not result.scored else "EXCEPTED" if result.excepted else "DIFF"
            print(f"{flag} {result.capture}#{result.number} [{result.step}]")
            for diff in result.diffs:
                print("     ", diff[:600])
    print(score_table(results))
