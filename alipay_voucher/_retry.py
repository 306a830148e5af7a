"""Whether, and when, a failed attempt is repeated: pure decisions, no I/O.

Everything here works on plain values (the call, the failure, the policy, the clock
readings the transport passes in), so every rule can be tested without a socket or a
loop. The transport only does what :func:`next_delay` and :func:`final_error` say.

The decision rests on two facts about a failure: is it transient (connection trouble,
a timeout, 429, 5xx), and could Alipay have acted on the request (:class:`Reach`)? A
call that changes state is repeated only when it is idempotent, i.e. carries an
``out_biz_no``; when the last word is "maybe", the caller gets
:class:`~alipay_voucher.errors.OutcomeUnknownError` rather than an error that would
suggest nothing happened.
"""

from __future__ import annotations

import email.utils
import enum
import math
import random
import time
from collections.abc import Callable
from typing import Any

import attrs

from . import protocol
from ._logging import redact
from ._outcome import UNTRUSTED_ANSWER_ERRORS, untrusted_write
from .config import RetryPolicy
from .errors import (
    AlipayError,
    AnswerError,
    APIError,
    OutcomeUnknownError,
    StaleAnswerError,
)

__all__ = [
    "Call",
    "Failure",
    "Reach",
    "failure_from_api_error",
    "final_error",
    "next_delay",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

SHORTEST_WORTHWHILE_ATTEMPT = 0.1
"""Seconds a retry must have left before the deadline (or the call's timeout, if shorter).

A real Alipay round trip takes 10-100 ms; an attempt given less is more likely to end in
a timeout than in an answer, which would replace the informative last error.
"""


class Reach(enum.Enum):
    """Could Alipay have acted on an attempt that brought no usable answer?"""

    NONE = "none"
    """Certainly not: no connection was made, or Alipay refused it unprocessed (429)."""
    MAYBE = "maybe"
    """Perhaps: the request may have been processed (timeout or connection lost after
    sending, a 5xx from Alipay or from a proxy in front of it, an unreadable answer)."""
    ANSWERED = "answered"
    """Alipay gave a definite answer (a 4xx, or a 2xx that could not be used)."""


@attrs.frozen
class Failure:
    """How one attempt went wrong, in the terms the retry decision needs."""

    error: AlipayError
    transient: bool
    """Repeating the same request may succeed (connection trouble, timeout, 429, 5xx)."""
    reach: Reach
    status: int | None = None
    trace_id: str | None = None
    retry_after: float | None = None


@attrs.define(kw_only=True, repr=False)
class Call:
    """One logical call: what each attempt sends and what repeating it may cost.

    Built once per call and never changed after. (Not ``frozen``: a frozen attrs
    instance sets each field through ``object.__setattr__``, which made building this
    one cost twice as much, on every call.)
    """

    method: str
    target: str
    """The request-target (path and encoded query), signed and sent byte for byte."""
    body: protocol.EncodedBody
    operation: str | None = None
    app_auth_token: str | None = attrs.field(default=None, repr=False)
    request_id: str | None = None
    """The ``alipay-request-id`` of the first attempt; retries get fresh ones."""
    timeout: float | None = None
    """Seconds per attempt; ``None`` means ``config.timeout``."""
    encrypted: bool = False
    """The answer may be AES-encrypted and is decrypted after verification."""
    idempotent: bool = False
    """Repeating the call cannot do anything twice (a read, or a write with out_biz_no)."""
    mutating: bool = True
    """The call may change state at Alipay (so a lost answer leaves the outcome unknown)."""
    out_biz_no: str | None = None
    secrets: tuple[str, ...] = ()
    """Values masked wherever they appear in what this call reports: its token and the
    user ids it carries (a gateway may echo them in free text no pattern recognises)."""

    @property
    def path(self) -> str:
        return path_of(self.target)

    def __repr__(self) -> str:
        # Tracebacks that capture locals print it: the token and user ids stay masked.
        token = "<hidden>" if self.app_auth_token else None
        return (
            f"Call(operation={self.operation!r}, method={self.method!r}, "
            f"target={redact(self.target)!r}, body={self.body!r}, app_auth_token={token}, "
            f"out_biz_no={self.out_biz_no!r}, request_id={self.request_id!r})"
        )


def path_of(target: str) -> str:
    """The path of a request-target, without its query."""
    return target.partition("?")[0]


def should_retry(failure: Failure, *, call: Call, attempt: int, policy: RetryPolicy) -> bool:
    """Whether attempt ``attempt`` (1-based) may be followed by another one.

    Only transient failures are repeated, and only while attempts remain. An
    idempotent call may always be repeated; any other call only when Alipay certainly
    did not act on the attempt (no connection was made, or it answered 429). Answers
    that fail verification are never transient, so they are never repeated.
    Time is judged by :func:`next_delay`.
    """
    if attempt >= policy.max_attempts or not failure.transient:
        return False
    return call.idempotent or failure.reach is Reach.NONE


def retry_delay(
    failure: Failure,
    *,
    retry_number: int,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> float:
    """The pause before retry ``retry_number``: the server's ``Retry-After`` if it gave
    one, else exponential backoff with full jitter (uniform in ``[0, backoff(n)]``)."""
    if failure.retry_after is not None:
        return failure.retry_after
    return rand() * policy.backoff(retry_number)


def next_delay(
    failure: Failure,
    *,
    call: Call,
    attempt: int,
    policy: RetryPolicy,
    remaining: float,
    nominal: float,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """The pause before the next attempt, or ``None`` when the call ends here.

    ``remaining`` is what is left of the deadline now, ``nominal`` the per-attempt
    timeout. A retry is worth starting only if, after the pause, it still has time for
    a real round trip (:data:`SHORTEST_WORTHWHILE_ATTEMPT`, or the timeout if shorter).
    """
    if not should_retry(failure, call=call, attempt=attempt, policy=policy):
        return None
    pause = retry_delay(failure, retry_number=attempt, policy=policy, rand=rand)
    if pause + min(nominal, SHORTEST_WORTHWHILE_ATTEMPT) > remaining:
        return None
    return pause


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or ``None``
    when it is missing or meaningless."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()
        seconds = max(seconds, 0.0)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _masked(error: APIError) -> APIError:
    """The same error with user ids masked in Alipay's ``message`` (which may echo the
    request); the raw bytes stay in ``body`` for whoever needs them."""
    if error.message is None:
        return error
    masked = redact(error.message)
    if masked == error.message:
        return error
    try:
        return type(error)(
            status=error.status,
            code=error.code,
            message=masked,
            links=error.links,
            trace_id=error.trace_id,
            request_id=error.request_id,
            body=error.body,
            headers=error.headers,
            verified=error.verified,
        )
    except TypeError:  # a subclass with another signature: keep it as it is
        return error


def failure_from_api_error(error: APIError) -> Failure:
    """An error answer as a failure: 429 was refused unprocessed, a 5xx may have been
    processed, any other status is Alipay's definite answer."""
    error = _masked(error)
    status = error.status
    if status == 429:
        transient, reach = True, Reach.NONE
    elif status >= 500:
        transient, reach = True, Reach.MAYBE
    else:
        transient, reach = False, Reach.ANSWERED
    retry_after = parse_retry_after(error.headers.get("retry-after")) if transient else None
    return Failure(
        error,
        transient=transient,
        reach=reach,
        status=status,
        trace_id=error.trace_id,
        retry_after=retry_after,
    )


def final_error(
    failure: Failure, call: Call, attempts: int, maybe_request_id: str | None
) -> AlipayError:
    """The error that ends a call once no attempt is left.

    A state-changing call of which some attempt may have reached Alipay
    (``maybe_request_id`` names the last such attempt) ends in
    :class:`OutcomeUnknownError`, whatever the last attempt said (unless that answer is
    a verification problem, which is reported as such, as outcome-unknown too when the
    answer was a 2xx to a write, or a stale answer of any status to a write: see
    ``_outcome``): a later refusal or a failed connection says nothing about what an
    earlier attempt did.
    """
    error = failure.error
    if isinstance(error, UNTRUSTED_ANSWER_ERRORS):
        # A stale answer may be another call's, replayed while this one's request was
        # dropped: whatever its status, it says nothing of what this write did.
        answered_ok = failure.status is not None and 200 <= failure.status < 300
        if call.mutating and (answered_ok or isinstance(error, StaleAnswerError)):
            return untrusted_write(
                error,
                operation=call.operation or f"{call.method} {call.path}",
                status=failure.status,
                out_biz_no=call.out_biz_no,
                request_id=getattr(error, "request_id", None),
            )
        return error
    if not (call.mutating and maybe_request_id is not None):
        return error
    what = call.operation or f"{call.method} {call.path}"
    if call.out_biz_no:
        advice = (
            f"Repeat it with the same out_biz_no={call.out_biz_no!r} (Alipay then returns "
            "the first result and changes nothing), or check its effect with query"
        )
    else:
        advice = "Check its effect at Alipay before repeating it"
    unknown = OutcomeUnknownError(
        f"{what} may have taken effect at Alipay, but no usable answer arrived after "
        f"{attempts} attempt{'s' if attempts != 1 else ''} (last: {type(error).__name__}; "
        f"request_id={maybe_request_id}). {advice}.",
        out_biz_no=call.out_biz_no,
        attempts=attempts,
        request_id=maybe_request_id,
        **_answer_fields(error),
    )
    unknown.__cause__ = error
    return unknown


def _answer_fields(error: BaseException) -> dict[str, Any]:
    """What the last attempt's error knows of its answer, for the error that ends the call."""
    if not isinstance(error, AnswerError):
        return {}
    return {
        "status": error.status,
        "code": error.code,
        "trace_id": error.trace_id,
        "body": error.body,
    }
