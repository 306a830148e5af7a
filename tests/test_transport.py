"""Transport behaviour against the loopback gateway: retries, backoff, deadlines,
outcome-unknown, session lifecycle, proxies and hooks.

Client-visible behaviour runs for both clients through ``make_client``; what only the
async client has (an injected session, its event-loop binding) runs for it alone.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from typing import Any

import aiohttp
import pytest

from alipay_voucher._hooks import Hooks, RequestEvent, ResponseEvent
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import (
    APIError,
    OutcomeUnknownError,
    SignatureVerificationError,
    TransportError,
    TransportTimeoutError,
)
from alipay_voucher.sync import VoucherClient
from alipay_voucher.transport import EventLoopMismatchError
from tests.clients import (
    Drop,
    FakeAlipay,
    Hang,
    MakeClient,
    Reply,
    error,
    gateway_config,
    unused_port,
)

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "user_id": "2088512417841101"}


def _out_biz_no(received: Any) -> str:
    value: str = json.loads(received.body)["out_biz_no"]
    return value


class Recorder:
    """Hooks that keep every event."""

    def __init__(self) -> None:
        self.requests: list[RequestEvent] = []
        self.responses: list[ResponseEvent] = []

    async def on_request(self, event: RequestEvent) -> None:
        self.requests.append(event)

    def on_response(self, event: ResponseEvent) -> None:  # a plain function works too
        self.responses.append(event)

    def hooks(self) -> Hooks:
        return Hooks(on_request=self.on_request, on_response=[self.on_response])


# --------------------------------------------------------------------------- retries


async def test_transient_errors_are_retried_with_same_bytes_and_fresh_signatures(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", error(503, "unavailable"), error(502, "bad-gateway"), Reply())
    result = await driver.call("send", SEND, request_id="caller-req-1")
    assert result.voucher_id
    attempts = gateway.for_path("send")
    assert len(attempts) == 3
    assert all(a.verified for a in attempts)
    # identical body bytes, hence the same generated out_biz_no, on every attempt
    assert len({a.body for a in attempts}) == 1
    assert len({_out_biz_no(a) for a in attempts}) == 1
    # each attempt re-signed: fresh nonce, timestamp-bearing auth and request id
    assert len({a.auth.nonce for a in attempts if a.auth}) == 3
    assert len({a.headers["authorization"] for a in attempts}) == 3
    ids = [a.request_id for a in attempts]
    assert ids[0] == "caller-req-1" and len(set(ids)) == 3
    assert result.request_id == ids[2]


async def test_retry_after_is_honoured(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("query", error(429, "app-call-limited", **{"Retry-After": "0.25"}), Reply())
    result = await driver.call("query", ACTIVITY)
    assert result.activity_id == ACTIVITY
    first, second = gateway.for_path("query")
    assert second.at - first.at >= 0.24


async def test_mutating_call_with_exhausted_5xx_has_unknown_outcome(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", *[error(502, "bad-gateway")] * 3)
    with pytest.raises(OutcomeUnknownError) as caught:
        await driver.call("send", SEND)
    attempts = gateway.for_path("send")
    assert len(attempts) == 3
    assert caught.value.out_biz_no == _out_biz_no(attempts[0])
    assert caught.value.attempts == 3
    assert caught.value.request_id == attempts[-1].request_id
    assert isinstance(caught.value.__cause__, APIError)
    assert caught.value.__cause__.status == 502
    assert caught.value.out_biz_no in str(caught.value)
    # the last answer's facts are on the error itself, as on every AnswerError
    assert (caught.value.status, caught.value.code) == (502, "bad-gateway")
    assert caught.value.body == caught.value.__cause__.body != b""


async def test_query_never_raises_outcome_unknown(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("query", *[error(500, "SYSTEM_ERROR")] * 3)
    with pytest.raises(APIError) as caught:
        await driver.call("query", ACTIVITY)
    assert caught.value.status == 500
    assert len(gateway.for_path("query")) == 3


@pytest.mark.parametrize("reply", [Reply(tamper=True), Reply(sign=False)], ids=["bad", "unsigned"])
async def test_answer_failing_verification_is_never_retried(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig, reply: Reply
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", reply)
    with pytest.raises(SignatureVerificationError):
        await driver.call("send", SEND)
    gateway.script("query", reply)
    with pytest.raises(SignatureVerificationError):
        await driver.call("query", ACTIVITY)
    assert len(gateway.received) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
async def test_client_errors_are_not_retried(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig, status: int
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("query", error(status, "nope"))
    with pytest.raises(APIError) as caught:
        await driver.call("query", ACTIVITY)
    assert caught.value.status == status
    assert len(gateway.received) == 1


async def test_redirects_are_not_followed(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", Reply(status=302, sign=False, headers={"Location": "/elsewhere"}))
    with pytest.raises(APIError) as caught:
        await driver.call("send", SEND)
    assert caught.value.status == 302
    assert len(gateway.received) == 1


async def test_refused_connection_is_a_transport_error_and_retried(
    make_client: MakeClient, key_config: AlipayConfig
) -> None:
    recorder = Recorder()
    config = key_config.with_options(
        base_url=f"http://127.0.0.1:{unused_port()}",
        retry=RetryPolicy(max_attempts=3, initial_backoff=0.001, max_backoff=0.002),
    )
    driver = make_client(config, hooks=recorder.hooks())
    with pytest.raises(TransportError) as caught:
        await driver.call("send", SEND)
    # it certainly never reached Alipay: not "outcome unknown"
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert "could not connect" in str(caught.value)
    assert len(recorder.responses) == 3
    assert [e.will_retry for e in recorder.responses] == [True, True, False]
    assert caught.value.request_id == recorder.requests[-1].request_id


async def test_timeout_after_sending_a_mutating_call_is_outcome_unknown(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    # Each attempt must reach the gateway before it times out, also on a busy machine
    # (connecting and writing took over 0.15 s there): a second, not a tenth.
    gateway.script("send", Hang(3), Hang(3))
    gateway.script("query", Hang(3), Hang(3))
    config_retry = RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.001)
    driver = make_client(gateway_config(key_config, gateway, timeout=1.0, retry=config_retry))
    with pytest.raises(OutcomeUnknownError) as caught:
        await driver.call("send", SEND, request_id="rq-1")
    assert isinstance(caught.value.__cause__, TransportTimeoutError)
    assert caught.value.attempts == 2
    sends = gateway.for_path("send")
    assert len(sends) == 2 and caught.value.out_biz_no == _out_biz_no(sends[0])
    with pytest.raises(TransportTimeoutError, match="per-attempt timeout"):
        await driver.call("query", ACTIVITY)
    assert len(gateway.for_path("query")) == 2


async def test_connection_dropped_after_sending(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", Drop(), Drop(), Drop())
    with pytest.raises(OutcomeUnknownError) as caught:
        await driver.call("send", SEND)
    assert isinstance(caught.value.__cause__, TransportError)
    assert len(gateway.for_path("send")) == 3
    gateway.script("query", Drop(), Drop(), Drop())
    with pytest.raises(TransportError) as query_error:
        await driver.call("query", ACTIVITY)
    assert not isinstance(query_error.value, OutcomeUnknownError)


async def test_drop_then_success_returns_the_answer(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", Drop(), Reply())
    result = await driver.call("send", {**SEND, "out_biz_no": "keep-me"})
    assert result.voucher_id
    assert [_out_biz_no(r) for r in gateway.for_path("send")] == ["keep-me", "keep-me"]


async def test_deadline_bounds_all_attempts_and_backoff(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    policy = RetryPolicy(max_attempts=50, initial_backoff=0.05, max_backoff=0.05, deadline=0.4)
    driver = make_client(gateway_config(key_config, gateway, retry=policy))
    gateway.script("query", *[error(503, "busy")] * 50)
    started = time.monotonic()
    with pytest.raises(APIError):
        await driver.call("query", ACTIVITY)
    elapsed = time.monotonic() - started
    attempts = len(gateway.for_path("query"))
    assert elapsed < 0.4 + 0.3
    assert 2 <= attempts < 50


async def test_no_retry_is_squeezed_into_the_deadlines_last_moments(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    # The server asks for a 0.25 s pause; a retry then would have under 0.1 s of a 0.3 s
    # deadline left, so the caller gets the 503 itself rather than a hopeless attempt.
    policy = RetryPolicy(max_attempts=5, deadline=0.3)
    driver = make_client(gateway_config(key_config, gateway, retry=policy))
    gateway.script("query", error(503, "busy", **{"Retry-After": "0.25"}), Reply())
    with pytest.raises(APIError, match="busy"):
        await driver.call("query", ACTIVITY)
    assert len(gateway.for_path("query")) == 1


async def test_deadline_cuts_a_slow_attempt_short(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.001, deadline=0.3)
    driver = make_client(gateway_config(key_config, gateway, retry=policy, timeout=10))
    gateway.script("query", Hang(3))
    started = time.monotonic()
    with pytest.raises(TransportTimeoutError, match="overall deadline"):
        await driver.call("query", ACTIVITY)
    assert time.monotonic() - started < 1.5


async def test_per_call_timeout(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway, retry=RetryPolicy.disabled()))
    gateway.script("query", Hang(3))
    started = time.monotonic()
    with pytest.raises(TransportTimeoutError, match="0.1 s"):
        await driver.call("query", ACTIVITY, timeout=0.1)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("how", ["config", "client"])
async def test_retries_can_be_switched_off(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig, how: str
) -> None:
    if how == "config":
        driver = make_client(gateway_config(key_config, gateway, retry=RetryPolicy.disabled()))
    else:
        driver = make_client(gateway_config(key_config, gateway), retry=RetryPolicy.disabled())
    assert driver.client.retry_policy.max_attempts == 1
    gateway.script("query", error(503, "busy"))
    with pytest.raises(APIError):
        await driver.call("query", ACTIVITY)
    gateway.script("send", error(503, "busy"))
    with pytest.raises(OutcomeUnknownError):
        await driver.call("send", SEND)
    assert len(gateway.received) == 2


async def test_client_retry_overrides_config(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    policy = RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.001)
    driver = make_client(gateway_config(key_config, gateway), retry=policy)
    gateway.script("query", *[error(503, "busy")] * 5)
    with pytest.raises(APIError):
        await driver.call("query", ACTIVITY)
    assert len(gateway.received) == 2


async def test_oversized_answer_is_refused_unread(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway, max_response_bytes=64))
    big = Reply(raw=b'{"activity_id":"' + b"x" * 500 + b'"}')
    gateway.script("query", big)
    with pytest.raises(TransportError, match="max_response_bytes") as caught:
        await driver.call("query", ACTIVITY)
    assert not isinstance(caught.value, OutcomeUnknownError)
    gateway.script("send", big)
    with pytest.raises(OutcomeUnknownError):
        await driver.call("send", SEND)
    assert len(gateway.received) == 2  # not retried


async def test_generic_post_retries_only_with_out_biz_no(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    path = "/v3/alipay/marketing/other/write"
    gateway.script(path, error(503, "busy"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await driver.call("request", "POST", path, json={"x": 1})
    assert caught.value.out_biz_no is None
    assert len(gateway.received) == 1
    gateway.script(path, error(503, "busy"), Reply(payload={"ok": True}))
    result = await driver.call("request", "POST", path, json={"out_biz_no": "g-1"})
    assert result.payload == {"ok": True}
    assert len(gateway.received) == 3


async def test_generic_post_is_retried_when_it_never_left(
    make_client: MakeClient, key_config: AlipayConfig
) -> None:
    recorder = Recorder()
    config = key_config.with_options(
        base_url=f"http://127.0.0.1:{unused_port()}",
        retry=RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.001),
    )
    driver = make_client(config, hooks=recorder.hooks())
    with pytest.raises(TransportError) as caught:
        await driver.call("request", "POST", "/v3/x", json={"x": 1})
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert len(recorder.requests) == 2


# --------------------------------------------------------------------------- hooks


async def test_hooks_see_every_attempt(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    recorder = Recorder()
    driver = make_client(gateway_config(key_config, gateway), hooks=recorder.hooks())
    gateway.script("send", error(503, "busy"), Reply())
    token = "202406BBsecrettoken1234567890"
    await driver.call("send", {**SEND, "out_biz_no": "h-1"}, app_auth_token=token)
    assert [e.attempt for e in recorder.requests] == [1, 2]
    first, second = recorder.responses
    assert (first.status, first.will_retry, first.ok) == (503, True, False)
    assert isinstance(first.error, APIError)
    assert (second.status, second.will_retry, second.ok) == (200, False, True)
    assert second.trace_id and second.latency >= 0
    assert all(e.operation == "send" and e.out_biz_no == "h-1" for e in recorder.responses)
    event = recorder.requests[0]
    assert event.method == "POST" and event.path.endswith("/send")
    assert event.body_size > 0
    assert "sign=***" in event.headers["Authorization"]
    assert event.headers["alipay-app-auth-token"] == "***"
    assert token not in repr(recorder.requests)


async def test_a_failing_hook_does_not_fail_the_call(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(event: object) -> None:
        raise RuntimeError("metrics backend down")

    driver = make_client(
        gateway_config(key_config, gateway), hooks=Hooks(on_request=broken, on_response=broken)
    )
    result = await driver.call("send", SEND)
    assert result.voucher_id
    assert any("hook" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


# --------------------------------------------------------------------------- proxies


class ForwardProxy:
    """A minimal HTTP forward proxy that records what passed through it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self._server: asyncio.base_events.Server | None = None
        self.url = ""

    async def __aenter__(self) -> ForwardProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, absolute, _version = request_line.split(" ")
            headers = [line.split(": ", 1) for line in header_lines if line]
            length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
            body = await reader.readexactly(length)
            self.seen.append((method, absolute))
            authority, _, rest = absolute.split("://", 1)[1].partition("/")
            host, _, port = authority.partition(":")
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            kept = [
                f"{k}: {v}"
                for k, v in headers
                if k.lower() not in ("connection", "proxy-connection", "keep-alive")
            ]
            up_writer.write(
                (
                    f"{method} /{rest} HTTP/1.1\r\n" + "\r\n".join([*kept, "Connection: close"])
                ).encode("latin-1")
                + b"\r\n\r\n"
                + body
            )
            await up_writer.drain()
            answer = await up_reader.read()
            up_writer.close()
            await up_writer.wait_closed()
            writer.write(answer)
            await writer.drain()
        finally:
            writer.close()


async def test_explicit_proxy_is_used(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    async with ForwardProxy() as proxy:
        driver = make_client(gateway_config(key_config, gateway, proxy=proxy.url))
        result = await driver.call("query", ACTIVITY, "SELF_MODE")
        assert result.activity_id == ACTIVITY
        assert proxy.seen == [
            (
                "GET",
                f"{gateway.base_url}/v3/alipay/marketing/activity/voucher/query"
                f"?activity_id={ACTIVITY}&merchant_access_mode=SELF_MODE",
            )
        ]
        assert gateway.received[0].verified  # the signed target survived the proxy


async def test_proxy_from_environment_with_trust_env(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with ForwardProxy() as proxy:
        monkeypatch.setenv("http_proxy", proxy.url)
        ignoring = make_client(gateway_config(key_config, gateway))
        await ignoring.call("query", ACTIVITY)
        assert proxy.seen == []
        trusting = make_client(gateway_config(key_config, gateway, trust_env=True))
        await trusting.call("send", SEND)
        assert [m for m, _ in proxy.seen] == ["POST"]
        assert all(r.verified for r in gateway.received)


# --------------------------------------------------------------------------- lifecycle


async def test_injected_session_is_used_but_not_closed(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    async with aiohttp.ClientSession() as session:
        async with AsyncVoucherClient(gateway_config(key_config, gateway), session=session) as c:
            result = await c.send(SEND)
            assert result.voucher_id
            assert c._transport._state.session is session
        assert c.closed
        assert not session.closed
        # the caller's session still works for the caller
        async with session.get(gateway.base_url + "/ping") as response:
            assert response.status == 401  # unsigned: the fake gateway refuses it


async def test_closed_injected_session_is_reported(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    session = aiohttp.ClientSession()
    await session.close()
    client = AsyncVoucherClient(gateway_config(key_config, gateway), session=session)
    with pytest.raises(RuntimeError, match="closed by its owner"):
        await client.query(ACTIVITY)
    await client.aclose()


async def test_session_is_created_lazily_and_once(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    client = AsyncVoucherClient(gateway_config(key_config, gateway))
    assert client._transport._state.session is None
    await asyncio.gather(*(client.query(ACTIVITY) for _ in range(10)))
    session = client._transport._state.session
    assert session is not None
    await client.query(ACTIVITY)
    assert client._transport._state.session is session
    await client.aclose()
    assert session.closed


def test_client_refuses_a_second_event_loop(key_config: AlipayConfig) -> None:
    config = key_config.with_options(
        base_url=f"http://127.0.0.1:{unused_port()}", retry=RetryPolicy.disabled()
    )
    client = AsyncVoucherClient(config)  # made outside any loop: nothing happens yet
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        with pytest.raises(TransportError):
            first.run_until_complete(client.query(ACTIVITY))
        with pytest.raises(EventLoopMismatchError, match="another one"):
            second.run_until_complete(client.query(ACTIVITY))
        with pytest.raises(EventLoopMismatchError):
            second.run_until_complete(client.aclose())
        first.run_until_complete(client.aclose())
        assert client.closed
    finally:
        first.close()
        second.close()


async def test_unclosed_async_client_warns_without_cleaning_up(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    client = AsyncVoucherClient(gateway_config(key_config, gateway))
    await client.query(ACTIVITY)
    session = client._transport._state.session
    assert session is not None
    with pytest.warns(ResourceWarning, match=r"AsyncVoucherClient\(app_id=.*never closed"):
        del client
        gc.collect()
    assert not session.closed  # the finalizer only warned; it scheduled nothing
    await session.close()


async def test_unused_client_needs_no_close(key_config: AlipayConfig) -> None:
    client = AsyncVoucherClient(key_config)
    del client
    gc.collect()  # no session was made, so there is nothing to warn about


async def test_unclosed_sync_client_warns_and_closes_in_the_background(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    client = VoucherClient(gateway_config(key_config, gateway))
    await asyncio.to_thread(client.query, ACTIVITY)
    thread = client._runner._thread
    session = client._async_client._transport._state.session
    assert thread is not None and session is not None
    with pytest.warns(ResourceWarning, match=r"VoucherClient\(app_id=.*never closed"):
        del client
        gc.collect()
    await asyncio.to_thread(thread.join, 10)
    assert not thread.is_alive() and session.closed


async def test_closing_between_attempts_ends_the_call_honestly(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    holder: dict[str, AsyncVoucherClient] = {}

    async def close_on_retry(event: ResponseEvent) -> None:
        if event.will_retry:
            await holder["client"].aclose()

    client = AsyncVoucherClient(
        gateway_config(key_config, gateway), hooks=Hooks(on_response=close_on_retry)
    )
    holder["client"] = client
    gateway.script("send", error(503, "busy"))
    with pytest.raises(OutcomeUnknownError) as caught:  # attempt 1 may have landed
        await client.send(SEND)
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert "closed while" in str(caught.value.__cause__)
    assert len(gateway.received) == 1


def test_injected_session_from_another_loop_is_refused(key_config: AlipayConfig) -> None:
    async def make() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    home, other = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        session = home.run_until_complete(make())
        client = AsyncVoucherClient(key_config, session=session)
        with pytest.raises(EventLoopMismatchError, match="another event loop"):
            other.run_until_complete(client.query(ACTIVITY))
        other.run_until_complete(client.aclose())
        assert not session.closed
        home.run_until_complete(session.close())
    finally:
        home.close()
        other.close()
