"""Compile one structure and one unstructure function per model class.

A query response holds well over a hundred nested objects, and parsing one is on the
path of every call, so each model gets straight-line code built once, on first use, from
its attrs fields: a dict lookup, a type check that the expected JSON type passes without a
call, and a direct slot store (bypassing ``__init__``, whose converters would redo the
work). Unusual values (``None`` aside) fall back to the same converters ``__init__``
uses, so a model built by hand and one parsed from JSON follow identical rules.

The fast functions assume nothing about their input and may fail with any exception on
bad data; :func:`explain_structure` and :func:`explain_unstructure` then walk the value
again, slowly, to name the offending field.
"""

from __future__ import annotations

import linecache
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from ._base import EMPTY, Model
from ._enums import OpenEnum
from ._money import is_amount, money_to_str
from ._time import datetime_to_str, parse_wire_datetime
from ._unset import UNSET, Unset
from ._values import (
    InvalidValue,
    structure_bool,
    structure_int,
    structure_str,
    structure_str_list,
)

__all__ = ["Compiled", "compiled", "explain_structure", "explain_unstructure", "plain_json"]

StructureFn = Callable[[Any], Any]
UnstructureFn = Callable[[Any], dict[str, Any]]

_SCALAR_STRUCTURE: dict[type, tuple[str, Callable[[Any], Any]]] = {
    str: ("type(v) is str", structure_str),
    int: ("type(v) is int", structure_int),
    bool: ("v is True or v is False", structure_bool),
}


@attrs.frozen
class FieldPlan:
    """How one attrs field maps to and from JSON."""

    name: str
    kind: str  # scalar | convert | model | model_list | str_list
    out: str  # plain | money | datetime | enum | enum_list | model | model_list | list
    target: type[Model] | None = None
    scalar: type | None = None
    converter: Callable[[Any], Any] | None = None
    target_enum: type[OpenEnum] | None = None
    required: bool = False
    """The field has no default: JSON without it (or with ``null``) is refused."""


@attrs.frozen
class Compiled:
    """The compiled functions and the field plans of one model class."""

    cls: type[Model]
    fields: tuple[FieldPlan, ...]
    hidden: tuple[tuple[str, Any], ...]  # fields kept off the wire, with their defaults
    known: frozenset[str]
    structure: StructureFn
    unstructure: UnstructureFn


_compiled: dict[type, Compiled] = {}


def compiled(cls: type[Model]) -> Compiled:
    """The compiled functions of ``cls``, built on first use and cached."""
    result = _compiled.get(cls)
    if result is None:
        result = _compile(cls, ())
    return result


def _members(tp: Any) -> list[Any]:
    """The members of a union annotation, without ``None`` and ``Unset``."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return [arg for arg in typing.get_args(tp) if arg is not type(None) and arg is not Unset]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, OpenEnum)


def _plan(field: attrs.Attribute[Any]) -> FieldPlan:
    plan = _plan_kind(field)
    if field.default is attrs.NOTHING:
        return attrs.evolve(plan, required=True)
    return plan


def _plan_kind(field: attrs.Attribute[Any]) -> FieldPlan:
    members = _members(field.type)
    item: Any = None
    if len(members) == 1 and typing.get_origin(members[0]) is list:
        (item,) = typing.get_args(members[0]) or (Any,)
    if Decimal in members:
        out = "money"
    elif datetime in members:
        out = "datetime"
    elif members and all(_is_enum(m) for m in members):
        out = "enum"
    elif item is not None and _is_enum(item):
        out = "enum_list"
    elif item is not None and _is_model(item):
        out = "model_list"
    elif len(members) == 1 and _is_model(members[0]):
        out = "model"
    elif item is not None:
        out = "list"
    else:
        out = "plain"
    converter = field.converter
    if converter is not None and not callable(converter):  # attrs.Converter instances
        converter = getattr(converter, "converter", None)
    if converter is not None:
        enum = members[0] if out == "enum" and len(members) == 1 else None
        return FieldPlan(field.name, "convert", out, converter=converter, target_enum=enum)
    if out == "model":
        return FieldPlan(field.name, "model", out, target=members[0])
    if out == "model_list":
        return FieldPlan(field.name, "model_list", out, target=item)
    if out == "list" and item is str:
        return FieldPlan(field.name, "str_list", out)
    if len(members) == 1 and members[0] in _SCALAR_STRUCTURE:
        return FieldPlan(field.name, "scalar", out, scalar=members[0])
    raise TypeError(f"{field.name}: no JSON mapping for {field.type!r}; give it a converter")


def _compile(cls: type[Model], stack: tuple[type, ...]) -> Compiled:
    if cls in stack:
        raise TypeError(f"model reference cycle through {cls.__name__}")
    if any(isinstance(f.type, str) for f in attrs.fields(cls)):
        attrs.resolve_types(cls)
    plans: list[FieldPlan] = []
    hidden: list[tuple[str, Any]] = []
    for field in attrs.fields(cls):
        if field.name == "extra":
            continue
        if not field.init or field.metadata.get("wire") is False:
            if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                raise TypeError(f"{field.name}: a field kept off the wire needs a plain default")
            hidden.append((field.name, field.default))
            continue
        plans.append(_plan(field))
    for plan in plans:
        if plan.target is not None and plan.target not in _compiled:
            _compile(plan.target, (*stack, cls))
    known = frozenset(plan.name for plan in plans)
    namespace: dict[str, Any] = {
        "U": UNSET,
        "EMPTY": EMPTY,
        "new": object.__new__,
        "cls": cls,
        "known": known,
        "merge_extra": _merge_extra,
        "money_to_str": money_to_str,
        "datetime_to_str": datetime_to_str,
        "bad_list": _bad_list,
        "Decimal": Decimal,
        "is_amount": is_amount,
        "only_str": frozenset({str}),
        "parse_datetime": parse_wire_datetime,
        "missing": _missing,
    }
    structure = _build_structure(cls, plans, hidden, namespace)
    unstructure = _build_unstructure(cls, plans, namespace)
    result = Compiled(cls, tuple(plans), tuple(hidden), known, structure, unstructure)
    _compiled[cls] = result
    return result


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    for klass in cls.__mro__:
        descriptor = klass.__dict__.get(name)
        if descriptor is not None and hasattr(descriptor, "__set__"):
            return descriptor.__set__  # type: ignore[no-any-return]
    setattr_ = object.__setattr__
    return lambda obj, value: setattr_(obj, name, value)


def _build_structure(
    cls: type[Model],
    plans: list[FieldPlan],
    hidden: list[tuple[str, Any]],
    namespace: dict[str, Any],
) -> StructureFn:
    lines = [
        "def structure(d):",
        "    o = new(cls)",
        "    set_extra(o, EMPTY if known.issuperset(d) else"
        " {k: v for k, v in d.items() if k not in known})",
        "    g = d.get",
    ]
    namespace["set_extra"] = _slot_setter(cls, "extra")
    for index, (name, default) in enumerate(hidden):
        namespace[f"set_h{index}"] = _slot_setter(cls, name)
        namespace[f"default_h{index}"] = default
        lines.append(f"    set_h{index}(o, default_h{index})")
    for index, plan in enumerate(plans):
        setter = f"set_{index}"
        namespace[setter] = _slot_setter(cls, plan.name)
        lines.append(f"    v = g({plan.name!r}, U)")
        if plan.required:
            lines.append(f"    if v is U or v is None: missing({plan.name!r})")
        if plan.kind == "scalar":
            assert plan.scalar is not None
            test, slow = _SCALAR_STRUCTURE[plan.scalar]
            namespace[f"slow_{index}"] = slow
            value = f"v if {test} or v is U else slow_{index}(v)"
        elif plan.kind == "convert":
            # The converter decides; the common shapes are decided inline, identically.
            namespace[f"conv_{index}"] = plan.converter
            if plan.out == "enum" and plan.target_enum is not None:
                namespace[f"members_{index}"] = plan.target_enum._value2member_map_
                value = f"v if v is U else members_{index}.get(v) or conv_{index}(v)"
            elif plan.out == "datetime":
                value = f"v if v is U else parse_datetime(v) if type(v) is str else conv_{index}(v)"
            elif plan.out == "money":
                value = (
                    f"v if v is U else Decimal(v) if type(v) is str and is_amount(v) "
                    f"else conv_{index}(v)"
                )
            else:
                value = f"v if v is U else conv_{index}(v)"
        elif plan.kind == "str_list":
            namespace[f"slow_{index}"] = structure_str_list
            value = (
                f"v if v is U else list(v) if type(v) is list and "
                f"only_str.issuperset(map(type, v)) else slow_{index}(v)"
            )
        elif plan.kind == "model":
            assert plan.target is not None
            namespace[f"sub_{index}"] = _compiled[plan.target].structure
            namespace[f"other_{index}"] = _nested(plan.target)
            value = f"v if v is U else sub_{index}(v) if type(v) is dict else other_{index}(v)"
        else:  # model_list
            assert plan.target is not None
            namespace[f"sub_{index}"] = _compiled[plan.target].structure
            namespace[f"other_{index}"] = _nested(plan.target)
            value = (
                f"v if v is U or v is None else "
                f"[sub_{index}(x) if type(x) is dict else other_{index}(x) for x in v] "
                f"if type(v) is list else bad_list(v)"
            )
        lines.append(f"    {setter}(o, {value})")
    lines.append("    return o")
    return _define(cls, "structure", lines, namespace)  # type: ignore[return-value]


def _build_unstructure(
    cls: type[Model], plans: list[FieldPlan], namespace: dict[str, Any]
) -> UnstructureFn:
    lines = ["def unstructure(o):", "    res = {}"]
    for index, plan in enumerate(plans):
        key = repr(plan.name)
        lines.append(f"    v = o.{plan.name}")
        if plan.out == "plain":
            value = "v"
        elif plan.out == "list":
            value = "v if v is None else list(v)"
        elif plan.out == "money":
            value = "v if v is None else money_to_str(v)"
        elif plan.out == "datetime":
            value = "v if v is None or type(v) is str else datetime_to_str(v)"
        elif plan.out == "enum":
            value = "v if v is None else v._value_"
        elif plan.out == "enum_list":
            value = "v if v is None else [x._value_ for x in v]"
        else:
            assert plan.target is not None
            namespace[f"un_{index}"] = _compiled[plan.target].unstructure
            if plan.out == "model":
                value = f"v if v is None else un_{index}(v)"
            else:
                value = f"v if v is None else [x if x is None else un_{index}(x) for x in v]"
        lines.append(f"    if v is not U: res[{key}] = {value}")
    lines.append("    x = o.extra")
    lines.append("    if x: merge_extra(res, x)")
    lines.append("    return res")
    return _define(cls, "unstructure", lines, namespace)  # type: ignore[return-value]


def _define(cls: type, name: str, lines: list[str], namespace: dict[str, Any]) -> object:
    source = "\n".join(lines) + "\n"
    filename = f"<alipay_voucher {name} {cls.__module__}.{cls.__qualname__}>"
    # Registered with linecache so tracebacks and profilers show the generated lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope = dict(namespace)
    exec(compile(source, filename, "exec"), scope)
    return scope[name]


def _nested(target: type[Model]) -> Callable[[Any], Any]:
    """The slow path of a nested object: ``None``, a ready model, or another mapping."""

    def other(value: Any) -> Any:
        if value is None or type(value) is target:
            return value
        if isinstance(value, Mapping):
            return _compiled[target].structure(value)
        if isinstance(value, target):
            return value
        raise InvalidValue(
            f"expected a JSON object ({target.__name__}), got {type(value).__name__}"
        )

    return other


def _missing(name: str) -> None:
    raise InvalidValue("is required and missing", field=name)


def _bad_list(value: Any) -> Any:
    raise InvalidValue(f"expected a list of objects, got {type(value).__name__}")


def _merge_extra(res: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if key in res:
            raise InvalidValue(
                f"{key!r} is set both as a field and in extra; keep one of them", field=key
            )
        res[key] = plain_json(value)


def plain_json(value: Any) -> Any:
    """A value from ``extra`` as plain JSON; models and money inside are converted too."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, Model):
        return compiled(type(value)).unstructure(value)
    if isinstance(value, OpenEnum):
        return value._value_
    if isinstance(value, Decimal):
        return money_to_str(value)
    if isinstance(value, datetime):
        return datetime_to_str(value)
    if isinstance(value, Mapping):
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(item) for item in value]
    return value


# --------------------------------------------------------------------------- slow paths


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def explain_structure(cls: type[Model], data: Any, path: str = "") -> tuple[str, str] | None:
    """The first ``(dotted path, problem)`` that keeps ``data`` from becoming ``cls``."""
    if not isinstance(data, Mapping):
        return path, f"expected a JSON object ({cls.__name__}), got {type(data).__name__}"
    for plan in compiled(cls).fields:
        where = _join(path, plan.name)
        if plan.required and data.get(plan.name) is None:
            return where, "is required and missing"
        if plan.name not in data:
            continue
        value = data[plan.name]
        if value is None or (plan.target is not None and isinstance(value, plan.target)):
            continue
        try:
            if plan.kind == "model":
                assert plan.target is not None
                found = explain_structure(plan.target, value, where)
                if found:
                    return found
            elif plan.kind == "model_list":
                assert plan.target is not None
                if not isinstance(value, list):
                    return where, f"expected a list of objects, got {type(value).__name__}"
                for index, item in enumerate(value):
                    if item is None or isinstance(item, plan.target):
                        continue
                    found = explain_structure(plan.target, item, f"{where}[{index}]")
                    if found:
                        return found
            elif plan.kind == "convert":
                assert plan.converter is not None
                plan.converter(value)
            elif plan.kind == "str_list":
                structure_str_list(value)
            else:
                assert plan.scalar is not None
                _SCALAR_STRUCTURE[plan.scalar][1](value)
        except InvalidValue as error:
            return where, error.problem
        except (TypeError, ValueError, AttributeError) as error:
            return where, str(error)
    return None


def explain_unstructure(obj: Any, path: str = "") -> tuple[str, str] | None:
    """The first ``(dotted path, problem)`` that keeps ``obj`` from becoming JSON."""
    if not isinstance(obj, Model):
        return path, f"expected a model, got {type(obj).__name__}"
    plan_of = compiled(type(obj))
    for plan in plan_of.fields:
        value = getattr(obj, plan.name)
        if value is UNSET or value is None:
            continue
        where = _join(path, plan.name)
        if plan.out == "model":
            assert plan.target is not None
            if not isinstance(value, plan.target):
                return where, _wrong_nested(plan.target, value)
            found = explain_unstructure(value, where)
            if found:
                return found
        elif plan.out == "model_list":
            assert plan.target is not None
            if not isinstance(value, (list, tuple)):
                return where, f"expected a list of {plan.target.__name__}"
            for index, item in enumerate(value):
                if not isinstance(item, plan.target):
                    return f"{where}[{index}]", _wrong_nested(plan.target, item)
                found = explain_unstructure(item, f"{where}[{index}]")
                if found:
                    return found
        else:
            try:
                _write_value(plan.out, value)
            except InvalidValue as error:
                return where, error.problem
            except (TypeError, ValueError, AttributeError) as error:
                return where, f"cannot be written as JSON ({error})"
    extra_keys = set(obj.extra) & plan_of.known
    for key in sorted(extra_keys):
        if getattr(obj, key) is not UNSET:
            return _join(path, key), "set both as a field and in extra; keep one of them"
    return None


def _write_value(out: str, value: Any) -> Any:
    """One value as the compiled unstructure function would write it."""
    if out == "money":
        return money_to_str(value)
    if out == "datetime":
        return value if type(value) is str else datetime_to_str(value)
    if out == "enum":
        return value._value_
    if out in ("enum_list", "list"):
        return [item._value_ if out == "enum_list" else item for item in value]
    return value


def _wrong_nested(target: type, value: Any) -> str:
    hint = ""
    if isinstance(value, Mapping):
        hint = (
            f"; build {target.__name__}(...) here, or pass the whole request as a plain "
            "mapping of JSON fields"
        )
    return f"expected {target.__name__}, got {type(value).__name__}{hint}"
