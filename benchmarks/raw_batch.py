"""The hand-written raw batch script of issue 14: the baseline ``bench_vs_raw.py`` times wcsync against.

It does the irreducible part of a catalogue sync and nothing more: read ``GET products?_fields=id,sku,
regular_price`` pages (page 1, then the others concurrently; and, when some product is variable, the
store-wide ``GET variations?_fields=id,sku,regular_price,parent_id`` the same way, concurrently), create the
SKUs the store lacks and update the prices that differ through ``POST products/batch`` (100 items each), then
the variations through one ``POST products/{id}/variations/batch`` per variable product (the endpoint is per
parent), with ``--concurrency`` (4) requests in flight. No ownership, no trash, no staleness, no
convergence proof. Signed with OAuth 1.0a (plain HTTP).

Usage (run by ``bench_vs_raw.py`` in a child process, so both sides pay a Python start)::

    WCSYNC_CONSUMER_KEY=ck_… WCSYNC_CONSUMER_SECRET=cs_… python raw_batch.py URL WANTED.json [--read-only]

``WANTED.json`` is a list of the products to have (``sku``, ``regular_price`` and the rest of the create
payload; a variable product's ``variations``: ``sku``, ``regular_price``, ``attributes``). Prints one JSON line: ``{"read": pages, "write": batches, "created": n, "updated": n}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from wcsync.settings import AuthMethod, StoreSettings
from wcsync.store.auth import build_auth

PREFIX = "/wp-json/wc/v3/"


async def run(url: str, wanted: list[dict[str, Any]], *, concurrency: int, read_only: bool) -> dict[str, int]:
    settings = StoreSettings(url=url, auth=AuthMethod.OAUTH1,
                             consumer_key=SecretStr(os.environ["WCSYNC_CONSUMER_KEY"]),
                             consumer_secret=SecretStr(os.environ["WCSYNC_CONSUMER_SECRET"]))
    counts = {"read": 0, "write": 0, "created": 0, "updated": 0}
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, auth=build_auth(settings, url), timeout=300.0) as http:

        async def call(method: str, path: str, **kw: Any) -> httpx.Response:
            async with slots:
                response = await http.request(method, PREFIX + path, **kw)
            response.raise_for_status()
            return response

        async def read_all(path: str, fields: str) -> list[dict[str, Any]]:
            query = {"per_page": 100, "_fields": fields, "orderby": "id", "order": "asc"}
            first = await call("GET", path, params={**query, "page": 1})
            pages = int(first.headers.get("X-WP-TotalPages", "1"))
            rest = await asyncio.gather(*(call("GET", path, params={**query, "page": p})
                                          for p in range(2, pages + 1)))
            counts["read"] += max(pages, 1)
            return [item for r in (first, *rest) for item in r.json()]

        variable = any(w.get("variations") for w in wanted)
        lists = await asyncio.gather(read_all("products", "id,sku,regular_price"),
                                     *([read_all("variations", "id,sku,regular_price,parent_id")] if variable else []))
        live = {item["sku"]: item for item in lists[0]}
        live_variations = {item["sku"]: item for item in (lists[1] if variable else ())}
        parents = [{k: v for k, v in w.items() if k != "variations"} for w in wanted]
        creates = [w for w in parents if w["sku"] not in live]
        updates = [{"id": live[w["sku"]]["id"], "regular_price": w["regular_price"]}
                   for w in parents if w["sku"] in live and "regular_price" in w
                   and live[w["sku"]]["regular_price"] != w["regular_price"]]
        counts["created"], counts["updated"] = len(creates), len(updates)
        if read_only:
            counts["created"] += sum(len(w.get("variations") or ()) for w in wanted if w["sku"] not in live)
            return counts
        bodies = [{"create": creates[n:n + 100]} for n in range(0, len(creates), 100)]
        bodies += [{"update": updates[n:n + 100]} for n in range(0, len(updates), 100)]
        answers = await asyncio.gather(*(call("POST", "products/batch", json=b) for b in bodies))
        counts["write"] = len(bodies)
        ids = dict(live)
        for answer in answers:
            for items in answer.json().values():
                failed = [i for i in items if "error" in i]
                if failed:
                    raise SystemExit(f"raw batch: {len(failed)} item(s) failed, e.g. {failed[0]['error']}")
                ids.update((i["sku"], i) for i in items)
        # then the variations: one batch per variable product (the endpoint is per parent)
        variation_bodies: list[tuple[int, dict[str, Any]]] = []
        for w in wanted:
            todo = w.get("variations") or ()
            create = [v for v in todo if v["sku"] not in live_variations]
            update = [{"id": live_variations[v["sku"]]["id"], "regular_price": v["regular_price"]} for v in todo
                      if v["sku"] in live_variations and live_variations[v["sku"]]["regular_price"] != v["regular_price"]]
            counts["created"] += len(create)
            counts["updated"] += len(update)
            for n in range(0, len(create) + len(update), 100):
                body = {k: v for k, v in (("create", create[n:n + 100]), ("update", update[n:n + 100])) if v}
                variation_bodies.append((int(ids[w["sku"]]["id"]), body))
        answers = await asyncio.gather(*(call("POST", f"products/{pid}/variations/batch", json=b)
                                         for pid, b in variation_bodies))
        counts["write"] += len(variation_bodies)
        for answer in answers:
            for items in answer.json().values():
                failed = [i for i in items if "error" in i]
                if failed:
                    raise SystemExit(f"raw batch: {len(failed)} variation(s) failed, e.g. {failed[0]['error']}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url")
    parser.add_argument("wanted", type=Path)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--read-only", action="store_true", help="read and diff only (the `plan` step)")
    args = parser.parse_args(argv)
    wanted = json.loads(args.wanted.read_text(encoding="utf-8"))
    counts = asyncio.run(run(args.url, wanted, concurrency=args.concurrency, read_only=args.read_only))
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
