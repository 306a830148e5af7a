"""Open enums: named known codes, and unknown codes that still pass through.

Alipay adds codes without notice (a new voucher type, a new error code), and most coded
fields of this API are free strings whose values come from prose or related APIs. A
closed enum would turn every such addition into a parse failure, so each code set is an
:class:`OpenEnum`: the known values are members, and any other string becomes a
pseudo-member of the same class that compares equal to its string and serialises back to
exactly that string.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterable
from typing import Any, TypeVar

from ._unset import UNSET, Unset
from ._values import InvalidValue

__all__ = ["OpenEnum", "coerce_either_enum", "coerce_enum", "coerce_enum_list"]

E = TypeVar("E", bound="OpenEnum")
F = TypeVar("F", bound="OpenEnum")

# Pseudo-members are cached so that repeated unknown codes are the same object (cheap
# identity checks, stable ids). The cap keeps a misbehaving peer from growing it forever.
_PSEUDO_CACHE_LIMIT = 256
_pseudo: dict[type[Any], dict[str, Any]] = {}
_pseudo_lock = threading.Lock()


class OpenEnum(str, enum.Enum):
    """A ``str`` enum that accepts values it does not know.

    ``VoucherType("NEW_TYPE")`` returns a pseudo-member instead of raising; its
    :attr:`is_known` is ``False``. Members (known or not) are ``str`` instances equal to
    their value, hash like their value and print as their value.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        text = str.__str__(value)
        cache = _pseudo.get(cls)
        if cache is not None:
            member = cache.get(text)
            if member is not None:
                return member
        member = str.__new__(cls, text)
        member._name_ = text
        member._value_ = text
        with _pseudo_lock:
            cache = _pseudo.setdefault(cls, {})
            if len(cache) < _PSEUDO_CACHE_LIMIT:
                member = cache.setdefault(text, member)
        return member

    @property
    def is_known(self) -> bool:
        """Whether this value is one of the codes this SDK version knows about."""
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return str(self._value_)

    def __format__(self, format_spec: str) -> str:
        return format(str(self._value_), format_spec)

    def __hash__(self) -> int:
        return hash(self._value_)

    def __repr__(self) -> str:
        if self.is_known:
            return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"
        return f"{type(self).__name__}({self._value_!r})"


def _enum_problem(cls: type[OpenEnum], value: object) -> InvalidValue:
    known = ", ".join(m.value for m in cls)
    return InvalidValue(
        f"expected a {cls.__name__} or a string (known values: {known}), "
        f"got {type(value).__name__} {value!r}"
    )


def coerce_enum(cls: type[E], value: E | str | Unset | None) -> E | Unset | None:
    """Turn a string into a member of ``cls``; ``None`` and ``UNSET`` pass through."""
    if type(value) is cls or value is UNSET or value is None:
        return value
    if isinstance(value, str):
        member = cls._value2member_map_.get(value)
        if member is None:
            return cls(str.__str__(value))
        return member  # type: ignore[return-value]
    raise _enum_problem(cls, value)


def coerce_enum_list(
    cls: type[E], value: Iterable[E | str] | Unset | None
) -> list[E] | Unset | None:
    """Like :func:`coerce_enum` for a list of codes; a bare string is refused."""
    if value is UNSET or value is None:
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise InvalidValue(
            f"expected a list of {cls.__name__} values, got {type(value).__name__} {value!r}"
        )
    return [coerce_enum(cls, item) for item in value]  # type: ignore[misc]


def coerce_either_enum(
    specific: type[E], common: type[F], value: E | F | str | Unset | None
) -> E | F | Unset | None:
    """Coerce an error ``code`` that may belong to either of two code sets.

    An error body is either a platform error (kebab-case codes such as
    ``invalid-signature``) or an API business error (UPPER_SNAKE such as
    ``INVALID_PARAMETER``). Known codes go to the set that lists them; an unknown code goes
    to the platform set when it looks like a platform code (has a lower-case letter or a
    dash), otherwise to the API-specific set.
    """
    if value is UNSET or value is None or type(value) is specific or type(value) is common:
        return value
    if not isinstance(value, str):
        raise _enum_problem(specific, value)
    text = str.__str__(value)
    member: Any = specific._value2member_map_.get(text)
    if member is None:
        member = common._value2member_map_.get(text)
    if member is None:
        looks_common = "-" in text or text != text.upper()
        member = common(text) if looks_common else specific(text)
    return member  # type: ignore[no-any-return]
