"""The sandbox driven through the bare protocol core (no client): the whole lifecycle in
key and cert mode, with and without AES, and the shape of every answer.

``RawCaller`` and ``activity_body`` are shared by the other sandbox test modules.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import yarl

from alipay_voucher import protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import APIError
from alipay_voucher.testing import Sandbox
from alipay_voucher.testing._rules import BEIJING, format_time

PATH = "/v3/alipay/marketing/activity/voucher/"


class RawCaller:
    """One signed call = prepare_request + plain aiohttp + process_response."""

    def __init__(self, session: aiohttp.ClientSession, config: AlipayConfig) -> None:
        self.session = session
        self.config = config

    async def exchange(
        self, op: str, body: Any = None, *, query: Any = None, **prepare: Any
    ) -> tuple[int, dict[str, str], bytes, protocol.PreparedRequest]:
        method = "GET" if op == "query" else "POST"
        prepared = protocol.prepare_request(
            self.config, method, PATH + op, json_body=body, query=query, **prepare
        )
        return await self.send(prepared)

    async def send(
        self, prepared: protocol.PreparedRequest, headers: list[tuple[str, str]] | None = None
    ) -> tuple[int, dict[str, str], bytes, protocol.PreparedRequest]:
        url = yarl.URL(self.config.base_url + prepared.target, encoded=True)
        async with self.session.request(
            prepared.method,
            url,
            headers=headers if headers is not None else list(prepared.headers),
            data=prepared.body,
        ) as response:
            data = await response.read()
            lowered = {k.lower(): v for k, v in response.headers.items()}
            return response.status, lowered, data, prepared

    async def call(self, op: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        status, headers, data, prepared = await self.exchange(op, body, **kw)
        return protocol.process_response(
            self.config, status, headers, data, encrypted=prepared.encrypted
        ).payload

    async def refusal(self, op: str, body: Any = None, **kw: Any) -> APIError:
        with pytest.raises(APIError) as info:
            await self.call(op, body, **kw)
        return info.value


def window(start_hours: float = -1, end_hours: float = 24 * 30) -> dict[str, str]:
    now = _dt.datetime.now(BEIJING)
    return {
        "publish_start_time": format_time(now + _dt.timedelta(hours=start_hours)),
        "publish_end_time": format_time(now + _dt.timedelta(hours=end_hours)),
    }


def activity_body(
    out_biz_no: str = "create-1",
    *,
    quantity: int = 10,
    per_user: int | None = None,
    shape: str = "legacy",
    start_hours: float = -1,
    end_hours: float = 24 * 30,
    **extra: Any,
) -> dict[str, Any]:
    """A create body in the legacy (voucher_send_rule) or newer (voucher_send_mode_info)
    shape."""
    times = window(start_hours, end_hours)
    body: dict[str, Any] = {
        "out_biz_no": out_biz_no,
        "activity_name": "满10减1活动",
        "voucher_type": "FIX_VOUCHER",
        "voucher_use_rule": {"fix_voucher": {"amount": "1.00", "floor_amount": "10.00"}},
        "voucher_budget_info": {"budget_type": "NO_CASH"},
    }
    if shape == "legacy":
        rule: dict[str, Any] = {"voucher_quantity": quantity}
        if per_user is not None:
            rule["voucher_quantity_limit_per_user"] = per_user
        body.update(times, voucher_send_rule=rule)
    else:
        info: dict[str, Any] = {"quantity": quantity, **times}
        if per_user is not None:
            info["quantity_limit_per_user"] = per_user
        body["voucher_send_mode_info"] = {
            "voucher_send_mode": "DIRECT_SEND_MODE",
            "voucher_send_rule_info": info,
        }
    body.update(extra)
    return body


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def raw(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> RawCaller:
    return RawCaller(http, alipay_sandbox.config())


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
