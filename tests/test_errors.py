"""The exception tree: one base for errors about an answer, and every error picklable.

A multiprocessing worker or a task queue pickles the error a call ended with; an error
that cannot be rebuilt crashes the worker instead of reporting the failure.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from typing import Any

import pytest

import alipay_voucher
from alipay_voucher.errors import (
    AlipayError,
    AnswerError,
    APIError,
    DecryptionError,
    ErrorLink,
    MalformedResponseError,
    OutcomeUnknownError,
    SignatureVerificationError,
    TransportError,
    TransportTimeoutError,
)

# A value per constructor parameter, by name; any other parameter gets one by its type.
_SAMPLES: dict[str, Any] = {
    "message": "it went wrong",
    "status": 502,
    "code": "bad-gateway",
    "trace_id": "trace-1",
    "request_id": "request-1",
    "body": b'{"code":"bad-gateway"}',
    "headers": {"alipay-trace-id": "trace-1"},
    "links": (ErrorLink("https://example.invalid/help", "help"),),
    "verified": True,
    "out_biz_no": "biz-1",
    "attempts": 3,
    "field": "fix_voucher.amount",
    "notification": {"notify_id": "n-1"},
}
_BY_TYPE: dict[str, Any] = {"str": "sample", "int": 7, "float": 1.5, "bytes": b"b", "bool": True}


def _error_classes() -> list[type[AlipayError]]:
    for module in pkgutil.walk_packages(alipay_voucher.__path__, "alipay_voucher."):
        if ".testing" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: list[type[AlipayError]] = []
    pending: list[type[AlipayError]] = [AlipayError]
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.append(cls)
            pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _parameters(cls: type[AlipayError]) -> dict[str, inspect.Parameter]:
    try:
        parameters = dict(inspect.signature(cls).parameters)
    except ValueError:  # Exception's own constructor: one message
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        return {"message": inspect.Parameter("message", kind, annotation="str")}
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()) and cls is not AnswerError:
        # **answer: passed on to AnswerError
        for name, parameter in _parameters(AnswerError).items():
            parameters.setdefault(name, parameter)
    return parameters


def _sample(cls: type[AlipayError]) -> AlipayError:
    arguments: dict[str, Any] = {}
    positional: list[Any] = []
    for name, parameter in _parameters(cls).items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in _SAMPLES:
            value = _SAMPLES[name]
        else:
            annotation = str(parameter.annotation)
            kinds = [v for k, v in _BY_TYPE.items() if k in annotation.split(" | ")]
            assert kinds, f"add a sample value for {cls.__name__}({name}: {annotation})"
            value = kinds[0]
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            positional.append(value)
        else:
            arguments[name] = value
    return cls(*positional, **arguments)


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__qualname__)
def test_every_error_pickles_with_its_fields(cls: type[AlipayError]) -> None:
    error = _sample(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert copy.args == error.args and str(copy) == str(error)
    assert vars(copy) == vars(error)
    for name in _parameters(cls):
        if name in _SAMPLES and name != "message":
            assert getattr(copy, name) == _SAMPLES[name], name


def test_the_tree_walk_finds_the_errors_of_every_module() -> None:
    names = {cls.__name__ for cls in _error_classes()}
    assert {"OutcomeUnknownError", "StaleAnswerError", "TransportTimeoutError"} <= names


@pytest.mark.parametrize(
    "cls",
    [
        APIError,
        SignatureVerificationError,
        MalformedResponseError,
        DecryptionError,
        TransportError,
        TransportTimeoutError,
        OutcomeUnknownError,
    ],
)
def test_errors_about_an_answer_share_one_base_with_its_facts(cls: type[AlipayError]) -> None:
    assert issubclass(cls, AnswerError)
    error = _sample(cls)
    assert isinstance(error, AnswerError)
    assert (error.status, error.code, error.trace_id, error.request_id, error.body) == (
        502,
        "bad-gateway",
        "trace-1",
        "request-1",
        b'{"code":"bad-gateway"}',
    )


def test_unknown_facts_are_none() -> None:
    error = TransportError("could not connect")
    assert (error.status, error.code, error.trace_id, error.request_id, error.body) == (
        None,
        None,
        None,
        None,
        b"",
    )


def test_an_api_error_keeps_its_description_and_hint_after_pickling() -> None:
    error = APIError(status=401, code="invalid-signature", message="bad", trace_id="t")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and "Hint:" in str(copy) and "trace_id=t" in str(copy)
    assert copy.hint == error.hint is not None
