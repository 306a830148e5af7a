"""What a request must not carry by accident: unknown keys and text times of another shape.

A plain mapping is the quickest way to write a request, and also the easiest place for a
typo: ``voucher_quantity_limit_per_usr`` would otherwise travel in ``extra`` and be
ignored by Alipay, leaving the per-user limit unset. So every key of a mapping, at any
depth, must be a field of the model it fills; the refusal names the dotted path and the
closest known field. A field newer than this SDK is still sendable, on purpose only,
through a model's ``extra=`` argument (a model built by hand keeps its ``extra``).

Text times are Beijing time by definition, but only in the wire shape
``yyyy-MM-dd HH:mm:ss``; another shape would reach Alipay unread, so it is refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import attrs

from ._base import Model
from ._codegen import FieldPlan, compiled
from ._time import WIRE_FORMAT, is_wire_datetime

__all__ = ["find_accident"]


@attrs.frozen
class _Shape:
    known: frozenset[str]
    nested: tuple[FieldPlan, ...]
    """The fields that hold models or times: the only ones worth a second look."""


_shapes: dict[type, _Shape] = {}


def _shape(cls: type[Model]) -> _Shape:
    shape = _shapes.get(cls)
    if shape is None:
        plans = compiled(cls)
        nested = tuple(
            plan for plan in plans.fields if plan.target is not None or plan.out == "datetime"
        )
        shape = _shapes[cls] = _Shape(plans.known, nested)
    return shape


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _unknown_key(cls: type[Model], key: str, known: frozenset[str], path: str) -> tuple[str, str]:
    where = _join(path, str(key))
    if key == "extra":
        return where, (
            "a mapping has no 'extra'; to send a field this SDK does not know yet, build "
            f"the model with it: {cls.__name__}(..., extra={{'new_field': value}})"
        )
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    return where, (
        f"{cls.__name__} has no field {key!r}{hint} (a field this SDK does not know yet "
        f"is sent only on purpose: {cls.__name__}(..., extra={{{str(key)!r}: value}}))"
    )


def find_accident(cls: type[Model], data: Any, path: str = "") -> tuple[str, str] | None:
    """The first ``(dotted path, problem)`` in request input that was surely not meant.

    ``data`` is a model instance or a mapping of JSON fields (models may sit inside a
    mapping); ``None`` when nothing is wrong.
    """
    shape = _shape(cls)
    is_model = isinstance(data, Model)
    if is_model and not isinstance(data, cls):
        return None  # the wrong model: the converter names the right one
    if not is_model:
        if not isinstance(data, Mapping):
            return None  # the converter reports a wrong type with its own message
        if not shape.known.issuperset(data):
            for key in data:
                if key not in shape.known:
                    return _unknown_key(cls, key, shape.known, path)
    for plan in shape.nested:
        value = getattr(data, plan.name) if is_model else data.get(plan.name)
        if value is None:
            continue
        if plan.out == "datetime":
            if isinstance(value, str) and not is_wire_datetime(value):
                return _join(path, plan.name), (
                    f"{value!r} is not a time written '{WIRE_FORMAT}' (Beijing time); "
                    "write it so, or give an aware datetime"
                )
            continue
        assert plan.target is not None
        if plan.out == "model":
            found = find_accident(plan.target, value, _join(path, plan.name))
            if found:
                return found
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if item is not None:
                    found = find_accident(plan.target, item, f"{_join(path, plan.name)}[{index}]")
                    if found:
                        return found
    return None
