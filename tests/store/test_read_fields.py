"""A fetch for plan/apply reads only the optional fields some catalogue entry names
(``wcsync.store.readfields``); a resource whose mark records a field the catalogue no longer names is re-read
whole, so the planner still releases that field. In-process sandbox, every product-list request recorded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from click.testing import CliRunner, Result

from wcsync.cli import connect
from wcsync.cli.main import cli

SECRET = "cs_SANDBOXSECRET_77aa01"


class Recorder(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, seen: list[dict[str, list[str]]]) -> None:
        self.inner, self.seen = inner, seen

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/wc/v3/products"):
            self.seen.append(parse_qs(request.url.query.decode()))
        return await self.inner.handle_async_request(request)


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, list[str]]]:
    requests: list[dict[str, list[str]]] = []
    real = connect._sandbox_transport
    monkeypatch.setattr(connect, "_sandbox_transport", lambda path: Recorder(real(path), requests))
    return requests


@pytest.fixture
def loaded_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogue loads before the store is read (as it would on a slow store): every page is sent with
    the catalogue known. Without this, the pages sent while it loads ask for every field (see below)."""
    import asyncio

    from wcsync.api import applying, base, planning

    class LoadedFirst:
        def __init__(self, directory: Path, project: Any, progress: Any, **kw: Any) -> None:
            self._desired = base.catalogue(directory, project, progress, warn=False, **kw)
            self.task: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self.task.set_result(self._desired)

        async def desired(self, *, warn: bool) -> Any:
            return self._desired

    monkeypatch.setattr(planning, "LoadingCatalogue", LoadedFirst)
    monkeypatch.setattr(applying, "LoadingCatalogue", LoadedFirst)


def write(root: Path, extra: str) -> None:
    (root / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (root / "wcsync.yaml").write_text("ownership: marked\n", encoding="utf-8")
    (root / "catalog" / "products" / "m.yaml").write_text(
        f"sku: M-1\nname: Mug\ntype: simple\nstatus: publish\nregular_price: \"9.50\"\n{extra}", encoding="utf-8")


def run(root: Path, db: Path, *args: str) -> Result:
    env = {"WCSYNC_CONSUMER_SECRET": SECRET, "WCSYNC_URL": "", "NO_COLOR": "1"}
    return CliRunner().invoke(cli, [args[0], "--project", str(root), "--store-url", f"sandbox:{db}", *args[1:]],
                              env=env)


def listed_fields(query: dict[str, list[str]]) -> set[str]:
    return set(query["_fields"][0].split(","))


def test_fields_no_entry_names_are_not_read(tmp_path: Path, seen: list[dict[str, list[str]]], loaded_first: None) -> None:
    root, db = tmp_path / "shop", tmp_path / "store.db"
    write(root, "")
    assert run(root, db, "apply", "--auto-approve").exit_code == 0
    seen.clear()
    result = run(root, db, "plan", "--stats")
    assert result.exit_code == 0 and "No changes" in result.output, result.output
    lists = [q for q in seen if q.get("status") == ["any"] and q.get("per_page") == ["100"]]
    assert len(lists) == 1
    fields = listed_fields(lists[0])
    assert {"description", "short_description", "purchase_note", "weight", "dimensions"}.isdisjoint(fields)
    # what ownership, marks, staleness, guards and notes need is always read
    assert {"id", "sku", "name", "type", "status", "meta_data", "date_modified_gmt", "images", "attributes",
            "categories", "regular_price", "sale_price", "manage_stock"} <= fields
    assert not any("include" in q for q in seen)  # no mark records an unread field: nothing re-read


def test_a_named_field_is_read(tmp_path: Path, seen: list[dict[str, list[str]]]) -> None:
    root, db = tmp_path / "shop", tmp_path / "store.db"
    write(root, "description: Glazed.\n")
    assert run(root, db, "plan").exit_code == 0
    assert "description" in listed_fields(next(q for q in seen if q.get("status") == ["any"] and q.get("per_page") == ["100"]))


def test_a_field_the_mark_records_is_re_read_and_released(tmp_path: Path, seen: list[dict[str, list[str]]],
                                                          loaded_first: None) -> None:
    root, db = tmp_path / "shop", tmp_path / "store.db"
    write(root, "description: Glazed.\n")
    assert run(root, db, "apply", "--auto-approve").exit_code == 0
    write(root, "")  # the catalogue no longer names the description wcsync wrote
    seen.clear()
    result = run(root, db, "plan", "--stats")
    assert result.exit_code == 0, result.output
    assert "removed from the catalogue" in result.output and "description" in result.output
    whole = [q for q in seen if "include" in q]
    assert len(whole) == 1 and "description" in listed_fields(whole[0])
    read = re.search(r"read (\d+) \(bound (\d+)\)", result.output)
    assert read is not None and read.group(1) == read.group(2)  # the re-read counts in the bound
    # applying it releases the field and converges; afterwards nothing is re-read any more
    assert run(root, db, "apply", "--auto-approve").exit_code == 0
    seen.clear()
    again = run(root, db, "plan")
    assert "No changes" in again.output, again.output
    assert not any("include" in q for q in seen)


def test_a_page_sent_while_the_catalogue_loads_reads_everything_and_needs_no_re_read(
        tmp_path: Path, seen: list[dict[str, list[str]]]) -> None:
    """The real timing: the store is read while the catalogue loads. Whichever way the race goes, the plan is
    the same; a page that went out before the catalogue was known carries every field, so a field its mark
    records is there already and is not read again."""
    root, db = tmp_path / "shop", tmp_path / "store.db"
    write(root, "description: Glazed.\n")
    assert run(root, db, "apply", "--auto-approve").exit_code == 0
    write(root, "")
    seen.clear()
    result = run(root, db, "plan", "--stats")
    assert result.exit_code == 0, result.output
    assert "removed from the catalogue" in result.output and "description" in result.output
    first = next(q for q in seen if q.get("status") == ["any"] and q.get("per_page") == ["100"] and "include" not in q)
    re_read = [q for q in seen if "include" in q]
    assert len(re_read) == (0 if "description" in listed_fields(first) else 1)
    read = re.search(r"read (\d+) \(bound (\d+)\)", result.output)
    assert read is not None and read.group(1) == read.group(2)
