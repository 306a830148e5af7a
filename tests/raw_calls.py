"""Signed calls without the client: the protocol core and plain aiohttp, for sandbox tests.

:class:`RawCaller` prepares, sends and verifies a call exactly as the byte rules say,
so a test can reach the sandbox with bodies the client would refuse; ``activity_body``
builds a create body in either of the gateway's shapes.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import aiohttp
import pytest
import yarl

from alipay_voucher import protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import APIError
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
