"""Base classes shared by every wire model, and the per-response metadata.

Every model carries ``extra``: the JSON members this SDK version does not know (a newer
API version may add fields at any time). They are kept with their raw JSON values and
written out again, so nothing a caller or Alipay sent is lost in a round trip. No field
of the spec is named ``extra`` (the generator refuses one).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import attrs

from .._logging import redact, redact_headers
from ._unset import UNSET

__all__ = ["EMPTY", "Model", "RawResponse", "RequestModel", "ResponseInfo", "ResponseModel"]


class _EmptyMapping(Mapping[str, Any]):
    """The shared, immutable, picklable empty ``extra`` of models without unknown fields."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "EMPTY"


EMPTY: Mapping[str, Any] = _EmptyMapping()


@attrs.frozen(kw_only=True, repr=False)
class Model:
    """Base of every request, response, nested and message model.

    Attributes:
        extra: JSON members unknown to this SDK version, with their raw JSON values.
            Filled when parsing, written out after the known fields when serialising,
            and usable to send a field this SDK does not model yet.
    """

    SCHEMA: ClassVar[str | None] = None

    extra: Mapping[str, Any] = attrs.field(default=EMPTY, hash=False)

    def __repr__(self) -> str:
        # Only what is set: a query response has dozens of fields, mostly unset.
        parts = [
            f"{field.alias or field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(type(self))
            if field.init and field.name != "extra" and getattr(self, field.name) is not UNSET
        ]
        if self.extra:
            parts.append(f"extra={dict(self.extra)!r}")
        # User ids masked as in the logs: tracebacks that capture locals print models.
        return redact(f"{type(self).__name__}({', '.join(parts)})")


@attrs.frozen(kw_only=True, repr=False)
class RequestModel(Model):
    """Base of the request bodies (and query parameters) of the seven operations."""

    OPERATION: ClassVar[str]


@attrs.frozen(repr=False)
class RawResponse:
    """The answer exactly as it arrived, before it was decrypted and parsed.

    Kept for what the model cannot say: archiving the signed bytes as evidence of what
    Alipay answered, re-verifying them elsewhere, or reading a header or a JSON member
    this SDK does not model. The repr gives the body's size only, since the body may
    name users.

    Attributes:
        status: The HTTP status code.
        headers: The response headers the signature was checked against, names
            lower-cased.
        body: The body bytes the signature was checked against (the ciphertext, when
            the answer was encrypted).
    """

    status: int
    headers: Mapping[str, str]
    body: bytes

    def __repr__(self) -> str:
        return (
            f"RawResponse(status={self.status}, headers={redact_headers(self.headers)!r}, "
            f"body=<{len(self.body)} bytes>)"
        )


@attrs.frozen
class ResponseInfo:
    """HTTP facts about the exchange that produced a response, for logs and support tickets.

    Attributes:
        http_status: The HTTP status code.
        trace_id: Alipay's ``alipay-trace-id`` header, which support asks for.
        request_id: The ``alipay-request-id`` the request was sent with.
        headers: The response headers.
        raw: The answer as it arrived (see :class:`RawResponse`).
        out_biz_no: The idempotency key a write was sent with (the caller's, or the
            one generated for the call); ``None`` for a read.
    """

    http_status: int
    trace_id: str | None = None
    request_id: str | None = None
    # Shown masked, as in the logs: the response's signature is no business of a repr.
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=lambda h: repr(redact_headers(h)))
    raw: RawResponse | None = None
    out_biz_no: str | None = None


@attrs.frozen(kw_only=True, repr=False)
class ResponseModel(Model):
    """Base of the seven success responses; carries the HTTP facts beside the body.

    The :class:`ResponseInfo` is not part of the JSON (it is neither parsed nor written),
    and it does not take part in equality.
    """

    OPERATION: ClassVar[str]

    _response_info: ResponseInfo | None = attrs.field(
        default=None, init=False, eq=False, hash=False, repr=False
    )

    @property
    def response_info(self) -> ResponseInfo | None:
        """The HTTP facts of the exchange, or ``None`` for a model built by hand."""
        return self._response_info

    @property
    def http_status(self) -> int | None:
        """The HTTP status of the response, or ``None`` for a model built by hand."""
        info = self._response_info
        return None if info is None else info.http_status

    @property
    def trace_id(self) -> str | None:
        """Alipay's trace id of the exchange: quote it when asking Alipay support."""
        info = self._response_info
        return None if info is None else info.trace_id

    @property
    def request_id(self) -> str | None:
        """The ``alipay-request-id`` of the request that produced this response."""
        info = self._response_info
        return None if info is None else info.request_id

    @property
    def raw(self) -> RawResponse | None:
        """The status, headers and body bytes this response was verified and parsed
        from, or ``None`` for a model built by hand."""
        info = self._response_info
        return None if info is None else info.raw

    @property
    def out_biz_no(self) -> str | None:
        """The ``out_biz_no`` a write was sent with: the caller's, or the one generated
        when the caller gave none. Keep it to repeat the write safely or to reconcile.
        ``None`` for ``query`` and for a model built by hand."""
        info = self._response_info
        return None if info is None else info.out_biz_no
