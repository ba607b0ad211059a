"""WooClient against httpx.MockTransport: auth, pagination, concurrency, retries, unknown outcomes."""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from store_helpers import KEY, SECRET, Sleeps, fast_retry, settings, woocommerce_oauth_valid

from wcsync.errors import ConfigError
from wcsync.store.client import WooClient
from wcsync.store.errors import (
    CertificateError,
    PlainHttpAuthError,
    RequestFailed,
    RetriesExhausted,
    StoreTimeout,
    UnknownOutcome,
)

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def run(handler: Handler, body: Callable[[WooClient], Awaitable[Any]], **kw: Any) -> Any:
    sleeps = kw.pop("sleeps", None)
    url = kw.pop("url", "https://shop.example")

    async def main() -> Any:
        async with WooClient(settings(url, **kw), transport=httpx.MockTransport(handler),
                             retry=fast_retry(sleeps)) as client:
            return await body(client)

    return asyncio.run(main())


def ok(data: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=data, headers=headers)


# -- authentication -----------------------------------------------------------------------------------------


def test_basic_auth_over_https() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok({"id": 1})

    assert run(handler, lambda c: c.get("products/1")) == {"id": 1}
    expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    assert seen[0].headers["Authorization"] == expected
    assert str(seen[0].url) == "https://shop.example/wp-json/wc/v3/products/1"
    assert seen[0].headers["Accept"] == "application/json"


def test_basic_auth_refused_over_plain_http() -> None:
    with pytest.raises(PlainHttpAuthError) as err:
        WooClient(settings("http://shop.example"))
    assert str(err.value) == (
        "refusing to send the consumer key and secret of store 'default' as HTTP Basic auth over plain HTTP "
        "(http://shop.example): they would travel unencrypted, and WooCommerce ignores them there anyway "
        "(every request would fail with 401) — use the store's https:// URL, or set `auth: oauth1` in "
        "wcsync.yaml for a store without HTTPS"
    )
    assert SECRET not in str(err.value) and KEY not in str(err.value)
    with pytest.raises(PlainHttpAuthError):
        WooClient(settings("http://shop.example", auth="query"))


def test_missing_credentials_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="has no consumer key/secret"):
        WooClient(settings(consumer_secret=None))


def test_query_string_auth() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok([])

    run(handler, lambda c: c.get("products", {"per_page": 5}), auth="query")
    assert dict(seen[0].url.params) == {"per_page": "5", "consumer_key": KEY, "consumer_secret": SECRET}
    assert "Authorization" not in seen[0].headers


def test_oauth1_signs_query_parameters_not_the_json_body() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok({"id": 7})

    async def body(client: WooClient) -> None:
        await client.get("products/categories", {"_fields": "id,name,slug", "search": "Query Keys", "per_page": 5})
        await client.post("products/categories", {"name": "Via OAuth & more"}, params={"force": True})
        await client.get("products")

    run(handler, body, url="http://shop.example", auth="oauth1")
    assert len(seen) == 3
    for request in seen:
        assert woocommerce_oauth_valid(request, SECRET)
        assert not woocommerce_oauth_valid(request, "cs_wrong")
        assert "Authorization" not in request.headers
    assert json.loads(seen[1].content) == {"name": "Via OAuth & more"}
    assert seen[1].url.params["force"] == "true"
    nonces = {r.url.params["oauth_nonce"] for r in seen}
    assert len(nonces) == 3


def test_oauth1_retry_is_signed_afresh() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503) if len(seen) == 1 else ok([])

    run(handler, lambda c: c.get("products"), url="http://shop.example", auth="oauth1")
    assert len(seen) == 2 and seen[0].url.params["oauth_nonce"] != seen[1].url.params["oauth_nonce"]
    assert woocommerce_oauth_valid(seen[1], SECRET)


def test_app_password_is_basic_user_password() -> None:
    from pydantic import SecretStr

    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok([])

    run(handler, lambda c: c.get("products"), auth="app_password", username="admin",
        app_password=SecretStr("abcd efgh ijkl"))
    assert seen[0].headers["Authorization"] == "Basic " + base64.b64encode(b"admin:abcd efgh ijkl").decode()


def test_verify_tls_off_is_warned_loudly(capsys: pytest.CaptureFixture[str]) -> None:
    client = WooClient(settings(verify_tls=False))
    asyncio.run(client.aclose())
    err = capsys.readouterr().err
    assert "WARNING: TLS certificate verification is OFF for store 'default' (https://shop.example)" in err


def test_missing_ca_bundle_is_a_config_error(tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match=r"the CA bundle .* does not exist"):
        WooClient(settings(ca_bundle=str(tmp_path / "nope.pem")))


# -- pagination and concurrency -----------------------------------------------------------------------------


def paged_store(total: int, *, delay: float = 0.0, log: list[httpx.Request] | None = None) -> Handler:
    items = [{"id": i, "sku": f"P-{i}"} for i in range(1, total + 1)]

    async def handler(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        await asyncio.sleep(delay)
        per_page = int(request.url.params["per_page"])
        page = int(request.url.params["page"])
        pages = -(-total // per_page)
        chunk = items[(page - 1) * per_page : page * per_page]
        return ok(chunk, **{"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})

    return handler


def test_list_all_reads_every_page_in_id_order_with_the_sync_parameters() -> None:
    log: list[httpx.Request] = []
    progress: list[tuple[str, int, int]] = []

    async def body(client: WooClient) -> Any:
        client.progress = lambda path, done, total: progress.append((path, done, total))
        return await client.list_all("products", {"status": "any"}, fields=["sku", "name"])

    items = run(paged_store(950, delay=0.01, log=log), body)
    assert [i["id"] for i in items] == list(range(1, 951))
    assert len(log) == 10
    params = dict(log[0].url.params)
    assert params == {"per_page": "100", "orderby": "id", "order": "asc", "context": "edit",
                      "status": "any", "_fields": "id,sku,name", "page": "1"}
    assert sorted(int(r.url.params["page"]) for r in log) == list(range(1, 11))
    assert progress[0] == ("products", 1, 10) and progress[-1] == ("products", 10, 10) and len(progress) == 10


def test_max_in_flight_is_bounded_by_concurrency() -> None:
    async def body(client: WooClient) -> int:
        await client.list_all("products")
        return client.max_in_flight

    assert run(paged_store(3000, delay=0.02), body, concurrency=3) == 3
    assert run(paged_store(3000, delay=0.02), body, concurrency=1) == 1


def test_empty_list_is_one_request() -> None:
    log: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        return ok([], **{"X-WP-Total": "0", "X-WP-TotalPages": "0"})

    assert run(handler, lambda c: c.list_all("products/tags")) == []
    assert len(log) == 1


# -- retries --------------------------------------------------------------------------------------------------


def scripted(*answers: httpx.Response | Exception, log: list[httpx.Request]) -> Handler:
    queue = list(answers)

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        answer = queue.pop(0) if queue else ok({"done": True})
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


def test_read_retries_429_honouring_retry_after_and_halves_concurrency() -> None:
    log: list[httpx.Request] = []
    sleeps = Sleeps()

    async def body(client: WooClient) -> Any:
        result = await client.get("products")
        return result, client.limiter.limit

    answers = (httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(503), httpx.Response(502))
    result, limit = run(scripted(*answers, log=log), body, sleeps=sleeps)
    assert result == {"done": True} and len(log) == 4
    assert sleeps.calls[0] == 7.0 and len(sleeps.calls) == 3
    assert limit == 1  # 4 → 2 (429) → 1 (503)


def test_read_gives_up_after_max_retries() -> None:
    log: list[httpx.Request] = []
    with pytest.raises(RetriesExhausted) as err:
        run(scripted(*[httpx.Response(500)] * 10, log=log), lambda c: c.get("products"), max_retries=2)
    assert len(log) == 3
    assert str(err.value).startswith(
        "GET /wp-json/wc/v3/products on https://shop.example still failed after 3 attempts (HTTP 500)"
    )


def test_read_retries_connection_errors_and_timeouts() -> None:
    log: list[httpx.Request] = []
    answers = (httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped"))
    assert run(scripted(*answers, log=log), lambda c: c.get("products")) == {"done": True}
    assert len(log) == 4


def test_read_timeout_error_states_the_timeout() -> None:
    log: list[httpx.Request] = []
    with pytest.raises(StoreTimeout) as err:
        run(scripted(*[httpx.ReadTimeout("slow")] * 3, log=log), lambda c: c.get("products", {"page": 2}),
            max_retries=1, read_timeout=12.5)
    assert str(err.value) == (
        "GET /wp-json/wc/v3/products?page=2 on https://shop.example timed out: no answer within the read "
        "timeout of 12.5 s — the store is slow or unreachable; raise `read_timeout` in wcsync.yaml, or lower "
        "`concurrency`"
    )
    assert err.value.timeout == 12.5 and len(log) == 2


def test_write_retried_only_when_certainly_not_processed() -> None:
    log: list[httpx.Request] = []
    answers = (httpx.ConnectError("refused"), httpx.Response(429, headers={"Retry-After": "1"}),
               httpx.Response(503))
    assert run(scripted(*answers, log=log), lambda c: c.post("products", {"name": "x"})) == {"done": True}
    assert len(log) == 4 and all(r.method == "POST" for r in log)


@pytest.mark.parametrize(
    ("answer", "what"),
    [
        (httpx.ReadTimeout("slow"), "no answer within the 180 s read timeout"),
        (httpx.RemoteProtocolError("peer closed"), "the connection failed after sending"),
        (httpx.Response(500), "the store answered 500 after receiving it"),
        (httpx.Response(502), "the store answered 502 after receiving it"),
    ],
)
def test_write_with_unknown_outcome_is_never_repeated(answer: Any, what: str) -> None:
    log: list[httpx.Request] = []
    with pytest.raises(UnknownOutcome) as err:
        run(scripted(answer, log=log), lambda c: c.batch("products/batch", create=[{"sku": "A"}]))
    assert len(log) == 1
    assert err.value.request.method == "POST" and err.value.request.path == "products/batch"
    assert err.value.request.json == {"create": [{"sku": "A"}]}
    assert str(err.value).startswith(f"POST /wp-json/wc/v3/products/batch on https://shop.example: outcome "
                                     f"unknown — {what}")


def test_write_uses_the_write_timeout() -> None:
    timeouts: list[Any] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        return ok({})

    async def body(client: WooClient) -> None:
        await client.get("products")
        await client.put("products/1", {"name": "n"})

    run(handler, body, connect_timeout=3, read_timeout=20, write_timeout=200)
    assert timeouts[0]["connect"] == 3 and timeouts[0]["read"] == 20
    assert timeouts[1]["connect"] == 3 and timeouts[1]["read"] == 200


def test_certificate_failure_is_explained_and_not_retried() -> None:
    log: list[httpx.Request] = []
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate")
    error = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    error.__cause__ = cause
    with pytest.raises(CertificateError) as err:
        run(scripted(error, log=log), lambda c: c.get("products"))
    assert len(log) == 1
    assert "the TLS certificate of https://shop.example could not be verified (GET /wp-json/wc/v3/products)" in str(
        err.value)
    assert "WCSYNC_CA_BUNDLE" in str(err.value)


# -- batch ------------------------------------------------------------------------------------------------------


def test_batch_sends_only_non_empty_lists_and_enforces_the_size() -> None:
    log: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        return ok({"update": [{"id": 5, "name": "n"}], "delete": [{"id": 6, "error": {"code": "x"}}]})

    async def body(client: WooClient) -> Any:
        return await client.batch("products/batch", update=[{"id": 5, "name": "n"}], delete=[6])

    result = run(handler, body)
    assert json.loads(log[0].content) == {"update": [{"id": 5, "name": "n"}], "delete": [6]}
    assert [(r.ok, r.id) for r in result.update] == [(True, 5)]
    assert [(r.ok, r.id, r.error) for r in result.delete] == [(False, 6, {"code": "x"})]

    with pytest.raises(ValueError, match="batch of 3 items exceeds batch_size 2"):
        run(handler, lambda c: c.batch("products/batch", create=[{}, {}], delete=[1]), batch_size=2)
    assert len(log) == 1
    assert run(handler, lambda c: c.batch("products/batch")).create == []
    assert len(log) == 1


def test_list_all_without_pagination_headers_walks_until_a_short_page() -> None:
    log: list[httpx.Request] = []
    items = [{"id": i} for i in range(1, 251)]

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        page = int(request.url.params["page"])
        return ok(items[(page - 1) * 100 : page * 100])  # a proxy stripped X-WP-Total(Pages)

    assert [i["id"] for i in run(handler, lambda c: c.list_all("products"))] == list(range(1, 251))
    assert [r.url.params["page"] for r in log] == ["1", "2", "3"]


def test_connect_timeout_is_retried_even_for_writes_and_then_explained() -> None:
    log: list[httpx.Request] = []
    answers = (httpx.ConnectTimeout("no route"), httpx.ConnectTimeout("no route"))
    assert run(scripted(*answers, log=log), lambda c: c.post("products", {"name": "x"})) == {"done": True}
    assert len(log) == 3
    log.clear()
    with pytest.raises(StoreTimeout) as err:
        run(scripted(*[httpx.ConnectTimeout("no route")] * 5, log=log), lambda c: c.get("products"),
            max_retries=2, connect_timeout=3)
    assert str(err.value) == (
        "GET /wp-json/wc/v3/products on https://shop.example timed out: no connection within the connect "
        "timeout of 3 s — the store is slow or unreachable; raise `connect_timeout` in wcsync.yaml, or lower "
        "`concurrency`"
    )
    assert err.value.phase == "connect" and len(log) == 3


def test_duplicate_ids_across_pages_are_kept_once() -> None:
    pages = {1: [{"id": 1}, {"id": 2}], 2: [{"id": 2}, {"id": 3}]}

    async def handler(request: httpx.Request) -> httpx.Response:
        return ok(pages[int(request.url.params["page"])], **{"X-WP-TotalPages": "2"})

    assert [i["id"] for i in run(handler, lambda c: c.list_all("products"))] == [1, 2, 3]


def test_php_notices_before_the_json_are_tolerated() -> None:
    notice = ("<br />\n<b>Deprecated</b>:  Creation of dynamic property in <b>/wp-content/plugins/x.php</b> on "
              "line <b>12</b><br />\n")

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="\ufeff" + notice + '[{"id": 1, "name": "A [b] {c}"}]',
                              headers={"Content-Type": "application/json; charset=UTF-8", "X-WP-TotalPages": "1"})

    assert run(handler, lambda c: c.list_all("products")) == [{"id": 1, "name": "A [b] {c}"}]


def test_redirects_are_not_followed_and_explained() -> None:
    log: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        return httpx.Response(301, headers={"Location": "https://www.shop.example/wp-json/wc/v3/products"})

    with pytest.raises(RequestFailed) as err:
        run(handler, lambda c: c.get("products"))
    assert len(log) == 1
    assert str(err.value) == (
        "GET /wp-json/wc/v3/products on https://shop.example was redirected (HTTP 301) to "
        "https://www.shop.example/wp-json/wc/v3/products — set the store URL to the address the site redirects "
        "to (scheme and www. included); wcsync does not follow redirects, so credentials never go to another host"
    )


@pytest.mark.parametrize("params", [{"sku": "GRÖSSE-1,A B", "search": "x*y~z!'()"}, {"slug": "%e5%b8%bd"}])
def test_oauth1_signature_with_non_ascii_and_reserved_characters(params: dict[str, str]) -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok([])

    run(handler, lambda c: c.get("products", params), url="http://shop.example", auth="oauth1")
    assert woocommerce_oauth_valid(seen[0], SECRET)
    assert {k: seen[0].url.params[k] for k in params} == params


def test_a_5xx_woocommerce_refusal_is_final_not_unknown_02_38() -> None:
    log: list[httpx.Request] = []
    refusal = httpx.Response(500, json={"code": "duplicate_term_slug", "message": "The slug &#8220;x&#8221; is "
                                        "already in use by another term.", "data": None})
    with pytest.raises(RequestFailed) as err:
        run(scripted(refusal, log=log), lambda c: c.put("products/tags/5", {"slug": "x"}))
    assert len(log) == 1 and not isinstance(err.value, UnknownOutcome)
    assert err.value.code == "duplicate_term_slug" and err.value.status == 500
    assert str(err.value).endswith("failed (500 duplicate_term_slug: The slug “x” is already in use by another "
                                   "term.)")


def test_wordpress_critical_error_on_a_write_is_unknown() -> None:
    log: list[httpx.Request] = []
    crash = httpx.Response(500, json={"code": "internal_server_error", "message": "<p>There has been a critical "
                                      "error on this website.</p>", "data": {"status": 500}})
    with pytest.raises(UnknownOutcome):
        run(scripted(crash, log=log), lambda c: c.post("products", {"name": "x"}))
    assert len(log) == 1


def test_an_upload_that_timed_out_is_retried_even_for_a_write() -> None:
    log: list[httpx.Request] = []
    assert run(scripted(httpx.WriteTimeout("slow upload"), log=log),
               lambda c: c.post("products/batch", {"create": []})) == {"done": True}
    assert len(log) == 2


def test_wordpress_in_a_subdirectory() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok([])

    async def body(client: WooClient) -> None:
        await client.get("products")
        await client.raw("GET", "/wp-json/")

    run(handler, body, url="http://shop.example/store/", auth="oauth1")
    assert [str(r.url).split("?")[0] for r in seen] == [
        "http://shop.example/store/wp-json/wc/v3/products", "http://shop.example/store/wp-json/"]
    assert woocommerce_oauth_valid(seen[0], SECRET) and "oauth_signature" not in str(seen[1].url)


def test_each_retry_is_announced_through_notify() -> None:
    log: list[httpx.Request] = []
    heard: list[str] = []
    sleeps = Sleeps()
    answers = (httpx.Response(503, headers={"Retry-After": "2"}), httpx.ReadTimeout("slow"),
               httpx.RemoteProtocolError("dropped"))
    handler = scripted(*answers, log=log)

    async def main() -> Any:
        async with WooClient(settings(read_timeout=4.0), transport=httpx.MockTransport(handler),
                             retry=fast_retry(sleeps), notify=heard.append) as client:
            return await client.get("products", {"per_page": 100})

    assert asyncio.run(main()) == {"done": True}
    assert len(log) == 4 and sleeps.calls[0] == 2.0
    assert heard == [  # the query string (pagination noise) is left out
        "retrying GET /wp-json/wc/v3/products in 2.0 s (attempt 2/6): HTTP 503",
        "retrying GET /wp-json/wc/v3/products in 0.0 s (attempt 3/6): no answer within 4 s",
        "retrying GET /wp-json/wc/v3/products in 0.0 s (attempt 4/6): the connection dropped",
    ]


def test_missing_credentials_hint_names_where_they_come_from() -> None:
    with pytest.raises(ConfigError) as err:
        WooClient(settings(consumer_secret=None, credentials_source="WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET"))
    assert str(err.value) == (
        "store 'default' (https://shop.example) has no consumer key/secret — create a Read/Write key in "
        "WooCommerce → Settings → Advanced → REST API and set WCSYNC_CONSUMER_KEY / WCSYNC_CONSUMER_SECRET"
    )
