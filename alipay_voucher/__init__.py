"""alipay_voucher: the async-first Python SDK for Alipay OpenAPI v3 payment vouchers.

The public names below are loaded on first use (PEP 562), so ``import alipay_voucher``
does no work beyond definitions and a script that only needs the config or the errors
never pays for aiohttp.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "AlipayConfig": "config",
    "RetryPolicy": "config",
    "PRODUCTION_URL": "config",
    "SANDBOX_URL": "config",
    "CertificateExpiryWarning": "config",
    "AsyncVoucherClient": "client",
    "VoucherClient": "sync",
    "Signer": "credentials",
    "AlipayError": "errors",
    "APIError": "errors",
    "AnswerError": "errors",
    "ConfigurationError": "errors",
    "ClientClosedError": "errors",
    "EventLoopMismatchError": "errors",
    "Hooks": "client",
    "GenericResponse": "client",
    "DecryptionError": "errors",
    "MalformedResponseError": "errors",
    "NotificationError": "errors",
    "OutcomeUnknownError": "errors",
    "RequestValidationError": "errors",
    "SignatureVerificationError": "errors",
    "StaleAnswerError": "errors",
    "StaleNotificationError": "errors",
    "TransportError": "errors",
    "TransportTimeoutError": "errors",
    "WaitTimeoutError": "errors",
    "parse_notification": "notify",
    "Notification": "notify",
    "UNSET": "models",
}

__all__ = [
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "UNSET",
    "APIError",
    "AlipayConfig",
    "AlipayError",
    "AnswerError",
    "AsyncVoucherClient",
    "CertificateExpiryWarning",
    "ClientClosedError",
    "ConfigurationError",
    "DecryptionError",
    "EventLoopMismatchError",
    "GenericResponse",
    "Hooks",
    "MalformedResponseError",
    "Notification",
    "NotificationError",
    "OutcomeUnknownError",
    "RequestValidationError",
    "RetryPolicy",
    "SignatureVerificationError",
    "Signer",
    "StaleAnswerError",
    "StaleNotificationError",
    "TransportError",
    "TransportTimeoutError",
    "VoucherClient",
    "WaitTimeoutError",
    "parse_notification",
]

if TYPE_CHECKING:
    from .client import AsyncVoucherClient, GenericResponse, Hooks
    from .config import (
        PRODUCTION_URL,
        SANDBOX_URL,
        AlipayConfig,
        CertificateExpiryWarning,
        RetryPolicy,
    )
    from .credentials import Signer
    from .errors import (
        AlipayError,
        AnswerError,
        APIError,
        ClientClosedError,
        ConfigurationError,
        DecryptionError,
        EventLoopMismatchError,
        MalformedResponseError,
        NotificationError,
        OutcomeUnknownError,
        RequestValidationError,
        SignatureVerificationError,
        StaleAnswerError,
        StaleNotificationError,
        TransportError,
        TransportTimeoutError,
        WaitTimeoutError,
    )
    from .models import UNSET
    from .notify import Notification, parse_notification
    from .sync import VoucherClient


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'alipay_voucher' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # the public names and the version, not this module's own imports
    return sorted([*__all__, "__version__"])
