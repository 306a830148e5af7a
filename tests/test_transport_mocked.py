"""Transport behaviour with aioresponses: exactly what reaches aiohttp, and how every
aiohttp/OS/timeout failure is mapped (no aiohttp exception ever escapes).

aioresponses replaces ``ClientSession._request``, so no connection is ever made; that
suits these tests, since the client decides "could this attempt have reached Alipay?"
from the exception type alone. (tests/test_transport_reach.py checks the same rules
against real sockets.)
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import aiohttp
import pytest
from aiohttp import http_exceptions
from aiohttp.client_reqrep import ConnectionKey
from aioresponses import CallbackResult, aioresponses

from alipay_voucher import protocol
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import (
    AlipayError,
    OutcomeUnknownError,
    TransportError,
    TransportTimeoutError,
)
from tests.clients import ALIPAY_SIGNER, APP_PUBLIC_KEY, FAST_RETRY, MakeClient

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "open_id": "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"}
ANY_SEND = re.compile(r"^https://openapi\.alipay\.com/v3/alipay/marketing/activity/voucher/send$")
ANY_QUERY = re.compile(r"^https://openapi\.alipay\.com/v3/alipay/marketing/activity/voucher/query")


class _UploadDone:
    output_size = 0


class CompatResponse(aiohttp.ClientResponse):
    """aioresponses 0.7.9 predates aiohttp 3.14's required ``stream_writer`` argument."""

    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _UploadDone())
        super().__init__(method, url, **kwargs)


def signed(payload: dict[str, Any], status: int = 200) -> CallbackResult:
    body = json.dumps(payload).encode()
    return CallbackResult(
        status=status,
        body=body,
        headers=protocol.sign_response(ALIPAY_SIGNER, body),
        response_class=CompatResponse,
    )


def _connection_key() -> ConnectionKey:
    return ConnectionKey("openapi.alipay.com", 443, True, True, None, None, None)


def refused() -> Exception:
    return aiohttp.ClientConnectorError(_connection_key(), OSError(111, "Connection refused"))


def proxy_down() -> Exception:
    return aiohttp.ClientProxyConnectionError(_connection_key(), OSError(111, "refused"))


async def test_exactly_the_signed_request_reaches_aiohttp(
    make_client: MakeClient, key_config: AlipayConfig
) -> None:
    seen: list[dict[str, Any]] = []

    def answer(url: Any, **kwargs: Any) -> CallbackResult:
        seen.append(kwargs)
        return signed({"voucher_id": "v-1"})

    config = key_config.with_options(proxy="http://proxy.example:3128", timeout=7.0)
    driver = make_client(config)
    with aioresponses() as mocked:
        mocked.post(ANY_SEND, callback=answer)
        result = await driver.call("send", {**SEND, "out_biz_no": "m-1"})
    assert result.voucher_id == "v-1"
    (kwargs,) = seen
    assert kwargs["allow_redirects"] is False
    assert kwargs["raise_for_status"] is False
    assert kwargs["proxy"] == "http://proxy.example:3128"
    # the attempt's limit (7 s) is enforced by the client's own watchdog, not by a
    # timer aiohttp would arm per request (tests/test_watchdog.py)
    assert kwargs["timeout"].total is None
    # `connect` (not sock_connect) also bounds the wait for a pooled connection, so a
    # timeout there says "never sent"
    assert kwargs["timeout"].connect == config.connect_timeout
    assert kwargs["timeout"].sock_connect is None
    headers = dict(kwargs["headers"])
    body = kwargs["data"]
    assert json.loads(body) == {**SEND, "out_biz_no": "m-1"}
    assert body == protocol.encode_json(json.loads(body)).encode()  # compact, as signed
    auth = protocol.parse_authorization(headers["Authorization"])
    assert protocol.verify_request_signature(
        APP_PUBLIC_KEY, auth, "POST", "/v3/alipay/marketing/activity/voucher/send", body
    )


async def test_trust_env_reaches_the_session(key_config: AlipayConfig) -> None:
    for trust in (False, True):
        client = AsyncVoucherClient(key_config.with_options(trust_env=trust))
        with aioresponses() as mocked:
            mocked.get(ANY_QUERY, callback=lambda url, **kw: signed({"activity_id": ACTIVITY}))
            await client.query(ACTIVITY)
        session = client._transport._state.session
        assert session is not None and session.trust_env is trust
        await client.aclose()


CONNECT_FAILURES = [
    pytest.param(refused, TransportError, id="refused"),
    pytest.param(proxy_down, TransportError, id="proxy-down"),
    pytest.param(
        lambda: aiohttp.ConnectionTimeoutError("Connection timeout to host"),
        TransportTimeoutError,
        id="connect-timeout",
    ),
]
AFTER_SEND_FAILURES = [
    pytest.param(
        lambda: aiohttp.ServerDisconnectedError(), TransportError, id="server-disconnected"
    ),
    pytest.param(
        lambda: aiohttp.SocketTimeoutError("Timeout on reading data from socket"),
        TransportTimeoutError,
        id="read-timeout",
    ),
    pytest.param(
        lambda: aiohttp.ClientPayloadError("Response payload is not completed"),
        TransportError,
        id="truncated",
    ),
    pytest.param(
        lambda: http_exceptions.BadStatusLine("HTTP/9"), TransportError, id="bad-status-line"
    ),
]


@pytest.mark.parametrize(("make_exc", "expected"), CONNECT_FAILURES + AFTER_SEND_FAILURES)
async def test_failures_become_transport_errors_for_reads(
    make_client: MakeClient, key_config: AlipayConfig, make_exc: Any, expected: type[Exception]
) -> None:
    driver = make_client(key_config, retry=RetryPolicy.disabled())
    with aioresponses() as mocked:
        mocked.get(ANY_QUERY, exception=make_exc())
        with pytest.raises(AlipayError) as caught:
            await driver.call("query", ACTIVITY)
    assert type(caught.value) is expected
    assert not isinstance(caught.value, aiohttp.ClientError)
    assert isinstance(caught.value.__cause__, Exception)
    assert caught.value.request_id  # type: ignore[attr-defined]


@pytest.mark.parametrize(("make_exc", "expected"), CONNECT_FAILURES)
async def test_mutating_call_that_never_left_is_a_plain_transport_error(
    make_client: MakeClient, key_config: AlipayConfig, make_exc: Any, expected: type[Exception]
) -> None:
    driver = make_client(key_config, retry=FAST_RETRY)
    with aioresponses() as mocked:
        mocked.post(ANY_SEND, exception=make_exc(), repeat=True)
        with pytest.raises(TransportError) as caught:
            await driver.call("send", SEND)
        assert len(next(iter(mocked.requests.values()))) == 3  # retried: nothing was sent
    assert type(caught.value) is expected


@pytest.mark.parametrize(("make_exc", "expected"), AFTER_SEND_FAILURES)
async def test_mutating_call_lost_after_sending_is_outcome_unknown(
    make_client: MakeClient, key_config: AlipayConfig, make_exc: Any, expected: type[Exception]
) -> None:
    driver = make_client(key_config, retry=FAST_RETRY)
    with aioresponses() as mocked:
        mocked.post(ANY_SEND, exception=make_exc(), repeat=True)
        with pytest.raises(OutcomeUnknownError) as caught:
            await driver.call("send", {**SEND, "out_biz_no": "lost-1"})
        calls = next(iter(mocked.requests.values()))
    assert len(calls) == 3
    assert len({c.kwargs["data"] for c in calls}) == 1  # same bytes on every attempt
    assert caught.value.out_biz_no == "lost-1"
    assert type(caught.value.__cause__) is expected


async def test_an_earlier_maybe_keeps_the_outcome_unknown(
    make_client: MakeClient, key_config: AlipayConfig
) -> None:
    """Attempt 1 may have reached Alipay; attempts 2 and 3 never connected. The call
    as a whole may still have taken effect, so a plain TransportError would lie."""
    driver = make_client(key_config, retry=FAST_RETRY)
    with aioresponses() as mocked:
        mocked.post(ANY_SEND, exception=aiohttp.SocketTimeoutError("read timeout"))
        mocked.post(ANY_SEND, exception=refused())
        mocked.post(ANY_SEND, exception=refused())
        with pytest.raises(OutcomeUnknownError) as caught:
            await driver.call("send", SEND)
    assert caught.value.attempts == 3
    assert isinstance(caught.value.__cause__, TransportError)
    assert "could not connect" in str(caught.value.__cause__)


AMBIGUOUS = [
    pytest.param(lambda: asyncio.TimeoutError(), TransportTimeoutError, id="total-timeout"),
    pytest.param(lambda: aiohttp.ClientOSError(104, "reset"), TransportError, id="os-error"),
    pytest.param(lambda: ConnectionResetError(104, "reset"), TransportError, id="reset"),
]


@pytest.mark.parametrize("own_session", [True, False], ids=["own-session", "injected-session"])
@pytest.mark.parametrize(("make_exc", "expected"), AMBIGUOUS)
async def test_ambiguous_failures_assume_the_worst(
    key_config: AlipayConfig, make_exc: Any, expected: type[Exception], own_session: bool
) -> None:
    """A failure whose type does not prove that no connection was obtained may have
    followed the request out: a write ends "outcome unknown", a read in the plain error."""
    async with aiohttp.ClientSession() as session:
        client = AsyncVoucherClient(
            key_config, session=None if own_session else session, retry=RetryPolicy.disabled()
        )
        with aioresponses() as mocked:
            mocked.post(ANY_SEND, exception=make_exc())
            mocked.get(ANY_QUERY, exception=make_exc())
            with pytest.raises(OutcomeUnknownError) as unknown:
                await client.send(SEND)
            with pytest.raises(TransportError) as plain:
                await client.query(ACTIVITY)
        await client.aclose()
    assert type(unknown.value.__cause__) is expected
    assert type(plain.value) is expected
    assert "before a connection was made" not in str(plain.value)


def test_connect_timeouts_are_told_apart_from_read_timeouts() -> None:
    """ConnectionTimeoutError subclasses ServerTimeoutError, as SocketTimeoutError (a
    read timeout) does: only the former may count as "never sent"."""
    from alipay_voucher.transport import _CONNECT_ERRORS

    assert issubclass(aiohttp.ConnectionTimeoutError, aiohttp.ServerTimeoutError)
    assert isinstance(aiohttp.ConnectionTimeoutError(), _CONNECT_ERRORS)
    for after_send in (
        aiohttp.SocketTimeoutError(),
        aiohttp.ServerTimeoutError(),
        asyncio.TimeoutError(),
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientOSError(104, "reset"),
        aiohttp.ClientPayloadError("truncated"),
    ):
        assert not isinstance(after_send, _CONNECT_ERRORS), after_send
