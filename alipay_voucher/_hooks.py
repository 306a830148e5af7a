"""Per-attempt hooks, so callers can feed metrics and tracing without wrapping the client.

A hook sees every attempt, retries included, which a wrapper around the public
methods cannot. Events are meant to be exported as they are: header values and the
request-target are redacted and no request body is included. (The one exception is
``ResponseEvent.error``, the real error object, whose ``body`` holds the raw answer.)

Hooks are awaited inline on the client's event loop (for :class:`VoucherClient`, on
whichever thread drives its private loop at that moment), so they should be quick; a
hook that must do slow I/O should hand the event to a queue. A hook that raises is
logged and otherwise ignored: a metrics bug must never turn a voucher that was sent
into an error, nor stop a retry.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import attrs

from ._logging import logger

__all__ = ["Hooks", "RequestEvent", "RequestHook", "ResponseEvent", "ResponseHook"]


@attrs.frozen(kw_only=True)
class RequestEvent:
    """One attempt is about to be sent.

    Attributes:
        operation: ``"create"``, ..., ``"query"``, or ``None`` for :meth:`request`.
        method: The HTTP method.
        path: The request path, without the query.
        target: The request-target as signed (path and query), user ids masked.
        attempt: 1 for the first attempt, 2 for the first retry, and so on.
        request_id: This attempt's ``alipay-request-id``.
        out_biz_no: The idempotency key of a mutating call, else ``None``.
        headers: The request headers, ``Authorization`` and tokens masked.
        body_size: The number of body bytes sent.
    """

    operation: str | None
    method: str
    path: str
    target: str
    attempt: int
    request_id: str
    out_biz_no: str | None
    headers: Mapping[str, str]
    body_size: int


@attrs.frozen(kw_only=True)
class ResponseEvent:
    """One attempt has ended, with an answer or with an error.

    Attributes:
        operation, method, path, target, attempt, request_id, out_biz_no: As in
            :class:`RequestEvent`.
        status: The HTTP status, or ``None`` when no answer arrived.
        trace_id: Alipay's ``alipay-trace-id``, when the answer carried one.
        latency: Seconds from sending to the end of reading the answer.
        error: The error this attempt ended with, ``None`` on success. On a retried
            attempt this error is not raised to the caller.
        will_retry: Whether another attempt follows.
    """

    operation: str | None
    method: str
    path: str
    target: str
    attempt: int
    request_id: str
    out_biz_no: str | None
    status: int | None
    trace_id: str | None
    latency: float
    error: BaseException | None
    will_retry: bool

    @property
    def ok(self) -> bool:
        """The attempt produced a verified answer."""
        return self.error is None


RequestHook = Callable[[RequestEvent], Awaitable[None] | None]
ResponseHook = Callable[[ResponseEvent], Awaitable[None] | None]


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if callable(value):
        return (value,)
    return tuple(value)


# One converter per field, each with the concrete type a caller passes: attrs gives the
# converter's parameter type to ``__init__``, and a generic one left mypy unable to
# accept ``Hooks(on_response=record)``.
def _request_hooks(value: RequestHook | Iterable[RequestHook] | None) -> tuple[RequestHook, ...]:
    return _as_tuple(value)


def _response_hooks(
    value: ResponseHook | Iterable[ResponseHook] | None,
) -> tuple[ResponseHook, ...]:
    return _as_tuple(value)


@attrs.frozen
class Hooks:
    """Callables run around every attempt.

    Each of ``on_request`` and ``on_response`` takes one callable or a sequence of
    them; a callable may be a coroutine function or a plain function::

        async def record(event: ResponseEvent) -> None:
            histogram.observe(event.latency, status=event.status)

        client = AsyncVoucherClient(config, hooks=Hooks(on_response=record))
    """

    on_request: tuple[RequestHook, ...] = attrs.field(default=(), converter=_request_hooks)
    on_response: tuple[ResponseHook, ...] = attrs.field(default=(), converter=_response_hooks)

    def __bool__(self) -> bool:
        return bool(self.on_request or self.on_response)

    async def request(self, event: RequestEvent) -> None:
        for hook in self.on_request:
            await _run(hook, event)

    async def response(self, event: ResponseEvent) -> None:
        for hook in self.on_response:
            await _run(hook, event)


async def _run(hook: Callable[[Any], Any], event: RequestEvent | ResponseEvent) -> None:
    try:
        result = hook(event)
        if inspect.isawaitable(result):
            await result
    except Exception:
        logger.exception(
            "alipay_voucher hook %r raised; the call continues without it",
            getattr(hook, "__qualname__", hook),
        )
