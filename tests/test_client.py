"""The seven operations and request(), end to end.

Every test runs twice, for AsyncVoucherClient and for VoucherClient (``make_client``).
Against the sandbox wherever it can give the answer; against ``FakeAlipay`` where the
test reads the request's bytes or needs an answer the sandbox must not give (see
``tests/clients.py``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from alipay_voucher import protocol
from alipay_voucher.client import GenericResponse
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import (
    APIError,
    ConfigurationError,
    OutcomeUnknownError,
    RequestValidationError,
)
from alipay_voucher.models import (
    PaymentFixVoucher,
    PaymentVoucherUseRule,
    VoucherCreateRequest,
    VoucherCreateResponse,
    VoucherInventoryInfo,
    VoucherModifyResponse,
    VoucherQueryResponse,
    VoucherSendRequest,
    VoucherSendResponse,
    VoucherStopResponse,
)
from alipay_voucher.testing import Sandbox
from alipay_voucher.testing._state import STATUS_STOPPED
from alipay_voucher.transport import ClientClosedError
from tests.clients import Driver, FakeAlipay, MakeClient, Reply, SandboxConfig, gateway_config
from tests.sandbox_log import SandboxRequests

ACTIVITY = "2016042700826004508401111111"


@pytest.mark.parametrize(
    ("operation", "request_body", "field"),
    [
        ("send", {"activity_id": ACTIVITY, "user_id": "2088512417841101"}, "voucher_id"),
        (
            "create",
            {
                "activity_name": "a",
                "voucher_type": "FIX_VOUCHER",
                "voucher_use_rule": {"fix_voucher": {"amount": "1.00"}},
            },
            "activity_id",
        ),
    ],
)
@pytest.mark.parametrize("answer", [{}, {"voucher_id": "", "activity_id": ""}])
async def test_an_accepted_answer_without_the_new_id_is_outcome_unknown(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    operation: str,
    request_body: dict[str, Any],
    field: str,
    answer: dict[str, Any],
) -> None:
    """Signed and 200, but not saying which voucher (or activity) it made: the caller
    must not take an empty id for a result; it is told to repeat with the same key."""
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script(operation, Reply(payload=answer), Reply())
    with pytest.raises(OutcomeUnknownError, match=f"names no {field}") as caught:
        await driver.call(operation, request_body)
    (first,) = gateway.for_path(operation)
    key = _body(first)["out_biz_no"]
    assert caught.value.out_biz_no == key and key in str(caught.value)
    assert caught.value.request_id == first.request_id
    # repeating with that key gets the id
    again = await driver.call(operation, {**request_body, "out_biz_no": key})
    assert getattr(again, field)


async def test_operations_that_only_accept_need_no_id(
    alipay_sandbox: Sandbox, sandbox_activity: str, sandbox_client: Driver
) -> None:
    stopped = await sandbox_client.call(
        "stop", {"activity_id": sandbox_activity, "out_biz_no": "stop-1"}
    )
    assert stopped.http_status == 200
    assert alipay_sandbox.activity(sandbox_activity).status == STATUS_STOPPED


def _body(received: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(received.body)
    return data


async def test_every_operation_round_trips(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    created = await driver.call(
        "create",
        VoucherCreateRequest(
            out_biz_no="create-1",
            activity_name="满10减1活动",
            voucher_type="FIX_VOUCHER",
            voucher_use_rule=PaymentVoucherUseRule(
                fix_voucher=PaymentFixVoucher(amount=Decimal("5.00"))
            ),
        ),
    )
    assert isinstance(created, VoucherCreateResponse)
    assert created.activity_id == ACTIVITY
    assert created.http_status == 200
    assert created.trace_id and created.trace_id.startswith("trace-")
    assert created.request_id == gateway.received[-1].request_id

    published = await driver.call("publish", {"activity_id": ACTIVITY, "out_biz_no": "pub-1"})
    assert published.recharge_url.startswith("https://")
    sent = await driver.call(
        "send", {"activity_id": ACTIVITY, "out_biz_no": "send-1", "user_id": "2088512417841101"}
    )
    assert isinstance(sent, VoucherSendResponse)
    assert sent.voucher_id == "2021072600073002785300065Q39"
    modified = await driver.call("modify", {"activity_id": ACTIVITY, "out_biz_no": "mod-1"})
    assert isinstance(modified, VoucherModifyResponse) and modified.http_status == 200
    appended = await driver.call(
        "append", {"activity_id": ACTIVITY, "out_biz_no": "app-1", "voucher_quantity": 100}
    )
    assert appended.http_status == 200
    stopped = await driver.call("stop", {"activity_id": ACTIVITY, "out_biz_no": "stop-1"})
    assert isinstance(stopped, VoucherStopResponse)
    queried = await driver.call("query", ACTIVITY, "SELF_MODE")
    assert isinstance(queried, VoucherQueryResponse)
    assert queried.activity_status == "ACTIVE"
    assert isinstance(queried.voucher_inventory_info, VoucherInventoryInfo)
    assert queried.voucher_inventory_info.send_count == 3

    assert [r.path.rpartition("/")[2] for r in gateway.received] == [
        "create", "publish", "send", "modify", "append", "stop", "query",
    ]  # fmt: skip
    assert all(r.verified for r in gateway.received)
    assert [r.method for r in gateway.received] == ["POST"] * 6 + ["GET"]
    create_body = _body(gateway.received[0])
    assert create_body["voucher_use_rule"] == {"fix_voucher": {"amount": "5.00"}}
    assert create_body["out_biz_no"] == "create-1"
    assert gateway.received[-1].target == (
        f"/v3/alipay/marketing/activity/voucher/query?activity_id={ACTIVITY}"
        "&merchant_access_mode=SELF_MODE"
    )
    assert gateway.received[-1].body == b""


async def test_body_sent_is_compact_json_with_raw_unicode(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    await driver.call("create", {"out_biz_no": "c-1", "activity_name": '满10减1 "活动"/<&>'})
    received = gateway.received[0]
    assert json.loads(received.body) == {"activity_name": '满10减1 "活动"/<&>', "out_biz_no": "c-1"}
    # exactly the compact, raw-unicode form the protocol signs (what JSON.stringify writes)
    assert received.body == protocol.encode_json(json.loads(received.body)).encode()
    assert "满".encode() in received.body and b"\\u" not in received.body
    assert received.headers["content-type"] == "application/json"


async def test_out_biz_no_is_generated_once_when_missing(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    await driver.call("publish", {"activity_id": ACTIVITY})
    await driver.call("publish", {"activity_id": ACTIVITY, "merchant_access_mode": "SELF_MODE"})
    first, second = (_body(r)["out_biz_no"] for r in gateway.received)
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


async def test_callers_out_biz_no_and_model_input_are_kept(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    request = VoucherSendRequest(activity_id=ACTIVITY, out_biz_no="mine-1", open_id="074a1Cc")
    await driver.call("send", request)
    assert _body(gateway.received[0]) == {
        "activity_id": ACTIVITY,
        "open_id": "074a1Cc",
        "out_biz_no": "mine-1",
    }


async def test_per_call_request_id_and_app_auth_token(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    token = "202406BB1234567890abcdef1234567890abcX99"
    result = await driver.call("query", ACTIVITY, request_id="my-request-1", app_auth_token=token)
    received = gateway.received[0]
    assert received.request_id == "my-request-1" == result.request_id
    assert received.headers["alipay-app-auth-token"] == token
    assert received.verified  # the token line was part of the signed content


async def test_cert_mode(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
) -> None:
    config = sandbox_config("cert")
    # the sandbox refuses an unknown app_cert_sn or root SN, and signs its answers in
    # cert mode with the SN of its Alipay certificate, which the client checks
    assert config.app_cert_sn == alipay_sandbox.app_cert_sn
    assert config.alipay_root_cert_sn == alipay_sandbox.root_cert_sn
    driver = make_client(config)
    result = await driver.call(
        "send", {"activity_id": sandbox_activity, "user_id": "2088512417841101"}
    )
    assert result.voucher_id


@pytest.mark.parametrize("how", ["config", "per_call"])
async def test_aes_encrypted_request_and_answer(
    make_client: MakeClient, key_config: AlipayConfig, how: str
) -> None:
    assert key_config.encrypt_key is not None
    async with FakeAlipay(aes_key=key_config.encrypt_key) as gw:
        if how == "config":
            driver = make_client(gateway_config(key_config.with_options(encrypt=True), gw))
            options: dict[str, Any] = {}
        else:
            driver = make_client(gateway_config(key_config, gw))
            options = {"encrypt": True}
        payload = {"activity_id": ACTIVITY, "out_biz_no": "aes-1", "open_id": "074a1CcTG1Lel"}
        result = await driver.call("send", payload, **options)
        assert result.voucher_id == "2021072600073002785300065Q39"
        received = gw.received[0]
        assert received.verified
        assert received.headers["content-type"] == "text/plain"
        assert received.headers["alipay-encrypt-type"] == "AES"
        assert b"open_id" not in received.body
        assert received.json == payload
        queried = await driver.call("query", ACTIVITY, **options)
        assert queried.activity_id == ACTIVITY


async def test_encrypt_without_key_is_a_configuration_error(
    make_client: MakeClient, sandbox_config: SandboxConfig, sandbox_requests: SandboxRequests
) -> None:
    driver = make_client(sandbox_config(encrypt_key=None))
    with pytest.raises(ConfigurationError, match="encrypt_key"):
        await driver.call("query", ACTIVITY, encrypt=True)
    assert sandbox_requests() == []


async def test_generic_request(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("/v3/alipay/other/thing", Reply(payload={"ok": True, "n": 1}))
    result = await driver.call(
        "request", "post", "/v3/alipay/other/thing", json={"a": "b"}, query=[("x", "1 2")]
    )
    assert isinstance(result, GenericResponse)
    assert result.payload == {"ok": True, "n": 1}
    assert result.http_status == 200 and result.trace_id and result.request_id
    received = gateway.received[0]
    assert received.verified
    assert received.method == "POST"
    assert received.target == "/v3/alipay/other/thing?x=1+2"
    assert received.body == b'{"a":"b"}'
    got = await driver.call("request", "GET", "/v3/alipay/marketing/activity/voucher/query",
                            query={"activity_id": ACTIVITY})  # fmt: skip
    assert got.payload["activity_id"] == ACTIVITY


async def test_generic_request_rejects_relative_path(
    sandbox_requests: SandboxRequests, sandbox_client: Driver
) -> None:
    with pytest.raises(RequestValidationError):
        await sandbox_client.call("request", "GET", "v3/nope")
    assert sandbox_requests() == []


async def test_api_error_carries_its_facts_and_is_not_retried(
    sandbox_requests: SandboxRequests, sandbox_activity: str, sandbox_client: Driver
) -> None:
    await sandbox_client.call("stop", {"activity_id": sandbox_activity})
    with pytest.raises(APIError) as caught:
        await sandbox_client.call(
            "send",
            {"activity_id": sandbox_activity, "user_id": "2088512417841101"},
            request_id="s-1",
        )
    assert caught.value.status == 400
    assert caught.value.code == "ACTIVITY_IS_STOPED"
    # the trace id is the answer's: the sandbox's error body links to it too
    assert (
        caught.value.trace_id and f"traceId={caught.value.trace_id}" in caught.value.body.decode()
    )
    assert caught.value.request_id == "s-1"
    assert [(a.status, a.code) for a in sandbox_requests("send")] == [(400, "ACTIVITY_IS_STOPED")]


async def test_invalid_request_is_refused_before_sending(
    sandbox_requests: SandboxRequests, sandbox_client: Driver
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        await sandbox_client.call("send", {"activity_id": ACTIVITY})
    assert caught.value.field == "user_id"
    with pytest.raises(RequestValidationError):
        await sandbox_client.call("query", "")
    assert sandbox_requests() == []


async def test_closed_client_refuses_calls(sandbox_activity: str, sandbox_client: Driver) -> None:
    await sandbox_client.call("query", sandbox_activity)
    await sandbox_client.aclose()
    await sandbox_client.aclose()  # idempotent
    assert sandbox_client.client.closed
    with pytest.raises(ClientClosedError):
        await sandbox_client.call("query", sandbox_activity)


async def test_thousand_calls_share_one_session_and_leak_nothing(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import aiohttp

    sessions: list[aiohttp.ClientSession] = []
    real = aiohttp.ClientSession

    def counting_session(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        session = real(*args, **kwargs)
        sessions.append(session)
        return session

    monkeypatch.setattr(aiohttp, "ClientSession", counting_session)
    driver = make_client(gateway_config(key_config, gateway))
    if driver.kind == "async":
        import asyncio

        semaphore = asyncio.Semaphore(20)

        async def one() -> Any:
            async with semaphore:
                return await driver.call("query", ACTIVITY)

        results = await asyncio.gather(*(one() for _ in range(1000)))
    else:
        import asyncio

        def many() -> list[Any]:
            return [driver.client.query(ACTIVITY) for _ in range(1000)]

        results = await asyncio.to_thread(many)
    assert len(results) == 1000
    assert all(r.activity_id == ACTIVITY for r in results)
    assert len(sessions) == 1
    assert len(gateway.received) == 1000
    assert len(gateway.connections) <= 20  # keep-alive: connections are reused
    await driver.aclose()
    assert sessions[0].closed


async def test_repr_hides_secrets(alipay_sandbox: Sandbox, sandbox_client: Driver) -> None:
    text = repr(sandbox_client.client)
    assert alipay_sandbox.app_id in text and "PRIVATE" not in text


def test_target_helper_matches_protocol() -> None:
    assert protocol.build_target("/a", [("x", "1")]) == "/a?x=1"
