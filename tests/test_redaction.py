"""Nothing secret in a failing call's traceback, even one that captures locals.

Error reporters (Sentry by default) record every frame's local variables by their repr.
Each failing call below is caught, its traceback formatted with
``traceback.TracebackException(..., capture_locals=True)`` (causes included), and the
text searched for the call's ``app_auth_token``, the request signature, the AES key,
the private key and the user ids the request carried.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from alipay_voucher import AsyncVoucherClient, VoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import (
    AlipayError,
    APIError,
    OutcomeUnknownError,
    RequestValidationError,
    SignatureVerificationError,
    TransportError,
)
from tests.clients import (
    FakeAlipay,
    GatewayThread,
    Hang,
    Reply,
    error,
    gateway_config,
    unused_port,
)
from tests.vectors import key_text

TOKEN = "202412BBtokenSECRETvalue0042"
USER = "2088123456789012"
OPEN_ID = "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"
ECHO = f"app_auth_token {TOKEN} is not authorised for user {USER}"
PRIVATE_KEY_LINES = [
    line for line in key_text("app_private_pkcs1.pem").splitlines() if "-----" not in line
]


def _formatted(error: BaseException) -> str:
    """The traceback below the test function (whose fixtures hold the AES key)."""
    assert error.__traceback__ is not None
    assert error.__traceback__.tb_frame.f_code.co_name.startswith("test_")
    error.__traceback__ = error.__traceback__.tb_next
    exception = traceback.TracebackException.from_exception(error, capture_locals=True)
    return "".join(exception.format())


def _assert_clean(text: str, *, signatures: list[str], aes_key: str) -> None:
    for secret in (TOKEN, USER, OPEN_ID, aes_key, *signatures):
        assert secret not in text, (secret, text)
    for line in PRIVATE_KEY_LINES:
        assert line not in text


def _signatures(server: FakeAlipay) -> list[str]:
    found = [r.auth.signature for r in server.received if r.auth is not None]
    return found


Failure = Callable[[AsyncVoucherClient, str], Awaitable[Any]]


async def _send(client: AsyncVoucherClient, activity: str) -> Any:
    return await client.send(
        {"activity_id": activity, "user_id": USER, "out_biz_no": "biz-1"},
        app_auth_token=TOKEN,
    )


async def _send_open_id(client: AsyncVoucherClient, activity: str) -> Any:
    return await client.send(
        {"activity_id": activity, "open_id": OPEN_ID, "out_biz_no": "biz-1"},
        app_auth_token=TOKEN,
        timeout=0.3,
    )


async def _query(client: AsyncVoucherClient, activity: str) -> Any:
    return await client.query(activity, app_auth_token=TOKEN)


async def _generic(client: AsyncVoucherClient, activity: str) -> Any:
    return await client.request(
        "POST",
        "/v3/alipay/marketing/activity/voucher/send",
        json={"activity_id": activity, "user_id": USER},
        app_auth_token=TOKEN,
    )


def _script(case: str) -> tuple[str, list[Any], Failure]:
    """Built here, not held by the test's frame: test data holds the secrets too."""
    scripts: dict[str, tuple[str, list[Any], Failure]] = {
        "refused, echoing the token": ("send", [error(400, "INVALID_PARAMETER", ECHO)], _send),
        "5xx to a write": ("send", [error(502, "bad-gateway", ECHO)] * 3, _send),
        "bad signature": ("query", [Reply(tamper=True)], _query),
        "timeout on a write": ("send", [Hang(2.0)] * 3, _send_open_id),
        "generic call refused": ("send", [error(403, "NO_RIGHT", ECHO)], _generic),
    }
    return scripts[case]


@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "encrypted"])
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("refused, echoing the token", APIError),
        ("5xx to a write", OutcomeUnknownError),
        ("bad signature", SignatureVerificationError),
        ("timeout on a write", OutcomeUnknownError),
        ("generic call refused", APIError),
    ],
)
async def test_async_tracebacks_hold_no_secret(
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    aes_key_b64: str,
    encrypt: bool,
    case: str,
    expected: type[AlipayError],
) -> None:
    config = gateway_config(key_config, gateway, encrypt=encrypt)
    path, script, fail = _script(case)
    gateway.script(path, *script)
    del script
    async with AsyncVoucherClient(config) as client:
        with pytest.raises(expected) as caught:
            await fail(client, "ACT-1")
    assert gateway.received, "the call never reached the gateway"
    _assert_clean(_formatted(caught.value), signatures=_signatures(gateway), aes_key=aes_key_b64)


async def test_a_request_refused_before_signing_leaves_no_user_id(
    key_config: AlipayConfig, aes_key_b64: str
) -> None:
    async with AsyncVoucherClient(key_config) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.send(
                {"activity_id": "A", "user_id": USER, "open_id": OPEN_ID, "out_biz_no": "b"},
                app_auth_token=TOKEN,
            )
    _assert_clean(_formatted(caught.value), signatures=[], aes_key=aes_key_b64)


async def test_no_connection_leaves_no_secret(key_config: AlipayConfig, aes_key_b64: str) -> None:
    config = key_config.with_options(
        base_url=f"http://127.0.0.1:{unused_port()}", retry=RetryPolicy.disabled()
    )
    async with AsyncVoucherClient(config) as client:
        with pytest.raises(TransportError) as caught:
            await _send(client, "ACT-1")
    assert caught.value.__cause__ is not None  # aiohttp's error, kept without its frames
    _assert_clean(_formatted(caught.value), signatures=[], aes_key=aes_key_b64)


def test_blocking_client_tracebacks_hold_no_secret(
    key_config: AlipayConfig, aes_key_b64: str
) -> None:
    with GatewayThread() as server:
        server.script("send", error(400, "INVALID_PARAMETER", ECHO))
        config = gateway_config(key_config, server, encrypt=True)
        with VoucherClient(config) as client, pytest.raises(APIError) as caught:
            client.send(
                {"activity_id": "A", "user_id": USER, "out_biz_no": "biz-1"},
                app_auth_token=TOKEN,
            )
        signatures = _signatures(server)
    assert signatures
    _assert_clean(_formatted(caught.value), signatures=signatures, aes_key=aes_key_b64)


async def test_errors_and_hook_events_mask_what_the_answer_echoes(
    gateway: FakeAlipay,
    key_config: AlipayConfig,
) -> None:
    from alipay_voucher.client import Hooks, ResponseEvent

    events: list[ResponseEvent] = []
    gateway.script("send", *[error(502, "bad-gateway", ECHO)] * 3)
    config = gateway_config(key_config, gateway)
    async with AsyncVoucherClient(config, hooks=Hooks(on_response=events.append)) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await _send(client, "ACT-1")
    chain: list[BaseException] = [caught.value]
    while chain[-1].__cause__ is not None:
        chain.append(chain[-1].__cause__)
    assert len(chain) == 2 and isinstance(chain[1], APIError)
    shown = [str(e) for e in chain] + [repr(e) for e in chain]
    shown += [e.body.decode() for e in chain if isinstance(e, APIError)]
    shown += [str(event.error) for event in events] + [repr(event) for event in events]
    assert len(events) == 3
    for text in shown:
        assert TOKEN not in text and USER not in text and OPEN_ID not in text, text
    assert "bad-gateway" in str(chain[1]) and "208***12" in str(chain[1])
    assert chain[1].message is not None and "***" in chain[1].message


def test_reprs_of_the_per_call_objects_are_masked(key_config: AlipayConfig) -> None:
    from alipay_voucher import protocol
    from alipay_voucher._retry import Call

    body = protocol.prepare_body(key_config, {"user_id": USER, "open_id": OPEN_ID}, encrypt=True)
    call = Call(method="POST", target="/v3/x?user_id=" + USER, body=body, app_auth_token=TOKEN)
    prepared = protocol.sign_request(key_config, "POST", call.target, body, app_auth_token=TOKEN)
    signature = protocol.parse_authorization(prepared.header("authorization")).signature
    for text in (repr(body), repr(call), repr(prepared)):
        for secret in (TOKEN, USER, OPEN_ID, signature, body.text, body.plaintext):
            assert secret not in text, (secret, text)
    assert "alipay-app-auth-token" in repr(prepared)  # masked, not left out
