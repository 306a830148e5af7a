"""What one voucher operation is: the row type of the generated operation table.

The rows themselves live in :mod:`alipay_voucher._generated_operations`, written by
``tools/gen_models.py`` from the OpenAPI spec, so the path, the method and the models of
each operation are stated once and read by everyone who needs them: the clients, the
request checks, the sandbox's routing and the command line. This module only says what a
row holds and how to reach its models without importing them before they are needed.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Generic, TypeVar

__all__ = ["Operation"]

_Request = TypeVar("_Request")
_Response = TypeVar("_Response")


class Operation(Generic[_Request, _Response]):
    """One operation of the voucher API, as the spec describes it; read-only.

    The type parameters are the request and response models, for type checkers; at run
    time the models are named by ``request_model`` and ``response_model`` and imported
    by :attr:`request_type` and :attr:`response_type` on first use, so reading the table
    costs no model import. A plain class (not attrs): the command line reads the table
    to build its parser, and should start without importing attrs.

    Attributes:
        name: The short name (``create``): the last part of the spec's ``operationId``.
        summary: The spec's one-line summary, for help texts.
        method: The HTTP method (``POST`` or ``GET``).
        path: The request path (``/v3/...``): the one place the package states it.
        fields: The request's top-level JSON members in spec order (for a ``GET``, its
            query-string parameters, in the order Java's generated client sends them).
        request_model: The request model's name in :mod:`alipay_voucher.models`
            (``query``: its query parameters, which the spec does not make a schema).
        response_model: The name of the model of the HTTP 200 body.
        writes: Whether the call changes state: then it is sent with an ``out_biz_no``,
            retried only with that key, and a doubtful answer is an unknown outcome.
        guaranteed: The answer field a success must carry (``activity_id`` of
            ``create``): without it the client raises ``OutcomeUnknownError``, so the
            response model types it ``str``.
        confirmed_by: The ``msg_method`` of the message that confirms the change, for an
            operation whose answer only says it was accepted (``publish`` ->
            ``alipay.marketing.activity.message.created``).
        error_codes: The operation's own business error codes, in the order of its error
            schema (the platform's codes, common to every API, are not repeated).
    """

    __slots__ = (
        "confirmed_by",
        "error_codes",
        "fields",
        "guaranteed",
        "method",
        "name",
        "path",
        "request_model",
        "response_model",
        "summary",
        "writes",
    )

    name: str
    summary: str
    method: str
    path: str
    fields: tuple[str, ...]
    request_model: str
    response_model: str
    writes: bool
    guaranteed: str | None
    confirmed_by: str | None
    error_codes: tuple[str, ...]

    def __init__(
        self,
        *,
        name: str,
        summary: str,
        method: str,
        path: str,
        fields: tuple[str, ...],
        request_model: str,
        response_model: str,
        writes: bool,
        guaranteed: str | None,
        confirmed_by: str | None,
        error_codes: tuple[str, ...],
    ) -> None:
        values = {
            "name": name,
            "summary": summary,
            "method": method,
            "path": path,
            "fields": tuple(fields),
            "request_model": request_model,
            "response_model": response_model,
            "writes": writes,
            "guaranteed": guaranteed,
            "confirmed_by": confirmed_by,
            "error_codes": tuple(error_codes),
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"the operation table is read-only ({self.name}.{name})")

    def __repr__(self) -> str:
        return f"Operation({self.method} {self.name}, writes={self.writes})"

    @property
    def request_type(self) -> type[_Request]:
        """The request model, imported by the first call that needs it."""
        request_type: type[_Request] = getattr(_models(), self.request_model)
        return request_type

    @property
    def response_type(self) -> type[_Response]:
        """The response model, imported by the first call that needs it."""
        response_type: type[_Response] = getattr(_models(), self.response_model)
        return response_type


def _models() -> ModuleType:
    """``alipay_voucher.models``, imported on first use (it is read on every call, where
    an import statement would go through the import machinery each time)."""
    module = sys.modules.get(_MODELS)
    if module is None:
        from . import models

        module = models
    return module


_MODELS = f"{__package__}.models"
