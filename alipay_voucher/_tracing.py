"""OpenTelemetry spans for the client: one per call, one per attempt.

Imported only by a client made with ``tracing=``, so a program that never asks for
tracing never imports OpenTelemetry. The attributes are read off the same
:class:`~alipay_voucher._report.Attempt` record as the log line and the hook events, so
the three cannot disagree. What a span may carry is listed here and nothing else: the
operation, the HTTP method, the path (user ids masked), the status, the attempt number,
Alipay's trace id, the request id, the ``out_biz_no`` (user ids masked) and the outcome;
never a header, a body, a token or a user id.

Attribute names follow OpenTelemetry's HTTP conventions where one fits
(``http.request.method``, ``http.response.status_code``, ``url.path``, ``error.type``,
``http.request.resend_count``) and are ``alipay.*`` otherwise.
"""

from __future__ import annotations

import asyncio
from contextvars import Token

from opentelemetry import context, trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider

from . import __version__
from ._logging import redact
from ._report import Attempt
from ._retry import Call, path_of
from .errors import OutcomeUnknownError

__all__ = ["AttemptTrace", "CallTrace", "Tracing"]

_SCOPE = "alipay_voucher"


class Tracing:
    """The tracer of one client (and its copies); see the module docstring."""

    def __init__(self, provider: TracerProvider | None = None) -> None:
        self._tracer = trace.get_tracer(_SCOPE, __version__, tracer_provider=provider)

    def begin_call(self, call: Call) -> CallTrace:
        """Start the call's span and make it the current one until :meth:`CallTrace.end`."""
        path = redact(path_of(call.target), secrets=call.secrets)
        attributes: dict[str, str | int] = {
            "alipay.operation": call.operation or "request",
            "http.request.method": call.method,
            "url.path": path,
        }
        if call.out_biz_no:
            attributes["alipay.out_biz_no"] = redact(call.out_biz_no, secrets=call.secrets)
        span = self._tracer.start_span(
            f"alipay_voucher {call.operation or call.method + ' ' + path}",
            kind=SpanKind.INTERNAL,
            attributes=attributes,
        )
        return CallTrace(self._tracer, span, f"{call.method} {path}", attributes)


class CallTrace:
    """The span of one call, current while the call runs, and its attempts' spans."""

    __slots__ = ("_attempt_name", "_attributes", "_last", "_span", "_token", "_tracer")

    def __init__(
        self,
        tracer: trace.Tracer,
        span: Span,
        attempt_name: str,
        attributes: dict[str, str | int],
    ) -> None:
        self._tracer = tracer
        self._span = span
        self._attempt_name = attempt_name
        self._attributes = attributes
        self._last: Attempt | None = None
        self._token = context.attach(trace.set_span_in_context(span))

    def begin_attempt(self, number: int) -> AttemptTrace:
        """Start an attempt's span, a child of the call's, current while it is sent (so
        an HTTP client instrumentation nests its own span under it)."""
        attributes = dict(self._attributes)
        attributes["alipay.attempt"] = number
        if number > 1:
            attributes["http.request.resend_count"] = number - 1
        span = self._tracer.start_span(
            self._attempt_name, kind=SpanKind.CLIENT, attributes=attributes
        )
        return AttemptTrace(self, span)

    def end(self, error: BaseException | None = None) -> None:
        """End the call's span with the last attempt's facts and the call's outcome."""
        span, last = self._span, self._last
        try:
            if last is not None:
                span.set_attribute("alipay.attempts", last.number)
                _set_answer_facts(span, last)
            if error is None:
                span.set_attribute("alipay.outcome", "ok")
            else:
                if isinstance(error, asyncio.CancelledError):
                    outcome = "cancelled"
                elif isinstance(error, OutcomeUnknownError):
                    outcome = "outcome_unknown"
                else:
                    outcome = "error"
                span.set_attribute("alipay.outcome", outcome)
                span.set_attribute("error.type", type(error).__name__)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        finally:
            context.detach(self._token)
            span.end()


class AttemptTrace:
    """The span of one attempt; ended with the attempt's record."""

    __slots__ = ("_call", "_span", "_token")

    def __init__(self, call: CallTrace, span: Span) -> None:
        self._call = call
        self._span = span
        self._token: Token[Context] | None = context.attach(trace.set_span_in_context(span))

    def sent(self) -> None:
        """The attempt's answer (or failure) is in: its span stops being the current one."""
        if self._token is not None:
            context.detach(self._token)
            self._token = None

    def end(self, record: Attempt) -> None:
        """End the span with what the attempt's record says."""
        self.sent()
        span = self._span
        _set_answer_facts(span, record)
        span.set_attribute("alipay.outcome", record.outcome)
        if record.delay is not None:
            span.set_attribute("alipay.retry_delay", record.delay)
        failure = record.failure
        if failure is not None:
            name = type(failure.error).__name__
            span.set_attribute("error.type", name)
            span.set_status(Status(StatusCode.ERROR, name))
        self._call._last = record
        span.end()

    def abandon(self, error: BaseException) -> None:
        """The attempt ended without a record (cancelled, or the signer raised)."""
        self.sent()
        span = self._span
        outcome = "cancelled" if isinstance(error, asyncio.CancelledError) else "error"
        span.set_attribute("alipay.outcome", outcome)
        span.set_attribute("error.type", type(error).__name__)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        span.end()


def _set_answer_facts(span: Span, record: Attempt) -> None:
    span.set_attribute("alipay.request_id", record.prepared.request_id)
    status = record.status
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    trace_id = record.trace_id
    if trace_id is not None:
        span.set_attribute("alipay.trace_id", trace_id)
