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
"""

from ._base import EMPTY, Model, RequestModel, ResponseInfo, ResponseModel
from ._enums import OpenEnum
from ._generated import *  # noqa: F403 - the generated models, enums and registries
from ._generated import __all__ as _generated_all
from ._time import BEIJING
from ._unset import UNSET, Unset
from .checks import check_request
from .converter import converter, from_json, request_to_json, to_json
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
__all__ += _generated_all
