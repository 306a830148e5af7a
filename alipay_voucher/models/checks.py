"""Checks a request must pass before it is signed and sent.

The rules themselves live in :mod:`alipay_voucher.rules`, shared with the sandbox; this
module applies the ones the client enforces (those the spec's own text states) to the
JSON dict about to be sent, so a request built as a model and one given as a plain
mapping are checked identically, and turns a refusal into
:class:`~alipay_voucher.errors.RequestValidationError` naming the field and the fix,
instead of a round trip and a generic ``INVALID_PARAMETER``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import RequestValidationError
from ..rules import MUTATING_OPERATIONS, OPERATIONS, first_refusal

__all__ = ["MUTATING_OPERATIONS", "OPERATIONS", "check_request"]


def check_request(operation: str, payload: Mapping[str, Any]) -> None:
    """Refuse a request that cannot succeed; raise :class:`RequestValidationError`.

    ``payload`` is the JSON dict of the request (for ``query``, its parameters). The
    error's ``field`` is the dotted JSON path of the offending field.
    """
    if operation not in OPERATIONS:
        raise RequestValidationError(
            f"unknown operation {operation!r}; use one of {', '.join(OPERATIONS)}"
        )
    found = first_refusal(operation, payload, client=True)
    if found is not None:
        refusal = found[1]
        raise RequestValidationError(str(refusal), field=refusal.field)
