"""Transport behaviour: retries, backoff, deadlines, outcome-unknown, session
lifecycle, proxies and hooks; against the sandbox and its faults wherever they give the
answer, against ``FakeAlipay`` for request bytes and answers the sandbox must not give.

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
from alipay_voucher.testing import Fault, Sandbox
from alipay_voucher.transport import EventLoopMismatchError
from tests.campaigns import published_activity
from tests.clients import (
    Driver,
    FakeAlipay,
    Hang,
    MakeClient,
    Reply,
    SandboxConfig,
    error,
    gateway_config,
    unused_port,
)
from tests.sandbox_log import SandboxRequests

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


async def test_an_answer_failing_verification_is_never_retried(
    alipay_sandbox: Sandbox,
    sandbox_requests: SandboxRequests,
    sandbox_activity: str,
    sandbox_client: Driver,
) -> None:
    alipay_sandbox.faults.next("corrupt_signature", 2)
    with pytest.raises(SignatureVerificationError):
        await sandbox_client.call("send", {**SEND, "activity_id": sandbox_activity})
    with pytest.raises(SignatureVerificationError):
        await sandbox_client.call("query", sandbox_activity)
    assert len(sandbox_requests("send")) == len(sandbox_requests("query")) == 1


async def test_an_unsigned_success_is_never_retried(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", Reply(sign=False))
    with pytest.raises(SignatureVerificationError):
        await driver.call("send", SEND)
    gateway.script("query", Reply(sign=False))
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
    alipay_sandbox: Sandbox, sandbox_activity: str, sandbox_client: Driver
) -> None:
    alipay_sandbox.faults.next("drop", 3)
    with pytest.raises(OutcomeUnknownError) as caught:
        await sandbox_client.call("send", {**SEND, "activity_id": sandbox_activity})
    assert isinstance(caught.value.__cause__, TransportError)
    # each of the three attempts reached the sandbox (a fault is drawn per request)
    assert [f.operation for f in alipay_sandbox.faults.log] == ["send"] * 3
    alipay_sandbox.faults.next("drop", 3)
    with pytest.raises(TransportError) as query_error:
        await sandbox_client.call("query", sandbox_activity)
    assert not isinstance(query_error.value, OutcomeUnknownError)


async def test_drop_then_success_returns_the_answer(
    alipay_sandbox: Sandbox, sandbox_activity: str, sandbox_client: Driver
) -> None:
    alipay_sandbox.faults.next("drop")
    result = await sandbox_client.call(
        "send", {**SEND, "activity_id": sandbox_activity, "out_biz_no": "keep-me"}
    )
    # the dropped attempt took effect; the retry carried the same key, so it got that
    # voucher back instead of a second one
    (voucher,) = alipay_sandbox.activity(sandbox_activity).vouchers
    assert result.voucher_id == voucher.voucher_id
    assert alipay_sandbox.faults.injected == {Fault.DROP: 1}


async def test_deadline_bounds_all_attempts_and_backoff(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_requests: SandboxRequests,
) -> None:
    policy = RetryPolicy(max_attempts=50, initial_backoff=0.05, max_backoff=0.05, deadline=0.4)
    driver = make_client(sandbox_config(retry=policy))
    alipay_sandbox.faults.next("503", 50)
    started = time.monotonic()
    with pytest.raises(APIError):
        await driver.call("query", ACTIVITY)
    elapsed = time.monotonic() - started
    attempts = len(sandbox_requests("query"))
    # Without the deadline the 50 attempts would take over 2.45 s of backoff alone; the
    # margin past 0.4 s is for a loaded machine, not a speed target.
    assert elapsed < 1.5
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
    make_client: MakeClient, alipay_sandbox: Sandbox, sandbox_config: SandboxConfig
) -> None:
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.001, deadline=0.3)
    driver = make_client(sandbox_config(retry=policy, timeout=10))
    alipay_sandbox.faults.delay = 3
    alipay_sandbox.faults.next("delay")
    started = time.monotonic()
    with pytest.raises(TransportTimeoutError, match="overall deadline"):
        await driver.call("query", ACTIVITY)
    assert time.monotonic() - started < 1.5


async def test_per_call_timeout(
    make_client: MakeClient, alipay_sandbox: Sandbox, sandbox_config: SandboxConfig
) -> None:
    driver = make_client(sandbox_config(retry=RetryPolicy.disabled()))
    alipay_sandbox.faults.delay = 3
    alipay_sandbox.faults.next("delay")
    started = time.monotonic()
    with pytest.raises(TransportTimeoutError, match="0.1 s"):
        await driver.call("query", ACTIVITY, timeout=0.1)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("how", ["config", "client"])
async def test_retries_can_be_switched_off(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_requests: SandboxRequests,
    how: str,
) -> None:
    if how == "config":
        driver = make_client(sandbox_config(retry=RetryPolicy.disabled()))
    else:
        driver = make_client(sandbox_config(), retry=RetryPolicy.disabled())
    assert driver.client.retry_policy.max_attempts == 1
    alipay_sandbox.faults.next("503", 2)
    with pytest.raises(APIError):
        await driver.call("query", ACTIVITY)
    with pytest.raises(OutcomeUnknownError):
        await driver.call("send", SEND)
    assert len(sandbox_requests()) == 2


async def test_client_retry_overrides_config(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_requests: SandboxRequests,
) -> None:
    policy = RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.001)
    driver = make_client(sandbox_config(), retry=policy)
    alipay_sandbox.faults.next("503", 5)
    with pytest.raises(APIError):
        await driver.call("query", ACTIVITY)
    assert len(sandbox_requests()) == 2


async def test_oversized_answer_is_refused_unread(
    make_client: MakeClient,
    sandbox_config: SandboxConfig,
    sandbox_requests: SandboxRequests,
    sandbox_activity: str,
) -> None:
    before = len(sandbox_requests())
    # every answer of the sandbox's is longer than 16 bytes
    driver = make_client(sandbox_config(max_response_bytes=16))
    with pytest.raises(TransportError, match="max_response_bytes") as caught:
        await driver.call("query", sandbox_activity)
    assert not isinstance(caught.value, OutcomeUnknownError)
    with pytest.raises(OutcomeUnknownError):
        await driver.call("send", {**SEND, "activity_id": sandbox_activity})
    assert len(sandbox_requests()) - before == 2  # not retried


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
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
) -> None:
    recorder = Recorder()
    driver = make_client(sandbox_config(), hooks=recorder.hooks())
    alipay_sandbox.faults.next("503")
    token = "202406BBsecrettoken1234567890"
    send = {**SEND, "activity_id": sandbox_activity, "out_biz_no": "h-1"}
    await driver.call("send", send, app_auth_token=token)
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
    sandbox_config: SandboxConfig,
    caplog: pytest.LogCaptureFixture,
    sandbox_activity: str,
) -> None:
    async def broken(event: object) -> None:
        raise RuntimeError("metrics backend down")

    driver = make_client(sandbox_config(), hooks=Hooks(on_request=broken, on_response=broken))
    result = await driver.call("send", {**SEND, "activity_id": sandbox_activity})
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
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
) -> None:
    async with ForwardProxy() as proxy:
        driver = make_client(sandbox_config(proxy=proxy.url))
        # the sandbox answers only a request whose signed target survived the proxy
        result = await driver.call("query", sandbox_activity, "SELF_MODE")
        assert result.activity_id == sandbox_activity
        assert proxy.seen == [
            (
                "GET",
                f"{alipay_sandbox.base_url}/v3/alipay/marketing/activity/voucher/query"
                f"?activity_id={sandbox_activity}&merchant_access_mode=SELF_MODE",
            )
        ]


async def test_proxy_from_environment_with_trust_env(
    make_client: MakeClient,
    sandbox_config: SandboxConfig,
    monkeypatch: pytest.MonkeyPatch,
    sandbox_activity: str,
) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with ForwardProxy() as proxy:
        monkeypatch.setenv("http_proxy", proxy.url)
        ignoring = make_client(sandbox_config())
        await ignoring.call("query", sandbox_activity)
        assert proxy.seen == []
        trusting = make_client(sandbox_config(trust_env=True))
        # answered, so the request was signed as it arrived through the proxy
        assert (await trusting.call("send", {**SEND, "activity_id": sandbox_activity})).voucher_id
        assert [m for m, _ in proxy.seen] == ["POST"]


# --------------------------------------------------------------------------- lifecycle


async def test_injected_session_is_used_but_not_closed(
    alipay_sandbox: Sandbox, sandbox_config: SandboxConfig
) -> None:
    async with aiohttp.ClientSession() as session:
        async with AsyncVoucherClient(sandbox_config(), session=session) as c:
            activity_id = await published_activity(Driver("async", c))
            result = await c.send({**SEND, "activity_id": activity_id})
            assert result.voucher_id
            assert c._transport._state.session is session
        assert c.closed
        assert not session.closed
        # the caller's session still works for the caller
        async with session.get(alipay_sandbox.base_url + "/ping") as response:
            assert response.status == 400  # no such API: the sandbox refuses it


async def test_closed_injected_session_is_reported(sandbox_config: SandboxConfig) -> None:
    session = aiohttp.ClientSession()
    await session.close()
    client = AsyncVoucherClient(sandbox_config(), session=session)
    with pytest.raises(RuntimeError, match="closed by its owner"):
        await client.query(ACTIVITY)
    await client.aclose()


async def test_session_is_created_lazily_and_once(
    make_client: MakeClient, sandbox_config: SandboxConfig, sandbox_activity: str
) -> None:
    client = AsyncVoucherClient(sandbox_config())
    assert client._transport._state.session is None
    await asyncio.gather(*(client.query(sandbox_activity) for _ in range(10)))
    session = client._transport._state.session
    assert session is not None
    await client.query(sandbox_activity)
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
    make_client: MakeClient, sandbox_config: SandboxConfig, sandbox_activity: str
) -> None:
    client = AsyncVoucherClient(sandbox_config())
    await client.query(sandbox_activity)
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
    make_client: MakeClient, sandbox_config: SandboxConfig, sandbox_activity: str
) -> None:
    client = VoucherClient(sandbox_config())
    await asyncio.to_thread(client.query, sandbox_activity)
    thread = client._runner._thread
    session = client._async_client._transport._state.session
    assert thread is not None and session is not None
    with pytest.warns(ResourceWarning, match=r"VoucherClient\(app_id=.*never closed"):
        del client
        gc.collect()
    await asyncio.to_thread(thread.join, 10)
    assert not thread.is_alive() and session.closed


async def test_closing_between_attempts_ends_the_call_honestly(
    alipay_sandbox: Sandbox, sandbox_config: SandboxConfig, sandbox_requests: SandboxRequests
) -> None:
    holder: dict[str, AsyncVoucherClient] = {}

    async def close_on_retry(event: ResponseEvent) -> None:
        if event.will_retry:
            await holder["client"].aclose()

    client = AsyncVoucherClient(sandbox_config(), hooks=Hooks(on_response=close_on_retry))
    holder["client"] = client
    alipay_sandbox.faults.next("503")
    with pytest.raises(OutcomeUnknownError) as caught:  # attempt 1 may have landed
        await client.send(SEND)
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert "closed while" in str(caught.value.__cause__)
    assert len(sandbox_requests()) == 1


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
