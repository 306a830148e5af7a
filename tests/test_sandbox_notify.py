"""Messages: signed as Alipay signs them, pushed after the answer, redelivered until
acknowledged, recorded in the outbox; and signed on demand for the notify tests."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

import aiohttp
import pytest

from alipay_voucher import notify, protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.credentials import verify_sha256_rsa
from alipay_voucher.testing import (
    MESSAGE_METHODS,
    NotifyReceiver,
    Sandbox,
    encode_form,
    sample_biz_content,
)

from .raw_calls import RawCaller, activity_body


def verifies(params: dict[str, str], config: AlipayConfig, *, v2: bool = False) -> bool:
    content = protocol.notification_sign_content(params, include_sign_type=v2)
    key = config.alipay_key_for(None)
    assert key is not None
    return verify_sha256_rsa(key, content.encode("utf-8"), params["sign"])


async def published(raw: RawCaller, out_biz_no: str = "pub-1") -> str:
    activity_id = str((await raw.call("create", activity_body()))["activity_id"])
    await raw.call("publish", {"activity_id": activity_id, "out_biz_no": out_biz_no})
    return activity_id


async def test_messages_are_signed_form_posts(
    alipay_sandbox: Sandbox, alipay_notify_receiver: NotifyReceiver, raw: RawCaller
) -> None:
    activity_id = await published(raw)
    got = await alipay_notify_receiver.wait_for("created", activity_id=activity_id)
    assert dict(parse_qsl(got.body.decode("ascii"), keep_blank_values=True)) == got.params
    assert got.params["app_id"] == alipay_sandbox.app_id
    assert got.params["sign_type"] == "RSA2" and got.params["charset"] == "UTF-8"
    assert got.params["version"] == "1.1" and got.params["utc_timestamp"].isdigit()
    assert got.biz_content["out_biz_no"] == "pub-1"
    assert {"id", "activity_id", "event_time", "out_biz_no"} <= set(got.biz_content)
    for config in (alipay_sandbox.config(), alipay_sandbox.config(mode="cert")):
        assert verifies(got.params, config)
    # the receiver has the body before the sandbox has read its "success": wait for that
    delivery = await alipay_sandbox.outbox.wait_for("created", activity_id=activity_id)
    assert delivery.notify_id == got.params["notify_id"] and len(delivery.attempts) == 1
    assert delivery.body == got.body


async def test_sdk_parse_notification_accepts_every_message_type(alipay_sandbox: Sandbox) -> None:
    config = alipay_sandbox.config()
    for msg_method in MESSAGE_METHODS:
        for v2 in (False, True):
            params = alipay_sandbox.make_message(msg_method, include_sign_type=v2)
            for raw in (encode_form(params), params):
                parsed = notify.parse_notification(raw, config)
                assert parsed.msg_method == msg_method
                assert parsed.notify_id == params["notify_id"]


def test_make_message_for_every_type(alipay_sandbox: Sandbox) -> None:
    config = alipay_sandbox.config()
    for msg_method in MESSAGE_METHODS:
        params = alipay_sandbox.make_message(msg_method.rsplit(".", 1)[1])
        assert params["msg_method"] == msg_method
        assert verifies(params, config) and not verifies(params, config, v2=True)
        v2 = alipay_sandbox.make_message(msg_method, include_sign_type=True)
        assert verifies(v2, config, v2=True)
    custom = alipay_sandbox.make_message(
        "expired",
        sample_biz_content("expired", voucher_id="V1", user_id=None, open_id="074a"),
        notify_id="n-1",
        utc_timestamp="1717200000000",
        extra={"msg_app_id": "2021000000000002"},
    )
    assert custom["notify_id"] == "n-1" and custom["msg_app_id"] == "2021000000000002"
    assert '"open_id":"074a"' in custom["biz_content"] and verifies(custom, config)
    assert alipay_sandbox.make_message("used", '{"raw": true}')["biz_content"] == '{"raw": true}'


async def test_redelivered_until_success(
    alipay_sandbox: Sandbox, alipay_notify_receiver: NotifyReceiver, raw: RawCaller
) -> None:
    alipay_notify_receiver.answer_next(1, status=500)
    alipay_notify_receiver.answer_next(1, status=200, body="SUCCESS ")  # not exactly success
    activity_id = await published(raw)
    delivery = await alipay_sandbox.outbox.wait_for("created", activity_id=activity_id)
    assert [a.status for a in delivery.attempts] == [500, 200, 200]
    assert [a.answer for a in delivery.attempts] == ["fail", "SUCCESS ", "success"]
    assert len({r.params["notify_id"] for r in alipay_notify_receiver.received}) == 1


async def test_gives_up_after_the_last_attempt(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    async with NotifyReceiver() as receiver:
        alipay_sandbox.notify_url = receiver.url
        receiver.answer_next(10, status=503)
        await published(raw)
        await alipay_sandbox.outbox.settle()
    (delivery,) = alipay_sandbox.outbox.messages("created")
    assert delivery.state == "failed" and len(delivery.attempts) == 4  # 1 + 3 retries
    with pytest.raises(asyncio.TimeoutError):
        await alipay_sandbox.outbox.wait_for("created", timeout=0.05)


async def test_unreachable_receiver(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    async with NotifyReceiver() as receiver:
        url = receiver.url
    alipay_sandbox.notify_url = url  # nobody listens there any more
    await published(raw)
    await alipay_sandbox.outbox.settle()
    (delivery,) = alipay_sandbox.outbox.messages("created")
    assert delivery.state == "failed"
    assert all(a.status is None and a.error for a in delivery.attempts)


async def test_without_notify_url_messages_are_kept(
    alipay_sandbox: Sandbox, raw: RawCaller
) -> None:
    activity_id = await published(raw)
    delivery = await alipay_sandbox.outbox.wait_for("created", delivered=False)
    assert delivery.state == "unaddressed" and not delivery.attempts
    assert delivery.biz_content["activity_id"] == activity_id
    await alipay_sandbox.outbox.settle(timeout=0.1)


async def test_messages_follow_the_answer(
    alipay_sandbox: Sandbox, alipay_notify_receiver: NotifyReceiver, raw: RawCaller
) -> None:
    activity_id = str((await raw.call("create", activity_body()))["activity_id"])
    alipay_sandbox.faults.delay = 0.3
    alipay_sandbox.faults.next("delay")
    call = asyncio.ensure_future(
        raw.call("publish", {"activity_id": activity_id, "out_biz_no": "p"})
    )
    await asyncio.sleep(0.15)
    assert alipay_sandbox.activity(activity_id).status == "ACTIVE"  # done, not answered
    assert not alipay_sandbox.outbox.messages("created")
    await call
    await alipay_notify_receiver.wait_for("created", activity_id=activity_id)


async def test_user_events_and_redelivery(
    alipay_sandbox: Sandbox, alipay_notify_receiver: NotifyReceiver, raw: RawCaller
) -> None:
    activity_id = await published(raw)
    voucher_id = (
        await raw.call(
            "send", {"activity_id": activity_id, "out_biz_no": "s", "open_id": "074a1CcTG1"}
        )
    )["voucher_id"]
    received = await alipay_notify_receiver.wait_for("received")
    assert received.biz_content["voucher_id"] == voucher_id
    assert received.biz_content["open_id"] == "074a1CcTG1"
    alipay_sandbox.use_voucher(voucher_id)
    used = await alipay_notify_receiver.wait_for("used")
    assert used.biz_content["open_id"] == "074a1CcTG1"
    query = await raw.call("query", query={"activity_id": activity_id})
    assert query["summary"]["used_count"] == 1
    first = alipay_sandbox.outbox.delivered("used")[0]
    alipay_sandbox.redeliver(first)
    await alipay_sandbox.outbox.settle()
    assert len(first.attempts) == 2
    notify_ids = [r.params["notify_id"] for r in alipay_notify_receiver.acknowledged("used")]
    assert notify_ids == [first.notify_id] * 2


async def test_receiver_refuses_what_verify_refuses(alipay_sandbox: Sandbox) -> None:
    def verify(body: bytes) -> None:
        raise ValueError("bad")

    async with NotifyReceiver(verify=verify) as receiver, aiohttp.ClientSession() as session:
        params = alipay_sandbox.make_message("created")
        async with session.post(receiver.url, data=encode_form(params)) as response:
            assert response.status == 400 and await response.text() == "fail"
    assert receiver.received[0].error == "ValueError: bad"
    assert not receiver.acknowledged()


def test_a_made_message_offers_the_raw_body_a_handler_receives(alipay_sandbox: Sandbox) -> None:
    params = alipay_sandbox.make_message("expired", notify_id="n-raw")
    assert isinstance(params, dict) and params.body == encode_form(params)
    assert dict(parse_qsl(params.body.decode("ascii"))) == params
    message = notify.parse_notification(params.body, alipay_sandbox.config())
    assert message.notify_id == "n-raw" and message.msg_method == params["msg_method"]
