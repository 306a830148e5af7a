"""``AsyncVoucherClient(sign_in_thread=True)``: every attempt is signed in the loop's
default executor, still afresh, and the signatures verify."""

from __future__ import annotations

import asyncio
import inspect
import threading

import pytest

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig
from alipay_voucher.credentials import Signer
from alipay_voucher.errors import OutcomeUnknownError
from tests.clients import FakeAlipay, Reply, error, gateway_config

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "user_id": "2088512417841101"}


class ThreadRecordingSigner:
    """Signs with the app key and notes which thread each signature was made on."""

    def __init__(self, inner: Signer) -> None:
        self.inner = inner
        self.threads: list[int] = []

    def sign(self, data: bytes) -> bytes:
        self.threads.append(threading.get_ident())
        return self.inner.sign(data)


def test_the_option_is_keyword_only_and_off_by_default() -> None:
    parameter = inspect.signature(AsyncVoucherClient).parameters["sign_in_thread"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is False


@pytest.mark.parametrize("sign_in_thread", [False, True])
async def test_attempts_are_signed_afresh_where_asked(
    gateway: FakeAlipay, key_config: AlipayConfig, sign_in_thread: bool
) -> None:
    signer = ThreadRecordingSigner(key_config.signer)
    config = gateway_config(key_config, gateway).with_options(signer=signer)
    gateway.script("send", error(503, "busy"), error(502, "bad-gateway"), Reply())
    async with AsyncVoucherClient(config, sign_in_thread=sign_in_thread) as client:
        result = await client.send(SEND, request_id="first-attempt")
    assert result.voucher_id
    attempts = gateway.for_path("send")
    assert len(attempts) == 3
    assert all(a.verified for a in attempts)  # the gateway checked every signature
    assert len({a.auth.nonce for a in attempts if a.auth}) == 3
    assert len({a.body for a in attempts}) == 1
    assert attempts[0].request_id == "first-attempt"
    assert len({a.request_id for a in attempts}) == 3
    loop_thread = threading.get_ident()
    assert len(signer.threads) == 3
    if sign_in_thread:
        assert loop_thread not in signer.threads
    else:
        assert set(signer.threads) == {loop_thread}


async def test_concurrent_calls_signed_in_threads_all_verify(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    async with AsyncVoucherClient(
        gateway_config(key_config, gateway), sign_in_thread=True
    ) as client:
        results = await asyncio.gather(
            *(client.send({**SEND, "out_biz_no": f"many-{i}"}) for i in range(40))
        )
    assert all(r.voucher_id for r in results)
    assert len(gateway.received) == 40
    assert all(r.verified for r in gateway.received)


@pytest.mark.parametrize("sign_in_thread", [False, True])
async def test_a_failing_signer_fails_the_call_unsent_either_way(
    gateway: FakeAlipay, key_config: AlipayConfig, sign_in_thread: bool
) -> None:
    class Broken:
        def sign(self, data: bytes) -> bytes:
            raise RuntimeError("HSM unreachable")

    config = gateway_config(key_config, gateway).with_options(signer=Broken())
    async with AsyncVoucherClient(config, sign_in_thread=sign_in_thread) as client:
        with pytest.raises(RuntimeError, match="HSM unreachable") as caught:
            await client.send(SEND)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert gateway.received == []
