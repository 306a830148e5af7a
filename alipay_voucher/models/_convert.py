"""The package's one converter between models and JSON, and its entry points.

``converter`` is a cattrs ``Converter`` so that callers can compose it as usual
(``converter.structure(data, VoucherSendResponse)``, ``converter.unstructure(model)``).
Its hooks for models are the functions compiled per class by :mod:`._codegen`, built on
first use; the functions below call them directly to skip the dispatch, so cattrs is
imported only when ``converter`` itself is first used.

Errors name the dotted path of the offending field. Bad input for a request model raises
:class:`~alipay_voucher.errors.RequestValidationError`; bad input for anything else (a
response or message from Alipay) raises
:class:`~alipay_voucher.errors.MalformedResponseError`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from .._generated_operations import OPERATIONS as _TABLE
from ..errors import MalformedResponseError, RequestValidationError
from ._base import Model, RequestModel, ResponseInfo, ResponseModel
from ._codegen import compiled, explain_structure, explain_unstructure, plain_json
from ._enums import OpenEnum, coerce_enum
from ._money import coerce_money, money_to_str
from ._strict import find_accident
from ._time import datetime_to_str
from .checks import OPERATIONS, check_request

if TYPE_CHECKING:
    import cattrs

    from ._generated import ERROR_TYPES, REQUEST_TYPES, RESPONSE_TYPES

    converter: cattrs.Converter

__all__ = [
    "ERROR_TYPES",
    "OPERATIONS",
    "REQUEST_TYPES",
    "RESPONSE_TYPES",
    "converter",
    "from_json",
    "request_to_json",
    "to_json",
]

M = TypeVar("M", bound=Model)

_set_response_info = ResponseModel.__dict__["_response_info"].__set__


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model)


def _is_open_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, OpenEnum)


def _structure_hook(cls: type[Model]) -> Any:
    def hook(data: Any, _: Any) -> Any:
        return _structure(cls, data)

    return hook


def _unstructure_hook(cls: type[Model]) -> Any:
    return lambda obj: to_json(obj)


def _make_converter() -> cattrs.Converter:
    """The converter for every model of the package (models, open enums, money, times)."""
    import cattrs

    made = cattrs.Converter(detailed_validation=False)
    made.register_structure_hook_factory(_is_model, _structure_hook)
    made.register_unstructure_hook_factory(_is_model, _unstructure_hook)
    made.register_structure_hook_func(_is_open_enum, lambda value, cls: coerce_enum(cls, value))
    made.register_unstructure_hook_func(_is_open_enum, lambda value: value._value_)
    made.register_structure_hook(Decimal, lambda value, _: coerce_money(value, "amount"))
    made.register_unstructure_hook(Decimal, money_to_str)
    made.register_unstructure_hook(datetime, datetime_to_str)
    return made


_converter_lock = threading.Lock()


def _attribute(name: str) -> Any:
    """``converter`` (the package's cattrs converter) is built on first use, the
    registries come from the module of all the models: neither is needed to call the
    API, so neither cattrs nor every model class is imported with this module."""
    if name == "converter":
        with _converter_lock:
            if "converter" not in globals():
                globals()["converter"] = _make_converter()
        return globals()["converter"]
    if name in ("ERROR_TYPES", "REQUEST_TYPES", "RESPONSE_TYPES"):
        value = globals()[name] = getattr(_package(), name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if not TYPE_CHECKING:  # hidden from type checkers, which see the declarations above
    __getattr__ = _attribute


_PACKAGE = __name__.rpartition(".")[0]


def _package() -> ModuleType:
    """``alipay_voucher.models``, whose ``__getattr__`` imports a generated model's module
    when one of its names is first used (and keeps the name): the one lazy lookup."""
    return sys.modules[_PACKAGE]


def _request_type(operation: str) -> type[RequestModel] | None:
    """The request model of an operation, its module imported on first use."""
    row = _TABLE.get(operation)
    if row is None:
        return None
    cls: type[RequestModel] = row.request_type  # the table's one lookup of its models
    return cls


def _structure(cls: type[M], data: Any) -> M:
    if type(data) is cls:
        return data
    function = compiled(cls).structure
    try:
        return function(data)  # type: ignore[no-any-return]
    except Exception as error:  # any failure of the fast path: find and name the field
        raise _structure_error(cls, data, error) from error


def _structure_error(cls: type[Model], data: Any, error: Exception) -> Exception:
    found = explain_structure(cls, data)
    path, problem = found if found else ("", str(error) or type(error).__name__)
    if issubclass(cls, RequestModel):
        return RequestValidationError(f"{path}: {problem}" if path else problem, field=path or None)
    where = f"{cls.__name__}.{path}" if path else cls.__name__
    return MalformedResponseError(f"{where}: {problem}")


def from_json(cls: type[M], data: Mapping[str, Any], *, info: ResponseInfo | None = None) -> M:
    """Build a model from parsed JSON; unknown members land in ``extra`` at every level.

    ``info`` attaches the HTTP facts of the exchange to a response model.
    """
    if info is not None and not issubclass(cls, ResponseModel):
        raise TypeError(f"info is only for response models, not {cls.__name__}")
    if info is not None and isinstance(data, Model):
        raise TypeError("from_json got a model instance; info goes with parsed JSON only")
    obj = _structure(cls, data)
    if info is not None:
        _set_response_info(obj, info)
    return obj


def to_json(obj: Model) -> dict[str, Any]:
    """The JSON dict of a model: unset fields left out, ``extra`` written after the rest."""
    try:
        return compiled(type(obj)).unstructure(obj)
    except Exception as error:
        found = explain_unstructure(obj)
        path, problem = found if found else ("", str(error) or type(error).__name__)
        message = f"{path}: {problem}" if path else f"{type(obj).__name__}: {problem}"
        raise RequestValidationError(message, field=path or None) from error


def request_to_json(
    operation: str,
    request: Model | Mapping[str, Any],
    *,
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The checked JSON dict of a request, ready to be serialised and signed.

    ``request`` is the operation's request model or a plain mapping of its JSON fields; a
    mapping is converted to the model first, so it gets the same type checks (a float
    amount is refused either way). A key the model does not know, at any depth, is
    refused with the closest known name (a model's own ``extra`` is sent: that is the
    deliberate way to send a newer field), and so is a text time not written
    ``yyyy-MM-dd HH:mm:ss``. ``defaults``
    fill top-level keys the request leaves out (the client passes a generated
    ``out_biz_no`` this way). Then the checks of :func:`check_request` run.
    """
    cls = _request_type(operation)
    if cls is None:
        raise RequestValidationError(
            f"unknown operation {operation!r}; use one of {', '.join(OPERATIONS)}"
        )
    accident = find_accident(cls, request)
    if accident is not None:
        path, problem = accident
        raise RequestValidationError(f"{path}: {problem}", field=path)
    if isinstance(request, cls):
        payload = to_json(request)
    elif type(request) is dict or isinstance(request, Mapping):
        payload = to_json(_structure(cls, request))
    else:
        raise RequestValidationError(
            f"{operation} takes a {cls.__name__} or a mapping of its JSON fields, "
            f"got {type(request).__name__}"
        )
    if defaults:
        for key, value in defaults.items():
            if key not in payload:
                payload[key] = plain_json(value)
    check_request(operation, payload)
    return payload
