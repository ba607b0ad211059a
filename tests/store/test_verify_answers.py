"""The convergence proof from the store's answers to the batch writes (``wcsync.store.verify``), in-process:
a wrong answer is caught as a difference, an answer without the mark is caught, a lost answer is re-read, a
trashed product is re-read; and a right answer costs no request at all."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from wcsync.cli import connect
from wcsync.cli.main import cli

SECRET = "cs_SANDBOXSECRET_77aa01"

Rewrite = Callable[[dict[str, Any]], dict[str, Any] | None]


class AnswerRewriter(httpx.AsyncBaseTransport):
    """The sandbox in-process, with the JSON answer of every ``POST …/products/batch`` passed through
    ``rewrite`` (the store itself still does what was asked)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, rewrite: Rewrite) -> None:
        self.inner = inner
        self.rewrite = rewrite
        self.rewritten = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "POST" or not request.url.path.endswith("/products/batch"):
            return response
        body = json.loads(await response.aread())
        changed = self.rewrite(body) if isinstance(body, dict) else None
        if changed is None:
            return httpx.Response(response.status_code, headers=response.headers, content=json.dumps(body).encode())
        self.rewritten += 1
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=json.dumps(changed).encode())


def write_project(root: Path, skus: list[str], price: str = "9.50") -> None:
    (root / "catalog" / "products").mkdir(parents=True, exist_ok=True)
    (root / "wcsync.yaml").write_text("ownership: marked\ndelete: trash\n", encoding="utf-8")
    (root / "catalog" / "meta-fields.yaml").write_text(
        "meta_fields:\n  - key: origin\n    type: string\n", encoding="utf-8")
    for old in (root / "catalog" / "products").glob("*.yaml"):
        old.unlink()
    for sku in skus:
        (root / "catalog" / "products" / f"{sku}.yaml").write_text(
            f"sku: {sku}\nname: Mug {sku}\ntype: simple\nstatus: publish\nregular_price: \"{price}\"\n"
            "meta:\n  origin: kiln\n", encoding="utf-8")


def run(project: Path, db: Path, *args: str) -> Result:
    env = {"WCSYNC_CONSUMER_SECRET": SECRET, "WCSYNC_URL": "", "NO_COLOR": "1"}
    return CliRunner().invoke(
        cli, [args[0], "--project", str(project), "--store-url", f"sandbox:{db}", *args[1:]], env=env)


def verify_count(output: str) -> tuple[int, int]:
    found = re.search(r"verify (\d+) \(bound (\d+)\)", output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "shop", tmp_path / "store.db"


def rewriting(monkeypatch: pytest.MonkeyPatch, rewrite: Rewrite) -> list[AnswerRewriter]:
    made: list[AnswerRewriter] = []
    real = connect._sandbox_transport

    def wrapped(path: str) -> httpx.AsyncBaseTransport:
        made.append(AnswerRewriter(real(path), rewrite))
        return made[-1]

    monkeypatch.setattr(connect, "_sandbox_transport", wrapped)
    return made


def each_item(body: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    for op in ("create", "update"):
        for item in body.get(op) or ():
            if isinstance(item, dict) and item.get("sku") == "M-2":
                change(item)
    return body


def test_right_answers_prove_convergence_without_a_request(shop: tuple[Path, Path]) -> None:
    root, db = shop
    write_project(root, ["M-1", "M-2"])
    result = run(root, db, "apply", "--auto-approve", "--stats")
    assert result.exit_code == 0, result.output
    assert verify_count(result.output) == (0, 0)
    assert "Apply: 2 applied." in result.output and "not converged" not in result.output


def test_an_answer_with_another_price_than_sent_is_not_converged(shop: tuple[Path, Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root, db = shop
    write_project(root, ["M-1", "M-2"])

    def price(item: dict[str, Any]) -> None:
        item["regular_price"] = "1.00"

    made = rewriting(monkeypatch, lambda body: each_item(body, price))
    result = run(root, db, "apply", "--auto-approve", "--stats")
    assert made and made[0].rewritten == 1
    assert result.exit_code == 3, result.output
    assert ('not converged: product M-2: still differs after apply: regular_price is "1.00", catalogue wants '
            '"9.50"') in result.output
    assert "M-1" not in "".join(ln for ln in result.output.splitlines() if "not converged" in ln)
    assert verify_count(result.output) == (0, 0)  # judged from the answer alone
    monkeypatch.undo()
    # the store itself holds the price: it was the answer, and only the answer, that differed
    assert "No changes" in run(root, db, "plan").output


def test_an_answer_without_the_mark_is_not_converged(shop: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root, db = shop
    write_project(root, ["M-1", "M-2"])

    def unmarked(item: dict[str, Any]) -> None:
        item["meta_data"] = [row for row in item["meta_data"] if row.get("key") != "_wcsync"]

    rewriting(monkeypatch, lambda body: each_item(body, unmarked))
    result = run(root, db, "apply", "--auto-approve")
    assert result.exit_code == 3, result.output
    assert "not converged: product M-2: still planned as adopt after apply" in result.output


def test_an_answer_missing_an_item_is_settled_and_re_read(shop: tuple[Path, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root, db = shop
    write_project(root, ["M-1", "M-2"])

    def truncated(body: dict[str, Any]) -> dict[str, Any] | None:
        if len(body.get("create") or ()) != 2:
            return None
        return {**body, "create": body["create"][:1]}

    rewriting(monkeypatch, truncated)
    result = run(root, db, "apply", "--auto-approve", "--stats")
    assert result.exit_code == 0, result.output
    assert "missing from the store's answer" in result.output
    # the settled M-2 has no answer that proves it: re-read by id (live and trash lists)
    assert verify_count(result.output) == (2, 2)


def test_a_trashed_product_is_re_read(shop: tuple[Path, Path]) -> None:
    root, db = shop
    write_project(root, ["M-1", "M-2"])
    assert run(root, db, "apply", "--auto-approve").exit_code == 0
    write_project(root, ["M-1"])
    result = run(root, db, "apply", "--auto-approve", "--stats")
    assert result.exit_code == 0, result.output
    assert "Apply: 1 applied." in result.output
    assert verify_count(result.output) == (2, 2)  # products include=<M-2>, status any and trash
