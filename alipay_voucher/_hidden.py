"""Keeping secrets out of tracebacks: a masked holder, and errors scrubbed before they leave.

Error reporters (Sentry does it by default) record the local variables of every frame
of a traceback, by their ``repr``. So the SDK's own frames hold a call's request and
``app_auth_token`` only in objects whose repr masks them (:class:`Hidden` here, the
masked reprs of the protocol's value objects), and an error leaves the SDK
:func:`scrubbed`: this call's token and users' ids masked in its message and fields,
and without the frames below the retry loop, which hold the signed request and the
raw answer as plain ``str``/``bytes`` locals (aiohttp's frames included).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from ._logging import redact, redact_bytes
from .errors import AlipayError

__all__ = ["Hidden", "scrubbed"]

_T = TypeVar("_T")
_E = TypeVar("_E", bound=BaseException)

# Identifiers the caller needs verbatim to act on the error (repeat with the same key,
# quote to support); they are made by the SDK or the caller, never by a user.
_KEPT = frozenset({"out_biz_no", "request_id", "trace_id", "code"})


class Hidden(Generic[_T]):
    """A value whose repr is ``<hidden>``, passed between the SDK's frames."""

    __slots__ = ("value",)

    def __init__(self, value: _T) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<hidden>"


def scrubbed(error: _E, *, secrets: Iterable[str | None] = ()) -> _E:
    """``error`` (changed in place) with ``secrets`` and user ids masked in it and in its
    causes, and every traceback of the chain dropped; raise it from the caller's frame."""
    known = tuple(secret for secret in secrets if secret)
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        if isinstance(current, AlipayError):
            _mask(current, known)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return error


def _mask(error: AlipayError, secrets: tuple[str, ...]) -> None:
    error.args = tuple(redact(a, secrets=secrets) if isinstance(a, str) else a for a in error.args)
    for name, value in vars(error).items():
        if name in _KEPT:
            continue
        if isinstance(value, str):
            setattr(error, name, redact(value, secrets=secrets))
        elif isinstance(value, bytes):
            setattr(error, name, redact_bytes(value, secrets=secrets))
        elif isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
            setattr(error, name, {k: redact(v, secrets=secrets) for k, v in value.items()})
