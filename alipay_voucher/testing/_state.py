"""Voucher activities as the sandbox keeps them: the lifecycle, the counters, idempotency.

Pure state, no HTTP and no event loop. Each operation takes the decoded request body
and returns an :class:`Outcome` (the answer plus the messages it triggers) or raises a
:class:`GatewayError` with the operation's own error code. Keeping it free of I/O lets
tests drive the rules directly and keeps the HTTP layer a thin adapter.

Idempotency follows the API's promise for ``out_biz_no``: within one operation, the same
number with the same body returns the first *successful* answer again and changes
nothing (no second voucher, no second message); the same number with a different body
is refused with ``INVALID_PARAMETER``. A refused call is not remembered, so repeating it
after the cause is gone (e.g. ``BUDGET_NOT_ENOUGH`` before an append) can succeed.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import random
import string
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._generated_operations import OPERATIONS, WRITES
from ..rules import first_refusal
from ._errors import GatewayError, invalid_parameter
from ._rules import (
    BEIJING,
    merge_modification,
    period_key,
    read_send_rule,
    set_quantity,
)

__all__ = [
    "MESSAGE_PREFIX",
    "STATUS_ACTIVE",
    "STATUS_STOPPED",
    "STATUS_WAITING",
    "Activity",
    "Answered",
    "Event",
    "Outcome",
    "Voucher",
    "VoucherBook",
]

MESSAGE_PREFIX = "alipay.marketing.activity.message."

# The spec names ACTIVE (and PAUSE, which no API here sets); the other two codes come
# from the related older marketing API (MODELS section 2) and are the sandbox's choice.
STATUS_WAITING = "WAIT_ACTIVE"
STATUS_ACTIVE = "ACTIVE"
STATUS_STOPPED = "FINISHED"

_REQUEST_ONLY = ("out_biz_no", "merchant_access_mode")
_PRECHARGE = ("RECAHRGE", "RECHARGE")  # the spec's own spelling first


@attrs.frozen
class Event:
    """A message the gateway will push: ``msg_method`` and its ``biz_content``."""

    msg_method: str
    biz_content: dict[str, Any]


@attrs.frozen
class Outcome:
    result: dict[str, Any]
    events: tuple[Event, ...] = ()


@attrs.define
class Voucher:
    voucher_id: str
    activity_id: str
    user_field: str
    """``user_id`` or ``open_id``: how the recipient was named in ``send``."""
    user: str
    received_at: _dt.datetime
    status: str = "RECEIVED"


@attrs.define
class Activity:
    activity_id: str
    config: dict[str, Any]
    """The create body (request-only fields aside), with modify/append applied."""
    status: str = STATUS_WAITING
    vouchers: list[Voucher] = attrs.Factory(list)
    claims: dict[tuple[str, str], list[_dt.datetime]] = attrs.Factory(dict)
    issued_by_day: Counter[tuple[int, ...]] = attrs.Factory(Counter)

    @property
    def used_count(self) -> int:
        return sum(1 for voucher in self.vouchers if voucher.status == "USED")


@attrs.define
class Answered:
    """The first successful answer to an ``out_biz_no``, and the request it answered."""

    fingerprint: str
    result: dict[str, Any]


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _enforce_rules(operation: str, body: Mapping[str, Any]) -> None:
    """Refuse, as Alipay does (400 and the documented code), a request that breaks any
    rule of the shared set, including those the client leaves to the gateway."""
    found = first_refusal(operation, body, client=False)
    if found is not None:
        refusal = found[1]
        raise GatewayError(400, refusal.code, str(refusal))


def _text(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise invalid_parameter(f"{field} is required")
    return value


class VoucherBook:
    """Every activity and voucher of one sandbox app.

    ``clock`` returns the current time (aware); tests move it to open or close the
    issuance window without waiting.
    """

    def __init__(
        self, *, clock: Callable[[], _dt.datetime] = _utc_now, seed: int | None = None
    ) -> None:
        self.clock = clock
        self.activities: dict[str, Activity] = {}
        self.vouchers: dict[str, Voucher] = {}
        self._done: dict[tuple[str, str], Answered] = {}
        self._random = random.Random(seed)
        self._serial = 0
        # One handler per writing operation of the table: a new one in the spec fails
        # here, loudly, until the sandbox learns it.
        self._handlers: dict[str, Callable[[Mapping[str, Any]], Outcome]] = {
            name: getattr(self, f"_{name}") for name in sorted(WRITES)
        }

    # ------------------------------------------------------------------ operations

    def apply(self, operation: str, body: Mapping[str, Any]) -> Outcome:
        """Run one mutating operation with ``out_biz_no`` idempotency, once the request
        has passed every documented rule (:mod:`alipay_voucher.rules`)."""
        handler = self._handlers[operation]
        _enforce_rules(operation, body)
        out_biz_no = _text(body, "out_biz_no")
        fingerprint = json.dumps(body, sort_keys=True, ensure_ascii=False)
        done = self._done.get((operation, out_biz_no))
        if done is not None:
            if done.fingerprint != fingerprint:
                raise invalid_parameter(
                    f"out_biz_no {out_biz_no!r} was already used for a {operation} request "
                    "with different parameters; a new request needs a new out_biz_no"
                )
            return Outcome(copy.deepcopy(done.result))
        outcome = handler(body)
        self._done[(operation, out_biz_no)] = Answered(fingerprint, copy.deepcopy(outcome.result))
        return outcome

    def query(self, activity_id: str | None) -> dict[str, Any]:
        """The configuration as created (and modified) plus status and exact counters."""
        _enforce_rules("query", {} if activity_id is None else {"activity_id": activity_id})
        activity = self._activity(_text({"activity_id": activity_id}, "activity_id"))
        answer = {k: v for k, v in activity.config.items() if k not in _REQUEST_ONLY}
        sent, used = len(activity.vouchers), activity.used_count
        answer.update(
            activity_id=activity.activity_id,
            activity_status=activity.status,
            summary={"publish_count": sent, "used_count": used},
            voucher_inventory_info={"send_count": sent, "use_count": used},
            audit_result_info={"audit_type": "UNIFY_ACCESS_CHECK", "audit_result": "APPROVE"},
        )
        return copy.deepcopy(answer)

    def use(self, voucher_id: str) -> Event:
        """Redeem a voucher, as a user paying with it would (no API does this)."""
        voucher = self._received_voucher(voucher_id)
        voucher.status = "USED"
        return self._user_event("used", voucher)

    def expire(self, voucher_id: str) -> Event:
        """Let a voucher expire now, as its validity ending would."""
        voucher = self._received_voucher(voucher_id)
        voucher.status = "EXPIRED"
        return self._user_event("expired", voucher)

    # ------------------------------------------------------------------ handlers

    def _create(self, body: Mapping[str, Any]) -> Outcome:
        config = copy.deepcopy(dict(body))
        read_send_rule(config)
        voucher_type = config.get("voucher_type")
        if voucher_type is not None and not isinstance(voucher_type, str):
            raise invalid_parameter("voucher_type must be a string such as FIX_VOUCHER")
        activity_id = self._new_id(digits=20)
        self.activities[activity_id] = Activity(activity_id, config)
        return Outcome({"activity_id": activity_id})

    def _publish(self, body: Mapping[str, Any]) -> Outcome:
        activity = self._activity(_text(body, "activity_id"))
        if activity.status == STATUS_ACTIVE:
            raise GatewayError(400, "BIZ_ERROR", "the activity is already active")
        if activity.status == STATUS_STOPPED:
            raise GatewayError(400, "BIZ_ERROR", "a stopped activity cannot be published")
        activity.status = STATUS_ACTIVE
        return Outcome(self._recharge(activity), (self._activity_event("publish", activity, body),))

    def _send(self, body: Mapping[str, Any]) -> Outcome:
        activity = self._activity(_text(body, "activity_id"))
        field = "user_id" if "user_id" in body else "open_id"  # the rules let one through
        user = body[field]
        if not isinstance(user, str):
            raise invalid_parameter(f"{field} must be a string")
        if activity.status == STATUS_STOPPED:
            raise GatewayError(400, "ACTIVITY_IS_STOPED", "the activity has been stopped")
        if activity.status != STATUS_ACTIVE:
            raise GatewayError(400, "ACTIVITY_NOT_ACTIVE", "the activity has not been published")
        rule = read_send_rule(activity.config)
        now = self.clock()
        if now < rule.start:
            raise GatewayError(400, "ACTIVITY_NOT_START", "the issuance window has not opened yet")
        if now > rule.end:
            raise GatewayError(400, "ACTIVITY_IS_END", "the issuance window has closed")
        if len(activity.vouchers) >= rule.quantity:
            raise GatewayError(
                400, "BUDGET_NOT_ENOUGH", f"all {rule.quantity} vouchers have been issued"
            )
        today = period_key("DAY", now)
        for limit, source in rule.daily_max:
            if activity.issued_by_day[today] >= limit:
                raise GatewayError(
                    400,
                    "BUDGET_NOT_ENOUGH",
                    f"today's {limit} vouchers have been issued ({source})",
                )
        claims = activity.claims.setdefault((field, user), [])
        for user_limit in rule.user_limits:
            current = period_key(user_limit.period, now)
            taken = sum(1 for t in claims if period_key(user_limit.period, t) == current)
            if taken >= user_limit.limit:
                raise GatewayError(
                    400,
                    "COUNT_OVER_LIMIT",
                    f"this user already received {taken} of {user_limit.limit} allowed per "
                    f"{user_limit.period} ({user_limit.field})",
                )
        voucher = Voucher(self._new_voucher_id(), activity.activity_id, field, user, now)
        activity.vouchers.append(voucher)
        claims.append(now)
        activity.issued_by_day[today] += 1
        self.vouchers[voucher.voucher_id] = voucher
        event = self._user_event("received", voucher, out_biz_no=body["out_biz_no"])
        return Outcome({"voucher_id": voucher.voucher_id}, (event,))

    def _modify(self, body: Mapping[str, Any]) -> Outcome:
        activity = self._activity(_text(body, "activity_id"))
        if activity.status == STATUS_STOPPED:
            raise invalid_parameter("a stopped activity cannot be modified")
        changes = {k: v for k, v in body.items() if k not in ("activity_id", *_REQUEST_ONLY)}
        if not changes:
            raise invalid_parameter("the request changes nothing")
        config = merge_modification(activity.config, changes)
        before, after = read_send_rule(activity.config), read_send_rule(config)
        if after.quantity != before.quantity:
            raise invalid_parameter("modify cannot change the total quantity; use append")
        if after.start != before.start:
            raise invalid_parameter("modify cannot move publish_start_time")
        activity.config = config
        return Outcome({}, (self._activity_event("modify", activity, body),))

    def _append(self, body: Mapping[str, Any]) -> Outcome:
        activity = self._activity(_text(body, "activity_id"))
        quantity: int = body["voucher_quantity"]  # an integer in range: the rules checked it
        if activity.status != STATUS_ACTIVE:
            raise invalid_parameter("only an active (published, not stopped) activity can grow")
        current = read_send_rule(activity.config).quantity
        if quantity <= current:
            raise invalid_parameter(
                f"voucher_quantity is the new total and must exceed the current {current}"
            )
        set_quantity(activity.config, quantity)
        return Outcome(self._recharge(activity), (self._activity_event("append", activity, body),))

    def _stop(self, body: Mapping[str, Any]) -> Outcome:
        activity = self._activity(_text(body, "activity_id"))
        if activity.status == STATUS_STOPPED:
            raise invalid_parameter("the activity is already stopped")
        activity.status = STATUS_STOPPED
        return Outcome({}, (self._activity_event("stop", activity, body),))

    # ------------------------------------------------------------------ helpers

    def _activity(self, activity_id: str) -> Activity:
        activity = self.activities.get(activity_id)
        if activity is None:
            raise invalid_parameter(f"activity {activity_id!r} does not exist")
        return activity

    def _received_voucher(self, voucher_id: str) -> Voucher:
        voucher = self.vouchers.get(voucher_id)
        if voucher is None:
            raise KeyError(f"no voucher {voucher_id!r}")
        if voucher.status != "RECEIVED":
            raise ValueError(f"voucher {voucher_id!r} is already {voucher.status}")
        return voucher

    def _recharge(self, activity: Activity) -> dict[str, Any]:
        budgets = (
            activity.config.get("voucher_budget_info"),
            activity.config.get("voucher_budget_supply_info"),
        )
        if any(isinstance(b, dict) and b.get("budget_type") in _PRECHARGE for b in budgets):
            return {
                "recharge_url": "https://sandbox.invalid/coupon/templatepayment.htm"
                f"?activity_id={activity.activity_id}"
            }
        return {}

    def _event_base(self, kind: str, activity_id: str) -> dict[str, Any]:
        self._serial += 1
        return {
            "id": f"{kind}_{activity_id}{self._serial:06d}",
            "activity_id": activity_id,
            "event_time": str(int(self.clock().timestamp() * 1000)),
        }

    def _activity_event(self, operation: str, activity: Activity, body: Mapping[str, Any]) -> Event:
        """The message that confirms ``operation`` (named by the operation table)."""
        msg_method = OPERATIONS[operation].confirmed_by
        if msg_method is None:
            raise ValueError(f"the spec names no message confirming {operation}")
        content = self._event_base(msg_method.rsplit(".", 1)[-1], activity.activity_id)
        content["out_biz_no"] = body["out_biz_no"]
        return Event(msg_method, content)

    def _user_event(self, kind: str, voucher: Voucher, *, out_biz_no: str | None = None) -> Event:
        content = self._event_base(kind, voucher.activity_id)
        content["voucher_id"] = voucher.voucher_id
        if kind == "received":
            user_key = "receive_user_id" if voucher.user_field == "user_id" else "open_id"
        else:
            user_key = voucher.user_field
        content[user_key] = voucher.user
        if out_biz_no is not None:
            content["out_biz_no"] = out_biz_no
        return Event(MESSAGE_PREFIX + kind, content)

    def _new_id(self, *, digits: int) -> str:
        self._serial += 1
        day = self.clock().astimezone(BEIJING).strftime("%Y%m%d")
        return f"{day}{self._serial:0{digits}d}"

    def _new_voucher_id(self) -> str:
        tail = "".join(self._random.choices(string.ascii_uppercase + string.digits, k=4))
        return self._new_id(digits=16) + tail
