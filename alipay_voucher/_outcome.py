"""A write whose success answer cannot be trusted: outcome unknown, not failed.

When Alipay answers a state-changing call with 2xx, the change was most likely made,
whatever happens to the answer afterwards. If that answer then fails signature
verification (a stale Alipay certificate, a proxy that strips headers), decryption
or parsing, reporting a plain failure would invite the caller to give up on, or
re-key, a write that did happen. The error is therefore an
:class:`~alipay_voucher.errors.OutcomeUnknownError` carrying the call's ``out_biz_no``
and is *also* an instance of the specific class (``except SignatureVerificationError``
keeps working); the specific error is its ``__cause__`` as well. Such an answer is
never retried automatically: the caller repeats the call with the same key.

A stale answer (:class:`~alipay_voucher.errors.StaleAnswerError`: too old, or a nonce
seen before) to a write is outcome-unknown whatever its status: it may be another
call's answer replayed while this call's request was held back, so it tells nothing
of whether this write took effect.
"""

from __future__ import annotations

from typing import Any

from .errors import (
    AlipayError,
    DecryptionError,
    MalformedResponseError,
    OutcomeUnknownError,
    SignatureVerificationError,
    StaleAnswerError,
)

__all__ = ["UNTRUSTED_ANSWER_ERRORS", "untrusted_write"]

UNTRUSTED_ANSWER_ERRORS: tuple[type[AlipayError], ...] = (
    SignatureVerificationError,
    MalformedResponseError,
    DecryptionError,
)
"""The errors that mean "an answer arrived but cannot be used"."""


class _UntrustedWrite(OutcomeUnknownError):
    """Both bases have their own ``__init__``: instances are built by :func:`_build`
    with the union of their attributes, and pickle back through it."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_build, (type(self), str(self), dict(self.__dict__)))


class UnverifiedWriteError(_UntrustedWrite, SignatureVerificationError):
    """A 2xx answer to a write failed signature verification."""


class StaleWriteAnswerError(_UntrustedWrite, StaleAnswerError):
    """An answer to a write was stale or replayed: the write's outcome is unknown."""


class UndecryptableWriteError(_UntrustedWrite, DecryptionError):
    """A 2xx answer to a write could not be decrypted."""


class UnparsableWriteError(_UntrustedWrite, MalformedResponseError):
    """A 2xx answer to a write was not the JSON the API promises."""


_KINDS: tuple[tuple[type[AlipayError], type[_UntrustedWrite]], ...] = (
    (StaleAnswerError, StaleWriteAnswerError),  # before its base class
    (SignatureVerificationError, UnverifiedWriteError),
    (DecryptionError, UndecryptableWriteError),
    (MalformedResponseError, UnparsableWriteError),
)


def untrusted_write(
    error: AlipayError,
    *,
    operation: str,
    status: int | None,
    out_biz_no: str | None,
    request_id: str | None,
) -> OutcomeUnknownError:
    """The outcome-unknown error for ``error``, raised by a 2xx answer to a write."""
    kind = next((unknown for base, unknown in _KINDS if isinstance(error, base)), None)
    if kind is None:
        raise TypeError(f"not an untrusted-answer error: {type(error).__name__}")
    if out_biz_no:
        advice = (
            f"Repeat it with the same out_biz_no={out_biz_no!r} (Alipay then returns the "
            "first result and changes nothing), or check its effect with query"
        )
    else:
        advice = "Check its effect at Alipay before repeating it"
    if isinstance(error, StaleAnswerError):
        message = (
            f"{operation} got an answer (HTTP {status}) that may belong to another call "
            f"({type(error).__name__}: {error}), so whether it took effect is unknown. "
            f"{advice}."
        )
    else:
        message = (
            f"{operation} was answered with HTTP {status}, so it most likely took effect, "
            f"but the answer cannot be trusted ({type(error).__name__}: {error}). {advice}."
        )
    state: dict[str, Any] = dict(vars(error))
    state.update(out_biz_no=out_biz_no, request_id=request_id or state.get("request_id"))
    state.setdefault("attempts", 1)
    unknown: OutcomeUnknownError = _build(kind, message, state)
    unknown.__cause__ = error
    return unknown


def _build(kind: type[_UntrustedWrite], message: str, state: dict[str, Any]) -> Any:
    made = kind.__new__(kind)
    Exception.__init__(made, message)
    made.__dict__.update(state)
    return made
