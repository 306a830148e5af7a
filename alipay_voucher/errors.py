"""The exception tree.

Every error a caller can see derives from :class:`AlipayError`, so ``except AlipayError``
is always enough. Errors about an answer (or its absence) derive from :class:`AnswerError` and carry
what is needed to triage them in one step (status, code, trace id, request id, raw
body, each ``None``/empty where unknown), and every message says what to do next. No
message ever contains key material, signatures or the ``Authorization`` header.

Every error pickles and unpickles with its fields, so that a multiprocessing worker or
a task queue can hand it on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .error_hints import HINTS

__all__ = [
    "APIError",
    "AlipayError",
    "AnswerError",
    "ClientClosedError",
    "ConfigurationError",
    "DecryptionError",
    "DedupeStoreError",
    "ErrorLink",
    "EventLoopMismatchError",
    "MalformedResponseError",
    "NotificationError",
    "NotificationTooLargeError",
    "OutcomeUnknownError",
    "RequestValidationError",
    "SignatureVerificationError",
    "StaleAnswerError",
    "StaleNotificationError",
    "TransportError",
    "TransportTimeoutError",
    "WaitTimeoutError",
]


class AlipayError(Exception):
    """Base of every error raised by this package."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The default rebuilds an exception as ``cls(*args)``, which fails for the
        # keyword-only fields of the subclasses: rebuild from the message and the fields.
        return (_rebuild, (type(self), self.args), self.__dict__.copy())


def _rebuild(cls: type[AlipayError], args: tuple[Any, ...]) -> AlipayError:
    error = cls.__new__(cls)
    error.args = args
    return error


class ClientClosedError(AlipayError, RuntimeError):
    """The client was used after ``aclose()`` / ``close()``."""


class EventLoopMismatchError(AlipayError, RuntimeError):
    """The client was used from an event loop other than the one its session lives on.

    An aiohttp session is bound to the loop it was created on; using it from another
    loop fails in obscure ways (or hangs), so the client refuses up front. Create one
    client per event loop, or use :class:`~alipay_voucher.VoucherClient` from threads.
    """


class ConfigurationError(AlipayError, ValueError):
    """The configuration (keys, certificates, AES key, URLs) cannot work.

    Raised when the config is built, never on the first call, and the message names
    what is wrong and how to fix it.
    """


class RequestValidationError(AlipayError, ValueError):
    """A request was refused before anything was signed or sent.

    ``field`` is the dotted JSON path of the offending field (``"fix_voucher.amount"``),
    or ``None`` when the problem concerns the request as a whole.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AnswerError(AlipayError):
    """An error about an answer from Alipay, or about its absence.

    ``status`` (the HTTP status), ``code`` (Alipay's error code), ``trace_id``
    (``alipay-trace-id``), ``request_id`` (this SDK's ``alipay-request-id``) and ``body``
    (the raw bytes received) are set wherever they are known, and ``None`` (``b""`` for
    ``body``) otherwise. Quote ``trace_id`` and ``request_id`` to Alipay's support.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        trace_id: str | None = None,
        request_id: str | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.trace_id = trace_id
        self.request_id = request_id
        self.body = body


@attrs.frozen
class ErrorLink:
    """One entry of an error body's ``links``: a troubleshooting URL and its caption."""

    link: str
    desc: str | None = None


class APIError(AnswerError):
    """Alipay answered with an HTTP error status (>= 400).

    ``code`` is Alipay's error code (kebab-case for platform errors such as
    ``invalid-signature``, UPPER_SNAKE for business errors such as
    ``INVALID_PARAMETER``); ``body`` holds the raw bytes that were received.
    Error bodies are usually unsigned, so treat their content as information, not proof.
    """

    status: int

    def __init__(
        self,
        *,
        status: int,
        code: str | None,
        message: str | None,
        links: tuple[ErrorLink, ...] = (),
        trace_id: str | None = None,
        request_id: str | None = None,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        verified: bool = False,
    ) -> None:
        self.message = message
        self.links = links
        self.headers: Mapping[str, str] = dict(headers or {})
        self.verified = verified
        super().__init__(
            _describe(status, code, message, trace_id, request_id),
            status=status,
            code=code,
            trace_id=trace_id,
            request_id=request_id,
            body=body,
        )

    @property
    def hint(self) -> str | None:
        """What to do about ``code``, in English; ``None`` for a code Alipay does not document.

        Every gateway code and every business code of the voucher operations has one
        (:data:`alipay_voucher.error_hints.HINTS`).
        """
        found = HINTS.get(self.code or "")
        return found.en if found else None

    @property
    def hint_zh(self) -> str | None:
        """:attr:`hint` in Simplified Chinese (简体中文), or ``None`` where that is ``None``."""
        found = HINTS.get(self.code or "")
        return found.zh if found else None


def _describe(
    status: int,
    code: str | None,
    message: str | None,
    trace_id: str | None,
    request_id: str | None,
) -> str:
    text = f"HTTP {status} {code}" if code else f"HTTP {status}"
    if message:
        text += f": {message}"
    extras = []
    if trace_id:
        extras.append(f"trace_id={trace_id}")
    if request_id:
        extras.append(f"request_id={request_id}")
    if extras:
        text += f" ({', '.join(extras)})"
    hint = HINTS.get(code or "")
    if hint:
        text += f". Hint: {hint.en}"
    return text


class SignatureVerificationError(AnswerError):
    """A response or notification failed signature verification; it was not used."""


class StaleAnswerError(SignatureVerificationError):
    """A signed answer was not fresh: its ``alipay-timestamp`` is further than
    ``max_answer_skew`` from this machine's clock, or (with ``reject_replayed_answers``)
    its ``alipay-nonce`` was seen before. It may be another call's answer replayed, so
    it was not used; for a write the outcome is unknown."""


class DecryptionError(AnswerError):
    """A verified response body could not be AES-decrypted with the configured key."""


class MalformedResponseError(AnswerError):
    """A verified response was not the JSON object the API promises."""


class TransportError(AnswerError):
    """The HTTP exchange failed: connection refused or reset, truncated answer, timeout."""


class TransportTimeoutError(TransportError):
    """A per-attempt timeout or the overall deadline expired."""


class OutcomeUnknownError(AnswerError):
    """A mutating call may have taken effect at Alipay, but no usable answer arrived.

    Repeat the call with the same ``out_biz_no`` (Alipay then returns the first
    result and changes nothing) or check with ``query``. ``status``, ``code``,
    ``trace_id`` and ``body`` are those of the last answer, when one arrived.
    """

    def __init__(
        self,
        message: str,
        *,
        out_biz_no: str | None,
        attempts: int = 1,
        **answer: Any,
    ) -> None:
        """``answer`` holds the keyword arguments of :class:`AnswerError`."""
        super().__init__(message, **answer)
        self.out_biz_no = out_biz_no
        self.attempts = attempts


class WaitTimeoutError(AlipayError):
    """``wait_for_status`` gave up: the activity did not reach the status in time.

    Nothing failed: the activity is simply not there yet. ``activity_id``, the awaited
    ``status``, the ``timeout`` in seconds and ``last_status``, the status the last
    successful ``query`` reported (``None`` when none succeeded or it was empty), say where
    it stands; the last failed ``query``, if the wait ended on one, is the ``__cause__``.
    """

    def __init__(
        self,
        message: str,
        *,
        activity_id: str,
        status: str,
        timeout: float,
        last_status: str | None,
    ) -> None:
        super().__init__(message)
        self.activity_id = activity_id
        self.status = status
        self.timeout = timeout
        self.last_status = last_status


class NotificationError(AlipayError):
    """An inbound message was malformed, addressed to another app, or refused."""


class NotificationTooLargeError(NotificationError):
    """An inbound body is over the size limit; refused before any parsing."""


class DedupeStoreError(AlipayError):
    """The store that de-duplicates inbound messages could not be reached or used.

    The message is then refused (HTTP 503) rather than handled unclaimed, and Alipay
    delivers it again later.
    """


class StaleNotificationError(NotificationError):
    """A verified message is older than the configured maximum age (a possible replay)."""
