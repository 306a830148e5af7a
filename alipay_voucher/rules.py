"""The documented business rules of the voucher API: one set, for the client and the sandbox.

The spec marks no request field as required and carries no length, range or pattern
keyword; the rules live in its prose (the ``x-zh`` texts and descriptions) and in
``spec/MODELS.md``. They are written down once, here, as plain data and small functions
over the JSON dict of a request, so that:

* the client's checks (:func:`alipay_voucher.models.check_request`) refuse before signing
  what Alipay would surely refuse: the rules whose ``client`` flag is set, those the
  spec's own text states;
* the sandbox enforces every rule, including those known only from related APIs or
  inferred from practice, and answers as Alipay does (HTTP 400 ``INVALID_PARAMETER``
  with a message naming the field), so a test that passes against the sandbox fails for
  the same reasons production would.

Each rule names its source. Values the spec leaves open (``voucher_type``: custom types
exist) stay open. Rules that need an activity's state (append only grows, modify only
widens) belong to the sandbox's lifecycle, not here. Nothing here imports beyond the
standard library, attrs and the generated operation table: the module is data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ._generated_operations import OPERATIONS as _TABLE
from ._generated_operations import WRITES

__all__ = [
    "ACTIVITY_STATUSES",
    "INVALID_PARAMETER",
    "MAX_QUANTITY",
    "MAX_WINDOW",
    "MUTATING_OPERATIONS",
    "OPERATIONS",
    "PERIODS",
    "RULES",
    "TIME_FORMAT",
    "Refusal",
    "Rule",
    "first_refusal",
    "parse_wire_time",
    "refusals",
]

OPERATIONS: tuple[str, ...] = tuple(_TABLE)
"""Every operation's name, from the generated table."""
MUTATING_OPERATIONS: frozenset[str] = WRITES
"""The operations that change state, from the generated table."""

INVALID_PARAMETER = "INVALID_PARAMETER"
"""The business code every voucher operation documents for a bad request (MODELS 3)."""

MAX_QUANTITY = 99_999_999
"""PaymentVoucherSendRule.voucher_quantity x-zh: 1 to 99999999; AppendModel likewise."""

MAX_WINDOW = timedelta(days=180)
"""CreateModel.publish_end_time x-zh: at most 180 days after publish_start_time."""

ACTIVITY_STATUSES = (
    "INIT",
    "P_AUDIT",
    "AUDIT",
    "WAIT_ACTIVE",
    "ACTIVE",
    "PAUSE",
    "FINISHED",
    "DISCARD",
)
"""The values ``activity_status`` can take. The spec names ACTIVE and PAUSE; the others are
those of the related older marketing API (MODELS 2), the sandbox uses WAIT_ACTIVE (created,
not yet published) and FINISHED (stopped)."""

PERIODS = ("DAY", "WEEK", "MONTH", "LIFE_CYCLE")
"""Per-user period types (x-known-values of the *_period_type fields; MODELS 2)."""

MAX_OUT_BIZ_NO = 64
"""StopModel.out_biz_no prose starts with "64"; merchant-voucher docs: string[0,64]."""

MAX_ACTIVITY_NAME = 20
"""Merchant-voucher (商家券) create docs: activity_name string[0,20] (a related API)."""

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_USER_ID = re.compile(r"2088[0-9]{12}\Z")


@attrs.frozen
class Refusal:
    """Why a request is refused: the dotted path of the field and what to do about it."""

    field: str | None
    message: str
    code: str = INVALID_PARAMETER

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


Check = Callable[[Mapping[str, Any]], "Refusal | None"]


@attrs.frozen
class Rule:
    """One documented rule: where it applies, where it is written, who enforces it."""

    name: str
    operations: frozenset[str]
    source: str
    client: bool
    """The client refuses it before signing (the spec's own text states it); the
    sandbox enforces every rule."""
    check: Check = attrs.field(repr=False)


# --------------------------------------------------------------------------- helpers


def _dig(payload: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or ``None`` when any step is missing or not an object."""
    node: Any = payload
    for key in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_wire_time(value: Any) -> datetime | None:
    """A ``yyyy-MM-dd HH:mm:ss`` string as a naive Beijing wall time, else ``None``."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        return None


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _one_of(field: str, value: Any, allowed: tuple[str, ...]) -> Refusal | None:
    if value is None or value in allowed:
        return None
    return Refusal(field, f"{value!r} is not one of {', '.join(allowed)}")


# --------------------------------------------------------------------------- checks


def _needed_text(key: str, fix: str) -> Check:
    """A check that ``key`` holds a non-blank string; ``fix`` says what to give."""

    def check(payload: Mapping[str, Any]) -> Refusal | None:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return None
        state = "missing" if key not in payload else f"{value!r}"
        return Refusal(key, f"is {state}; {fix}")

    return check


_out_biz_no = _needed_text(
    "out_biz_no",
    "the call needs an idempotency key: a unique string per business request (for example "
    "uuid.uuid4().hex), reused only to retry that same request",
)
_activity_id = _needed_text("activity_id", "give the activity_id that create returned")


def _out_biz_no_length(payload: Mapping[str, Any]) -> Refusal | None:
    value = payload.get("out_biz_no")
    if isinstance(value, str) and len(value) > MAX_OUT_BIZ_NO:
        return Refusal("out_biz_no", f"is {len(value)} characters; at most {MAX_OUT_BIZ_NO}")
    return None


def _recipient(payload: Mapping[str, Any]) -> Refusal | None:
    given = [key for key in ("user_id", "open_id") if key in payload]
    for key in given:
        if _missing(payload[key]):
            state = "null" if payload[key] is None else "empty"
            return Refusal(key, f"is {state}; give the recipient's id or leave the field out")
    if len(given) == 2:
        return Refusal(
            "user_id",
            "give exactly one of user_id and open_id, not both; keep the one your app "
            "obtained (open_id for apps that received open ids)",
        )
    if not given:
        return Refusal(
            "user_id",
            "send needs a recipient: give exactly one of user_id (2088 and 12 digits) or open_id",
        )
    return None


def _user_id(payload: Mapping[str, Any]) -> Refusal | None:
    value = payload.get("user_id")
    if value is None or (isinstance(value, str) and _USER_ID.match(value)):
        return None
    return Refusal(
        "user_id",
        f"{value!r} is not an Alipay user id: a string of 2088 and 12 more digits "
        "(an app-scoped id goes in open_id)",
    )


def _append_quantity(payload: Mapping[str, Any]) -> Refusal | None:
    value = payload.get("voucher_quantity")
    fix = (
        "it is the new TOTAL number of vouchers after the append (not the increment), "
        f"a positive integer of at most {MAX_QUANTITY}"
    )
    if value is None:
        return Refusal("voucher_quantity", f"is missing; {fix}")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_QUANTITY:
        return Refusal("voucher_quantity", f"got {value!r}; {fix}")
    return None


def _issuance_quantity(payload: Mapping[str, Any]) -> Refusal | None:
    for path in (
        "voucher_send_rule.voucher_quantity",
        "voucher_send_mode_info.voucher_send_rule_info.quantity",
    ):
        value = _dig(payload, path)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
            return Refusal(path, f"got {value!r}; the total is an integer from 1 to {MAX_QUANTITY}")
    return None


_FACE_VALUES = (
    ("voucher_use_rule.fix_voucher.amount", Decimal("0.1"), Decimal("3000")),
    ("voucher_deduct_info.fix_voucher_info.amount", None, None),
)


def _face_value(payload: Mapping[str, Any]) -> Refusal | None:
    for path, lowest, highest in _FACE_VALUES:
        raw = _dig(payload, path)
        if raw is None:
            continue
        amount = _amount(raw)
        if amount is None:
            return Refusal(path, f"{raw!r} is not an amount; write it like '9.99'")
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            return Refusal(
                path,
                f"{raw} has more than 2 decimals, and CNY amounts stop at the fen: "
                "round it yourself, for example Decimal('9.99')",
            )
        if amount <= 0:
            return Refusal(path, f"{raw} must be greater than 0: it is the amount taken off")
        if (lowest is not None and amount < lowest) or (highest is not None and amount > highest):
            return Refusal(
                path,
                f"{raw} is outside the face values the spec allows here: give an amount "
                f"from {lowest} to {highest} yuan",
            )
    return None


def _within_floor(payload: Mapping[str, Any]) -> Refusal | None:
    for prefix in ("voucher_use_rule.fix_voucher", "voucher_deduct_info.fix_voucher_info"):
        amount, floor = (
            _amount(_dig(payload, prefix + ".amount")),
            _dig(payload, prefix + ".floor_amount"),
        )
        threshold = None if _missing(floor) else _amount(floor)
        if amount is not None and threshold is not None and threshold > 0 and amount > threshold:
            return Refusal(
                prefix + ".amount",
                f"{amount} is more than the floor_amount {threshold}: the voucher would take "
                "off more than the smallest order it applies to; lower the amount or raise "
                "the floor",
            )
    return None


def _publish_window(payload: Mapping[str, Any]) -> Refusal | None:
    for prefix in ("", "voucher_send_mode_info.voucher_send_rule_info."):
        start_field, end_field = prefix + "publish_start_time", prefix + "publish_end_time"
        raw_start, raw_end = _dig(payload, start_field), _dig(payload, end_field)
        for field, raw in ((start_field, raw_start), (end_field, raw_end)):
            if raw is not None and parse_wire_time(raw) is None:
                return Refusal(field, f"{raw!r} is not a time written 'yyyy-MM-dd HH:mm:ss'")
        start, end = parse_wire_time(raw_start), parse_wire_time(raw_end)
        if start is None or end is None:
            continue
        if end <= start:
            return Refusal(end_field, f"{raw_end} must be later than {start_field} {raw_start}")
        if end - start > MAX_WINDOW:
            return Refusal(
                end_field, f"the issuance window may be at most 180 days; {raw_start} to {raw_end}"
            )
    return None


_PERIOD = "voucher_use_rule.voucher_valid_period"


def _validity(payload: Mapping[str, Any]) -> Refusal | None:
    period = _dig(payload, _PERIOD)
    if not isinstance(period, Mapping):
        return None
    kind = period.get("type")
    if kind == "ABSOLUTE":
        for name in ("valid_begin_time", "valid_end_time"):
            if _missing(period.get(name)):
                return Refusal(f"{_PERIOD}.{name}", "is required when type is ABSOLUTE")
    elif kind == "RELATIVE":
        days = period.get("valid_days_after_receive")
        if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
            return Refusal(
                f"{_PERIOD}.valid_days_after_receive",
                f"got {days!r}; with type RELATIVE give the number of days (> 0) a voucher "
                "stays valid",
            )
    elif kind is not None:
        return _one_of(f"{_PERIOD}.type", kind, ("ABSOLUTE", "RELATIVE"))
    return None


def _valid_after_issuance(payload: Mapping[str, Any]) -> Refusal | None:
    valid_end = parse_wire_time(_dig(payload, _PERIOD + ".valid_end_time"))
    publish_end = parse_wire_time(payload.get("publish_end_time"))
    if valid_end is not None and publish_end is not None and valid_end <= publish_end:
        return Refusal(
            f"{_PERIOD}.valid_end_time",
            "must be later than publish_end_time: a voucher issued on the last day must "
            "still be usable",
        )
    return None


def _self_link(payload: Mapping[str, Any]) -> Refusal | None:
    if _dig(payload, "voucher_use_rule.use_mode") == "SELF_LINK" and _missing(
        _dig(payload, "voucher_use_rule.use_url")
    ):
        return Refusal(
            "voucher_use_rule.use_url",
            "is required when use_mode is SELF_LINK: the Alipay mini-program link to open",
        )
    return None


def _recharge(payload: Mapping[str, Any]) -> Refusal | None:
    budget = _dig(payload, "voucher_budget_info")
    if not isinstance(budget, Mapping):
        return None
    if budget.get("budget_type") == "RECAHRGE" and budget.get("recharge_info") is None:
        return Refusal(
            "voucher_budget_info.recharge_info",
            "is required for a pre-charged budget (budget_type RECAHRGE): who pays it in",
        )
    info = budget.get("recharge_info")
    if (
        isinstance(info, Mapping)
        and info.get("recharge_type") == "ALIPAY_BALANCE"
        and info.get("alipay_balance_recharge_info") is None
    ):
        return Refusal(
            "voucher_budget_info.recharge_info.alipay_balance_recharge_info",
            "is required when recharge_type is ALIPAY_BALANCE: the paying account",
        )
    return None


def _fix_voucher(payload: Mapping[str, Any]) -> Refusal | None:
    if payload.get("voucher_type") != "FIX_VOUCHER":
        return None
    if _dig(payload, "voucher_use_rule.fix_voucher") is None and (
        _dig(payload, "voucher_deduct_info.fix_voucher_info") is None
    ):
        return Refusal(
            "voucher_use_rule.fix_voucher",
            "is required for voucher_type FIX_VOUCHER: the face value (amount) and the "
            "optional floor_amount (or voucher_deduct_info.fix_voucher_info)",
        )
    return None


def _goods_exclusive(payload: Mapping[str, Any]) -> Refusal | None:
    rule = payload.get("voucher_use_rule")
    if (
        isinstance(rule, Mapping)
        and rule.get("available_goods")
        and rule.get("unavailable_goods_ids")
    ):
        return Refusal(
            "voucher_use_rule.unavailable_goods_ids",
            "cannot be given with available_goods: name the goods it applies to or those "
            "it does not, not both",
        )
    return None


_NEEDED_ON_CREATE = (
    ("voucher_type", ("voucher_type",), "the voucher type, such as FIX_VOUCHER"),
    (
        "publish_start_time",
        ("publish_start_time", "voucher_send_mode_info.voucher_send_rule_info.publish_start_time"),
        "the start of the issuance window",
    ),
    (
        "publish_end_time",
        ("publish_end_time", "voucher_send_mode_info.voucher_send_rule_info.publish_end_time"),
        "the end of the issuance window",
    ),
    (
        "voucher_budget_info",
        ("voucher_budget_info", "voucher_budget_supply_info"),
        "a budget (voucher_budget_info or voucher_budget_supply_info)",
    ),
    (
        "voucher_use_rule",
        ("voucher_use_rule", "voucher_deduct_info"),
        "the discount (voucher_use_rule or voucher_deduct_info)",
    ),
    (
        "voucher_send_rule",
        ("voucher_send_rule", "voucher_send_mode_info"),
        "the issuance rules (voucher_send_rule or voucher_send_mode_info)",
    ),
)


def _needed_on_create(payload: Mapping[str, Any]) -> Refusal | None:
    for field, paths, what in _NEEDED_ON_CREATE:
        if all(_missing(_dig(payload, path)) for path in paths):
            return Refusal(field, f"is missing; create needs {what}")
    return None


_CLOSED_SETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("merchant_access_mode", ("SELF_MODE", "AGENCY_MODE")),
    ("voucher_budget_info.budget_type", ("NO_CASH", "RECAHRGE")),
    ("voucher_budget_info.recharge_info.recharge_type", ("ALIPAY_BALANCE",)),
    ("voucher_use_rule.use_mode", ("CAN_USE", "SELF_LINK")),
    ("voucher_send_rule.voucher_quantity_limit_per_user_period_type", PERIODS),
    ("voucher_use_rule.voucher_quantity_limit_per_user_period_type", PERIODS),
    (
        "voucher_send_mode_info.voucher_send_rule_info.quantity_limit_per_user_period_type",
        PERIODS,
    ),
)


def _closed_sets(payload: Mapping[str, Any]) -> Refusal | None:
    for path, allowed in _CLOSED_SETS:
        found = _one_of(path, _dig(payload, path), allowed)
        if found:
            return found
    return None


def _activity_name(payload: Mapping[str, Any]) -> Refusal | None:
    for path in ("activity_name", "activity_base_info.activity_name"):
        value = _dig(payload, path)
        if isinstance(value, str) and len(value) > MAX_ACTIVITY_NAME:
            return Refusal(
                path,
                f"is {len(value)} characters; at most {MAX_ACTIVITY_NAME} (merchant-side name)",
            )
    return None


# --------------------------------------------------------------------------- the set

_WRITES = MUTATING_OPERATIONS
_ON_ACTIVITY = frozenset(OPERATIONS) - {"create"}
_CREATE = frozenset({"create"})


def _rule(name: str, operations: frozenset[str], source: str, client: bool, check: Check) -> Rule:
    return Rule(name, operations, source, client, check)


RULES: tuple[Rule, ...] = (
    _rule("out_biz_no needed", _WRITES, "MODELS 2 Idempotency; 3.1-3.6 needed", True, _out_biz_no),
    _rule(
        "out_biz_no <= 64",
        _WRITES,
        "StopModel.out_biz_no prose '64'; MODELS 1",
        False,
        _out_biz_no_length,
    ),
    _rule("activity_id needed", _ON_ACTIVITY, "MODELS 3.2-3.7 needed", True, _activity_id),
    _rule(
        "one recipient",
        frozenset({"send"}),
        "SendModel.user_id/open_id; MODELS 3.3",
        True,
        _recipient,
    ),
    _rule(
        "user_id 2088+12 digits",
        frozenset({"send"}),
        "SendModel.user_id; MODELS 1 Identifiers",
        True,
        _user_id,
    ),
    _rule(
        "append total 1..99999999",
        frozenset({"append"}),
        "AppendModel.voucher_quantity x-zh",
        True,
        _append_quantity,
    ),
    _rule(
        "create needs its parts", _CREATE, "MODELS 3.1 needed in practice", False, _needed_on_create
    ),
    _rule(
        "quantity 1..99999999",
        _CREATE,
        "PaymentVoucherSendRule.voucher_quantity x-zh",
        True,
        _issuance_quantity,
    ),
    _rule(
        "face value 0.1..3000, 2 decimals",
        _CREATE,
        "PaymentFixVoucher.amount x-zh; MODELS 1 Money",
        True,
        _face_value,
    ),
    _rule(
        "amount <= floor_amount",
        _CREATE,
        "PaymentFixVoucher.floor_amount x-zh (threshold)",
        False,
        _within_floor,
    ),
    _rule(
        "issuance window",
        frozenset({"create"}),
        "CreateModel.publish_end_time x-zh",
        True,
        _publish_window,
    ),
    _rule(
        "validity by type",
        _CREATE,
        "PaymentVoucherValidPeriod.valid_* x-zh; MODELS 2 Validity",
        True,
        _validity,
    ),
    _rule(
        "valid_end_time after publish_end_time",
        _CREATE,
        "PaymentVoucherValidPeriod.valid_end_time x-zh",
        True,
        _valid_after_issuance,
    ),
    _rule(
        "use_url with SELF_LINK", _CREATE, "PaymentVoucherUseRule.use_url x-zh", True, _self_link
    ),
    _rule(
        "recharge_info with pre-charge",
        _CREATE,
        "PaymentVoucherBudgetInfo.recharge_info x-zh-v2; PaymentVoucherRechargeInfo x-zh-v2",
        True,
        _recharge,
    ),
    _rule(
        "fix_voucher with FIX_VOUCHER",
        _CREATE,
        "PaymentVoucherUseRule.fix_voucher x-zh-v2",
        True,
        _fix_voucher,
    ),
    _rule(
        "goods included or excluded",
        _CREATE,
        "PaymentVoucherUseRule.unavailable_goods_ids x-zh",
        True,
        _goods_exclusive,
    ),
    _rule(
        "closed value sets",
        frozenset(OPERATIONS),
        "x-known-values (merchant_access_mode, "
        "budget_type, recharge_type, use_mode, period types); MODELS 2",
        False,
        _closed_sets,
    ),
    _rule(
        "activity_name <= 20",
        frozenset({"create", "modify"}),
        "merchant-voucher create docs string[0,20]",
        False,
        _activity_name,
    ),
)
"""Every rule, in the order they are tried; the first refusal is reported."""


_APPLYING: dict[tuple[str, bool], tuple[Rule, ...]] = {
    (operation, client): tuple(
        rule for rule in RULES if operation in rule.operations and (rule.client or not client)
    )
    for operation in OPERATIONS
    for client in (True, False)
}
"""The rules each operation is checked against, per enforcer, in :data:`RULES` order:
chosen once rather than on every call."""


def refusals(
    operation: str, payload: Mapping[str, Any], *, client: bool
) -> Iterator[tuple[Rule, Refusal]]:
    """Each rule that refuses ``payload`` (the JSON dict, or query parameters); with
    ``client`` only the rules the client enforces."""
    for rule in _APPLYING.get((operation, client), ()):
        found = rule.check(payload)
        if found is not None:
            yield rule, found


def first_refusal(
    operation: str, payload: Mapping[str, Any], *, client: bool
) -> tuple[Rule, Refusal] | None:
    """The first rule that refuses ``payload``, with its refusal, or ``None``."""
    return next(refusals(operation, payload, client=client), None)
