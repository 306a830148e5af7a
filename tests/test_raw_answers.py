"""Every result keeps the answer it was verified from, and every write its out_biz_no.

``result.raw`` holds the status, the headers and the body bytes exactly as they arrived
(the ciphertext of an encrypted answer), so a caller can archive or re-verify them.
Each test runs for AsyncVoucherClient and for VoucherClient (``make_client``).
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from alipay_voucher import aes, protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.models import RawResponse, ResponseModel, VoucherSendResponse, from_json
from tests.clients import (
    FakeAlipay,
    MakeClient,
    Reply,
    gateway_config,
)

ACTIVITY = "2016042700826004508401111111"
USER = "2088512417841101"

WRITES: dict[str, dict[str, Any]] = {
    "create": {
        "activity_name": "a",
        "voucher_type": "FIX_VOUCHER",
        "voucher_use_rule": {"fix_voucher": {"amount": "1.00"}},
    },
    "publish": {"activity_id": ACTIVITY},
    "send": {"activity_id": ACTIVITY, "user_id": USER},
    "modify": {"activity_id": ACTIVITY},
    "append": {"activity_id": ACTIVITY, "voucher_quantity": 100},
    "stop": {"activity_id": ACTIVITY},
}
ANSWERS: dict[str, bytes] = {
    # Spacing and a member this SDK does not model: the raw body keeps both.
    "create": b'{ "activity_id" : "2016042700826004508401111111", "new_member": 1 }',
    "publish": b'{"recharge_url":"https://voucherprod.alipay.com/x"}',
    "send": b'{"voucher_id": "2021072600073002785300065Q39"}',
    "modify": b"{}",
    "append": b'{"recharge_url":"https://voucherprod.alipay.com/y"}',
    "stop": b"{ }",
    "query": '{"activity_id":"2016042700826004508401111111","activity_name":"满10减1"}'.encode(),
}


def _sent_out_biz_no(gateway: FakeAlipay) -> str:
    body: dict[str, Any] = json.loads(gateway.received[-1].body)
    return str(body["out_biz_no"])


@pytest.mark.parametrize("operation", sorted(WRITES))
async def test_a_write_keeps_its_raw_answer_and_the_generated_out_biz_no(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig, operation: str
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script(operation, Reply(raw=ANSWERS[operation]))
    result = await driver.call(operation, WRITES[operation])
    raw = result.raw
    assert isinstance(raw, RawResponse)
    assert raw.body == ANSWERS[operation]
    assert raw.status == 200 == result.http_status
    assert raw.headers["alipay-trace-id"] == result.trace_id
    # The raw answer is the one the signature covers: it verifies again on its own.
    again = protocol.process_response(key_config, raw.status, raw.headers, raw.body)
    assert again.payload == json.loads(ANSWERS[operation])
    generated = _sent_out_biz_no(gateway)
    assert len(generated) == 32
    assert result.out_biz_no == generated == result.response_info.out_biz_no


async def test_the_callers_out_biz_no_is_on_the_result(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    sent = await driver.call("send", {**WRITES["send"], "out_biz_no": "mine-7"})
    assert sent.out_biz_no == "mine-7" == _sent_out_biz_no(gateway)


async def test_a_retried_write_reports_the_key_every_attempt_carried(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", Reply(status=503, payload={"code": "SYSTEM_ERROR"}, sign=False))
    sent = await driver.call("send", WRITES["send"])
    keys = {json.loads(r.body)["out_biz_no"] for r in gateway.for_path("send")}
    assert len(gateway.for_path("send")) == 2
    assert keys == {sent.out_biz_no}


async def test_a_query_has_its_raw_answer_and_no_out_biz_no(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("query", Reply(raw=ANSWERS["query"]))
    queried = await driver.call("query", ACTIVITY)
    assert queried.raw.body == ANSWERS["query"]
    assert queried.out_biz_no is None


async def test_an_encrypted_answer_keeps_its_ciphertext(
    make_client: MakeClient, key_config: AlipayConfig
) -> None:
    key = key_config.encrypt_key
    assert key is not None
    async with FakeAlipay(aes_key=key) as server:
        driver = make_client(gateway_config(key_config, server, encrypt=True))
        sent = await driver.call("send", WRITES["send"])
        await driver.aclose()
    text = sent.raw.body.decode()
    assert "voucher_id" not in text
    assert json.loads(aes.decrypt(key, text)) == {"voucher_id": sent.voucher_id}


async def test_the_generic_request_has_its_raw_answer_and_key(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    answer = b'{"voucher_id":"V-1"}'
    gateway.script("send", Reply(raw=answer))
    result = await driver.call(
        "request",
        "POST",
        "/v3/alipay/marketing/activity/voucher/send",
        json={"activity_id": ACTIVITY, "user_id": USER, "out_biz_no": "generic-1"},
    )
    assert result.raw.body == answer and result.raw.status == 200
    assert result.out_biz_no == "generic-1"
    assert "generic-1" in repr(result)
    keyless = await driver.call("request", "GET", "/v3/alipay/marketing/activity/voucher/query")
    assert keyless.out_biz_no is None


async def test_reprs_name_the_size_not_the_body(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    """The answer of a send may echo the user; no repr prints it."""
    driver = make_client(gateway_config(key_config, gateway))
    body = f'{{"voucher_id":"V-9","user_id":"{USER}"}}'.encode()
    gateway.script("send", Reply(raw=body))
    sent = await driver.call("send", WRITES["send"])
    assert sent.raw.body == body
    for text in (repr(sent), repr(sent.raw), repr(sent.response_info)):
        assert USER not in text, text
    assert f"body=<{len(body)} bytes>" in repr(sent.raw)
    assert "alipay-signature" in repr(sent.raw)  # the headers are shown, masked
    signature = sent.raw.headers["alipay-signature"]
    assert signature not in repr(sent.raw) and signature not in repr(sent.response_info)
    assert sent.raw.headers["alipay-trace-id"] in repr(sent.response_info)


async def test_results_pickle_with_their_raw_answer_and_compare_by_content(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    first = await driver.call("send", {**WRITES["send"], "out_biz_no": "p-1"})
    second = await driver.call("send", {**WRITES["send"], "out_biz_no": "p-2"})
    assert first.raw.headers != second.raw.headers  # other trace id, other signature
    assert first == second  # equality is about the answer's content, as before
    copy = pickle.loads(pickle.dumps(first))
    assert copy == first
    assert copy.raw == first.raw and copy.out_biz_no == "p-1"


def test_a_model_built_by_hand_has_no_raw_answer() -> None:
    made = VoucherSendResponse(voucher_id="V-1")
    parsed = from_json(VoucherSendResponse, {"voucher_id": "V-1"})
    for model in (made, parsed):
        assert isinstance(model, ResponseModel)
        assert model.raw is None and model.out_biz_no is None
