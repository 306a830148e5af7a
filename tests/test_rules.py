"""Every rule of :mod:`alipay_voucher.rules` refuses, on both sides of the wire.

Each case breaks one rule and is run twice:

* by both clients (``make_client``): a rule the client enforces is refused before
  anything is signed, with ``.field`` set; a rule left to the gateway goes out;
* by a raw signed request to the sandbox (no client-side check in the way): every rule
  is answered as Alipay does, HTTP 400 ``INVALID_PARAMETER`` naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from alipay_voucher import rules
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import RequestValidationError
from alipay_voucher.testing import Sandbox
from tests.clients import FakeAlipay, MakeClient, gateway_config
from tests.raw_calls import RawCaller, activity_body

ACTIVITY = "2016042700826004508401111111"
USER = "2088102000000001"


def _send(**changes: Any) -> dict[str, Any]:
    return {"out_biz_no": "s-1", "activity_id": ACTIVITY, "user_id": USER, **changes}


def _create(**changes: Any) -> dict[str, Any]:
    return activity_body("c-1", **changes)


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in keys}


def _use_rule(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"fix_voucher": {"amount": "1.00", "floor_amount": "10.00"}}
    rule.update(changes)
    return {"voucher_use_rule": rule}


def _period(**period: Any) -> dict[str, Any]:
    return _use_rule(voucher_valid_period=period)


@attrs.frozen
class Case:
    rule: str
    operation: str
    body: Callable[[], dict[str, Any]]
    field: str

    @property
    def client(self) -> bool:
        return RULE_BY_NAME[self.rule].client

    def __str__(self) -> str:
        return f"{self.rule}|{self.field}"


RULE_BY_NAME = {rule.name: rule for rule in rules.RULES}

CASES = [
    Case(
        "out_biz_no needed",
        "publish",
        lambda: {"out_biz_no": " ", "activity_id": ACTIVITY},
        "out_biz_no",
    ),
    Case(
        "out_biz_no <= 64",
        "stop",
        lambda: {"out_biz_no": "x" * 65, "activity_id": ACTIVITY},
        "out_biz_no",
    ),
    Case("activity_id needed", "publish", lambda: {"out_biz_no": "p-1"}, "activity_id"),
    Case(
        "activity_id needed",
        "stop",
        lambda: {"out_biz_no": "p-1", "activity_id": ""},
        "activity_id",
    ),
    Case("one recipient", "send", lambda: _without(_send(), "user_id"), "user_id"),
    Case("one recipient", "send", lambda: _send(open_id="074a1CcTG1Lelx"), "user_id"),
    Case("user_id 2088+12 digits", "send", lambda: _send(user_id="2088abc"), "user_id"),
    Case("user_id 2088+12 digits", "send", lambda: _send(user_id="1088102000000001"), "user_id"),
    Case(
        "append total 1..99999999",
        "append",
        lambda: {"out_biz_no": "a-1", "activity_id": ACTIVITY, "voucher_quantity": 0},
        "voucher_quantity",
    ),
    Case(
        "append total 1..99999999",
        "append",
        lambda: {"out_biz_no": "a-1", "activity_id": ACTIVITY, "voucher_quantity": 100_000_000},
        "voucher_quantity",
    ),
    Case(
        "create needs its parts",
        "create",
        lambda: _without(_create(), "voucher_type"),
        "voucher_type",
    ),
    Case(
        "create needs its parts",
        "create",
        lambda: _without(_create(), "voucher_budget_info"),
        "voucher_budget_info",
    ),
    Case(
        "quantity 1..99999999",
        "create",
        lambda: _create(quantity=0),
        "voucher_send_rule.voucher_quantity",
    ),
    Case(
        "quantity 1..99999999",
        "create",
        lambda: _create(quantity=100_000_000, shape="newer"),
        "voucher_send_mode_info.voucher_send_rule_info.quantity",
    ),
    Case(
        "face value 0.1..3000, 2 decimals",
        "create",
        lambda: _create(voucher_use_rule={"fix_voucher": {"amount": "3000.01"}}),
        "voucher_use_rule.fix_voucher.amount",
    ),
    Case(
        "face value 0.1..3000, 2 decimals",
        "create",
        lambda: _create(voucher_use_rule={"fix_voucher": {"amount": "0.09"}}),
        "voucher_use_rule.fix_voucher.amount",
    ),
    Case(
        "amount <= floor_amount",
        "create",
        lambda: _create(voucher_use_rule={"fix_voucher": {"amount": "30", "floor_amount": "20"}}),
        "voucher_use_rule.fix_voucher.amount",
    ),
    Case(
        "issuance window",
        "create",
        lambda: _create(start_hours=10, end_hours=1),
        "publish_end_time",
    ),
    Case(
        "issuance window",
        "create",
        lambda: _create(start_hours=0, end_hours=24 * 181),
        "publish_end_time",
    ),
    Case(
        "validity by type",
        "create",
        lambda: _create(**_period(type="ABSOLUTE")),
        "voucher_use_rule.voucher_valid_period.valid_begin_time",
    ),
    Case(
        "validity by type",
        "create",
        lambda: _create(**_period(type="RELATIVE", valid_days_after_receive=0)),
        "voucher_use_rule.voucher_valid_period.valid_days_after_receive",
    ),
    Case(
        "validity by type",
        "create",
        lambda: _create(**_period(type="FOREVER")),
        "voucher_use_rule.voucher_valid_period.type",
    ),
    Case(
        "valid_end_time after publish_end_time",
        "create",
        lambda: _create(
            **_period(
                type="ABSOLUTE",
                valid_begin_time="2020-01-01 00:00:00",
                valid_end_time="2020-01-02 00:00:00",
            )
        ),
        "voucher_use_rule.voucher_valid_period.valid_end_time",
    ),
    Case(
        "use_url with SELF_LINK",
        "create",
        lambda: _create(**_use_rule(use_mode="SELF_LINK")),
        "voucher_use_rule.use_url",
    ),
    Case(
        "recharge_info with pre-charge",
        "create",
        lambda: _create(voucher_budget_info={"budget_type": "RECAHRGE"}),
        "voucher_budget_info.recharge_info",
    ),
    Case(
        "recharge_info with pre-charge",
        "create",
        lambda: _create(
            voucher_budget_info={
                "budget_type": "RECAHRGE",
                "recharge_info": {"recharge_type": "ALIPAY_BALANCE"},
            }
        ),
        "voucher_budget_info.recharge_info.alipay_balance_recharge_info",
    ),
    Case(
        "fix_voucher with FIX_VOUCHER",
        "create",
        lambda: _create(voucher_use_rule={"use_mode": "CAN_USE"}),
        "voucher_use_rule.fix_voucher",
    ),
    Case(
        "goods included or excluded",
        "create",
        lambda: _create(
            **_use_rule(available_goods={"goods_name": "A"}, unavailable_goods_ids=["B"])
        ),
        "voucher_use_rule.unavailable_goods_ids",
    ),
    Case(
        "closed value sets",
        "create",
        lambda: _create(voucher_budget_info={"budget_type": "CASHH"}),
        "voucher_budget_info.budget_type",
    ),
    Case(
        "closed value sets",
        "send",
        lambda: _send(merchant_access_mode="SELF"),
        "merchant_access_mode",
    ),
    Case(
        "closed value sets",
        "create",
        lambda: _create(
            voucher_send_rule={
                "voucher_quantity": 5,
                "voucher_quantity_limit_per_user_period_type": "YEAR",
            }
        ),
        "voucher_send_rule.voucher_quantity_limit_per_user_period_type",
    ),
    Case(
        "activity_name <= 20", "create", lambda: _create(activity_name="券" * 100), "activity_name"
    ),
]


def test_every_rule_has_a_case_and_a_source() -> None:
    assert {case.rule for case in CASES} == set(RULE_BY_NAME)
    for rule in rules.RULES:
        assert rule.source.strip() and rule.operations <= set(rules.OPERATIONS), rule
    # a valid body of each shape passes every rule, so each case fails for its own reason
    for operation, body in [
        ("create", _create()),
        ("send", _send()),
        ("create", _create(shape="newer")),
    ]:
        assert rules.first_refusal(operation, body, client=False) is None


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_the_client_refuses_what_it_enforces_before_signing(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig, case: Case
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    if case.client:
        with pytest.raises(RequestValidationError) as caught:
            await driver.call(case.operation, case.body())
        assert caught.value.field == case.field
        assert gateway.received == []
    else:  # left to the gateway: it goes out as written
        await driver.call(case.operation, case.body())
        assert len(gateway.received) == 1


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_the_sandbox_refuses_every_rule_like_alipay(
    alipay_sandbox: Sandbox, raw: RawCaller, case: Case
) -> None:
    error = await raw.refusal(case.operation, case.body())
    assert (error.status, error.code) == (400, "INVALID_PARAMETER")
    assert case.field in (error.message or "")
    assert not alipay_sandbox.book.activities


async def test_the_sandbox_refuses_what_the_client_would_have_converted(
    raw: RawCaller,
) -> None:
    """An integer user id or a query without an activity: caught by the model or the
    client's signature, but a raw caller reaches the gateway, which refuses as Alipay."""
    error = await raw.refusal("send", _send(user_id=2088102000000001))
    assert (error.status, error.code) == (400, "INVALID_PARAMETER")
    assert "user_id" in (error.message or "")
    error = await raw.refusal("query", query={})
    assert (error.status, error.code) == (400, "INVALID_PARAMETER")
    assert "activity_id" in (error.message or "")
