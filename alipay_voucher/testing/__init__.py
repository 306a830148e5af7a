"""Test kit: the sandbox gateway, a throwaway PKI and pytest fixtures.

Names are imported on first use, so ``import alipay_voucher.testing.pki`` stays free of
aiohttp.web; ``from alipay_voucher.testing import Sandbox`` loads the gateway.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._faults import Fault, Faults, InjectedFault
    from ._notifier import (
        MESSAGE_METHODS,
        Attempt,
        Delivery,
        Outbox,
        SignedMessage,
        encode_form,
        sample_biz_content,
    )
    from ._receiver import NotifyReceiver, Received
    from .pki import SandboxPKI, make_pki
    from .sandbox import DEFAULT_APP_ID, Sandbox, SandboxThread

__all__ = [
    "DEFAULT_APP_ID",
    "MESSAGE_METHODS",
    "Attempt",
    "Delivery",
    "Fault",
    "Faults",
    "InjectedFault",
    "NotifyReceiver",
    "Outbox",
    "Received",
    "Sandbox",
    "SandboxPKI",
    "SandboxThread",
    "SignedMessage",
    "encode_form",
    "make_pki",
    "sample_biz_content",
]

_HOMES = {
    "DEFAULT_APP_ID": ".sandbox",
    "Sandbox": ".sandbox",
    "SandboxThread": ".sandbox",
    "Fault": "._faults",
    "Faults": "._faults",
    "InjectedFault": "._faults",
    "MESSAGE_METHODS": "._notifier",
    "Attempt": "._notifier",
    "Delivery": "._notifier",
    "Outbox": "._notifier",
    "SignedMessage": "._notifier",
    "encode_form": "._notifier",
    "sample_biz_content": "._notifier",
    "NotifyReceiver": "._receiver",
    "Received": "._receiver",
    "SandboxPKI": ".pki",
    "make_pki": ".pki",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
