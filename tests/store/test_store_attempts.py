"""When retries run out, the error says what happened to each kind of attempt, says rate-limiting only when
the store asked to slow down (429, or 503 with Retry-After), and never shows a Python exception name."""

from __future__ import annotations

import httpx
import pytest
from test_store_client import run, scripted

from wcsync.errors import StoreError
from wcsync.store.errors import RetriesExhausted, StoreUnreachable, UnknownOutcome


def test_drops_then_502_say_each_kind_and_not_rate_limiting() -> None:
    answers = [httpx.RemoteProtocolError("Server disconnected without sending a response.")] * 4
    answers += [httpx.Response(502, text="<html>Bad Gateway</html>")] * 2
    with pytest.raises(RetriesExhausted) as err:
        run(scripted(*answers, log=[]), lambda c: c.get("products"), max_retries=5)
    text = str(err.value)
    assert text.startswith("GET /wp-json/wc/v3/products on https://shop.example still failed after 6 attempts "
                           "(HTTP 502; attempts: 4 × the connection dropped, 2 × HTTP 502 Bad Gateway)")
    assert "rate-limiting" not in text and "overloaded or failing" in text


@pytest.mark.parametrize(("answer", "limited"), [
    (httpx.Response(429, headers={"Retry-After": "0"}), True),
    (httpx.Response(503, headers={"Retry-After": "0"}), True),
    (httpx.Response(503), False),
    (httpx.Response(500), False),
])
def test_rate_limiting_is_said_only_when_the_store_asked_to_slow_down(answer: httpx.Response, limited: bool) -> None:
    with pytest.raises(RetriesExhausted) as err:
        run(scripted(*[answer] * 3, log=[]), lambda c: c.get("products"), max_retries=2)
    assert ("rate-limiting" in str(err.value)) is limited


def test_a_dropped_read_is_said_in_words_with_every_attempt() -> None:
    answers = [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("Server disconnected without sending a response.")]
    with pytest.raises(StoreUnreachable) as err:
        run(scripted(*answers, log=[]), lambda c: c.get("products"), max_retries=1)
    text = str(err.value)
    assert "RemoteProtocolError" not in text and "(" + "'" not in text
    assert ("failed during GET /wp-json/wc/v3/products: the connection was closed before a complete answer "
            "arrived (Server disconnected without sending a response.) (after 2 attempts: 1 × no answer in "
            "time, 1 × the connection dropped)") in text


@pytest.mark.parametrize("exc", [httpx.RemoteProtocolError("Server disconnected without sending a response."),
                                 httpx.ReadError("")])
def test_a_write_whose_connection_dropped_is_an_unknown_outcome_in_words(exc: Exception) -> None:
    with pytest.raises(UnknownOutcome) as err:
        run(scripted(exc, log=[]), lambda c: c.post("products/batch", json={"create": []}))
    assert isinstance(err.value, StoreError)
    assert type(exc).__name__ not in str(err.value)
    assert "outcome unknown — the connection failed after sending: the connection " in str(err.value)
