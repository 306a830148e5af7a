"""Money: ``Decimal`` in Python, a decimal string of CNY yuan on the wire.

Every amount in this API is a JSON string such as ``"9.99"``. A binary float cannot hold
most such values exactly, so a float is refused outright instead of being rounded
somewhere out of sight; ``int``, ``str`` and ``Decimal`` are accepted. Nothing is ever
rounded: an amount is sent with at least two decimals (``Decimal("10")`` -> ``"10.00"``)
and with every further digit it has, and the request checks decide whether more than two
decimals are allowed for a field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ._unset import UNSET, Unset
from ._values import InvalidValue

__all__ = ["MoneyInput", "coerce_money", "is_amount", "money_to_str"]

MoneyInput = Decimal | int | str | Unset | None
"""What a money field accepts when a model is built."""

_AMOUNT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")
is_amount = _AMOUNT.match
"""Whether a string is a plain decimal amount (what ``Decimal`` should be given)."""


def coerce_money(value: Any, field: str) -> Decimal | Unset | None:
    """Convert an amount given as ``Decimal``, ``int`` or ``str``; refuse anything else."""
    kind = type(value)
    if kind is Decimal:
        if value.is_finite():
            return value  # type: ignore[no-any-return]
        raise InvalidValue(f"{value!r} is not an amount", field=field)
    if value is UNSET or value is None:
        return value
    if kind is str:
        if is_amount(value):
            return Decimal(value)
        raise InvalidValue(f"{value!r} is not a decimal amount; write it like '9.99'", field=field)
    if isinstance(value, float):
        raise InvalidValue(
            f"got the float {value!r}, which cannot hold money exactly; "
            "use Decimal('9.99') or the string '9.99'",
            field=field,
        )
    if isinstance(value, bool):
        raise InvalidValue(f"got {value!r}, which is not an amount", field=field)
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return coerce_money(Decimal(value), field)
    if isinstance(value, str):
        return coerce_money(str.__str__(value), field)
    raise InvalidValue(
        f"got {type(value).__name__} {value!r}; use Decimal('9.99') or the string '9.99'",
        field=field,
    )


def money_to_str(value: Decimal) -> str:
    """Format an amount with at least two decimals and every digit it has."""
    text = format(value, "f")
    dot = text.find(".")
    if dot < 0:
        return text + ".00"
    if len(text) - dot == 2:
        return text + "0"
    return text
