"""Could an attempt have reached Alipay? The transport tells from the exception type
alone; these tests check that against real sockets, including the cases aiohttp's
timeouts make subtle.
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import OutcomeUnknownError, TransportTimeoutError
from tests.clients import FAST_RETRY, FakeAlipay, Hang, gateway, gateway_config

__all__ = ["gateway"]

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "user_id": "2088512417841101"}


async def test_waiting_for_a_pooled_connection_is_a_connect_timeout(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    """ClientTimeout.connect also bounds the wait for a free connection: when it runs
    out there, nothing was sent, so a write is retried and ends in a plain timeout."""
    config = gateway_config(key_config, gateway, connect_timeout=0.1, retry=FAST_RETRY)
    gateway.script("send", Hang(0.8))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        client = AsyncVoucherClient(config, session=session)
        holder = asyncio.create_task(client.send({**SEND, "out_biz_no": "holds-the-pool"}))
        while not gateway.received:
            await asyncio.sleep(0.01)
        with pytest.raises(TransportTimeoutError) as caught:
            await client.send({**SEND, "out_biz_no": "waits"})
        assert "before a connection was made" in str(caught.value)
        assert isinstance(caught.value.__cause__, aiohttp.ConnectionTimeoutError)
        assert len(gateway.received) == 1  # the three attempts never left
        assert (await holder).voucher_id
        await client.aclose()


async def test_timeout_while_waiting_for_the_answer_is_maybe(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    """The request was written, then the attempt ran out: a write's outcome is unknown
    on the own session as on an injected one."""
    config = gateway_config(key_config, gateway, timeout=0.2, retry=RetryPolicy.disabled())
    gateway.script("send", Hang(1))
    async with AsyncVoucherClient(config) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.send({**SEND, "out_biz_no": "hung-1"})
    cause = caught.value.__cause__
    assert isinstance(cause, TransportTimeoutError)
    assert "before an answer arrived" in str(cause)
    assert len(gateway.received) == 1
