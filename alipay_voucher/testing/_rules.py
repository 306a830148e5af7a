"""The business rules the sandbox reads out of an activity's configuration.

A create body may describe issuance the legacy way (top-level publish window plus
``voucher_send_rule``), the newer way (``voucher_send_mode_info.voucher_send_rule_info``)
or both at once. Both are read, and a value given in both places must agree, so the
sandbox never silently prefers one generation over the other. Only this module knows
where those fields live; the lifecycle code works with :class:`SendRule`.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
from collections.abc import Mapping
from typing import Any

import attrs

from ..rules import MAX_QUANTITY, MAX_WINDOW, PERIODS, TIME_FORMAT
from ._errors import invalid_parameter

__all__ = [
    "BEIJING",
    "MAX_QUANTITY",
    "SendRule",
    "UserLimit",
    "format_time",
    "merge_modification",
    "parse_time",
    "period_key",
    "read_send_rule",
    "set_quantity",
]

BEIJING = _dt.timezone(_dt.timedelta(hours=8), "CST")
"""Alipay's wall-clock times carry no offset; they are Beijing time (UTC+8)."""


# Redemption scopes may only be widened by modify (MODELS 2), exclusions only narrowed.
_WIDEN_ONLY = frozenset(
    {
        "available_app_ids",
        "available_city_codes",
        "available_goods_sku_ids",
        "available_pids",
        "available_real_shop_ids",
        "available_shop_ids",
        "available_smids",
        "available_store_ids",
        "goods_ids",
        "merchant_ids",
    }
)
_NARROW_ONLY = frozenset({"exclude_goods_sku_ids", "exclude_shop_ids"})
# Validity may only be extended.
_EXTEND_ONLY = frozenset({"valid_end_time", "valid_days_after_receive"})


def parse_time(value: object, field: str) -> _dt.datetime:
    """``yyyy-MM-dd HH:mm:ss`` in Beijing time, as an aware datetime."""
    if not isinstance(value, str):
        raise invalid_parameter(f"{field} must be a string 'yyyy-MM-dd HH:mm:ss'")
    try:
        moment = _dt.datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        raise invalid_parameter(
            f"{field} {value!r} is not a time in the format 'yyyy-MM-dd HH:mm:ss'"
        ) from None
    return moment.replace(tzinfo=BEIJING)


def format_time(moment: _dt.datetime) -> str:
    return moment.astimezone(BEIJING).strftime(TIME_FORMAT)


def period_key(period: str, moment: _dt.datetime) -> tuple[int, ...]:
    """Which claim period a moment falls into, by the Beijing calendar."""
    local = moment.astimezone(BEIJING)
    if period == "DAY":
        return (local.year, local.month, local.day)
    if period == "WEEK":
        iso = local.isocalendar()
        return (iso[0], iso[1])
    if period == "MONTH":
        return (local.year, local.month)
    return ()


@attrs.frozen
class UserLimit:
    """At most ``limit`` vouchers per user within each ``period``; ``field`` names its source."""

    limit: int
    period: str
    field: str


@attrs.frozen
class SendRule:
    """What ``send`` enforces, merged from both generations of the configuration."""

    quantity: int
    start: _dt.datetime
    end: _dt.datetime
    user_limits: tuple[UserLimit, ...]
    daily_max: tuple[tuple[int, str], ...]
    """Activity-wide issuance limits per Beijing day, with the field each came from."""


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise invalid_parameter(f"{field} must be a JSON object")
    return value


def _sources(config: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    legacy = _mapping(config.get("voucher_send_rule"), "voucher_send_rule")
    mode = _mapping(config.get("voucher_send_mode_info"), "voucher_send_mode_info")
    newer = _mapping(
        mode.get("voucher_send_rule_info"), "voucher_send_mode_info.voucher_send_rule_info"
    )
    return legacy, newer


_NEWER = "voucher_send_mode_info.voucher_send_rule_info."


def _agreed(field: str, candidates: list[tuple[str, Any]]) -> tuple[str, Any]:
    given = [(name, value) for name, value in candidates if value is not None]
    if not given:
        raise invalid_parameter(
            f"{field} is required: set {' or '.join(name for name, _ in candidates)}"
        )
    first = given[0]
    for name, value in given[1:]:
        if value != first[1]:
            raise invalid_parameter(
                f"{first[0]} ({first[1]!r}) and {name} ({value!r}) disagree; give one of them"
            )
    return first


def _count(value: object, field: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_parameter(f"{field} must be an integer")
    if not minimum <= value <= MAX_QUANTITY:
        raise invalid_parameter(f"{field} must be between {minimum} and {MAX_QUANTITY}")
    return value


def _period(value: object, field: str) -> str:
    if value is None:
        return "LIFE_CYCLE"
    if value not in PERIODS:
        raise invalid_parameter(f"{field} must be one of {', '.join(PERIODS)}")
    return str(value)


def read_send_rule(config: Mapping[str, Any]) -> SendRule:
    """Validate and merge the issuance rules; ``INVALID_PARAMETER`` names what is wrong."""
    legacy, newer = _sources(config)
    name, raw_quantity = _agreed(
        "the total quantity",
        [
            ("voucher_send_rule.voucher_quantity", legacy.get("voucher_quantity")),
            (_NEWER + "quantity", newer.get("quantity")),
        ],
    )
    quantity = _count(raw_quantity, name, minimum=1)
    name, raw_start = _agreed(
        "the issuance start",
        [
            ("publish_start_time", config.get("publish_start_time")),
            (_NEWER + "publish_start_time", newer.get("publish_start_time")),
        ],
    )
    start = parse_time(raw_start, name)
    name, raw_end = _agreed(
        "the issuance end",
        [
            ("publish_end_time", config.get("publish_end_time")),
            (_NEWER + "publish_end_time", newer.get("publish_end_time")),
        ],
    )
    end = parse_time(raw_end, name)
    if end <= start:
        raise invalid_parameter("publish_end_time must be later than publish_start_time")
    if end - start > MAX_WINDOW:
        raise invalid_parameter("the issuance window may be at most 180 days long")

    limits: list[UserLimit] = []
    for prefix, source, limit_key, period_key_name in (
        (
            "voucher_send_rule.",
            legacy,
            "voucher_quantity_limit_per_user",
            "voucher_quantity_limit_per_user_period_type",
        ),
        (_NEWER, newer, "quantity_limit_per_user", "quantity_limit_per_user_period_type"),
    ):
        if source.get(limit_key) is not None:
            limit = _count(source[limit_key], prefix + limit_key, minimum=0)
            period = _period(source.get(period_key_name), prefix + period_key_name)
            if limit:
                limits.append(UserLimit(limit, period, prefix + limit_key))
    for period in ("DAY", "WEEK", "MONTH"):
        key = f"quantity_{period.lower()}_limit_per_user"
        if newer.get(key) is not None:
            limit = _count(newer[key], _NEWER + key, minimum=0)
            if limit:
                limits.append(UserLimit(limit, period, _NEWER + key))

    daily: list[tuple[int, str]] = []
    for prefix, source in (("voucher_send_rule.", legacy), (_NEWER, newer)):
        if source.get("max_quantity_by_day") is not None:
            value = _count(source["max_quantity_by_day"], prefix + "max_quantity_by_day", minimum=0)
            if value:
                daily.append((value, prefix + "max_quantity_by_day"))
    return SendRule(quantity, start, end, tuple(limits), tuple(daily))


def set_quantity(config: dict[str, Any], quantity: int) -> None:
    """Write a new total into every place the configuration holds one."""
    legacy = config.get("voucher_send_rule")
    if isinstance(legacy, dict) and "voucher_quantity" in legacy:
        legacy["voucher_quantity"] = quantity
    mode = config.get("voucher_send_mode_info")
    newer = mode.get("voucher_send_rule_info") if isinstance(mode, dict) else None
    if isinstance(newer, dict) and "quantity" in newer:
        newer["quantity"] = quantity


def _as_list(value: object) -> object:
    # PaymentVoucherUseRuleModify types some id lists as strings holding JSON arrays.
    if isinstance(value, str) and value.startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, list) else value
    return value


def _merge(old: object, new: object, field: str, name: str) -> object:
    if isinstance(old, dict) and isinstance(new, Mapping):
        merged = dict(old)
        for key, value in new.items():
            path = f"{field}.{key}" if field else key
            merged[key] = _merge(old.get(key), value, path, key) if key in old else value
        return merged
    new = _as_list(new)
    if name in _WIDEN_ONLY and isinstance(old, list) and isinstance(new, list):
        missing = [item for item in old if item not in new]
        if missing:
            raise invalid_parameter(f"{field} may only be widened; it would drop {missing}")
    if name in _NARROW_ONLY and isinstance(old, list) and isinstance(new, list):
        added = [item for item in new if item not in old]
        if added:
            raise invalid_parameter(f"{field} may only be narrowed; it would add {added}")
    if name in _EXTEND_ONLY and old is not None:
        later = (
            parse_time(new, field) >= parse_time(old, field)
            if name == "valid_end_time"
            else isinstance(new, int) and isinstance(old, int) and new >= old
        )
        if not later:
            raise invalid_parameter(f"{field} may only be extended (now {old!r})")
    return copy.deepcopy(new)


def merge_modification(config: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration after a ``modify``: nested objects merged, the rest replaced.

    Scopes may only widen and validity may only extend (MODELS section 2); anything else
    is taken as given.
    """
    merged = _merge(copy.deepcopy(dict(config)), changes, "", "")
    assert isinstance(merged, dict)
    return merged
