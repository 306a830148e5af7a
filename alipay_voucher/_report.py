"""What the transport tells the world about each attempt: log lines and hook events.

One :class:`Attempt` record is made per finished attempt; the log line and the
:class:`~alipay_voucher.ResponseEvent` are both read off it, so they cannot disagree
about the status, trace id, latency or what happens next.
"""

from __future__ import annotations

import logging
from typing import Any

import attrs

from . import protocol
from ._hooks import RequestEvent, ResponseEvent
from ._logging import logger, redact, redact_headers, redact_sign_content
from ._retry import Call, Failure, path_of

__all__ = ["Attempt", "log_attempt", "log_signed", "request_event", "response_event"]


@attrs.define(slots=True)
class Attempt:
    """One finished attempt: the call, what was sent, and how it ended."""

    call: Call
    prepared: protocol.PreparedRequest
    number: int
    """1 for the first attempt, 2 for the first retry, and so on."""
    latency: float
    answer: protocol.VerifiedResponse | None = None
    failure: Failure | None = None
    delay: float | None = None
    """The pause before the next attempt; ``None`` when the call ends with this one."""

    @property
    def status(self) -> int | None:
        source = self.answer if self.answer is not None else self.failure
        return source.status if source is not None else None

    @property
    def trace_id(self) -> str | None:
        source = self.answer if self.answer is not None else self.failure
        return source.trace_id if source is not None else None

    @property
    def outcome(self) -> str:
        """``"ok"``, ``"retry"`` (failed, another attempt follows) or ``"error"``."""
        if self.failure is None:
            return "ok"
        return "retry" if self.delay is not None else "error"


def log_signed(call: Call, prepared: protocol.PreparedRequest) -> None:
    """The exact content signed, for debugging a signature Alipay refuses (opt-in)."""
    content = redact_sign_content(prepared.content_to_sign, app_auth_token=call.app_auth_token)
    logger.debug(
        "signed content for %s %s (request_id=%s):\n%s",
        prepared.method,
        redact(prepared.target),
        prepared.request_id,
        content,
        extra={"alipay_request_id": prepared.request_id, "alipay_sign_content": content},
    )


def log_attempt(attempt: Attempt) -> None:
    """One line per attempt: WARNING for a failure that will be retried, else INFO.

    The final failure is logged at INFO because the caller receives it as an
    exception and decides whether it matters; a handled 4xx is not a warning.
    """
    failure = attempt.failure
    level = logging.WARNING if failure is not None and attempt.delay is not None else logging.INFO
    if not logger.isEnabledFor(level):
        return
    call, prepared = attempt.call, attempt.prepared
    status, trace_id = attempt.status, attempt.trace_id
    path = path_of(prepared.target)
    extra: dict[str, Any] = {
        "alipay_operation": call.operation,
        "alipay_method": prepared.method,
        "alipay_path": path,
        "alipay_status": status,
        "alipay_latency": attempt.latency,
        "alipay_attempt": attempt.number,
        "alipay_request_id": prepared.request_id,
        "alipay_trace_id": trace_id,
        "alipay_out_biz_no": call.out_biz_no,
        "alipay_outcome": attempt.outcome,
    }
    if failure is None:
        logger.info(
            "%s %s -> %s in %.1f ms (attempt %d, request_id=%s, trace_id=%s)",
            prepared.method,
            path,
            status,
            attempt.latency * 1000,
            attempt.number,
            prepared.request_id,
            trace_id,
            extra=extra,
        )
        return
    error = failure.error
    delay = attempt.delay
    extra["alipay_error"] = type(error).__name__
    then = f"retrying in {delay:.3f} s" if delay is not None else "giving up"
    logger.log(
        level,
        "%s %s -> %s in %.1f ms (attempt %d, request_id=%s, trace_id=%s): %s; %s",
        prepared.method,
        path,
        status if status is not None else type(error).__name__,
        attempt.latency * 1000,
        attempt.number,
        prepared.request_id,
        trace_id,
        redact(str(error), secrets=call.secrets),
        then,
        extra=extra,
    )


def request_event(call: Call, prepared: protocol.PreparedRequest, number: int) -> RequestEvent:
    """The event the ``on_request`` hooks get, just before an attempt is sent."""
    return RequestEvent(
        operation=call.operation,
        method=prepared.method,
        path=path_of(prepared.target),
        target=redact(prepared.target),
        attempt=number,
        request_id=prepared.request_id,
        out_biz_no=call.out_biz_no,
        headers=redact_headers(prepared.headers),
        body_size=len(prepared.body),
    )


def response_event(attempt: Attempt) -> ResponseEvent:
    """The event the ``on_response`` hooks get, from the same record as the log line."""
    call, prepared, failure = attempt.call, attempt.prepared, attempt.failure
    return ResponseEvent(
        operation=call.operation,
        method=prepared.method,
        path=path_of(prepared.target),
        target=redact(prepared.target),
        attempt=attempt.number,
        request_id=prepared.request_id,
        out_biz_no=call.out_biz_no,
        status=attempt.status,
        trace_id=attempt.trace_id,
        latency=attempt.latency,
        error=failure.error if failure is not None else None,
        will_retry=attempt.delay is not None,
    )
