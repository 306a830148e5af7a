"""End to end: the async and the sync client against the sandbox gateway.

Every test runs for both clients (the blocking one from a worker thread, so that the
sandbox keeps serving on the test's loop). Together with the raw-protocol tests in
``test_sandbox_*.py`` this covers the lifecycle in both modes with and without AES,
every send error code, the idempotency rules, the refusals, and what each injected
fault looks like through the client's retry logic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alipay_voucher import notify
from alipay_voucher.config import RetryPolicy
from alipay_voucher.errors import (
    APIError,
    OutcomeUnknownError,
    SignatureVerificationError,
    TransportError,
)
from alipay_voucher.models import VoucherDisplayPatternInfo
from alipay_voucher.testing import Fault, NotifyReceiver, Sandbox, make_pki

from .clients import Driver, MakeClient
from .raw_calls import activity_body

FAST_RETRY = RetryPolicy(max_attempts=3, initial_backoff=0.001, max_backoff=0.005, deadline=10)
NO_RETRY = RetryPolicy.disabled()


Connect = Callable[..., Driver]


@pytest.fixture
def connect(make_client: MakeClient, alipay_sandbox: Sandbox) -> Connect:
    """``connect(mode="key", encrypt=False, retry=FAST_RETRY, **overrides)``: a client of
    the kind ``make_client`` is parametrised with, talking to the sandbox."""

    def make(mode: str = "key", encrypt: bool = False, **overrides: Any) -> Driver:
        overrides.setdefault("retry", FAST_RETRY)
        return make_client(alipay_sandbox.config(mode, encrypt, **overrides))  # type: ignore[arg-type]

    return make


async def active_activity(client: Driver, quantity: int = 10, **kw: Any) -> str:
    created = await client.call("create", activity_body(quantity=quantity, **kw))
    await client.call(
        "publish", {"activity_id": created.activity_id, "out_biz_no": f"pub-{created.activity_id}"}
    )
    return str(created.activity_id)


# ---------------------------------------------------------------- the lifecycle


@pytest.mark.parametrize(
    ("mode", "encrypt"), [("key", False), ("key", True), ("cert", False), ("cert", True)]
)
async def test_lifecycle(
    alipay_sandbox: Sandbox, connect: Connect, mode: str, encrypt: bool
) -> None:
    client = connect(mode, encrypt)
    config = client.config
    async with NotifyReceiver(
        verify=lambda body: notify.parse_notification(body, config)
    ) as receiver:
        alipay_sandbox.notify_url = receiver.url
        created = await client.call("create", activity_body(quantity=3, per_user=1, shape="newer"))
        assert created.http_status == 200 and created.trace_id
        activity_id = created.activity_id
        await client.call("publish", {"activity_id": activity_id, "out_biz_no": "pub-1"})
        message = await receiver.wait_for("created", activity_id=activity_id)
        assert message.parsed.message_id == message.biz_content["id"]
        vouchers = []
        for n, user in enumerate(["2088000000000001", "2088000000000002"]):
            sent = await client.call(
                "send", {"activity_id": activity_id, "out_biz_no": f"s{n}", "user_id": user}
            )
            vouchers.append(sent.voucher_id)
        assert len(set(vouchers)) == 2
        query = await client.call("query", activity_id)
        assert query.activity_status == "ACTIVE"
        assert (query.summary.publish_count, query.summary.used_count) == (2, 0)
        assert query.voucher_inventory_info.send_count == 2
        await client.call(
            "append", {"activity_id": activity_id, "out_biz_no": "a1", "voucher_quantity": 6}
        )
        await client.call(
            "modify",
            {
                "activity_id": activity_id,
                "out_biz_no": "m1",
                "activity_base_info": {"activity_name": "新名字"},
            },
        )
        await client.call("stop", {"activity_id": activity_id, "out_biz_no": "st1"})
        stopped = await receiver.wait_for("stopped", activity_id=activity_id)
        assert stopped.biz_content["out_biz_no"] == "st1"
        query = await client.call("query", activity_id, "SELF_MODE")
        assert query.activity_base_info.activity_name == "新名字"
        assert query.voucher_send_mode_info.voucher_send_rule_info.quantity == 6
        await alipay_sandbox.outbox.settle()
        kinds = [str(r.msg_method).rsplit(".", 1)[1] for r in receiver.acknowledged()]
        assert sorted(kinds) == sorted(
            ["created", "received", "received", "appended", "modified", "stopped"]
        )


async def test_generated_out_biz_no_and_unknown_fields(
    alipay_sandbox: Sandbox, connect: Connect
) -> None:
    client = connect()
    display = VoucherDisplayPatternInfo(brand_name="店", extra={"new_field": 1})
    body = activity_body(voucher_display_pattern_info=display)
    del body["out_biz_no"]  # the client makes one
    created = await client.call("create", body)
    stored = alipay_sandbox.activity(created.activity_id).config
    assert len(stored["out_biz_no"]) == 32
    query = await client.call("query", created.activity_id)
    assert query.voucher_display_pattern_info.brand_name == "店"
    assert query.voucher_display_pattern_info.extra == {"new_field": 1}  # sent on purpose


# ---------------------------------------------------------------- send error codes


async def _send_error(client: Driver, activity_id: str, user: str = "2088000000000001") -> APIError:
    with pytest.raises(APIError) as info:
        await client.call(
            "send", {"activity_id": activity_id, "out_biz_no": f"x-{user}", "user_id": user}
        )
    return info.value


async def test_every_send_error_code(alipay_sandbox: Sandbox, connect: Connect) -> None:
    client = connect()
    codes = {}
    codes["INVALID_PARAMETER"] = await _send_error(client, "20260101000000000000000000")
    waiting = (await client.call("create", activity_body("w"))).activity_id
    codes["ACTIVITY_NOT_ACTIVE"] = await _send_error(client, waiting)
    future = await active_activity(client, start_hours=2)
    codes["ACTIVITY_NOT_START"] = await _send_error(client, future)
    small = await active_activity(client, quantity=2, per_user=1, shape="newer", out_biz_no="small")
    await client.call(
        "send", {"activity_id": small, "out_biz_no": "ok1", "user_id": "2088000000000001"}
    )
    codes["COUNT_OVER_LIMIT"] = await _send_error(client, small)
    await client.call(
        "send", {"activity_id": small, "out_biz_no": "ok2", "user_id": "2088000000000002"}
    )
    codes["BUDGET_NOT_ENOUGH"] = await _send_error(client, small, "2088000000000009")
    await client.call("stop", {"activity_id": small, "out_biz_no": "stop"})
    codes["ACTIVITY_IS_STOPED"] = await _send_error(client, small, "2088000000000003")
    alipay_sandbox.advance_clock(31 * 24 * 3600)
    ended = future  # its window (2 h .. 30 days from now) is over a month later
    codes["ACTIVITY_IS_END"] = await _send_error(client, ended)
    for code, error in codes.items():
        assert (error.status, error.code) == (400, code), error
        assert error.verified and error.trace_id
    assert alipay_sandbox.activity(small).used_count == 0


async def test_system_error(
    alipay_sandbox: Sandbox, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = connect(retry=NO_RETRY)
    activity_id = await active_activity(client)

    def broken(*args: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(alipay_sandbox.book, "query", broken)
    with pytest.raises(APIError) as info:
        await client.call("query", activity_id)
    assert (info.value.status, info.value.code) == (500, "SYSTEM_ERROR")
    monkeypatch.setattr(alipay_sandbox.book, "apply", broken)
    with pytest.raises(OutcomeUnknownError) as unknown:  # a 5xx on a write: maybe done
        await client.call(
            "send", {"activity_id": activity_id, "out_biz_no": "s", "user_id": "2088000000000001"}
        )
    cause = unknown.value.__cause__
    assert isinstance(cause, APIError) and cause.code == "SYSTEM_ERROR"
    assert unknown.value.out_biz_no == "s"


# ---------------------------------------------------------------- idempotency


async def test_idempotency(alipay_sandbox: Sandbox, connect: Connect) -> None:
    client = connect()
    activity_id = await active_activity(client)
    request = {"activity_id": activity_id, "out_biz_no": "same", "user_id": "2088000000000001"}
    first = await client.call("send", request)
    again = await client.call("send", dict(request))
    assert again.voucher_id == first.voucher_id
    assert len(alipay_sandbox.activity(activity_id).vouchers) == 1
    assert len(alipay_sandbox.outbox.messages("received")) == 1
    with pytest.raises(APIError) as info:
        await client.call("send", {**request, "user_id": "2088000000000002"})
    assert info.value.code == "INVALID_PARAMETER" and "already used" in (info.value.message or "")


# ---------------------------------------------------------------- faults through the client


async def test_drop_is_retried_without_a_second_voucher(
    alipay_sandbox: Sandbox, connect: Connect
) -> None:
    client = connect()
    activity_id = await active_activity(client)
    alipay_sandbox.faults.next("drop", operation="send")
    sent = await client.call(
        "send", {"activity_id": activity_id, "out_biz_no": "s", "user_id": "2088000000000001"}
    )
    assert [v.voucher_id for v in alipay_sandbox.activity(activity_id).vouchers] == [
        sent.voucher_id
    ]
    assert alipay_sandbox.faults.injected == {Fault.DROP: 1}


async def test_drop_without_retry_is_outcome_unknown(
    alipay_sandbox: Sandbox, connect: Connect
) -> None:
    client = connect(retry=NO_RETRY)
    activity_id = await active_activity(client)
    request = {"activity_id": activity_id, "out_biz_no": "s", "user_id": "2088000000000001"}
    alipay_sandbox.faults.next("drop")
    with pytest.raises(OutcomeUnknownError) as info:
        await client.call("send", request)
    assert info.value.out_biz_no == "s"
    (voucher,) = alipay_sandbox.activity(activity_id).vouchers  # it did happen
    assert (await client.call("send", request)).voucher_id == voucher.voucher_id


@pytest.mark.parametrize("kind", ["refuse", "502", "503", "truncate"])
async def test_transient_faults_are_retried(
    alipay_sandbox: Sandbox, connect: Connect, kind: str
) -> None:
    client = connect()
    activity_id = await active_activity(client)
    alipay_sandbox.faults.next(kind, count=2, operation=("send", "query"))
    sent = await client.call(
        "send", {"activity_id": activity_id, "out_biz_no": "s", "user_id": "2088000000000001"}
    )
    assert len(alipay_sandbox.activity(activity_id).vouchers) == 1
    assert (await client.call("query", activity_id)).summary.publish_count == 1
    assert sent.voucher_id and alipay_sandbox.faults.injected[Fault(kind)] == 2


@pytest.mark.parametrize("kind", ["refuse", "502", "503", "truncate"])
async def test_transient_faults_without_retry(
    alipay_sandbox: Sandbox, connect: Connect, kind: str
) -> None:
    client = connect(retry=NO_RETRY)
    activity_id = await active_activity(client)
    alipay_sandbox.faults.next(kind)
    with pytest.raises(OutcomeUnknownError) as info:
        await client.call("stop", {"activity_id": activity_id, "out_biz_no": "st"})
    done = alipay_sandbox.activity(activity_id).status == "FINISHED"
    assert done is (kind == "truncate")  # the others never reached the gateway
    if kind in ("502", "503"):
        cause = info.value.__cause__
        assert isinstance(cause, APIError) and cause.status == int(kind) and cause.code is None
    alipay_sandbox.faults.next(kind)
    with pytest.raises((APIError, TransportError)):
        await client.call("query", activity_id)


async def test_corrupt_signature_is_never_trusted(
    alipay_sandbox: Sandbox, connect: Connect
) -> None:
    client = connect()
    activity_id = await active_activity(client)
    alipay_sandbox.faults.next("corrupt_signature")
    with pytest.raises(SignatureVerificationError):
        await client.call(
            "send", {"activity_id": activity_id, "out_biz_no": "s", "user_id": "2088000000000001"}
        )
    assert len(alipay_sandbox.activity(activity_id).vouchers) == 1  # not retried, but done
    assert alipay_sandbox.faults.injected[Fault.CORRUPT_SIGNATURE] == 1


async def test_slow_answer_times_out_then_retry_finds_the_first_result(
    alipay_sandbox: Sandbox, connect: Connect
) -> None:
    client = connect()
    activity_id = await active_activity(client)
    alipay_sandbox.faults.delay = 0.3
    alipay_sandbox.faults.next("delay")
    request = {"activity_id": activity_id, "out_biz_no": "s", "user_id": "2088000000000001"}
    sent = await client.call("send", request, timeout=0.1)
    assert [v.voucher_id for v in alipay_sandbox.activity(activity_id).vouchers] == [
        sent.voucher_id
    ]


async def test_offline_gateway(alipay_sandbox: Sandbox, connect: Connect) -> None:
    client = connect()
    activity_id = await active_activity(client)
    async with alipay_sandbox.offline():
        with pytest.raises(TransportError) as info:
            await client.call("stop", {"activity_id": activity_id, "out_biz_no": "st"})
    assert not isinstance(info.value, OutcomeUnknownError)  # certainly not sent
    assert "could not connect" in str(info.value)
    await client.call("stop", {"activity_id": activity_id, "out_biz_no": "st"})


async def test_random_faults_never_double_issue(alipay_sandbox: Sandbox, connect: Connect) -> None:
    client = connect(retry=RetryPolicy(max_attempts=8, initial_backoff=0.001, max_backoff=0.002))
    activity_id = await active_activity(client, quantity=100)
    alipay_sandbox.faults.rate({"drop": 0.15, "503": 0.15, "refuse": 0.1, "truncate": 0.1}, seed=11)
    voucher_ids = []
    for n in range(12):
        request = {
            "activity_id": activity_id,
            "out_biz_no": f"s{n}",
            "user_id": f"20880000000000{n:02d}",
        }
        voucher_ids.append((await client.call("send", request)).voucher_id)
    alipay_sandbox.faults.clear()
    issued = [v.voucher_id for v in alipay_sandbox.activity(activity_id).vouchers]
    assert issued == voucher_ids and sum(alipay_sandbox.faults.injected.values()) > 0
    assert (await client.call("query", activity_id)).summary.publish_count == 12


# ---------------------------------------------------------------- refusals through the client


async def test_refusals_through_the_client(alipay_sandbox: Sandbox, connect: Connect) -> None:
    stranger = make_pki(alipay_sandbox.app_id, alipay_key=alipay_sandbox.pki.alipay_key)
    cases = [
        (connect(private_key=stranger.app_private_key_pem), 401, "invalid-signature"),
        (
            connect("cert", alipay_root_cert=stranger.root_bundle_pem),
            401,
            "invalid-alipay-root-cert-sn",
        ),
        (connect(app_id="2021999999999999"), 400, "invalid-app-id"),
        (connect(encrypt=True, encrypt_key="AAECAwQFBgcICQoLDA0ODw=="), 400, "decryption-error"),
    ]
    for client, status, code in cases:
        with pytest.raises(APIError) as info:
            await client.call("create", activity_body())
        assert (info.value.status, info.value.code) == (status, code)
        assert info.value.hint  # the SDK explains the commonest gateway codes
    assert not alipay_sandbox.book.activities


# ---------------------------------------------------------------- the fixtures


async def test_alipay_client_fixture(alipay_client: Any, alipay_sandbox: Sandbox) -> None:
    created = await alipay_client.create(activity_body())
    assert created.activity_id in alipay_sandbox.book.activities


def test_sync_client_with_threaded_sandbox(
    alipay_sync_client: Any, alipay_sandbox_thread: Any
) -> None:
    sandbox = alipay_sandbox_thread.sandbox
    created = alipay_sync_client.create(activity_body())
    alipay_sync_client.publish({"activity_id": created.activity_id, "out_biz_no": "p"})
    message = alipay_sandbox_thread.run(sandbox.outbox.wait_for("created", delivered=False))
    assert message.biz_content["activity_id"] == created.activity_id
    sandbox.faults.next("drop")
    sent = alipay_sync_client.send(
        {"activity_id": created.activity_id, "out_biz_no": "s", "user_id": "2088000000000001"}
    )
    assert (
        alipay_sandbox_thread.call(lambda: len(sandbox.activity(created.activity_id).vouchers)) == 1
    )
    assert sent.voucher_id
