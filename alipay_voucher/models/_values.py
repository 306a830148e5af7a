"""Checks and conversions for plain JSON values (strings, integers, booleans, lists).

The fast paths in the converter accept the expected JSON type without a call; these
functions handle everything else: ``None``, harmless coercions (an integer given for an
id string), and a clear refusal for the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import RequestValidationError
from ._unset import UNSET, Unset

__all__ = [
    "InvalidValue",
    "coerce_error_links",
    "coerce_json_string_list",
    "structure_bool",
    "structure_int",
    "structure_str",
    "structure_str_list",
]


class InvalidValue(RequestValidationError):
    """A single value was refused; ``problem`` says why without naming the field.

    The converter adds the dotted path of the field when it reports the error, so the same
    check serves a nested model built by hand and a plain mapping of JSON fields.
    """

    def __init__(self, problem: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {problem}" if field else problem, field=field)
        self.problem = problem


def _describe(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def structure_str(value: Any) -> str | None:
    """A JSON string; an integer is accepted for id-like fields and sent as its digits."""
    if value is None:
        return None
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InvalidValue(f"expected a string, got {_describe(value)}")


def structure_int(value: Any) -> int | None:
    """A JSON integer; a string of digits is accepted, floats and booleans are refused."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    raise InvalidValue(f"expected an integer, got {_describe(value)}")


def structure_bool(value: Any) -> bool | None:
    """A JSON boolean; the strings ``"true"`` and ``"false"`` are accepted as well."""
    if value is None or value is True or value is False:
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise InvalidValue(f"expected true or false, got {_describe(value)}")


def structure_str_list(value: Any) -> list[str] | None:
    """A JSON array of strings, copied so the model never shares the caller's list."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if all(type(item) is str for item in value):
            return list(value)
        return [structure_str(item) for item in value]  # type: ignore[misc]
    raise InvalidValue(f"expected a list of strings, got {_describe(value)}")


def coerce_json_string_list(value: str | Sequence[str] | Unset | None) -> str | Unset | None:
    """A field the spec types as a string although it holds a JSON array of ids.

    ``PaymentVoucherUseRuleModify.available_app_ids`` / ``available_store_ids`` are
    ``string`` in the spec while the same fields elsewhere are arrays, and the spec's
    examples are JSON array text (``["2021238412323412"]``). A list is therefore encoded
    as that text; a string is sent as given.
    """
    if value is UNSET or value is None or type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
    raise InvalidValue(f"expected a list of strings or its JSON text, got {_describe(value)}")


def coerce_error_links(
    value: str | Sequence[Mapping[str, Any]] | Unset | None,
) -> str | list[Mapping[str, Any]] | Unset | None:
    """An error body's ``links``: a string per the spec, a list of objects in practice.

    The generated Java/PHP models declare a string, while live answers carry
    ``[{"link": ..., "desc": ...}]`` (see PROTOCOL.md 7.1), so both are kept verbatim.
    """
    if value is UNSET or value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(item, Mapping) for item in value):
        return list(value)
    raise InvalidValue(f"expected a string or a list of objects, got {_describe(value)}")
