"""Typed request, response and message models of the voucher API, and their converter.

Build a request as a model or pass a plain mapping of its JSON fields::

    from decimal import Decimal
    from alipay_voucher.models import (
        PaymentFixVoucher, PaymentVoucherUseRule, VoucherCreateRequest, VoucherType,
    )

    request = VoucherCreateRequest(
        out_biz_no="20240101-0001",
        voucher_type=VoucherType.FIX_VOUCHER,
        voucher_use_rule=PaymentVoucherUseRule(fix_voucher=PaymentFixVoucher(amount=Decimal("5"))),
    )

Every field defaults to :data:`UNSET` and is then left out of the JSON; ``None`` is sent
as ``null``. Amounts are ``Decimal`` (a ``float`` is refused), date-times ``datetime``,
coded values open enums, and unknown JSON members are kept in each model's ``extra``.

Names are imported on first use (PEP 562): ``import alipay_voucher.models`` loads the
bases and the JSON functions only, each generated model comes with the module of the
operations that use it (a program that only sends vouchers never builds the classes of a
query answer), and the cattrs ``converter`` is built when it is first asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._base import EMPTY, Model, RawResponse, RequestModel, ResponseInfo, ResponseModel
from ._convert import from_json, request_to_json, to_json
from ._enums import OpenEnum
from ._generated_index import MODULES as _GENERATED_MODULES
from ._time import BEIJING
from ._unset import UNSET, Unset
from .checks import check_request

if TYPE_CHECKING:
    from ._convert import converter
    from ._generated import *  # noqa: F403 - the generated models, enums and registries
    from .messages import (
        MESSAGE_TYPES,
        ActivityAppendedMessage,
        ActivityCreatedMessage,
        ActivityEventMessage,
        ActivityModifiedMessage,
        ActivityStoppedMessage,
        GenericMessage,
        Message,
        VoucherExpiredMessage,
        VoucherReceivedMessage,
        VoucherUsedMessage,
        parse_message,
    )

_LAZY: dict[str, str] = {**_GENERATED_MODULES, "converter": "_convert"}
"""Name -> the submodule that defines it, for the names imported on first use; the other
names of ``__all__`` not imported above are the message models of ``messages``."""

__all__ = [
    "BEIJING",
    "EMPTY",
    "MESSAGE_TYPES",
    "UNSET",
    "ActivityAppendedMessage",
    "ActivityCreatedMessage",
    "ActivityEventMessage",
    "ActivityModifiedMessage",
    "ActivityStoppedMessage",
    "GenericMessage",
    "Message",
    "Model",
    "OpenEnum",
    "RawResponse",
    "RequestModel",
    "ResponseInfo",
    "ResponseModel",
    "Unset",
    "VoucherExpiredMessage",
    "VoucherReceivedMessage",
    "VoucherUsedMessage",
    "check_request",
    "converter",
    "from_json",
    "parse_message",
    "request_to_json",
    "to_json",
]
# Type checkers see these names through the star import above; pyright cannot follow a
# computed __all__, and the list is computed so that the generated index stays the one
# place that names them.
__all__ += list(_GENERATED_MODULES)  # pyright: ignore[reportUnsupportedDunderAll]


def _load(name: str) -> Any:
    module = _LAZY.get(name) or ("messages" if name in __all__ else None)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


if not TYPE_CHECKING:  # hidden from type checkers, which see the imports above instead
    __getattr__ = _load


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
