"""Sending signed requests over aiohttp: the session, timeouts, and the retry loop.

One :class:`Transport` belongs to one client. It owns (or borrows) a single
``aiohttp.ClientSession``, created lazily on the event loop of the first call and used
only on that loop. Every attempt of a call is signed afresh by the sans-I/O core
(new nonce, timestamp and ``alipay-request-id``) over the very same body bytes, sent
to exactly the signed request-target, and its answer is verified before anything is
returned.

What is decided (whether and when to repeat an attempt, which error ends a call) lives
in :mod:`._retry`, pure and tested without I/O; what is told (log lines, hook events)
in :mod:`._report`, from one record per attempt. This module does the I/O.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import warnings
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
import yarl
from aiohttp import http_exceptions

from . import protocol
from ._freshness import AnswerNonces
from ._hidden import scrubbed
from ._hooks import Hooks
from ._logging import debug_signing_enabled, logger, redact
from ._loop_end import LoopEndGuard, start_guard
from ._ratelimit import Quota
from ._report import Attempt, log_attempt, log_signed, request_event, response_event
from ._retry import (
    Call,
    Failure,
    Reach,
    failure_from_api_error,
    final_error,
    next_delay,
    path_of,
    retry_delay,
    should_retry,
)
from ._watchdog import Watchdog
from .config import AlipayConfig, RetryPolicy
from .errors import (
    APIError,
    ClientClosedError,
    DecryptionError,
    EventLoopMismatchError,
    MalformedResponseError,
    SignatureVerificationError,
    TransportError,
    TransportTimeoutError,
)

if TYPE_CHECKING:
    from ._tracing import AttemptTrace, CallTrace, Tracing

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

# --------------------------------------------------------------------------- the session


class _SessionState:
    """What a transport and its copies share (see :meth:`Transport.derive`), and what
    the finalizer may look at; it must not reference a transport itself."""

    __slots__ = ("__weakref__", "closed", "loop", "loop_end", "owned", "session", "watchdog")

    def __init__(self, session: aiohttp.ClientSession | None) -> None:
        self.session = session
        self.owned = session is None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.watchdog: Watchdog | None = None
        """Bounds each attempt; made on the loop of the first call (see _session)."""
        self.loop_end: LoopEndGuard | None = None
        """Closes the owned session when its loop ends (see _loop_end); made with it."""
        self.closed = False
        """The transport that made the session is closed, and so are its copies."""


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


def _dropped_after_its_loop(name: str) -> None:
    warnings.warn(
        f"{name}: its event loop was closed before the client, without "
        "loop.shutdown_asyncgens(), so its connections could not be closed and are left "
        "to the garbage collector. End loops with asyncio.run() or asyncio.Runner, or "
        "close the client inside its loop (`async with`).",
        ResourceWarning,
        stacklevel=3,
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
    ``quota`` bounds the request starts per second and the requests in flight of every
    call made through this transport and its copies. With ``tracing`` every call and
    every attempt is an OpenTelemetry span.
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
        quota: Quota | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self._config = config
        self._sign_in_thread = sign_in_thread
        self._policy = retry if retry is not None else config.retry
        self._hooks = hooks if hooks is not None else Hooks()
        self._debug_signing = debug_signing_enabled()
        self._state = _SessionState(session)
        self._quota = quota if quota else None
        self._tracing = tracing
        self._closed = False
        self._name = name
        self._origin: Transport | None = None
        """The transport this one was derived from; None for the one that owns the session."""
        self._finalizer = weakref.finalize(self, _warn_unclosed, name, self._state)
        self._connect_limits: dict[float, aiohttp.ClientTimeout] = {}
        self._answer_nonces = AnswerNonces() if config.reject_replayed_answers else None
        """The nonces of this client's recent answers, to refuse one seen twice."""
        # Seams for tests; production code never changes them.
        self._sleep: Callable[[float], Any] = asyncio.sleep
        self._random: Callable[[], float] = random.random
        self._clock: Callable[[], float] = time.time
        """The wall clock answers' timestamps are compared with."""

    @property
    def config(self) -> AlipayConfig:
        return self._config

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._policy

    @property
    def quota(self) -> Quota | None:
        return self._quota

    @property
    def closed(self) -> bool:
        return self._closed or self._state.closed

    # ----------------------------------------------------------------- lifecycle

    def derive(self, *, retry: RetryPolicy | None = None, name: str) -> Transport:
        """A transport with its own retry policy that shares this one's session, loop,
        watchdog and quota. Closing it closes nothing shared; once the transport that
        owns the session is closed, it refuses calls too."""
        copy = Transport.__new__(Transport)
        copy.__dict__.update(self.__dict__)
        copy._policy = retry if retry is not None else self._policy
        copy._closed = False
        copy._name = name
        # Held, so the owner's finalizer (the unclosed-session warning) waits for its copies.
        copy._origin = self._origin or self
        copy._connect_limits = {}
        return copy

    def _session(self) -> aiohttp.ClientSession:
        state = self._state
        if self._closed:
            raise ClientClosedError(f"{self._name} is closed; create a new client.")
        if state.closed:
            assert self._origin is not None  # only a copy outlives its owner's close
            raise ClientClosedError(
                f"{self._name} was made by with_options() from {self._origin._name}, which "
                "is closed; copies share its connections, so make a new client."
            )
        loop = asyncio.get_running_loop()
        if state.loop is None:
            state.loop = loop
            state.watchdog = Watchdog(loop)
        elif state.loop is not loop:
            ended = " (that loop has ended)" if state.loop.is_closed() else ""
            raise EventLoopMismatchError(
                f"{self._name} is bound to the event loop it was first used on{ended}, and "
                "this call runs on another one. Create the client inside the loop that uses "
                "it (one client per loop), or use VoucherClient from threads."
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

    def detach(self) -> None:
        """Stop taking calls, closing nothing shared: how a copy made by :meth:`derive`
        is closed (the one that owns the session closes with :meth:`aclose`)."""
        if self._origin is None:
            raise RuntimeError("detach() is for a derived transport; close this one with aclose()")
        self._closed = True

    async def aclose(self) -> None:
        """Close the session if this transport created it; idempotent.

        Never raises because the loop the client was used on has ended: its session was
        closed then (see :mod:`._loop_end`), or, when that loop was closed without
        ``shutdown_asyncgens()``, cannot be closed any more and is dropped with a
        ``ResourceWarning``. When that loop is still running (in another thread), the
        session is closed there. Only a loop that is alive but idle, which could still
        close it, is refused: run ``aclose()`` on it.

        A copy made by :meth:`derive` only stops taking calls.
        """
        if self._closed:
            return
        if self._origin is not None:
            self.detach()
            return
        state = self._state
        session = state.session
        home = state.loop
        if session is not None and state.owned and not session.closed:
            here = asyncio.get_running_loop()
            if home is None or home is here:
                await session.close()
            elif home.is_closed():
                _dropped_after_its_loop(self._name)
            elif home.is_running():
                guard = state.loop_end
                closing = guard.aclose() if guard is not None else session.close()
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(closing, home))
                state.loop_end = None
            else:
                raise EventLoopMismatchError(
                    f"{self._name} must be closed on the event loop it was used on, which "
                    "is idle; run aclose() on it (e.g. loop.run_until_complete(client."
                    "aclose())), or close the client before leaving it, with `async with`."
                )
        if state.loop_end is not None and home is asyncio.get_running_loop():
            await state.loop_end.aclose()
        state.loop_end = None  # on an ended loop it was closed there, or goes with it
        self._closed = True
        state.closed = True
        state.session = None
        self._finalizer.detach()

    # ----------------------------------------------------------------- the retry loop

    async def execute(self, call: Call) -> protocol.VerifiedResponse:
        """Send ``call``, repeating it as the policy allows; return the verified answer.

        Raises the last attempt's error, or :class:`OutcomeUnknownError` (chained to it)
        when a state-changing call may have taken effect without an answer.
        """
        tracing = self._tracing
        if tracing is None:
            return await self._execute(call, None)
        traced = tracing.begin_call(call)
        try:
            answer = await self._execute(call, traced)
        except BaseException as error:
            traced.end(error)
            raise
        traced.end()
        return answer

    async def _execute(self, call: Call, traced: CallTrace | None) -> protocol.VerifiedResponse:
        session = self._session()
        if self._state.loop_end is None and self._state.owned:
            self._state.loop_end = await start_guard(self._state)
        loop = asyncio.get_running_loop()
        policy = self._policy
        quota = self._quota
        deadline = loop.time() + policy.deadline
        nominal = call.timeout if call.timeout is not None else self._config.timeout
        maybe_request_id: str | None = None
        attempt = 0
        while True:
            attempt += 1
            if quota is None:
                prepared, outcome, latency, span = await self._try(
                    session, call, attempt, deadline, nominal, traced
                )
            else:
                queued = loop.time()
                async with quota.slot():
                    if attempt == 1:
                        # Waiting in the client's own queue is not time spent at Alipay.
                        deadline += loop.time() - queued
                    prepared, outcome, latency, span = await self._try(
                        session, call, attempt, deadline, nominal, traced
                    )

            if isinstance(outcome, protocol.VerifiedResponse):
                record = Attempt(call, prepared, attempt, latency, answer=outcome)
                log_attempt(record)
                if span is not None:
                    span.end(record)
                if self._hooks.on_response:
                    await self._hooks.response(response_event(record))
                return outcome

            failure = outcome
            # Masked before the log line, the hooks and the caller see it (see _hidden).
            scrubbed(failure.error, secrets=call.secrets)
            if failure.reach is Reach.MAYBE:
                maybe_request_id = prepared.request_id
            delay = next_delay(
                failure,
                call=call,
                attempt=attempt,
                policy=policy,
                remaining=deadline - loop.time(),
                nominal=nominal,
                rand=self._random,
            )
            record = Attempt(call, prepared, attempt, latency, failure=failure, delay=delay)
            log_attempt(record)
            if span is not None:
                span.end(record)
            if self._hooks.on_response:
                await self._hooks.response(response_event(record))
            if delay is None:
                raise final_error(failure, call, attempt, maybe_request_id)
            await self._sleep(delay)

    async def _try(
        self,
        session: aiohttp.ClientSession,
        call: Call,
        attempt: int,
        deadline: float,
        nominal: float,
        traced: CallTrace | None,
    ) -> tuple[
        protocol.PreparedRequest, protocol.VerifiedResponse | Failure, float, AttemptTrace | None
    ]:
        """One attempt: signed afresh, announced to the hooks, sent and read; with the
        seconds it took from sending to the end of the answer, and its span (if traced),
        which the caller ends with the attempt's record."""
        loop = asyncio.get_running_loop()
        span = traced.begin_attempt(attempt) if traced is not None else None
        try:
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
            if self._debug_signing and logger.isEnabledFor(logging.DEBUG):
                log_signed(call, prepared)
            if self._hooks.on_request:
                await self._hooks.request(request_event(call, prepared, attempt))
            started = loop.time()
            outcome = await self._attempt(
                session, call, prepared, timeout, deadline_bound=remaining < nominal
            )
        except BaseException as error:
            if span is not None:
                span.abandon(error)
            raise
        if span is not None:
            span.sent()
        return prepared, outcome, loop.time() - started, span

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
                now=self._clock(),
                seen_nonces=self._answer_nonces,
            )
        except APIError as error:
            return failure_from_api_error(error)
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
        if self._closed or self._state.closed or session.closed:
            # aclose() ran while this call was between attempts. Nothing is sent; the
            # call ends here, as "outcome unknown" if an earlier attempt may have landed.
            raise _Failed(
                Failure(
                    ClientClosedError(
                        f"{self._name} was closed while {prepared.method} "
                        f"{path_of(prepared.target)} was in progress."
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
        watchdog = self._state.watchdog
        # _session() made the watchdog; asyncio (and aiohttp's own timers) run us in a task
        assert task is not None and watchdog is not None
        guard = watchdog.start(timeout, task)
        failure: Failure | None = None
        answer: _Answer | None = None
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
        assert answer is not None  # each way out of the try without an answer set failure
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
            f"the answer to {prepared.method} {path_of(prepared.target)} (HTTP {status}) is "
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
        what = f"{prepared.method} {path_of(prepared.target)}"
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
