"""AsyncVoucherClient: the seven voucher operations as coroutines, plus a generic call.

The operations are deliberately thin: each names its row of the operation table
(:mod:`alipay_voucher._generated_operations`, generated from the spec: method, path,
models, whether it writes, the id its success must carry) and hands its input to one
generic coroutine, which turns the request into JSON (with the models' checks),
serialises it once, and lets the transport sign, send, retry and verify. A new
operation in the spec is a regenerated row plus a typed one-line method here.

Every mutating call is sent with an ``out_biz_no``. When the caller gives none, one is
generated once per call and reused by every attempt, so a retry can never do the thing
twice; it is on the result (``result.out_biz_no``) and on :class:`OutcomeUnknownError`,
for reconciliation. Every result also keeps the bytes it was verified from
(``result.raw``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import attrs

from . import protocol
from ._generated_operations import APPEND, CREATE, MODIFY, PUBLISH, QUERY, SEND, STOP
from ._hidden import Hidden, scrubbed
from ._hooks import Hooks, RequestEvent, ResponseEvent
from ._logging import redact
from ._operation import Operation
from ._outcome import untrusted_write
from ._ratelimit import Quota
from ._retry import failure_from_api_error
from .batch import Journal, Recipient, SendOutcome, send_many
from .config import AlipayConfig, RetryPolicy
from .errors import (
    AlipayError,
    APIError,
    ConfigurationError,
    MalformedResponseError,
    OutcomeUnknownError,
    RequestValidationError,
    TransportError,
    WaitTimeoutError,
)
from .models import UNSET, RawResponse, ResponseInfo
from .models._convert import from_json, request_to_json
from .rules import ACTIVITY_STATUSES
from .transport import Call, ClientClosedError, EventLoopMismatchError, Transport

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

    from ._tracing import Tracing

    # The models are imported with the first call that needs them, not with the client.
    from .models import (
        MerchantAccessMode,
        ResponseModel,
        VoucherAppendRequest,
        VoucherAppendResponse,
        VoucherCreateRequest,
        VoucherCreateResponse,
        VoucherModifyRequest,
        VoucherModifyResponse,
        VoucherPublishRequest,
        VoucherPublishResponse,
        VoucherQueryResponse,
        VoucherSendRequest,
        VoucherSendResponse,
        VoucherStopRequest,
        VoucherStopResponse,
    )
    from .notify import NotificationHub

__all__ = [
    "AsyncVoucherClient",
    "ClientClosedError",
    "EventLoopMismatchError",
    "GenericResponse",
    "Hooks",
    "RequestEvent",
    "ResponseEvent",
]

_R = TypeVar("_R", bound="ResponseModel")
_C = TypeVar("_C", bound="AsyncVoucherClient")

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_USER_ID_FIELDS = ("user_id", "open_id", "logon_id")


@attrs.frozen(repr=False)
class GenericResponse:
    """The verified answer of :meth:`AsyncVoucherClient.request`.

    Attributes:
        payload: The JSON object Alipay answered with (decrypted if it was encrypted).
        http_status: The HTTP status.
        trace_id: Alipay's ``alipay-trace-id``; quote it when asking Alipay support.
        request_id: The ``alipay-request-id`` of the attempt that got this answer.
        headers: The response headers, names lower-cased.
        raw: The status, headers and body bytes as they arrived (see
            :class:`~alipay_voucher.models.RawResponse`); not part of equality.
        out_biz_no: The ``out_biz_no`` the call's JSON carried, if any.
    """

    payload: dict[str, Any]
    http_status: int
    trace_id: str | None
    request_id: str | None
    headers: Mapping[str, str] = attrs.field(repr=False)
    raw: RawResponse | None = attrs.field(default=None, repr=False, eq=False)
    out_biz_no: str | None = None

    def __repr__(self) -> str:
        return redact(
            f"GenericResponse(payload={self.payload!r}, http_status={self.http_status}, "
            f"trace_id={self.trace_id!r}, request_id={self.request_id!r}, "
            f"out_biz_no={self.out_biz_no!r})"
        )


class AsyncVoucherClient:
    """The voucher API as coroutines. Use it with ``async with`` or call :meth:`aclose`.

    One client holds one aiohttp session, made on first use on the running event loop
    and used only from that loop; share the client between tasks rather than making
    one per call.

    Args:
        config: The app's credentials and settings.
        retry: Overrides ``config.retry`` for this client
            (``RetryPolicy.disabled()`` switches retries off).
        session: An aiohttp session to send with instead of the client's own; the
            client never closes it.
        hooks: Callables run around every attempt, for metrics and tracing.
        sign_in_thread: Sign each attempt in the event loop's default executor
            (``loop.run_in_executor(None, ...)``) instead of on the loop itself. The
            RSA signature is most of a call's CPU time and cryptography releases the
            GIL while making it, so on a machine with several cores the loop keeps
            sending and verifying meanwhile; and a ``Signer`` that calls a KMS or HSM
            no longer blocks the loop while it waits. Each attempt is still signed
            afresh. Off by default: the hand-off costs CPU of its own, so it pays only
            with a spare core or a signer that waits.
        rate: At most this many requests start in any one-second window, across all
            calls of this client and of its :meth:`with_options` copies (retries
            count: Alipay counts them). Set it to the app's QPS quota; ``None`` (the
            default) for no limit.
        max_concurrency: At most this many requests in flight at once, across all calls
            of this client and of its copies; ``None`` for no limit.
        tracing: ``True`` to make an OpenTelemetry span of every call and of every
            attempt with the global tracer provider, or the ``TracerProvider`` to use.
            Needs the ``[otel]`` extra; without ``tracing`` OpenTelemetry is never
            imported.

    Every operation takes these keyword options:

    * ``app_auth_token``: call on behalf of a merchant that authorised your app
      (default: the one given to :meth:`with_options`, if any);
    * ``request_id``: the ``alipay-request-id`` of the first attempt (retries get
      fresh ones, each logged);
    * ``timeout``: seconds one attempt may take (default: the one given to
      :meth:`with_options`, else ``config.timeout``); the retry policy's
      ``deadline`` bounds all attempts together;
    * ``encrypt``: AES-encrypt this call's body (default ``config.encrypt``).
    """

    def __init__(
        self,
        config: AlipayConfig,
        *,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
        hooks: Hooks | None = None,
        sign_in_thread: bool = False,
        rate: float | None = None,
        max_concurrency: int | None = None,
        tracing: bool | TracerProvider = False,
    ) -> None:
        if not isinstance(config, AlipayConfig):
            raise ConfigurationError(
                "AsyncVoucherClient needs an AlipayConfig (AlipayConfig.key_mode(...), "
                f".cert_mode(...) or .from_env()), got {type(config).__name__}."
            )
        self._config = config
        self._transport = Transport(
            config,
            retry=retry,
            session=session,
            hooks=hooks,
            name=f"{type(self).__name__}(app_id={config.app_id!r}) at {id(self):#x}",
            sign_in_thread=sign_in_thread,
            quota=Quota(rate, max_concurrency),
            tracing=_tracing(tracing),
        )
        self._timeout: float | None = None
        """The per-attempt timeout of calls that give none (None: ``config.timeout``)."""
        self._app_auth_token: str | None = None
        """The token of calls that give none (see :meth:`with_options`)."""

    @property
    def config(self) -> AlipayConfig:
        return self._config

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy in force (the client's override, else ``config.retry``)."""
        return self._transport.retry_policy

    @property
    def rate(self) -> float | None:
        """Request starts allowed in any one-second window (shared with the copies)."""
        quota = self._transport.quota
        return quota.rate if quota is not None else None

    @property
    def max_concurrency(self) -> int | None:
        """Requests allowed in flight at once (shared with the copies)."""
        quota = self._transport.quota
        return quota.max_concurrency if quota is not None else None

    @property
    def closed(self) -> bool:
        return self._transport.closed

    def with_options(
        self: _C,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        app_auth_token: str | None = None,
    ) -> _C:
        """A copy of this client whose calls default to other options.

        The copy shares this client's connection pool, event loop, hooks and quota
        (``rate``, ``max_concurrency``), so making one per request costs next to
        nothing::

            merchant = client.with_options(app_auth_token=token, timeout=3)
            await merchant.send(...)

        ``timeout`` is the per-attempt timeout of calls that give none, ``retry`` the
        retry policy, ``app_auth_token`` the token of calls that give none; an option
        left out (``None``) keeps this client's. Closing the copy does not close this
        client; closing this client ends the copy too (its calls raise
        :class:`ClientClosedError`).
        """
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0
        ):
            raise RequestValidationError(
                f"timeout must be a positive number of seconds, got {timeout!r}", field="timeout"
            )
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ConfigurationError(
                f"retry must be a RetryPolicy (RetryPolicy(...) or RetryPolicy.disabled()), "
                f"got {type(retry).__name__}."
            )
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        name = f"{type(self).__name__}(app_id={self._config.app_id!r}) at {id(copy):#x}"
        copy._transport = self._transport.derive(retry=retry, name=name)
        if timeout is not None:
            copy._timeout = float(timeout)
        if app_auth_token is not None:
            copy._app_auth_token = app_auth_token or None
        return copy

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(app_id={self._config.app_id!r}, "
            f"base_url={self._config.base_url!r}, mode={self._config.mode!r})"
        )

    async def __aenter__(self) -> AsyncVoucherClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client's own session (an injected one is left open); idempotent."""
        await self._transport.aclose()

    # ----------------------------------------------------------------- operations

    async def create(
        self,
        request: VoucherCreateRequest | Mapping[str, Any],
        *,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> VoucherCreateResponse:
        """Create a voucher activity; the answer carries its ``activity_id``."""
        invocation = self._invoke(
            CREATE, Hidden(request), Hidden(app_auth_token), request_id, timeout, encrypt
        )
        del request, app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    async def publish(
        self,
        request: VoucherPublishRequest | Mapping[str, Any],
        *,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> VoucherPublishResponse:
        """Activate an activity. Accepted only: success arrives as message ``…created``."""
        invocation = self._invoke(
            PUBLISH, Hidden(request), Hidden(app_auth_token), request_id, timeout, encrypt
        )
        del request, app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    async def send(
        self,
        request: VoucherSendRequest | Mapping[str, Any],
        *,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> VoucherSendResponse:
        """Issue one voucher to one user (``user_id`` or ``open_id``); the answer carries
        its ``voucher_id``.

        Give each issuance its own ``out_biz_no`` and keep it until the call succeeds:
        repeating the call with it never issues a second voucher.
        """
        invocation = self._invoke(
            SEND, Hidden(request), Hidden(app_auth_token), request_id, timeout, encrypt
        )
        del request, app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    async def modify(
        self,
        request: VoucherModifyRequest | Mapping[str, Any],
        *,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> VoucherModifyResponse:
        """Change an activity (scopes only widen, validity only extends).

        Accepted only: the change applies once message ``…modified`` arrives.
        """
        invocation = self._invoke(
            MODIFY, Hidden(request), Hidden(app_auth_token), request_id, timeout, encrypt
        )
        del request, app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    async def append(
        self,
        request: VoucherAppendRequest | Mapping[str, Any],
        *,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> VoucherAppendResponse:
        """Raise the activity's total quantity (``voucher_quantity`` is the new TOTAL).

        Accepted only: confirmed by message ``…appended``.
        """
        invocation = self._invoke(
            APPEND, Hidden(request), Hidden(app_auth_token), request_id, timeout, encrypt
        )
        del request, app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    async def stop(
        self,
        request: VoucherStopRequest | Mapping[str, Any],
        *,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> VoucherStopResponse:
        """Stop an activity for good; accepted only, confirmed by message ``…stopped``."""
        invocation = self._invoke(
            STOP, Hidden(request), Hidden(app_auth_token), request_id, timeout, encrypt
        )
        del request, app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    async def query(
        self,
        activity_id: str,
        merchant_access_mode: MerchantAccessMode | str | None = None,
        *,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> VoucherQueryResponse:
        """Read an activity with its counters. Safe to repeat, so always retried."""
        params: dict[str, Any] = {"activity_id": activity_id}
        if merchant_access_mode is not None:
            params["merchant_access_mode"] = merchant_access_mode
        invocation = self._invoke(
            QUERY, Hidden(params), Hidden(app_auth_token), request_id, timeout, encrypt
        )
        del app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        app_auth_token: str | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        encrypt: bool | None = None,
    ) -> GenericResponse:
        """Call any v3 endpoint, signed and verified, for APIs not modelled here.

        ``path`` is the full path (``/v3/...``); ``query`` parameters are encoded in the
        given order. A ``GET`` is retried freely. A call that changes state is retried
        only when ``json`` carries an ``out_biz_no`` (give one: nothing is generated
        here), or when the request certainly never reached Alipay.
        """
        invocation = self._generic(
            method,
            path,
            Hidden(json),
            Hidden(query),
            Hidden(app_auth_token),
            request_id,
            timeout,
            encrypt,
        )
        del json, query, app_auth_token  # kept out of tracebacks that capture locals
        return await invocation

    # ----------------------------------------------------------------- on top of the API

    def send_many(
        self,
        activity_id: str,
        recipients: Iterable[str | Recipient | Mapping[str, str]],
        *,
        concurrency: int = 16,
        rate: float | None = None,
        journal: str | os.PathLike[str] | Journal | None = None,
        campaign_key: str = "default",
        merchant_access_mode: str | None = None,
        app_auth_token: str | None = None,
        on_duplicate: Callable[[Recipient], object] | None = None,
    ) -> AsyncGenerator[SendOutcome, None]:
        """Send one voucher to each recipient, yielding outcomes as they complete.

        Each recipient's ``out_biz_no`` is derived from ``campaign_key``, the activity
        and the recipient, so a retry or a rerun can never issue a second voucher; with
        a ``journal`` (an SQLite file) a rerun skips recipients already served. ``rate``
        caps request starts in every second (Alipay enforces a per-app QPS; leave it
        out for no limit) and ``concurrency`` the requests in flight. Invalid input rows
        and errors are reported per recipient, never raised. Closing the iterator early
        starts no further request. See :func:`alipay_voucher.batch.send_many`.
        """
        # The batch's own generator, not one wrapped around it: closing it stops the
        # batch directly, and no outcome pays for a second generator on its way.
        return send_many(
            self,
            activity_id,
            recipients,
            campaign_key=campaign_key,
            concurrency=concurrency,
            rate=rate,
            journal=journal,
            merchant_access_mode=merchant_access_mode,
            app_auth_token=app_auth_token,
            on_duplicate=on_duplicate,
        )

    async def wait_for_status(
        self,
        activity_id: str,
        status: str,
        *,
        timeout: float = 60.0,
        hub: NotificationHub | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 15.0,
    ) -> VoucherQueryResponse:
        """Wait until ``query`` reports the activity in ``status`` (e.g. ``"ACTIVE"`` after
        ``publish``); return that answer.

        ``publish``, ``modify``, ``append`` and ``stop`` are only accepted at first. With a
        ``hub`` wired to the notification handler, every message about the activity
        triggers a ``query`` at once; without one, ``query`` is polled with a backoff
        from ``poll_interval`` up to ``max_poll_interval`` seconds.

        ``status`` must be one of :data:`alipay_voucher.rules.ACTIVITY_STATUSES`: any
        other text (``"active"``) could never match, so it is refused at once with
        :class:`RequestValidationError` rather than waited on. A ``query`` that Alipay
        refuses outright (a 4xx, such as an unknown activity) is raised as it is; one
        that fails for a passing reason (no answer, a 5xx, 429) is tried again at the next
        poll. Raises :class:`WaitTimeoutError`, carrying the last status seen, when
        ``timeout`` passes first.
        """
        _check_activity_status(status)
        deadline = time.monotonic() + timeout
        event = hub.subscribe(activity_id) if hub is not None else None
        interval = poll_interval
        last: str | None = None
        failed: AlipayError | None = None
        try:
            while True:
                if event is not None:
                    event.clear()
                try:
                    answer = await self.query(activity_id)
                except (TransportError, APIError) as error:
                    if isinstance(error, APIError) and not failure_from_api_error(error).transient:
                        raise
                    failed = error
                else:
                    failed = None
                    current = answer.activity_status
                    last = None if current is None or current is UNSET else str(current)
                    if last == status:
                        return answer
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeoutError(
                        f"activity {activity_id} did not reach status {status!r} within "
                        f"{timeout:g} s (last seen: {last!r}). Check the notifications for "
                        "a failure, or wait longer.",
                        activity_id=activity_id,
                        status=status,
                        timeout=timeout,
                        last_status=last,
                    ) from failed
                pause = min(interval, remaining)
                if event is not None:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(event.wait(), pause)
                else:
                    await asyncio.sleep(pause)
                interval = min(max_poll_interval, interval * 2)
        finally:
            if hub is not None and event is not None:
                hub.unsubscribe(activity_id, event)

    # ----------------------------------------------------------------- the one path

    async def _invoke(
        self,
        op: Operation[Any, _R],
        request: Hidden[Any],
        app_auth_token: Hidden[str | None],
        request_id: str | None,
        timeout: float | None,
        encrypt: bool | None,
    ) -> _R:
        # Errors leave scrubbed (see _hidden): the frames below this one hold the request.
        try:
            call = self._operation_call(
                op, request.value, app_auth_token.value, request_id, timeout, encrypt
            )
        except AlipayError as error:
            # (no local: tracebacks that capture locals would print the token)
            raise scrubbed(
                error, secrets=(app_auth_token.value, self._app_auth_token)
            ) from error.__cause__
        answer = await self._transport.execute(call)
        try:
            return self._result(op, call, answer)
        except AlipayError as error:
            raise scrubbed(error, secrets=call.secrets) from error.__cause__

    def _operation_call(
        self,
        op: Operation[Any, Any],
        request: Any,
        app_auth_token: str | None,
        request_id: str | None,
        timeout: float | None,
        encrypt: bool | None,
    ) -> Call:
        if op.writes:
            # Generated once per logical call (when the caller gave none): every attempt
            # carries the same key.
            defaults = None if _has_out_biz_no(request) else {"out_biz_no": _new_out_biz_no()}
            payload = request_to_json(op.name, request, defaults=defaults)
            target = op.path
            body: dict[str, Any] | None = payload
            out_biz_no = payload.get("out_biz_no")
        else:
            params = request_to_json(op.name, request)
            # The spec's order of the parameters, as Java's generated client sends them.
            ordered = [(k, params[k]) for k in op.fields if k in params]
            ordered += [(k, v) for k, v in params.items() if k not in op.fields]
            target = protocol.build_target(op.path, ordered)
            body, out_biz_no = None, None
        return self._call(
            operation=op.name,
            method=op.method,
            target=target,
            payload=body,
            app_auth_token=app_auth_token,
            request_id=request_id,
            timeout=timeout,
            encrypt=encrypt,
            idempotent=True,
            mutating=op.writes,
            out_biz_no=out_biz_no if isinstance(out_biz_no, str) else None,
        )

    def _result(self, op: Operation[Any, _R], call: Call, answer: protocol.VerifiedResponse) -> _R:
        info = ResponseInfo(
            http_status=answer.status,
            trace_id=answer.trace_id,
            request_id=answer.request_id,
            headers=answer.headers,
            raw=_raw(answer),
            out_biz_no=call.out_biz_no,
        )
        if op.guaranteed is not None:
            guaranteed = answer.payload.get(op.guaranteed)
            if guaranteed is None or guaranteed == "":
                raise _answered_without(op.name, op.guaranteed, call, answer)
        try:
            return from_json(op.response_type, answer.payload, info=info)
        except MalformedResponseError as error:
            if not op.writes:
                raise
            raise untrusted_write(
                error,
                operation=op.name,
                status=answer.status,
                out_biz_no=call.out_biz_no,
                request_id=answer.request_id,
            ) from error

    async def _generic(
        self,
        method: str,
        path: str,
        json: Hidden[Mapping[str, Any] | None],
        query: Hidden[Mapping[str, Any] | Sequence[tuple[str, Any]] | None],
        app_auth_token: Hidden[str | None],
        request_id: str | None,
        timeout: float | None,
        encrypt: bool | None,
    ) -> GenericResponse:
        try:
            call = self._generic_call(
                method,
                path,
                json.value,
                query.value,
                app_auth_token.value,
                request_id,
                timeout,
                encrypt,
            )
        except AlipayError as error:
            # (no local: tracebacks that capture locals would print the token)
            raise scrubbed(
                error, secrets=(app_auth_token.value, self._app_auth_token)
            ) from error.__cause__
        answer = await self._transport.execute(call)
        return GenericResponse(
            payload=answer.payload,
            http_status=answer.status,
            trace_id=answer.trace_id,
            request_id=answer.request_id,
            headers=answer.headers,
            raw=_raw(answer),
            out_biz_no=call.out_biz_no,
        )

    def _generic_call(
        self,
        method: str,
        path: str,
        json: Mapping[str, Any] | None,
        query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None,
        app_auth_token: str | None,
        request_id: str | None,
        timeout: float | None,
        encrypt: bool | None,
    ) -> Call:
        method = method.upper()
        if not path.startswith("/"):
            raise RequestValidationError(f"path must start with '/', got {path!r}")
        target = protocol.build_target(path, query)
        out_biz_no = json.get("out_biz_no") if json is not None else None
        keyed = isinstance(out_biz_no, str) and bool(out_biz_no)
        mutating = method not in _SAFE_METHODS
        return self._call(
            operation=None,
            method=method,
            target=target,
            payload=dict(json) if json is not None else None,
            app_auth_token=app_auth_token,
            request_id=request_id,
            timeout=timeout,
            encrypt=encrypt,
            idempotent=not mutating or keyed,
            mutating=mutating,
            out_biz_no=out_biz_no if keyed else None,
        )

    def _call(
        self,
        *,
        operation: str | None,
        method: str,
        target: str,
        payload: dict[str, Any] | None,
        app_auth_token: str | None,
        request_id: str | None,
        timeout: float | None,
        encrypt: bool | None,
        idempotent: bool,
        mutating: bool,
        out_biz_no: str | None,
    ) -> Call:
        if timeout is None:
            timeout = self._timeout
        elif not timeout > 0:
            raise RequestValidationError(
                f"timeout must be a positive number of seconds, got {timeout!r}"
            )
        if not app_auth_token:
            app_auth_token = self._app_auth_token
        body = protocol.prepare_body(self._config, payload, encrypt=encrypt)
        return Call(
            method=method,
            target=target,
            body=body,
            operation=operation,
            app_auth_token=app_auth_token or None,
            request_id=request_id or None,
            timeout=timeout,
            encrypted=self._config.encrypt if encrypt is None else encrypt,
            idempotent=idempotent,
            mutating=mutating,
            out_biz_no=out_biz_no,
            secrets=_secrets_of(app_auth_token, payload),
        )


def _tracing(option: object) -> Tracing | None:
    """The tracer the ``tracing`` option asks for; OpenTelemetry is imported only here."""
    if option is False or option is None:
        return None
    if not (option is True or callable(getattr(option, "get_tracer", None))):
        raise ConfigurationError(
            "tracing must be True (the global OpenTelemetry tracer provider) or an "
            f"opentelemetry TracerProvider, got {type(option).__name__}."
        )
    try:
        from ._tracing import Tracing
    except ImportError as error:
        raise ConfigurationError(
            "tracing needs OpenTelemetry, which is not installed: "
            "pip install 'alipay_voucher[otel]'."
        ) from error
    return Tracing(None if option is True else option)  # type: ignore[arg-type]


def _raw(answer: protocol.VerifiedResponse) -> RawResponse:
    return RawResponse(status=answer.status, headers=answer.headers, body=answer.body)


def _secrets_of(app_auth_token: str | None, payload: dict[str, Any] | None) -> tuple[str, ...]:
    """The call's token and the user ids its body names, to be masked verbatim."""
    found: list[Any] = [app_auth_token]
    if payload:
        found += [payload.get(name) for name in _USER_ID_FIELDS]
    return tuple(value for value in found if isinstance(value, str) and value)


def _answered_without(
    operation: str, field: str, call: Call, answer: protocol.VerifiedResponse
) -> OutcomeUnknownError:
    """A signed success that does not say what was created: it may well have been, so
    the caller is told to repeat the call with its key rather than handed an empty id."""
    return OutcomeUnknownError(
        f"{operation} was accepted (HTTP {answer.status}, signature verified, "
        f"request_id={answer.request_id}, trace_id={answer.trace_id}) but the answer names "
        f"no {field}, so what it did is unknown. Repeat it with the same "
        f"out_biz_no={call.out_biz_no!r} (Alipay then returns the first result and changes "
        "nothing) to get the id.",
        out_biz_no=call.out_biz_no,
        status=answer.status,
        trace_id=answer.trace_id,
        request_id=answer.request_id,
    )


def _check_activity_status(status: object) -> None:
    if isinstance(status, str) and status in ACTIVITY_STATUSES:
        return
    # Alipay's codes are upper case: "active" is the commonest slip.
    close = [known for known in ACTIVITY_STATUSES if known == str(status).upper()]
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    raise RequestValidationError(
        f"unknown activity status {status!r}{guess}: an activity is in one of "
        f"{', '.join(ACTIVITY_STATUSES)}, so wait_for_status waits for one of those.",
        field="status",
    )


def _new_out_biz_no() -> str:
    return uuid.uuid4().hex


def _has_out_biz_no(request: Any) -> bool:
    """Whether the request certainly keeps its own ``out_biz_no`` (a non-empty string),
    so no default need be generated; when unsure, one is offered as before."""
    try:
        if type(request) is dict or isinstance(request, Mapping):
            value = request.get("out_biz_no")
        else:
            value = getattr(request, "out_biz_no", None)
    except Exception:  # a strange input: request_to_json reports it properly
        return False
    return isinstance(value, str) and bool(value)
