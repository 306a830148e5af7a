"""Date-times: ``yyyy-MM-dd HH:mm:ss`` strings on the wire, aware ``datetime`` in Python.

The API never states a timezone; its strings carry none and are Beijing wall-clock time
by Alipay convention (UTC+8, no daylight saving). A naive ``datetime`` says nothing about
its zone, and sending one as Beijing time moved campaigns by hours on servers whose clock
is UTC, so:

* a naive ``datetime`` is refused, with the fix in the message;
* an aware ``datetime`` is converted to Beijing time, then sent without offset;
* a string must have the wire shape (it is Beijing time by definition) and is sent as it
  is; microseconds cannot be expressed and are dropped;
* a wire string read from Alipay becomes an aware ``datetime`` in :data:`BEIJING`; a
  string of any other shape in an answer is kept as it is, so an unexpected format from a
  newer API version survives a round trip instead of failing the parse.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ._unset import UNSET, Unset
from ._values import InvalidValue

__all__ = [
    "BEIJING",
    "DateTimeInput",
    "coerce_datetime",
    "datetime_to_str",
    "is_wire_datetime",
    "parse_wire_datetime",
]

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
"""The fixed UTC+8 offset the wire format is read in (China has no daylight saving)."""

DateTimeInput = datetime | str | Unset | None
"""What a date-time field accepts when a model is built."""

WIRE_FORMAT = "yyyy-MM-dd HH:mm:ss"
"""The wire format, as Alipay's documentation writes it."""

_WIRE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\Z").match

NAIVE_FIX = (
    "a naive datetime has no timezone, so the moment it means is unknown; give an aware "
    "one such as datetime.now(BEIJING) (from alipay_voucher.models import BEIJING) or "
    f"datetime.now(timezone.utc), or the text '{WIRE_FORMAT}', which is Beijing time"
)


def is_wire_datetime(text: str) -> bool:
    """Whether ``text`` is a real moment written ``yyyy-MM-dd HH:mm:ss``."""
    return not isinstance(parse_wire_datetime(text), str)


def parse_wire_datetime(text: str) -> datetime | str:
    """``"2017-01-01 00:00:01"`` -> that moment in :data:`BEIJING`; any other shape is
    returned unchanged.

    Only the exact wire shape is parsed, so formatting the result gives back ``text``.
    """
    if _WIRE_SHAPE(text):
        try:
            return datetime.fromisoformat(text).replace(tzinfo=BEIJING)
        except ValueError:  # right shape, impossible date such as 2017-02-30
            return text
    return text


def coerce_datetime(value: Any, field: str) -> datetime | str | Unset | None:
    """Accept an aware ``datetime`` or a string for a date-time field (see the module
    notes); a string of another shape is kept here, and refused when a request is
    checked before signing."""
    if type(value) is str:
        return parse_wire_datetime(value)
    if value is UNSET or value is None:
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidValue(f"got the naive datetime {value!r}; {NAIVE_FIX}", field=field)
        return value
    if isinstance(value, str):
        return parse_wire_datetime(str.__str__(value))
    if isinstance(value, date):
        raise InvalidValue(
            f"got the date {value!r}; give an aware datetime, for example "
            f"datetime({value.year}, {value.month}, {value.day}, tzinfo=BEIJING)",
            field=field,
        )
    raise InvalidValue(
        f"expected an aware datetime or a '{WIRE_FORMAT}' string, "
        f"got {type(value).__name__} {value!r}",
        field=field,
    )


def datetime_to_str(value: datetime) -> str:
    """Format for the wire in Beijing time, without offset and without microseconds.

    A naive ``datetime`` (one that reached ``extra`` without passing a model's checks) is
    refused here too: nothing leaves without a known zone.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"got the naive datetime {value!r}; {NAIVE_FIX}")
    return value.astimezone(BEIJING).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
