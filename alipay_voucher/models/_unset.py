"""The "not set" marker.

JSON has two ways of saying nothing: leaving a key out and sending ``null``. Alipay treats
them differently (an omitted field keeps its current value on ``modify``; ``null`` may
clear it or be refused), so a model needs a value that means "leave the key out" and is
distinct from ``None``, ``0``, ``False`` and ``""``. ``UNSET`` is that value.

It is the single member of an enum so that type checkers narrow ``T | Unset`` with
``if value is not UNSET:``, and so that copy and pickle give back the same object.
"""

from __future__ import annotations

import enum

__all__ = ["UNSET", "Unset"]


class Unset(enum.Enum):
    """Type of :data:`UNSET`; a field typed ``T | Unset`` may be left out of the JSON."""

    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    __str__ = __repr__


UNSET = Unset.UNSET
