"""The sandbox's voucher rules, driven directly (no HTTP): lifecycle, send refusals,
issuance limits in both configuration shapes, modify/append rules and idempotency."""

from __future__ import annotations

import datetime as _dt
import itertools
from typing import Any

import pytest

from alipay_voucher.testing._errors import GatewayError
from alipay_voucher.testing._rules import BEIJING, format_time
from alipay_voucher.testing._state import VoucherBook

from .raw_calls import activity_body

START = _dt.datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)  # a Monday


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> _dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += _dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book(clock: Clock) -> VoucherBook:
    return VoucherBook(clock=clock, seed=1)


def body(out_biz_no: str = "c", *, days: int = 60, **kw: Any) -> dict[str, Any]:
    created = activity_body(out_biz_no, **kw)
    times = {
        "publish_start_time": format_time(START - _dt.timedelta(hours=1)),
        "publish_end_time": format_time(START + _dt.timedelta(days=days)),
    }
    if "voucher_send_rule" in created:
        created.update(times)
    else:
        created["voucher_send_mode_info"]["voucher_send_rule_info"].update(times)
    return created


def refusal(book: VoucherBook, op: str, request: dict[str, Any]) -> tuple[int, str]:
    with pytest.raises(GatewayError) as info:
        book.apply(op, request)
    return info.value.status, info.value.code


def active(book: VoucherBook, out_biz_no: str = "c", **kw: Any) -> str:
    activity_id = str(book.apply("create", body(out_biz_no, **kw)).result["activity_id"])
    book.apply("publish", {"activity_id": activity_id, "out_biz_no": f"p-{activity_id}"})
    return activity_id


_numbers = itertools.count()


def send(activity_id: str, user: str = "2088000000000001", **kw: Any) -> dict[str, Any]:
    return {"activity_id": activity_id, "out_biz_no": f"s{next(_numbers)}", "user_id": user, **kw}


# ---------------------------------------------------------------- send refusals


def test_send_needs_exactly_one_user(book: VoucherBook) -> None:
    activity_id = active(book)
    both = send(activity_id, open_id="074a1CcTG1Lelx")
    assert refusal(book, "send", both) == (400, "INVALID_PARAMETER")
    del both["user_id"], both["open_id"]
    assert refusal(book, "send", both) == (400, "INVALID_PARAMETER")
    assert refusal(book, "send", send("no-such-activity")) == (400, "INVALID_PARAMETER")


def test_send_before_publish(book: VoucherBook) -> None:
    activity_id = book.apply("create", body()).result["activity_id"]
    assert refusal(book, "send", send(activity_id)) == (400, "ACTIVITY_NOT_ACTIVE")


def test_send_after_stop(book: VoucherBook) -> None:
    activity_id = active(book)
    book.apply("stop", {"activity_id": activity_id, "out_biz_no": "stop"})
    assert refusal(book, "send", send(activity_id)) == (400, "ACTIVITY_IS_STOPED")


@pytest.mark.parametrize("shape", ["legacy", "newer"])
def test_send_outside_the_window(book: VoucherBook, clock: Clock, shape: str) -> None:
    clock.advance(hours=-2)  # before publish_start_time
    activity_id = active(book, shape=shape)
    assert refusal(book, "send", send(activity_id)) == (400, "ACTIVITY_NOT_START")
    clock.advance(hours=2)
    assert "voucher_id" in book.apply("send", send(activity_id)).result
    clock.advance(days=61)
    assert refusal(book, "send", send(activity_id)) == (400, "ACTIVITY_IS_END")


@pytest.mark.parametrize("shape", ["legacy", "newer"])
def test_send_until_the_budget_is_gone(book: VoucherBook, shape: str) -> None:
    activity_id = active(book, quantity=2, shape=shape)
    for user in ("2088000000000001", "2088000000000002"):
        book.apply("send", send(activity_id, user))
    assert refusal(book, "send", send(activity_id, "2088000000000003")) == (
        400,
        "BUDGET_NOT_ENOUGH",
    )


@pytest.mark.parametrize("shape", ["legacy", "newer"])
def test_per_user_limit(book: VoucherBook, shape: str) -> None:
    activity_id = active(book, per_user=2, shape=shape)
    for _ in range(2):
        book.apply("send", send(activity_id))
    assert refusal(book, "send", send(activity_id)) == (400, "COUNT_OVER_LIMIT")
    book.apply("send", send(activity_id, "2088000000000009"))  # someone else still can
    book.apply("send", {"activity_id": activity_id, "out_biz_no": "o1", "open_id": "074a1C"})


@pytest.mark.parametrize(
    ("period", "wait"),
    [("DAY", {"days": 1}), ("WEEK", {"days": 7}), ("MONTH", {"days": 31})],
)
def test_per_user_limit_per_period(
    book: VoucherBook, clock: Clock, period: str, wait: dict[str, float]
) -> None:
    created = body(days=100)
    created["voucher_send_rule"].update(
        voucher_quantity_limit_per_user=1, voucher_quantity_limit_per_user_period_type=period
    )
    activity_id = book.apply("create", created).result["activity_id"]
    book.apply("publish", {"activity_id": activity_id, "out_biz_no": "p"})
    book.apply("send", send(activity_id))
    clock.advance(hours=1)
    assert refusal(book, "send", send(activity_id)) == (400, "COUNT_OVER_LIMIT")
    clock.advance(**wait)
    assert "voucher_id" in book.apply("send", send(activity_id)).result


def test_newer_shape_day_limit_and_daily_maximum(book: VoucherBook, clock: Clock) -> None:
    created = body(shape="newer")
    created["voucher_send_mode_info"]["voucher_send_rule_info"].update(
        quantity_day_limit_per_user=1, max_quantity_by_day=2
    )
    activity_id = book.apply("create", created).result["activity_id"]
    book.apply("publish", {"activity_id": activity_id, "out_biz_no": "p"})
    book.apply("send", send(activity_id, "2088000000000001"))
    assert refusal(book, "send", send(activity_id, "2088000000000001")) == (
        400,
        "COUNT_OVER_LIMIT",
    )
    book.apply("send", send(activity_id, "2088000000000002"))
    assert refusal(book, "send", send(activity_id, "2088000000000003")) == (
        400,
        "BUDGET_NOT_ENOUGH",
    )
    clock.advance(days=1)
    book.apply("send", send(activity_id, "2088000000000003"))


# ---------------------------------------------------------------- configuration


def test_both_shapes_must_agree(book: VoucherBook) -> None:
    created = body()
    created["voucher_send_mode_info"] = {"voucher_send_rule_info": {"quantity": 10}}
    assert "activity_id" in book.apply("create", created).result  # same value twice is fine
    created = body("c2")
    created["voucher_send_mode_info"] = {"voucher_send_rule_info": {"quantity": 11}}
    with pytest.raises(GatewayError, match="disagree"):
        book.apply("create", created)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"voucher_send_rule": {}}, "total quantity is required"),
        ({"voucher_send_rule": {"voucher_quantity": 0}}, "from 1 to"),
        ({"voucher_send_rule": {"voucher_quantity": "10"}}, "integer"),
        ({"publish_start_time": "2026/03/01 00:00:00"}, "yyyy-MM-dd HH:mm:ss"),
        ({"publish_end_time": "2026-02-01 00:00:00"}, "later than"),
        ({"publish_end_time": "2027-03-01 00:00:00"}, "180 days"),
        (
            {
                "voucher_send_rule": {
                    "voucher_quantity": 5,
                    "voucher_quantity_limit_per_user": 1,
                    "voucher_quantity_limit_per_user_period_type": "YEAR",
                }
            },
            "one of",
        ),
        ({"voucher_type": 3}, "voucher_type"),
        ({"out_biz_no": ""}, "out_biz_no"),
        ({"out_biz_no": "x" * 65}, "64"),
    ],
)
def test_create_refusals(book: VoucherBook, change: dict[str, Any], match: str) -> None:
    created = body()
    created.update(change)
    with pytest.raises(GatewayError, match=match) as info:
        book.apply("create", created)
    assert (info.value.status, info.value.code) == (400, "INVALID_PARAMETER")


def test_publish_and_stop_twice(book: VoucherBook) -> None:
    activity_id = active(book)
    assert refusal(book, "publish", {"activity_id": activity_id, "out_biz_no": "p2"}) == (
        400,
        "BIZ_ERROR",
    )
    book.apply("stop", {"activity_id": activity_id, "out_biz_no": "s1"})
    assert refusal(book, "stop", {"activity_id": activity_id, "out_biz_no": "s2"}) == (
        400,
        "INVALID_PARAMETER",
    )
    assert refusal(book, "publish", {"activity_id": activity_id, "out_biz_no": "p3"}) == (
        400,
        "BIZ_ERROR",
    )


def test_append_rules(book: VoucherBook) -> None:
    created = book.apply("create", body(quantity=5)).result["activity_id"]
    grow = {"activity_id": created, "out_biz_no": "a0", "voucher_quantity": 6}
    assert refusal(book, "append", grow) == (400, "INVALID_PARAMETER")  # not active yet
    activity_id = active(book, "c2", quantity=5, shape="newer")
    for quantity in (5, 4, 100_000_000, "6", True):
        request = {
            "activity_id": activity_id,
            "out_biz_no": f"a{quantity}",
            "voucher_quantity": quantity,
        }
        assert refusal(book, "append", request) == (400, "INVALID_PARAMETER")
    outcome = book.apply(
        "append", {"activity_id": activity_id, "out_biz_no": "a", "voucher_quantity": 8}
    )
    assert outcome.result == {}
    assert [e.msg_method.rsplit(".", 1)[1] for e in outcome.events] == ["appended"]
    config = book.query(activity_id)
    assert config["voucher_send_mode_info"]["voucher_send_rule_info"]["quantity"] == 8


def test_precharged_budget_gets_a_recharge_url(book: VoucherBook) -> None:
    payer = {"alipay_balance_recharge_info": {"logon_id": "payer@example.com"}}
    created = body(
        voucher_budget_info={
            "budget_type": "RECAHRGE",
            "recharge_info": {"recharge_type": "ALIPAY_BALANCE", **payer},
        }
    )
    activity_id = book.apply("create", created).result["activity_id"]
    published = book.apply("publish", {"activity_id": activity_id, "out_biz_no": "p"})
    assert published.result["recharge_url"].startswith("https://")
    appended = book.apply(
        "append", {"activity_id": activity_id, "out_biz_no": "a", "voucher_quantity": 20}
    )
    assert "recharge_url" in appended.result


def test_modify_widens_and_extends_only(book: VoucherBook) -> None:
    created = body()
    created["voucher_use_rule"].update(
        available_app_ids=["2021000000000011"],
        voucher_valid_period={
            "type": "ABSOLUTE",
            "valid_begin_time": "2026-03-01 00:00:00",
            "valid_end_time": "2026-06-01 00:00:00",
        },
    )
    activity_id = book.apply("create", created).result["activity_id"]

    def modify(n: str, **changes: Any) -> dict[str, Any]:
        return {"activity_id": activity_id, "out_biz_no": f"m{n}", **changes}

    widened = modify(
        "1", voucher_use_rule={"available_app_ids": '["2021000000000011","2021000000000012"]'}
    )
    assert [e.msg_method for e in book.apply("modify", widened).events] == [
        "alipay.marketing.activity.message.modified"
    ]
    rule = book.query(activity_id)["voucher_use_rule"]
    assert rule["available_app_ids"] == ["2021000000000011", "2021000000000012"]
    assert rule["fix_voucher"]["amount"] == "1.00"  # untouched parts stay
    narrowed = modify("2", voucher_use_rule={"available_app_ids": ["2021000000000012"]})
    with pytest.raises(GatewayError, match="widened"):
        book.apply("modify", narrowed)
    shorter = modify(
        "3", voucher_use_rule={"voucher_valid_period": {"valid_end_time": "2026-05-01 00:00:00"}}
    )
    with pytest.raises(GatewayError, match="extended"):
        book.apply("modify", shorter)
    longer = modify(
        "4", voucher_use_rule={"voucher_valid_period": {"valid_end_time": "2026-07-01 00:00:00"}}
    )
    book.apply("modify", longer)
    with pytest.raises(GatewayError, match="append"):
        book.apply("modify", modify("5", voucher_send_rule={"voucher_quantity": 99}))
    with pytest.raises(GatewayError, match="changes nothing"):
        book.apply("modify", modify("6"))
    later = format_time(START + _dt.timedelta(days=90))
    book.apply("modify", modify("7", publish_end_time=later))
    assert book.query(activity_id)["publish_end_time"] == later
    book.apply("stop", {"activity_id": activity_id, "out_biz_no": "stop"})
    assert refusal(book, "modify", modify("8", activity_name="x")) == (400, "INVALID_PARAMETER")


# ---------------------------------------------------------------- idempotency


def test_same_out_biz_no_same_body_returns_the_first_answer(book: VoucherBook) -> None:
    activity_id = active(book, quantity=5)
    request = send(activity_id)
    first = book.apply("send", request)
    again = book.apply("send", dict(reversed(list(request.items()))))  # key order is no change
    assert again.result == first.result and again.events == ()
    assert book.query(activity_id)["summary"]["publish_count"] == 1
    created = body("same")
    assert book.apply("create", created).result == book.apply("create", created).result
    assert len(book.activities) == 2


def test_same_out_biz_no_different_body_is_refused(book: VoucherBook) -> None:
    activity_id = active(book)
    request = send(activity_id)
    book.apply("send", request)
    with pytest.raises(GatewayError, match="already used") as info:
        book.apply("send", {**request, "user_id": "2088000000000002"})
    assert (info.value.status, info.value.code) == (400, "INVALID_PARAMETER")
    assert book.query(activity_id)["summary"]["publish_count"] == 1


def test_out_biz_no_is_scoped_per_operation(book: VoucherBook) -> None:
    activity_id = str(book.apply("create", body("shared")).result["activity_id"])
    book.apply("publish", {"activity_id": activity_id, "out_biz_no": "shared"})
    book.apply("stop", {"activity_id": activity_id, "out_biz_no": "shared"})


def test_a_refused_call_is_not_remembered(book: VoucherBook) -> None:
    activity_id = active(book, quantity=1)
    book.apply("send", send(activity_id))
    retry = send(activity_id, "2088000000000002")
    assert refusal(book, "send", retry) == (400, "BUDGET_NOT_ENOUGH")
    book.apply("append", {"activity_id": activity_id, "out_biz_no": "more", "voucher_quantity": 2})
    assert "voucher_id" in book.apply("send", retry).result


# ---------------------------------------------------------------- counters and user events


def test_counters_and_user_events(book: VoucherBook) -> None:
    activity_id = active(book)
    vouchers = [
        book.apply("send", send(activity_id, f"208800000000000{i}")).result["voucher_id"]
        for i in range(3)
    ]
    used = book.use(vouchers[0])
    expired = book.expire(vouchers[1])
    assert used.msg_method.endswith(".used") and used.biz_content["voucher_id"] == vouchers[0]
    assert expired.biz_content["user_id"] == "2088000000000001"
    query = book.query(activity_id)
    assert query["summary"] == {"publish_count": 3, "used_count": 1}
    assert query["voucher_inventory_info"] == {"send_count": 3, "use_count": 1}
    with pytest.raises(ValueError):
        book.use(vouchers[0])
    with pytest.raises(KeyError):
        book.use("nope")


def test_messages_carry_ids_times_and_out_biz_no(book: VoucherBook, clock: Clock) -> None:
    created = book.apply("create", body()).result["activity_id"]
    outcome = book.apply("publish", {"activity_id": created, "out_biz_no": "pub-7"})
    (event,) = outcome.events
    assert event.msg_method == "alipay.marketing.activity.message.created"
    assert event.biz_content["out_biz_no"] == "pub-7"
    assert event.biz_content["activity_id"] == created
    assert event.biz_content["event_time"] == str(int(clock.now.timestamp() * 1000))
    (received,) = book.apply("send", send(created, out_biz_no="s-7")).events
    assert received.biz_content["receive_user_id"] == "2088000000000001"
    assert received.biz_content["out_biz_no"] == "s-7"
    assert received.biz_content["id"] != event.biz_content["id"]


def test_query_needs_a_known_activity(book: VoucherBook) -> None:
    for activity_id in (None, "", "nope"):
        with pytest.raises(GatewayError):
            book.query(activity_id)
