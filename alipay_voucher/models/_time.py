"""Date-times: ``yyyy-MM-dd HH:mm:ss`` strings on the wire, ``datetime`` in Python.

The API never states a timezone; its strings carry none and are Beijing wall-clock time
by Alipay convention (UTC+8, no daylight saving). So:

* a naive ``datetime`` is sent as it is, taken to be Beijing time;
* an aware ``datetime`` is first converted to Beijing time, then sent without offset;
* microseconds cannot be expressed and are dropped;
* a string that has exactly the wire shape becomes a naive ``datetime`` (and is sent back
  unchanged); any other string is kept and sent verbatim, so an unexpected format from a
  newer API version survives a round trip instead of failing the parse.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ._unset import UNSET, Unset
from ._values import InvalidValue

__all__ = ["BEIJING", "DateTimeInput", "coerce_datetime", "datetime_to_str", "parse_wire_datetime"]

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
"""The fixed UTC+8 offset the wire format is read in (China has no daylight saving)."""

DateTimeInput = datetime | str | Unset | None
"""What a date-time field accepts when a model is built."""

_WIRE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\Z").match


def parse_wire_datetime(text: str) -> datetime | str:
    """``"2017-01-01 00:00:01"`` -> ``datetime``; any other shape is returned unchanged.

    Only the exact wire shape is parsed, so formatting the result gives back ``text``.
    """
    if _WIRE_SHAPE(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:  # right shape, impossible date such as 2017-02-30
            return text
    return text


def coerce_datetime(value: Any, field: str) -> datetime | str | Unset | None:
    """Accept a ``datetime`` or a string for a date-time field (see the module notes)."""
    if type(value) is str:
        return parse_wire_datetime(value)
    if value is UNSET or value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_wire_datetime(str.__str__(value))
    if isinstance(value, date):
        raise InvalidValue(
            f"got the date {value!r}; give a datetime (Beijing time), for example "
            f"datetime({value.year}, {value.month}, {value.day}, 0, 0, 0)",
            field=field,
        )
    raise InvalidValue(
        f"expected a datetime or a 'yyyy-MM-dd HH:mm:ss' string, "
        f"got {type(value).__name__} {value!r}",
        field=field,
    )


def datetime_to_str(value: datetime) -> str:
    """Format for the wire in Beijing time, without offset and without microseconds."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(BEIJING).replace(tzinfo=None)
    elif value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="seconds")
