"""wait_for_status: a status that cannot exist is refused at once, and giving up is its own error.

Waiting the whole timeout for ``"active"`` (which no activity is ever in), then raising a
transport error that says "the request certainly did not take effect", told the user
nothing true; these tests hold the client to refusing up front and to a
``WaitTimeoutError`` that says where the activity stands.
"""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import pytest

from alipay_voucher import rules
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import (
    AlipayError,
    APIError,
    RequestValidationError,
    TransportError,
    WaitTimeoutError,
)
from alipay_voucher.models import ActivityStatus
from alipay_voucher.sync import VoucherClient
from alipay_voucher.testing import Sandbox
from alipay_voucher.testing import _state as sandbox_state

from .clients import unused_port
from .raw_calls import activity_body


def _nowhere(config: AlipayConfig) -> AlipayConfig:
    # Nothing listens there: any query would end in a TransportError, not a refusal.
    return config.with_options(
        base_url=f"http://127.0.0.1:{unused_port()}", retry=RetryPolicy.disabled()
    )


async def _published(client: AsyncVoucherClient, tag: str) -> str:
    created = await client.create(activity_body(f"{tag}-create"))
    activity_id = created.activity_id
    assert isinstance(activity_id, str)
    await client.publish({"activity_id": activity_id, "out_biz_no": f"{tag}-pub"})
    return activity_id


def test_the_known_statuses_cover_the_spec_s_and_the_sandbox_s() -> None:
    spec = {member.value for member in ActivityStatus}
    sandbox = {sandbox_state.STATUS_WAITING, sandbox_state.STATUS_ACTIVE}
    sandbox.add(sandbox_state.STATUS_STOPPED)
    assert spec | sandbox <= set(rules.ACTIVITY_STATUSES)


@pytest.mark.parametrize(
    ("status", "guess"), [("active", "did you mean 'ACTIVE'?"), ("STARTED", None)]
)
async def test_an_unknown_status_is_refused_before_any_query(
    key_config: AlipayConfig, status: str, guess: str | None
) -> None:
    async with AsyncVoucherClient(_nowhere(key_config)) as client:
        with pytest.raises(RequestValidationError) as info:
            await client.wait_for_status("20250101000000000001", status, timeout=30)
    message = str(info.value)
    assert info.value.field == "status"
    assert all(known in message for known in rules.ACTIVITY_STATUSES)
    assert (guess in message) if guess else ("did you mean" not in message)


def test_the_blocking_client_refuses_an_unknown_status_too(key_config: AlipayConfig) -> None:
    with VoucherClient(_nowhere(key_config)) as client, pytest.raises(RequestValidationError):
        client.wait_for_status("20250101000000000001", "finished", timeout=30)


async def test_it_polls_until_the_status_and_says_the_last_one_seen_when_it_gives_up(
    alipay_sandbox: Sandbox,
) -> None:
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        activity_id = await _published(client, "w")
        answer = await client.wait_for_status(activity_id, "ACTIVE", timeout=5, poll_interval=0.01)
        assert str(answer.activity_status) == "ACTIVE"
        # the enum member works as well as its text
        await client.wait_for_status(activity_id, ActivityStatus.ACTIVE, timeout=5)
        with pytest.raises(WaitTimeoutError) as info:
            await client.wait_for_status(activity_id, "FINISHED", timeout=0.2, poll_interval=0.01)
    error = info.value
    assert isinstance(error, AlipayError) and not isinstance(error, TransportError)
    assert (error.activity_id, error.status, error.last_status) == (
        activity_id,
        "FINISHED",
        "ACTIVE",
    )
    assert error.timeout == 0.2 and error.__cause__ is None
    assert "did not reach status 'FINISHED'" in str(error) and "last seen: 'ACTIVE'" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.activity_id, copy.status, copy.last_status) == (activity_id, "FINISHED", "ACTIVE")


async def test_it_wakes_on_notifications(
    alipay_sandbox: Sandbox, alipay_notify_receiver: Any
) -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from alipay_voucher.notify import Notification, NotificationHub, aiohttp_handler

    config = alipay_sandbox.config()
    hub = NotificationHub()
    received: list[Notification] = []

    async def on_message(note: Notification) -> None:
        received.append(note)

    app = web.Application()
    app.router.add_post("/notify", aiohttp_handler(config, on_message, hub=hub))
    async with TestServer(app) as server, AsyncVoucherClient(config) as client:
        alipay_sandbox.notify_url = str(server.make_url("/notify"))
        activity_id = await _published(client, "h")
        # A poll interval far beyond the timeout: only a message can wake it in time.
        waiting = asyncio.ensure_future(
            client.wait_for_status(activity_id, "FINISHED", timeout=10, hub=hub, poll_interval=60)
        )
        await asyncio.sleep(0.2)
        assert not waiting.done()  # it queried once, saw ACTIVE, and now sleeps
        await client.stop({"activity_id": activity_id, "out_biz_no": "h-stop"})
        answer = await asyncio.wait_for(waiting, 10)
    assert str(answer.activity_status) == "FINISHED"
    assert any(n.msg_method.endswith("stopped") for n in received)


async def test_a_definite_refusal_is_raised_at_once(alipay_sandbox: Sandbox) -> None:
    # An unknown activity will never reach any status: the 400 comes back, not a timeout.
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        with pytest.raises(APIError) as info:
            await client.wait_for_status("20250101000000009999", "ACTIVE", timeout=600)
    assert info.value.code == "INVALID_PARAMETER"


async def test_when_no_query_got_through_the_last_failure_is_the_cause(
    key_config: AlipayConfig,
) -> None:
    async with AsyncVoucherClient(_nowhere(key_config)) as client:
        with pytest.raises(WaitTimeoutError) as info:
            await client.wait_for_status(
                "20250101000000000001", "ACTIVE", timeout=0.3, poll_interval=0.05
            )
    assert info.value.last_status is None
    assert isinstance(info.value.__cause__, TransportError)
