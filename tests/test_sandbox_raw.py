"""The sandbox driven through the bare protocol core (no client): the whole lifecycle in
key and cert mode, with and without AES, and the shape of every answer.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from alipay_voucher import protocol
from alipay_voucher.errors import APIError
from alipay_voucher.testing import Sandbox

from .raw_calls import PATH, RawCaller, activity_body

MODES = [("key", False), ("key", True), ("cert", False), ("cert", True)]


@pytest.mark.parametrize(("mode", "encrypt"), MODES)
async def test_whole_lifecycle(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession, mode: str, encrypt: bool
) -> None:
    raw = RawCaller(http, alipay_sandbox.config(mode=mode, encrypt=encrypt))  # type: ignore[arg-type]
    created = await raw.call("create", activity_body(quantity=3, per_user=1, shape="newer"))
    activity_id = created["activity_id"]
    assert len(activity_id) == 28 and activity_id.isdigit()
    assert await raw.call("publish", {"activity_id": activity_id, "out_biz_no": "pub-1"}) == {}
    vouchers = [
        (await raw.call("send", {"activity_id": activity_id, "out_biz_no": f"s{i}", "user_id": u}))[
            "voucher_id"
        ]
        for i, u in enumerate(["2088000000000001", "2088000000000002"])
    ]
    assert len(set(vouchers)) == 2 and all(len(v) == 28 for v in vouchers)
    query = await raw.call("query", query={"activity_id": activity_id})
    assert query["activity_status"] == "ACTIVE"
    assert query["summary"] == {"publish_count": 2, "used_count": 0}
    assert query["voucher_inventory_info"] == {"send_count": 2, "use_count": 0}
    assert query["activity_name"] == "满10减1活动"
    assert "out_biz_no" not in query
    await raw.call(
        "append", {"activity_id": activity_id, "out_biz_no": "a1", "voucher_quantity": 5}
    )
    await raw.call(
        "modify",
        {"activity_id": activity_id, "out_biz_no": "m1", "activity_name": "满20减2活动"},
    )
    await raw.call("stop", {"activity_id": activity_id, "out_biz_no": "st1"})
    query = await raw.call(
        "query", query={"activity_id": activity_id, "merchant_access_mode": "SELF_MODE"}
    )
    assert query["activity_status"] == "FINISHED"
    assert query["activity_name"] == "满20减2活动"
    assert query["voucher_send_mode_info"]["voucher_send_rule_info"]["quantity"] == 5
    kinds = [d.msg_method.rsplit(".", 1)[1] for d in alipay_sandbox.outbox]
    assert kinds == ["created", "received", "received", "appended", "modified", "stopped"]


async def test_answers_are_signed_and_traced(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    status, headers, _, _ = await raw.exchange("create", activity_body())
    assert status == 200
    assert {"alipay-signature", "alipay-timestamp", "alipay-nonce", "alipay-trace-id"} <= set(
        headers
    )
    assert "alipay-sn" not in headers  # key mode
    status, headers, body, _ = await raw.exchange("query", query={"activity_id": "nope"})
    assert status == 400 and "alipay-signature" in headers and headers["alipay-trace-id"]
    with pytest.raises(APIError):
        protocol.process_response(raw.config, status, headers, body)


async def test_error_answers_verify_and_carry_links(
    alipay_sandbox: Sandbox, raw: RawCaller
) -> None:
    error = await raw.refusal("query", query={"activity_id": "nope"})
    assert (error.status, error.code) == (400, "INVALID_PARAMETER")
    assert error.verified  # the sandbox signs its errors; process_response checked it
    assert error.trace_id and error.links and error.trace_id in error.links[0].link


async def test_cert_mode_answers_name_the_alipay_cert(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    raw = RawCaller(http, alipay_sandbox.config(mode="cert"))
    status, headers, _, _ = await raw.exchange("create", activity_body())
    assert status == 200 and headers["alipay-sn"] == alipay_sandbox.alipay_cert_sn
    status, headers, _, _ = await raw.exchange("query", query={"activity_id": "x"})
    assert status == 400 and headers["alipay-sn"] == alipay_sandbox.alipay_cert_sn


async def test_encrypted_request_gets_encrypted_answer(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    raw = RawCaller(http, alipay_sandbox.config(encrypt=True))
    status, headers, body, prepared = await raw.exchange("create", activity_body())
    assert prepared.encrypted and status == 200
    assert headers["content-type"].startswith("text/plain")
    assert not body.startswith(b"{")
    payload = protocol.process_response(raw.config, status, headers, body, encrypted=True).payload
    assert "activity_id" in payload
    # errors are never encrypted
    status, headers, body, _ = await raw.exchange(
        "publish", {"activity_id": "x", "out_biz_no": "p"}
    )
    assert status == 400 and json.loads(body)["code"] == "INVALID_PARAMETER"


async def test_app_auth_token_is_part_of_the_signature(
    alipay_sandbox: Sandbox, raw: RawCaller
) -> None:
    payload = await raw.call("create", activity_body(), app_auth_token="202406BBtoken")
    assert "activity_id" in payload
    prepared = protocol.prepare_request(
        raw.config, "POST", PATH + "create", json_body=activity_body("c2"), app_auth_token="tokA"
    )
    headers = [(k, "tokB" if k == "alipay-app-auth-token" else v) for k, v in prepared.headers]
    status, _, body, _ = await raw.send(prepared, headers)
    assert status == 401 and json.loads(body)["code"] == "invalid-signature"


async def test_unmodelled_fields_are_echoed(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    extra: dict[str, Any] = {
        "voucher_display_pattern_info": {"brand_name": "测试", "future_field": [1, 2]}
    }
    activity_id = (await raw.call("create", activity_body(**extra)))["activity_id"]
    query = await raw.call("query", query={"activity_id": activity_id})
    assert query["voucher_display_pattern_info"] == extra["voucher_display_pattern_info"]
    assert query["activity_status"] == "WAIT_ACTIVE"
