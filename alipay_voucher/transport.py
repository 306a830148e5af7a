"""Sending signed requests over aiohttp: the session, timeouts, and the retry loop.

One :class:`Transport` belongs to one client. It owns (or borrows) a single
``aiohttp.ClientSession``, created lazily on the event loop of the first call and used
only on that loop. Every attempt of a call is signed afresh by the sans-I/O core
(new nonce, timestamp and ``alipay-request-id``) over the very same body bytes, sent
to exactly the signed request-target, and its answer is verified before anything is
returned.

Whether an attempt is repeated is decided in one place, :func:`should_retry`, from
two facts about the failure: is it transient (connection trouble, a timeout, 429,
5xx), and could Alipay have acted on the request (:class:`Reach`)? A call that changes
state is repeated only when it is idempotent, i.e. carries an ``out_biz_no``; when
the last word is "maybe", the caller gets :class:`~alipay_voucher.errors.OutcomeUnknownError`
rather than an error that would suggest nothing happened.
"""

from __future__ import annotations

import asyncio
import email.utils
import enum
import logging
import math
import random
import time
import warnings
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import attrs
import yarl
from aiohttp import http_exceptions

from . import protocol
from ._hooks import Hooks, RequestEvent, ResponseEvent
from ._logging import (
    debug_signing_enabled,
    logger,
    redact,
    redact_headers,
    redact_sign_content,
)
from ._watchdog import Watchdog
from .config import AlipayConfig, RetryPolicy
from .errors import (
    AlipayError,
    APIError,
    ClientClosedError,
    DecryptionError,
    EventLoopMismatchError,
    MalformedResponseError,
    OutcomeUnknownError,
    SignatureVerificationError,
    TransportError,
    TransportTimeoutError,
)

__all__ = [
    "Call",
    "ClientClosedError",
    "EventLoopMismatchError",
    "Failure",
    "Reach",
    "Transport",
    "retry_delay",
    "should_retry",
]

_SHORTEST_WORTHWHILE_ATTEMPT = 0.1
"""Seconds a retry must have left before the deadline (or the call's timeout, if shorter).

A real Alipay round trip takes 10-100 ms; an attempt given less is more likely to end in
a timeout than in an answer.
"""


# --------------------------------------------------------------------------- the decision


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


@attrs.define(kw_only=True)
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


def should_retry(failure: Failure, *, call: Call, attempt: int, policy: RetryPolicy) -> bool:
    """Whether attempt ``attempt`` (1-based) is followed by another one.

    Only transient failures are repeated, and only while attempts remain. An
    idempotent call may always be repeated; any other call only when Alipay certainly
    did not act on the attempt (no connection was made, or it answered 429). Answers
    that fail verification are never transient, so they are never repeated.
    The overall deadline is checked by the caller, against the pause this implies.
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


def _parse_retry_after(value: str | None) -> float | None:
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


def _failure_from_api_error(error: APIError) -> Failure:
    error = _masked(error)
    status = error.status
    if status == 429:
        transient, reach = True, Reach.NONE
    elif status >= 500:
        transient, reach = True, Reach.MAYBE
    else:
        transient, reach = False, Reach.ANSWERED
    retry_after = _parse_retry_after(error.headers.get("retry-after")) if transient else None
    return Failure(
        error,
        transient=transient,
        reach=reach,
        status=status,
        trace_id=error.trace_id,
        retry_after=retry_after,
    )


# --------------------------------------------------------------------------- the session


class _SessionState:
    """What the finalizer may look at; it must not reference the transport itself."""

    __slots__ = ("loop", "owned", "session")

    def __init__(self, session: aiohttp.ClientSession | None) -> None:
        self.session = session
        self.owned = session is None
        self.loop: asyncio.AbstractEventLoop | None = None


def _warn_unclosed(name: str, state: _SessionState) -> None:
    # Runs when the client is garbage-collected. It only warns: scheduling a close on
    # whatever loop happens to be running is what produces "Event loop is closed".
    session = state.session
    if state.owned and session is not None and not session.closed:
        warnings.warn(
            f"{name} was never closed; its aiohttp session leaks. Use `async with` or "
            "call aclose() (close() for VoucherClient).",
            ResourceWarning,
            stacklevel=2,
        )


# Raised only while a connection is being obtained (from the pool or made afresh, within
# ClientTimeout.connect): the request never left this process.
_CONNECT_ERRORS: tuple[type[BaseException], ...] = (
    aiohttp.ClientConnectorError,  # refused, DNS, proxy unreachable, TLS handshake
    aiohttp.ServerFingerprintMismatch,
    aiohttp.ClientHttpProxyError,  # the proxy refused the CONNECT tunnel
) + ((aiohttp.ConnectionTimeoutError,) if hasattr(aiohttp, "ConnectionTimeoutError") else ())
# Everything else may have been raised once the request was (partly) written, and is
# taken as "maybe": a read timeout (aiohttp.SocketTimeoutError; aiohttp's older
# ServerTimeoutError), the total timeout (a plain TimeoutError), a reset or dropped
# connection, a truncated or unparsable answer. ConnectionTimeoutError subclasses
# ServerTimeoutError, hence it is tested first. The one imprecision: when the connect
# limit is the whole attempt's (connect_timeout >= timeout, or an attempt cut short by
# the deadline), the total timer may fire first during connecting, and that plain
# TimeoutError counts as "maybe" too: the safe side.

_TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    aiohttp.ClientError,
    OSError,
    asyncio.TimeoutError,
    http_exceptions.HttpProcessingError,
)


class _Failed(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(str(failure.error))
        self.failure = failure


_Answer = tuple[int, Mapping[str, str], bytes]
"""Status, headers (aiohttp's multidict: repeated names kept), body."""


class Transport:
    """The I/O half of a client: session lifecycle, sending, retrying, reporting.

    ``session`` is an aiohttp session owned by the caller: it is used as is (its
    connector, proxy and TLS settings apply) and never closed here. With
    ``sign_in_thread`` every attempt is signed in the event loop's default executor.
    """

    def __init__(
        self,
        config: AlipayConfig,
        *,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
        hooks: Hooks | None = None,
        name: str = "alipay_voucher client",
        sign_in_thread: bool = False,
    ) -> None:
        self._config = config
        self._sign_in_thread = sign_in_thread
        self._policy = retry if retry is not None else config.retry
        self._hooks = hooks if hooks is not None else Hooks()
        self._debug_signing = debug_signing_enabled()
        self._state = _SessionState(session)
        self._closed = False
        self._name = name
        self._finalizer = weakref.finalize(self, _warn_unclosed, name, self._state)
        self._watchdog: Watchdog | None = None
        """Bounds each attempt; made on the loop of the first call (see _session)."""
        self._connect_limits: dict[float, aiohttp.ClientTimeout] = {}
        # Seams for tests; production code never changes them.
        self._sleep: Callable[[float], Any] = asyncio.sleep
        self._random: Callable[[], float] = random.random

    @property
    def config(self) -> AlipayConfig:
        return self._config

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._policy

    @property
    def closed(self) -> bool:
        return self._closed

    # ----------------------------------------------------------------- lifecycle

    def _session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError(f"{self._name} is closed; create a new client.")
        loop = asyncio.get_running_loop()
        state = self._state
        if state.loop is None:
            state.loop = loop
            self._watchdog = Watchdog(loop)
        elif state.loop is not loop:
            raise EventLoopMismatchError(
                f"{self._name} is bound to the event loop it was first used on, and this "
                "call runs on another one. Create the client inside the loop that uses it "
                "(one client per loop), or use VoucherClient from threads."
            )
        if state.session is None:
            state.session = self._new_session()
        elif not state.owned and getattr(state.session, "_loop", loop) is not loop:
            raise EventLoopMismatchError(
                f"the aiohttp session given to {self._name} was created on another event "
                "loop; create it (and the client) on the loop that makes the calls."
            )
        if state.session.closed:
            raise ClientClosedError(
                f"the aiohttp session given to {self._name} has been closed by its owner."
            )
        return state.session

    def _new_session(self) -> aiohttp.ClientSession:
        # No trace_configs: once a session has any, aiohttp awaits a signal at every
        # step of every request. Whether an attempt got as far as a connection is told
        # by the exception type instead (see _CONNECT_ERRORS).
        session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None),
            trust_env=self._config.trust_env,
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        # aiohttp silently re-sends a GET once when a kept-alive connection turns out to
        # be closed, with the same nonce and signature. Retries belong to execute(),
        # which re-signs each one; there is no public switch, hence the private flag.
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        return session

    async def aclose(self) -> None:
        """Close the session if this transport created it; idempotent."""
        if self._closed:
            return
        state = self._state
        session = state.session
        if session is not None and state.owned and not session.closed:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # pragma: no cover - aclose is a coroutine
                loop = None
            if state.loop is not None and state.loop is not loop:
                raise EventLoopMismatchError(
                    f"{self._name} must be closed on the event loop it was used on"
                    + (" (that loop is already closed)" if state.loop.is_closed() else "")
                    + ". Close it before its loop ends, e.g. with `async with`."
                )
            await session.close()
        self._closed = True
        state.session = None
        self._finalizer.detach()

    # ----------------------------------------------------------------- the retry loop

    async def execute(self, call: Call) -> protocol.VerifiedResponse:
        """Send ``call``, repeating it as the policy allows; return the verified answer.

        Raises the last attempt's error, or :class:`OutcomeUnknownError` (chained to it)
        when a state-changing call may have taken effect without an answer.
        """
        session = self._session()
        loop = asyncio.get_running_loop()
        policy = self._policy
        deadline = loop.time() + policy.deadline
        nominal = call.timeout if call.timeout is not None else self._config.timeout
        maybe_request_id: str | None = None
        attempt = 0
        while True:
            attempt += 1
            # The caller's id goes on the first attempt; otherwise the signer makes one.
            request_id = call.request_id if attempt == 1 else None
            if self._sign_in_thread:
                # The signer runs in the loop's default executor: cryptography releases
                # the GIL while signing, and a KMS/HSM signer may block on I/O.
                prepared = await loop.run_in_executor(None, self._sign, call, request_id)
            else:
                prepared = self._sign(call, request_id)
            remaining = deadline - loop.time()
            timeout = max(min(nominal, remaining), 0.001)
            self._log_signed(call, prepared)
            if self._hooks.on_request:
                await self._hooks.request(self._request_event(call, prepared, attempt))

            started = loop.time()
            outcome = await self._attempt(
                session, call, prepared, timeout, deadline_bound=remaining < nominal
            )
            latency = loop.time() - started

            if isinstance(outcome, protocol.VerifiedResponse):
                self._report(call, prepared, attempt, latency, outcome, None, None)
                if self._hooks.on_response:
                    await self._hooks.response(
                        self._response_event(call, prepared, attempt, latency, outcome, None, None)
                    )
                return outcome

            failure = outcome
            if failure.reach is Reach.MAYBE:
                maybe_request_id = prepared.request_id
            delay: float | None = None
            if should_retry(failure, call=call, attempt=attempt, policy=policy):
                pause = retry_delay(failure, retry_number=attempt, policy=policy, rand=self._random)
                # A retry is worth starting only if, after the pause, it still has time
                # for a real round trip; one squeezed into the deadline's last
                # milliseconds would replace the informative last error with a timeout.
                worthwhile = min(nominal, _SHORTEST_WORTHWHILE_ATTEMPT)
                if loop.time() + pause + worthwhile <= deadline:
                    delay = pause
            self._report(call, prepared, attempt, latency, None, failure, delay)
            if self._hooks.on_response:
                await self._hooks.response(
                    self._response_event(call, prepared, attempt, latency, None, failure, delay)
                )
            if delay is None:
                raise _final_error(failure, call, attempt, maybe_request_id)
            await self._sleep(delay)

    def _sign(self, call: Call, request_id: str | None) -> protocol.PreparedRequest:
        return protocol.sign_request(
            self._config,
            call.method,
            call.target,
            call.body,
            app_auth_token=call.app_auth_token,
            request_id=request_id,
        )

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        call: Call,
        prepared: protocol.PreparedRequest,
        timeout: float,
        *,
        deadline_bound: bool,
    ) -> protocol.VerifiedResponse | Failure:
        try:
            status, headers, body = await self._exchange(
                session, prepared, timeout, deadline_bound=deadline_bound
            )
        except _Failed as failed:
            return failed.failure
        try:
            return protocol.process_response(
                self._config,
                status,
                headers,
                body,
                encrypted=call.encrypted,
                request_id=prepared.request_id,
            )
        except APIError as error:
            return _failure_from_api_error(error)
        except (SignatureVerificationError, MalformedResponseError, DecryptionError) as error:
            return Failure(
                error,
                transient=False,
                reach=Reach.ANSWERED,
                status=status,
                trace_id=getattr(error, "trace_id", None),
            )

    async def _exchange(
        self,
        session: aiohttp.ClientSession,
        prepared: protocol.PreparedRequest,
        timeout: float,
        *,
        deadline_bound: bool,
    ) -> _Answer:
        config = self._config
        if self._closed or session.closed:
            # aclose() ran while this call was between attempts. Nothing is sent; the
            # call ends here, as "outcome unknown" if an earlier attempt may have landed.
            raise _Failed(
                Failure(
                    ClientClosedError(
                        f"{self._name} was closed while {prepared.method} "
                        f"{_path(prepared.target)} was in progress."
                    ),
                    transient=False,
                    reach=Reach.NONE,
                )
            )
        # encoded=True: the target is already percent-encoded and signed as is; letting
        # yarl re-quote it would break the signature for some query values.
        url = yarl.URL(config.base_url + prepared.target, encoded=True)
        send_body = prepared.method not in ("GET", "HEAD") or bool(prepared.body)
        # `connect` bounds getting a connection, pooled or new: running out of it raises
        # ConnectionTimeoutError, which says nothing was sent. It is kept below the
        # attempt's limit so that, while connecting, it is the timer that fires (the
        # attempt's expiry is ambiguous and would make a write "outcome unknown").
        limits = self._connect_limit(min(config.connect_timeout, timeout * 0.9))
        task = asyncio.current_task()
        watchdog = self._watchdog
        # _session() made the watchdog; asyncio (and aiohttp's own timers) run us in a task
        assert task is not None and watchdog is not None
        guard = watchdog.start(timeout, task)
        failure: Failure | None = None
        try:
            async with session.request(
                prepared.method,
                url,
                headers=prepared.headers,
                data=prepared.body if send_body else None,
                allow_redirects=False,
                raise_for_status=False,
                proxy=config.proxy,
                timeout=limits,
            ) as response:
                body = await self._read_body(response, prepared)
                answer = response.status, response.headers, body
        except _Failed as failed:
            failure = failed.failure
        except asyncio.CancelledError as exc:
            if not guard.expired_by_us():
                raise
            expired = asyncio.TimeoutError()
            expired.__cause__ = exc
            failure = self._transport_failure(expired, prepared, timeout, deadline_bound)
        except _TRANSPORT_ERRORS as exc:
            failure = self._transport_failure(exc, prepared, timeout, deadline_bound)
        finally:
            watchdog.stop(guard)
        if guard.expired:
            # The deadline passed as the attempt ended some other way: the watchdog's
            # cancellation is withdrawn here rather than reaching the caller.
            await guard.settle()
        if failure is not None:
            raise _Failed(failure)
        return answer

    def _connect_limit(self, connect: float) -> aiohttp.ClientTimeout:
        """The request's aiohttp timeout: only the connect limit, the watchdog bounds
        the rest. Kept per value: building a ClientTimeout costs as much as the rest of
        an attempt's set-up, and the value follows the configured timeouts."""
        limits = self._connect_limits.get(connect)
        if limits is None:
            if len(self._connect_limits) >= 64:
                self._connect_limits.clear()
            limits = self._connect_limits[connect] = aiohttp.ClientTimeout(
                total=None, connect=connect
            )
        return limits

    async def _read_body(
        self, response: aiohttp.ClientResponse, prepared: protocol.PreparedRequest
    ) -> bytes:
        limit = self._config.max_response_bytes
        declared = response.content_length
        if declared is not None:
            if declared > limit:
                raise _Failed(self._oversized(response.status, prepared, declared))
            headers = response.headers
            if "Content-Encoding" not in headers and "Transfer-Encoding" not in headers:
                # Exactly `declared` bytes will be read (fewer is a ClientPayloadError):
                # within the limit, so read them in one go.
                return await response.read()
        # Unknown length, or a length that does not bound what is read (decompressed,
        # or chunked): count while reading.
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise _Failed(self._oversized(response.status, prepared, size))
            chunks.append(chunk)
        return b"".join(chunks)

    def _oversized(self, status: int, prepared: protocol.PreparedRequest, size: int) -> Failure:
        error = TransportError(
            f"the answer to {prepared.method} {_path(prepared.target)} (HTTP {status}) is "
            f"larger than max_response_bytes={self._config.max_response_bytes} "
            f"({size}+ bytes) and was not read (request_id={prepared.request_id}).",
            request_id=prepared.request_id,
        )
        refused = 400 <= status < 500
        return Failure(
            error,
            transient=False,
            reach=Reach.NONE if refused else Reach.MAYBE,
            status=status,
        )

    def _transport_failure(
        self,
        exc: BaseException,
        prepared: protocol.PreparedRequest,
        timeout: float,
        deadline_bound: bool,
    ) -> Failure:
        # The exception type alone tells whether the request may have left: only a
        # failure to obtain a connection says certainly not; anything else is "maybe".
        not_sent = isinstance(exc, _CONNECT_ERRORS)
        what = f"{prepared.method} {_path(prepared.target)}"
        detail = redact(str(exc)) or type(exc).__name__
        if isinstance(exc, asyncio.TimeoutError):
            limit = (
                f"the overall deadline of {self._policy.deadline:g} s"
                if deadline_bound
                else f"the per-attempt timeout of {timeout:g} s"
            )
            phase = "before a connection was made" if not_sent else "before an answer arrived"
            error: TransportError = TransportTimeoutError(
                f"{what} timed out {phase} ({limit}; request_id={prepared.request_id}).",
                request_id=prepared.request_id,
            )
        elif not_sent:
            error = TransportError(
                f"{what}: could not connect ({type(exc).__name__}: {detail}; "
                f"request_id={prepared.request_id}).",
                request_id=prepared.request_id,
            )
        else:
            error = TransportError(
                f"{what}: the connection failed after the request may have been sent "
                f"({type(exc).__name__}: {detail}; request_id={prepared.request_id}).",
                request_id=prepared.request_id,
            )
        error.__cause__ = exc
        return Failure(error, transient=True, reach=Reach.NONE if not_sent else Reach.MAYBE)

    # ----------------------------------------------------------------- reporting

    def _log_signed(self, call: Call, prepared: protocol.PreparedRequest) -> None:
        if not (self._debug_signing and logger.isEnabledFor(logging.DEBUG)):
            return
        logger.debug(
            "signed content for %s %s (request_id=%s):\n%s",
            prepared.method,
            redact(prepared.target),
            prepared.request_id,
            redact_sign_content(prepared.content_to_sign, app_auth_token=call.app_auth_token),
            extra={
                "alipay_request_id": prepared.request_id,
                "alipay_sign_content": redact_sign_content(
                    prepared.content_to_sign, app_auth_token=call.app_auth_token
                ),
            },
        )

    def _report(
        self,
        call: Call,
        prepared: protocol.PreparedRequest,
        attempt: int,
        latency: float,
        answer: protocol.VerifiedResponse | None,
        failure: Failure | None,
        delay: float | None,
    ) -> None:
        level = logging.INFO if failure is None else logging.WARNING
        if not logger.isEnabledFor(level):
            return
        source = answer if answer is not None else failure
        status = source.status if source is not None else None
        trace_id = source.trace_id if source is not None else None
        path = _path(prepared.target)
        extra: dict[str, Any] = {
            "alipay_operation": call.operation,
            "alipay_method": prepared.method,
            "alipay_path": path,
            "alipay_status": status,
            "alipay_latency": latency,
            "alipay_attempt": attempt,
            "alipay_request_id": prepared.request_id,
            "alipay_trace_id": trace_id,
            "alipay_out_biz_no": call.out_biz_no,
        }
        if failure is None:
            extra["alipay_outcome"] = "ok"
            logger.info(
                "%s %s -> %s in %.1f ms (attempt %d, request_id=%s, trace_id=%s)",
                prepared.method,
                path,
                status,
                latency * 1000,
                attempt,
                prepared.request_id,
                trace_id,
                extra=extra,
            )
            return
        error = failure.error
        extra["alipay_outcome"] = "retry" if delay is not None else "error"
        extra["alipay_error"] = type(error).__name__
        then = f"retrying in {delay:.3f} s" if delay is not None else "giving up"
        logger.warning(
            "%s %s -> %s in %.1f ms (attempt %d, request_id=%s, trace_id=%s): %s; %s",
            prepared.method,
            path,
            status if status is not None else type(error).__name__,
            latency * 1000,
            attempt,
            prepared.request_id,
            trace_id,
            redact(str(error), secrets=(call.app_auth_token or "",)),
            then,
            extra=extra,
        )

    def _request_event(
        self, call: Call, prepared: protocol.PreparedRequest, attempt: int
    ) -> RequestEvent:
        return RequestEvent(
            operation=call.operation,
            method=prepared.method,
            path=_path(prepared.target),
            target=redact(prepared.target),
            attempt=attempt,
            request_id=prepared.request_id,
            out_biz_no=call.out_biz_no,
            headers=redact_headers(prepared.headers),
            body_size=len(prepared.body),
        )

    def _response_event(
        self,
        call: Call,
        prepared: protocol.PreparedRequest,
        attempt: int,
        latency: float,
        answer: protocol.VerifiedResponse | None,
        failure: Failure | None,
        delay: float | None,
    ) -> ResponseEvent:
        source = answer if answer is not None else failure
        return ResponseEvent(
            operation=call.operation,
            method=prepared.method,
            path=_path(prepared.target),
            target=redact(prepared.target),
            attempt=attempt,
            request_id=prepared.request_id,
            out_biz_no=call.out_biz_no,
            status=source.status if source is not None else None,
            trace_id=source.trace_id if source is not None else None,
            latency=latency,
            error=failure.error if failure is not None else None,
            will_retry=delay is not None,
        )


def _path(target: str) -> str:
    return target.partition("?")[0]


def _final_error(
    failure: Failure, call: Call, attempts: int, maybe_request_id: str | None
) -> AlipayError:
    """The error that ends a call once no attempt is left.

    A state-changing call of which some attempt may have reached Alipay ends in
    :class:`OutcomeUnknownError`, whatever the last attempt said (unless that answer
    is a verification problem, which is reported as such): a later refusal or a failed
    connection says nothing about what an earlier attempt did.
    """
    error = failure.error
    if isinstance(error, (SignatureVerificationError, MalformedResponseError, DecryptionError)):
        return error
    if not (call.mutating and maybe_request_id is not None):
        return error
    what = call.operation or f"{call.method} {_path(call.target)}"
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
        request_id=maybe_request_id,
        attempts=attempts,
    )
    unknown.__cause__ = error
    return unknown
