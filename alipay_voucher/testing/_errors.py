"""The error answers of the sandbox gateway, in the ``{code, message, links}`` shape.

Every refusal, platform-level (kebab-case) or business-level (UPPER_SNAKE), is one
:class:`GatewayError`, so the lifecycle code and the request checks can refuse with a
plain ``raise`` and a single place turns it into a signed HTTP answer.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GatewayError", "error_payload", "invalid_parameter"]

ERROR_LINK = "https://open.alipay.com/api/errCheck?traceId={trace_id}&source=openapi"


class GatewayError(Exception):
    """A refusal the gateway answers with ``status`` and the body ``{code, message}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def invalid_parameter(message: str) -> GatewayError:
    """``INVALID_PARAMETER``: the one business code that every voucher operation lists."""
    return GatewayError(400, "INVALID_PARAMETER", message)


def error_payload(error: GatewayError, trace_id: str) -> dict[str, Any]:
    """The JSON body Alipay sends with an error, ``links`` as the list the Node SDK sees."""
    return {
        "code": error.code,
        "message": error.message,
        "links": [{"link": ERROR_LINK.format(trace_id=trace_id), "desc": "解决方案"}],
    }
