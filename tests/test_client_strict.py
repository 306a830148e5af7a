"""Nothing reaches Alipay that the caller did not mean: unknown keys and naive or
misshapen times are refused before signing, by both clients; times come back aware.

Every test runs for AsyncVoucherClient and VoucherClient (``make_client``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import RequestValidationError
from alipay_voucher.models import (
    BEIJING,
    PaymentVoucherSendRule,
    VoucherCreateRequest,
    VoucherModifyRequest,
)
from tests.clients import FakeAlipay, MakeClient, Reply, gateway_config

ACTIVITY = "2016042700826004508401111111"


def _body(received: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(received.body)
    return data


@pytest.mark.parametrize(
    ("operation", "request_body", "field", "suggestion"),
    [
        (
            "create",
            {"voucher_send_rule": {"voucher_quantity": 10, "voucher_quantity_limit_per_usr": 1}},
            "voucher_send_rule.voucher_quantity_limit_per_usr",
            "voucher_quantity_limit_per_user",
        ),
        ("modify", {"activity_id": ACTIVITY, "foo": 1}, "foo", None),
        (
            "send",
            {"activity_id": ACTIVITY, "user_id": "2088102000000001", "usr_id": "x"},
            "usr_id",
            "user_id",
        ),
        (
            "create",
            {"voucher_use_rule": {"fix_voucher": {"amount": "5.00", "flor_amount": "20.00"}}},
            "voucher_use_rule.fix_voucher.flor_amount",
            "floor_amount",
        ),
        ("create", {"extra": {"new_field": 1}}, "extra", None),
    ],
)
async def test_an_unknown_key_at_any_depth_is_refused_before_signing(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    operation: str,
    request_body: dict[str, Any],
    field: str,
    suggestion: str | None,
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    with pytest.raises(RequestValidationError) as caught:
        await driver.call(operation, {"out_biz_no": "B1", **request_body})
    assert caught.value.field == field
    if suggestion is not None:
        assert f"did you mean {suggestion}?" in str(caught.value)
    else:
        assert "did you mean" not in str(caught.value)
    assert "extra=" in str(caught.value)  # the deliberate way is named
    assert gateway.received == []


async def test_a_new_field_is_sent_through_a_models_extra(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    request = VoucherModifyRequest(
        out_biz_no="B2", activity_id=ACTIVITY, extra={"brand_new_switch": True}
    )
    await driver.call("modify", request)
    rule = PaymentVoucherSendRule(voucher_quantity=10, extra={"quantity_new_limit": 3})
    await driver.call("create", {"out_biz_no": "B3", "voucher_send_rule": rule})
    (modify,) = gateway.for_path("modify")
    assert _body(modify)["brand_new_switch"] is True
    (create,) = gateway.for_path("create")
    assert _body(create)["voucher_send_rule"] == {"voucher_quantity": 10, "quantity_new_limit": 3}


async def test_a_naive_datetime_is_refused_with_the_fix_named(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    naive = dt.datetime(2026, 12, 1, 10, 0, 0)
    with pytest.raises(RequestValidationError) as caught:
        await driver.call("create", {"out_biz_no": "B4", "publish_start_time": naive})
    assert caught.value.field == "publish_start_time"
    message = str(caught.value)
    assert "naive" in message and "datetime.now(BEIJING)" in message
    assert "yyyy-MM-dd HH:mm:ss" in message
    with pytest.raises(RequestValidationError) as caught:
        await driver.call(
            "modify",
            {
                "out_biz_no": "B5",
                "activity_id": ACTIVITY,
                "voucher_use_rule": {"voucher_valid_period": {"valid_end_time": naive}},
            },
        )
    assert caught.value.field == "voucher_use_rule.voucher_valid_period.valid_end_time"
    assert gateway.received == []


@pytest.mark.parametrize(
    "text", ["2026-12-01T10:00:00", "2026/12/01 10:00:00", "2026-12-01", "2026-02-30 10:00:00"]
)
async def test_a_text_time_of_another_shape_is_refused(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig, text: str
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    with pytest.raises(RequestValidationError, match="yyyy-MM-dd HH:mm:ss") as caught:
        await driver.call("create", {"out_biz_no": "B6", "publish_end_time": text})
    assert caught.value.field == "publish_end_time"
    with pytest.raises(RequestValidationError) as caught:
        await driver.call("create", VoucherCreateRequest(out_biz_no="B7", publish_end_time=text))
    assert caught.value.field == "publish_end_time"
    assert gateway.received == []


async def test_aware_datetimes_and_wire_text_are_sent_as_beijing_wall_time(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    utc = dt.datetime(2026, 12, 1, 20, 30, 0, tzinfo=dt.timezone.utc)
    await driver.call(
        "create",
        {"out_biz_no": "B8", "publish_start_time": utc, "publish_end_time": "2026-12-31 23:59:59"},
    )
    (create,) = gateway.for_path("create")
    body = _body(create)
    assert body["publish_start_time"] == "2026-12-02 04:30:00"
    assert body["publish_end_time"] == "2026-12-31 23:59:59"


async def test_times_in_answers_come_back_aware_in_beijing_time(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script(
        "query", Reply(payload={"activity_id": ACTIVITY, "publish_end_time": "2026-12-31 23:59:59"})
    )
    answer = await driver.call("query", ACTIVITY)
    moment = answer.publish_end_time
    assert isinstance(moment, dt.datetime) and moment.tzinfo is BEIJING
    assert moment == dt.datetime(2026, 12, 31, 15, 59, 59, tzinfo=dt.timezone.utc)
