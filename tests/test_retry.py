"""The retry decision and the per-attempt report, without I/O: plain values in, plain
values out (the transport tests check that the transport does what these decide)."""

from __future__ import annotations

import logging

import pytest

from alipay_voucher import protocol
from alipay_voucher._report import Attempt, log_attempt, response_event
from alipay_voucher._retry import (
    SHORTEST_WORTHWHILE_ATTEMPT,
    Call,
    Failure,
    Reach,
    failure_from_api_error,
    final_error,
    next_delay,
    parse_retry_after,
)
from alipay_voucher.config import RetryPolicy
from alipay_voucher.errors import (
    APIError,
    OutcomeUnknownError,
    SignatureVerificationError,
    TransportError,
)

POLICY = RetryPolicy(max_attempts=3, initial_backoff=0.2, max_backoff=5, deadline=10)


def _call(*, idempotent: bool, mutating: bool = True, out_biz_no: str | None = None) -> Call:
    return Call(
        method="POST",
        target="/v3/alipay/marketing/activity/voucher/send?x=1",
        body=protocol.EncodedBody('{"a":1}'),
        operation="send",
        idempotent=idempotent,
        mutating=mutating,
        out_biz_no=out_biz_no,
    )


def _failure(reach: Reach, *, transient: bool = True, retry_after: float | None = None) -> Failure:
    return Failure(
        TransportError("boom"), transient=transient, reach=reach, retry_after=retry_after
    )


def _delay(
    failure: Failure, call: Call, *, attempt: int = 1, remaining: float = 10.0
) -> float | None:
    return next_delay(
        failure,
        call=call,
        attempt=attempt,
        policy=POLICY,
        remaining=remaining,
        nominal=5.0,
        rand=lambda: 1.0,
    )


@pytest.mark.parametrize(
    ("reach", "idempotent", "repeated"),
    [
        (Reach.NONE, False, True),  # never reached Alipay: safe to repeat anything
        (Reach.MAYBE, False, False),  # may have acted, no key: never repeated
        (Reach.MAYBE, True, True),
        (Reach.ANSWERED, True, True),
    ],
)
def test_a_transient_failure_is_repeated_only_when_that_cannot_do_it_twice(
    reach: Reach, idempotent: bool, repeated: bool
) -> None:
    delay = _delay(_failure(reach), _call(idempotent=idempotent))
    assert (delay is not None) is repeated


def test_a_definite_failure_and_the_last_attempt_end_the_call() -> None:
    call = _call(idempotent=True)
    assert _delay(_failure(Reach.NONE, transient=False), call) is None
    assert _delay(_failure(Reach.NONE), call, attempt=POLICY.max_attempts) is None
    assert _delay(_failure(Reach.NONE), call, attempt=POLICY.max_attempts - 1) is not None


def test_backoff_grows_and_retry_after_wins() -> None:
    call = _call(idempotent=True)
    assert _delay(_failure(Reach.MAYBE), call, attempt=1) == pytest.approx(0.2)
    assert _delay(_failure(Reach.MAYBE), call, attempt=2) == pytest.approx(0.4)
    assert _delay(_failure(Reach.MAYBE, retry_after=3.0), call) == 3.0


def test_no_retry_is_squeezed_into_the_deadlines_last_moment() -> None:
    call = _call(idempotent=True)
    enough = 0.2 + SHORTEST_WORTHWHILE_ATTEMPT
    assert _delay(_failure(Reach.MAYBE), call, remaining=enough) == pytest.approx(0.2)
    assert _delay(_failure(Reach.MAYBE), call, remaining=enough - 0.01) is None
    # A Retry-After longer than what is left ends the call instead of overrunning it.
    assert _delay(_failure(Reach.NONE, retry_after=20.0), call) is None


def test_a_write_that_may_have_landed_ends_as_outcome_unknown() -> None:
    call = _call(idempotent=True, out_biz_no="K-1")
    refused = Failure(TransportError("refused"), transient=True, reach=Reach.NONE)
    error = final_error(refused, call, 3, maybe_request_id="r-2")
    assert isinstance(error, OutcomeUnknownError)
    assert error.out_biz_no == "K-1" and error.request_id == "r-2" and error.attempts == 3
    assert "out_biz_no='K-1'" in str(error) and error.__cause__ is refused.error
    # Nothing may have landed, or a read: the last error as it is.
    assert final_error(refused, call, 3, maybe_request_id=None) is refused.error
    read = _call(idempotent=True, mutating=False)
    assert final_error(refused, read, 3, maybe_request_id="r-2") is refused.error
    # A forged or broken answer is reported as such, whatever came before.
    forged = Failure(SignatureVerificationError("bad"), transient=False, reach=Reach.ANSWERED)
    assert final_error(forged, call, 2, maybe_request_id="r-1") is forged.error


@pytest.mark.parametrize(
    ("status", "transient", "reach"),
    [(429, True, Reach.NONE), (503, True, Reach.MAYBE), (400, False, Reach.ANSWERED)],
)
def test_error_answers_as_failures(status: int, transient: bool, reach: Reach) -> None:
    error = APIError(
        status=status,
        code="X",
        message="user 2088512417841101 refused",
        headers={"retry-after": "2"},
        trace_id="t-1",
    )
    failure = failure_from_api_error(error)
    assert (failure.transient, failure.reach, failure.status) == (transient, reach, status)
    assert failure.trace_id == "t-1"
    assert failure.retry_after == (2.0 if transient else None)
    assert "2088512417841101" not in str(failure.error)  # the user id is masked


def test_retry_after_http_date_and_garbage() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-1") is None
    assert parse_retry_after("nan") is None
    assert parse_retry_after(None) is None


# --------------------------------------------------------------------------- the report


def test_the_log_line_and_the_hook_event_are_read_off_one_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    call = _call(idempotent=True, out_biz_no="K-1")
    prepared = protocol.PreparedRequest(
        method="POST",
        target=call.target,
        headers=(("alipay-request-id", "r-9"),),
        body=b"{}",
        request_id="r-9",
        encrypted=False,
        nonce="n",
        timestamp="1",
        content_to_sign="",
    )
    failure = Failure(
        TransportError("busy"), transient=True, reach=Reach.MAYBE, status=503, trace_id="t-7"
    )
    record = Attempt(call, prepared, 2, 0.25, failure=failure, delay=0.5)
    with caplog.at_level(logging.INFO, logger="alipay_voucher"):
        log_attempt(record)
    event = response_event(record)
    (line,) = caplog.records
    assert (event.status, event.trace_id, event.attempt, event.latency) == (503, "t-7", 2, 0.25)
    assert event.will_retry and event.error is failure.error
    assert event.path == "/v3/alipay/marketing/activity/voucher/send"
    extra = line.__dict__
    assert (extra["alipay_status"], extra["alipay_trace_id"]) == (event.status, event.trace_id)
    assert (extra["alipay_attempt"], extra["alipay_latency"]) == (event.attempt, event.latency)
    assert extra["alipay_outcome"] == "retry" and "retrying in 0.500 s" in line.getMessage()
    assert extra["alipay_path"] == event.path and extra["alipay_out_biz_no"] == "K-1"
