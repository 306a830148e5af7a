"""Hostile answers: whatever the network sends back, a call ends well or in an AlipayError.

The clients (async and blocking) talk to :class:`~tests.hostile_server.HostileServer`,
which answers each request with a plan drawn in ``tests/hostile_strategies.py``; the
oracle in ``tests/hostile_oracle.py`` judges every outcome. The model layer gets the
same junk directly.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alipay_voucher import protocol
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import (
    AlipayError,
    SignatureVerificationError,
)
from alipay_voucher.models import (
    VoucherCreateResponse,
    VoucherQueryResponse,
    VoucherSendResponse,
    VoucherStopResponse,
)
from alipay_voucher.models._convert import from_json
from alipay_voucher.sync import VoucherClient
from tests.hostile_oracle import await_guarded, base_config, client_config, judge
from tests.hostile_server import HostileServer, Plan
from tests.hostile_strategies import (
    ACTIVITY,
    ALIPAY_KEY,
    CLIENT_SETTINGS,
    calls,
    plans_for,
    shaped,
    sign_answer,
)

# --------------------------------------------------------------------------- async client


async def _async_example(
    data: st.DataObject, server: HostileServer, key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    base, cert = base_config(data.draw(st.sampled_from(["key", "cert"])), key_config, cert_config)
    call = data.draw(calls(can_encrypt=not cert), label="call")
    plans = data.draw(plans_for(call, cert), label="plans")
    server.reset(plans)
    async with AsyncVoucherClient(client_config(base, server)) as client:
        result, elapsed = await await_guarded(call.run(client))
    judge(result, elapsed, call, server, plans, cert)


@CLIENT_SETTINGS
@given(data=st.data())
async def test_async_client_ends_in_verified_result_or_alipay_error(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _async_example(data, hostile_server, key_config, cert_config)


@pytest.mark.long
@settings(CLIENT_SETTINGS, max_examples=2000)
@given(data=st.data())
async def test_async_client_fails_closed_long(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _async_example(data, hostile_server, key_config, cert_config)


# --------------------------------------------------------------------------- sync client


async def _sync_example(
    data: st.DataObject, server: HostileServer, key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    base, cert = base_config(data.draw(st.sampled_from(["key", "cert"])), key_config, cert_config)
    call = data.draw(calls(can_encrypt=not cert), label="call")
    plans = data.draw(plans_for(call, cert), label="plans")
    server.reset(plans)
    client = VoucherClient(client_config(base, server))
    try:
        result, elapsed = await await_guarded(asyncio.to_thread(call.run, client))
    finally:
        await asyncio.to_thread(client.close)
    judge(result, elapsed, call, server, plans, cert)


@settings(CLIENT_SETTINGS, max_examples=40)
@given(data=st.data())
async def test_sync_client_ends_in_verified_result_or_alipay_error(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _sync_example(data, hostile_server, key_config, cert_config)


@pytest.mark.long
@settings(CLIENT_SETTINGS, max_examples=300)
@given(data=st.data())
async def test_sync_client_fails_closed_long(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _sync_example(data, hostile_server, key_config, cert_config)


# --------------------------------------------------------------------------- the model layer


RESPONSE_MODELS = [
    VoucherSendResponse,
    VoucherCreateResponse,
    VoucherStopResponse,
    VoucherQueryResponse,
]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_signed_junk_becomes_a_model_or_malformed_response_error(data: st.DataObject) -> None:
    """What a verified body may hold reaches from_json: a model or an AlipayError."""
    model = data.draw(st.sampled_from(RESPONSE_MODELS))
    payload = data.draw(shaped(model, depth=3) | shaped(VoucherQueryResponse, depth=3))
    try:
        result: Any = from_json(model, payload)
    except AlipayError:
        return
    assert isinstance(result, model)


# --------------------------------------------------------------------------- regressions


def _signed_headers(body: bytes, timestamp: bytes, nonce: bytes) -> list[tuple[str, str]]:
    signature = sign_answer(ALIPAY_KEY, timestamp, nonce, body).decode()

    def decode(raw: bytes) -> str:
        return raw.decode("utf-8", "surrogateescape")  # as aiohttp does

    return [
        ("alipay-signature", signature),
        ("alipay-timestamp", decode(timestamp)),
        ("alipay-nonce", decode(nonce)),
    ]


@pytest.mark.parametrize("junk", [b"\xff\xfe", b"\xed\xa0\x80", b"\x80"])
def test_regression_signature_header_bytes_not_utf8(key_config: AlipayConfig, junk: bytes) -> None:
    """Fixed in protocol._verify_response: header bytes that are not UTF-8 reach it as
    lone surrogates and made ``.encode()`` raise UnicodeEncodeError out of the client."""
    body = b'{"voucher_id": "v1"}'
    headers = _signed_headers(body, b"1717000000000" + junk, b"n1")
    with pytest.raises(SignatureVerificationError):
        protocol.process_response(key_config, 200, headers, body)
    # a lone surrogate that no decoder produced (a caller's own header mapping)
    headers = [*_signed_headers(body, b"1717000000000", b"n1")[:2], ("alipay-nonce", "\ud800")]
    with pytest.raises(SignatureVerificationError):
        protocol.process_response(key_config, 200, headers, body)


async def test_regression_signature_header_bytes_not_utf8_end_to_end(
    hostile_server: HostileServer, key_config: AlipayConfig
) -> None:
    body = b'{"voucher_id": "v1"}'
    timestamp, nonce = b"1717000000000", b"n1"
    headers = (
        ("alipay-signature", sign_answer(ALIPAY_KEY, timestamp, nonce, body)),
        ("alipay-timestamp", timestamp + b"\xff\xfe"),
        ("alipay-nonce", nonce),
    )
    hostile_server.reset([Plan(status=200, body=body, headers=headers, mode="raw")])
    config = client_config(key_config, hostile_server).with_options(
        retry=RetryPolicy.disabled(deadline=2)
    )
    async with AsyncVoucherClient(config) as client:
        with pytest.raises(SignatureVerificationError):
            await client.query(ACTIVITY)
