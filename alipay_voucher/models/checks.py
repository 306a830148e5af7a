"""Checks a request must pass before it is signed and sent.

The spec marks no field as required, yet every call fails at Alipay without a few of
them (MODELS.md section 3, "needed in practice"). Catching those here gives a message
that names the field and the fix, instead of a round trip and a generic
``INVALID_PARAMETER``. The checks read the JSON dict about to be sent, so a request
built as a model and one given as a plain mapping are checked identically.

Only what the spec states is enforced; everything else is left to Alipay.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import RequestValidationError

__all__ = ["MUTATING_OPERATIONS", "OPERATIONS", "check_request"]

OPERATIONS = ("create", "publish", "send", "modify", "append", "stop", "query")
MUTATING_OPERATIONS = frozenset({"create", "publish", "send", "modify", "append", "stop"})

# AlipayMarketingActivityVoucherAppendModel.voucher_quantity: "total budget must be
# <= 99999999"; PaymentVoucherSendRule.voucher_quantity: 1..99999999.
MAX_VOUCHER_QUANTITY = 99_999_999

# Face values of fixed-amount vouchers, as (path, lowest, highest). CNY has two decimals
# (fen), so a face value with more cannot be paid out. The legacy PaymentFixVoucher states
# "at most 2 decimals, 0.1 <= amount <= 3000"; the newer FixVoucherInfo states no range.
FIXED_AMOUNTS: tuple[tuple[tuple[str, ...], Decimal | None, Decimal | None], ...] = (
    (("voucher_use_rule", "fix_voucher", "amount"), Decimal("0.1"), Decimal("3000")),
    (("voucher_deduct_info", "fix_voucher_info", "amount"), None, None),
)


def _fail(field: str | None, message: str) -> RequestValidationError:
    return RequestValidationError(f"{field}: {message}" if field else message, field=field)


def _non_empty_string(payload: Mapping[str, Any], key: str, why: str, operation: str) -> None:
    """``why`` names the fix; its ``{operation}`` is filled in only when it is needed."""
    value = payload.get(key)
    if type(value) is str and value.strip():
        return
    if value is None:
        state = "missing" if key not in payload else "null"
        raise _fail(key, f"is {state}; {why.format(operation=operation)}")
    if not isinstance(value, str) or not value.strip():
        raise _fail(
            key, f"must be a non-empty string, got {value!r}; {why.format(operation=operation)}"
        )


def _given(payload: Mapping[str, Any], key: str) -> bool:
    """Whether a user identifier was given; an empty or null one is refused outright."""
    if key not in payload:
        return False
    value = payload[key]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail(
            key,
            f"is {'null' if value is None else 'empty'}; give the recipient's {key} "
            "or leave the field unset",
        )
    return True


def _check_send(payload: Mapping[str, Any]) -> None:
    has_user_id = _given(payload, "user_id")
    has_open_id = _given(payload, "open_id")
    if has_user_id and has_open_id:
        raise _fail(
            "user_id",
            "give exactly one of user_id and open_id, not both; keep the one your app "
            "obtained (open_id for apps that received open ids)",
        )
    if not has_user_id and not has_open_id:
        raise _fail(
            "user_id",
            "send needs a recipient: give exactly one of user_id (2088..., 16 digits) or open_id",
        )


def _check_append(payload: Mapping[str, Any]) -> None:
    value = payload.get("voucher_quantity")
    fix = (
        "it is the new TOTAL number of vouchers after the append (not the increment), "
        f"a positive integer of at most {MAX_VOUCHER_QUANTITY}"
    )
    if value is None:
        state = "missing" if "voucher_quantity" not in payload else "null"
        raise _fail("voucher_quantity", f"is {state}; {fix}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("voucher_quantity", f"got {value!r}; {fix}")
    if not 0 < value <= MAX_VOUCHER_QUANTITY:
        raise _fail("voucher_quantity", f"got {value}; {fix}")


def _dig(payload: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    if path[0] not in payload:  # the common case: the request has no such part at all
        return None
    node: Any = payload
    for key in path:
        if not isinstance(node, Mapping) or node.get(key) is None:
            return None
        node = node[key]
    return node


def _check_fixed_amounts(payload: Mapping[str, Any]) -> None:
    for path, lowest, highest in FIXED_AMOUNTS:
        raw = _dig(payload, path)
        if raw is None:
            continue
        field = ".".join(path)
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            raise _fail(field, f"{raw!r} is not an amount; write it like '9.99'") from None
        if not amount.is_finite():
            raise _fail(field, f"{raw!r} is not an amount; write it like '9.99'")
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise _fail(
                field,
                f"{raw} has more than 2 decimals, and CNY amounts stop at the fen: "
                "round it yourself, for example Decimal('9.99')",
            )
        if amount <= 0:
            raise _fail(field, f"{raw} must be greater than 0: it is the amount taken off")
        if (lowest is not None and amount < lowest) or (highest is not None and amount > highest):
            raise _fail(
                field,
                f"{raw} is outside the face values the spec allows here: give an amount "
                f"from {lowest} to {highest} yuan",
            )


def check_request(operation: str, payload: Mapping[str, Any]) -> None:
    """Refuse a request that cannot succeed; raise :class:`RequestValidationError`.

    ``payload`` is the JSON dict of the request (for ``query``, its parameters). The
    error's ``field`` is the dotted JSON path of the offending field.
    """
    if operation not in OPERATIONS:
        raise _fail(None, f"unknown operation {operation!r}; use one of {', '.join(OPERATIONS)}")
    if operation in MUTATING_OPERATIONS:
        _non_empty_string(
            payload,
            "out_biz_no",
            "{operation} needs an idempotency key: a unique string per business request "
            "(for example uuid.uuid4().hex), reused only to retry that same request",
            operation,
        )
    if operation != "create":
        _non_empty_string(
            payload,
            "activity_id",
            "{operation} needs the activity_id that create returned",
            operation,
        )
    if operation == "send":
        _check_send(payload)
    elif operation == "append":
        _check_append(payload)
    _check_fixed_amounts(payload)
