"""The request checks, each positive and negative, for a model and for a plain mapping."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from alipay_voucher.errors import RequestValidationError
from alipay_voucher.models import (
    REQUEST_TYPES,
    FixVoucherInfo,
    PaymentFixVoucher,
    PaymentVoucherUseRule,
    VoucherAppendRequest,
    VoucherCreateRequest,
    VoucherDeductInfo,
    VoucherQueryRequest,
    VoucherSendRequest,
    check_request,
    from_json,
    request_to_json,
)

MUTATING = ("create", "publish", "send", "modify", "append", "stop")

# The smallest request of each operation that passes every check.
VALID: dict[str, dict[str, Any]] = {
    "create": {"out_biz_no": "B1"},
    "publish": {"out_biz_no": "B1", "activity_id": "A1"},
    "send": {"out_biz_no": "B1", "activity_id": "A1", "user_id": "2088102111111111"},
    "modify": {"out_biz_no": "B1", "activity_id": "A1"},
    "append": {"out_biz_no": "B1", "activity_id": "A1", "voucher_quantity": 100},
    "stop": {"out_biz_no": "B1", "activity_id": "A1"},
    "query": {"activity_id": "A1"},
}


def as_mapping(operation: str, fields: dict[str, Any]) -> dict[str, Any]:
    return request_to_json(operation, fields)


def as_model(operation: str, fields: dict[str, Any]) -> dict[str, Any]:
    return request_to_json(operation, REQUEST_TYPES[operation](**fields))


BOTH = pytest.mark.parametrize("send_as", [as_mapping, as_model], ids=["mapping", "model"])
Sender = Callable[[str, dict[str, Any]], dict[str, Any]]


def refused(send_as: Sender, operation: str, fields: dict[str, Any]) -> RequestValidationError:
    with pytest.raises(RequestValidationError) as caught:
        send_as(operation, fields)
    assert str(caught.value)  # every refusal explains itself
    return caught.value


@BOTH
@pytest.mark.parametrize("operation", sorted(VALID))
def test_the_minimal_valid_request_passes(send_as: Sender, operation: str) -> None:
    assert send_as(operation, VALID[operation]) == VALID[operation]


@BOTH
@pytest.mark.parametrize("operation", MUTATING)
@pytest.mark.parametrize("bad", ["missing", None, "", "   "])
def test_out_biz_no_is_needed_on_every_mutating_call(
    send_as: Sender, operation: str, bad: Any
) -> None:
    fields = dict(VALID[operation])
    if bad == "missing":
        del fields["out_biz_no"]
    else:
        fields["out_biz_no"] = bad
    error = refused(send_as, operation, fields)
    assert error.field == "out_biz_no"
    assert "idempotency key" in str(error) and "uuid" in str(error)


def test_query_needs_no_out_biz_no() -> None:
    assert request_to_json("query", {"activity_id": "A1"}) == {"activity_id": "A1"}


@BOTH
@pytest.mark.parametrize("operation", ["publish", "send", "modify", "append", "stop", "query"])
@pytest.mark.parametrize("bad", ["missing", None, ""])
def test_activity_id_is_needed_on_all_but_create(send_as: Sender, operation: str, bad: Any) -> None:
    fields = dict(VALID[operation])
    if bad == "missing":
        del fields["activity_id"]
    else:
        fields["activity_id"] = bad
    error = refused(send_as, operation, fields)
    assert error.field == "activity_id"
    assert "activity_id that create returned" in str(error)


@BOTH
def test_create_needs_no_activity_id(send_as: Sender) -> None:
    assert "activity_id" not in send_as("create", {"out_biz_no": "B1"})


@BOTH
@pytest.mark.parametrize(
    "recipient",
    [
        {"user_id": "2088102111111111"},
        {"open_id": "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"},
    ],
)
def test_send_takes_one_recipient(send_as: Sender, recipient: dict[str, str]) -> None:
    fields = {"out_biz_no": "B1", "activity_id": "A1", **recipient}
    assert send_as("send", fields) == fields


@BOTH
@pytest.mark.parametrize(
    "recipient, field, words",
    [
        ({}, "user_id", "exactly one of user_id"),
        ({"user_id": "2088", "open_id": "o"}, "user_id", "not both"),
        ({"user_id": "", "open_id": "o"}, "user_id", "is empty"),
        ({"user_id": "2088", "open_id": None}, "open_id", "is null"),
    ],
)
def test_send_refuses_no_recipient_or_two(
    send_as: Sender, recipient: dict[str, Any], field: str, words: str
) -> None:
    error = refused(send_as, "send", {"out_biz_no": "B1", "activity_id": "A1", **recipient})
    assert error.field == field
    assert words in str(error)


@BOTH
@pytest.mark.parametrize("quantity", [1, 100, 99_999_999])
def test_append_takes_a_positive_total(send_as: Sender, quantity: int) -> None:
    fields = {"out_biz_no": "B1", "activity_id": "A1", "voucher_quantity": quantity}
    assert send_as("append", fields)["voucher_quantity"] == quantity


@BOTH
@pytest.mark.parametrize("quantity", ["missing", None, 0, -5, 100_000_000])
def test_append_refuses_a_quantity_that_is_not_a_positive_total(
    send_as: Sender, quantity: Any
) -> None:
    fields: dict[str, Any] = {"out_biz_no": "B1", "activity_id": "A1"}
    if quantity != "missing":
        fields["voucher_quantity"] = quantity
    error = refused(send_as, "append", fields)
    assert error.field == "voucher_quantity"
    assert "new TOTAL number of vouchers" in str(error)


def test_append_refuses_non_integers_before_the_checks() -> None:
    for bad in (True, 1.5, "ten"):
        with pytest.raises(RequestValidationError) as caught:
            request_to_json(
                "append", {"out_biz_no": "B1", "activity_id": "A1", "voucher_quantity": bad}
            )
        assert caught.value.field == "voucher_quantity"
    # check_request itself, given JSON a caller assembled by hand:
    with pytest.raises(RequestValidationError, match="positive integer"):
        check_request("append", {"out_biz_no": "B", "activity_id": "A", "voucher_quantity": True})


LEGACY = "voucher_use_rule.fix_voucher.amount"
NEWER = "voucher_deduct_info.fix_voucher_info.amount"


def fixed(path: str, amount: Any) -> dict[str, Any]:
    if path == LEGACY:
        return {"out_biz_no": "B1", "voucher_use_rule": {"fix_voucher": {"amount": amount}}}
    return {"out_biz_no": "B1", "voucher_deduct_info": {"fix_voucher_info": {"amount": amount}}}


def fixed_model(path: str, amount: Any) -> VoucherCreateRequest:
    if path == LEGACY:
        rule = PaymentVoucherUseRule(fix_voucher=PaymentFixVoucher(amount=amount))
        return VoucherCreateRequest(out_biz_no="B1", voucher_use_rule=rule)
    deduct = VoucherDeductInfo(fix_voucher_info=FixVoucherInfo(amount=amount))
    return VoucherCreateRequest(out_biz_no="B1", voucher_deduct_info=deduct)


@pytest.mark.parametrize("path", [LEGACY, NEWER])
@pytest.mark.parametrize(
    "amount, sent", [("0.1", "0.10"), ("9.99", "9.99"), (Decimal("3000"), "3000.00"), (5, "5.00")]
)
def test_a_fixed_amount_with_at_most_two_decimals_passes(path: str, amount: Any, sent: str) -> None:
    for payload in (
        request_to_json("create", fixed(path, amount)),
        request_to_json("create", fixed_model(path, amount)),
    ):
        node: Any = payload
        for key in path.split("."):
            node = node[key]
        assert node == sent


@pytest.mark.parametrize("path", [LEGACY, NEWER])
@pytest.mark.parametrize(
    "amount, words",
    [
        ("9.999", "more than 2 decimals"),
        (Decimal("10.500"), "more than 2 decimals"),
        ("0", "greater than 0"),
        ("-1.00", "greater than 0"),
    ],
)
def test_a_fixed_amount_must_be_positive_with_at_most_two_decimals(
    path: str, amount: Any, words: str
) -> None:
    for request in (fixed(path, amount), fixed_model(path, amount)):
        with pytest.raises(RequestValidationError) as caught:
            request_to_json("create", request)
        assert caught.value.field == path
        assert words in str(caught.value)


@pytest.mark.parametrize("amount", ["0.09", "3000.01"])
def test_the_legacy_fixed_amount_keeps_the_spec_range(amount: str) -> None:
    for request in (fixed(LEGACY, amount), fixed_model(LEGACY, amount)):
        with pytest.raises(RequestValidationError, match=r"from 0.1 to 3000 yuan") as caught:
            request_to_json("create", request)
        assert caught.value.field == LEGACY
    # The newer FixVoucherInfo states no range, so the same amounts pass there.
    assert request_to_json("create", fixed(NEWER, amount))


def test_other_amounts_keep_extra_digits() -> None:
    payload = request_to_json(
        "create",
        {
            "out_biz_no": "B1",
            "voucher_use_rule": {"fix_voucher": {"amount": "1.00", "floor_amount": "9.995"}},
        },
    )
    assert payload["voucher_use_rule"]["fix_voucher"]["floor_amount"] == "9.995"


def test_defaults_fill_missing_top_level_keys_before_the_checks() -> None:
    payload = request_to_json("stop", {"activity_id": "A1"}, defaults={"out_biz_no": "generated"})
    assert payload == {"activity_id": "A1", "out_biz_no": "generated"}
    model = VoucherSendRequest(activity_id="A1", open_id="o1")
    assert request_to_json("send", model, defaults={"out_biz_no": "g"})["out_biz_no"] == "g"
    kept = request_to_json(
        "stop", {"activity_id": "A1", "out_biz_no": "mine"}, defaults={"out_biz_no": "g"}
    )
    assert kept["out_biz_no"] == "mine"
    with pytest.raises(RequestValidationError, match="out_biz_no"):
        request_to_json(
            "stop", {"activity_id": "A1", "out_biz_no": None}, defaults={"out_biz_no": "g"}
        )


def test_unknown_keys_are_sent_only_through_a_models_extra() -> None:
    with pytest.raises(RequestValidationError, match="no field 'new_param'") as caught:
        request_to_json("send", {**VALID["send"], "new_param": [1, {"a": None}]})
    assert caught.value.field == "new_param"
    request = VoucherSendRequest(**VALID["send"], extra={"new_param": [1, {"a": None}]})
    payload = request_to_json("send", request)
    assert payload["new_param"] == [1, {"a": None}]


def test_a_mapping_is_type_checked_like_a_model() -> None:
    with pytest.raises(RequestValidationError) as caught:
        request_to_json("send", {**VALID["send"], "user_id": ["2088"]})
    assert caught.value.field == "user_id"
    with pytest.raises(RequestValidationError) as caught:
        request_to_json("create", {"out_biz_no": "B", "voucher_use_rule": "not an object"})
    assert caught.value.field == "voucher_use_rule"
    assert "expected a JSON object" in str(caught.value)


def test_a_mapping_may_hold_models_and_enums() -> None:
    rule = PaymentVoucherUseRule(fix_voucher=PaymentFixVoucher(amount=Decimal("5")))
    payload = request_to_json(
        "create", {"out_biz_no": "B", "voucher_use_rule": rule, "voucher_type": "FIX_VOUCHER"}
    )
    assert payload["voucher_use_rule"] == {"fix_voucher": {"amount": "5.00"}}


def test_the_wrong_request_model_or_operation_is_refused() -> None:
    with pytest.raises(RequestValidationError, match="takes a VoucherCreateRequest"):
        request_to_json("create", VoucherSendRequest(**VALID["send"]))
    with pytest.raises(RequestValidationError, match="unknown operation 'delete'"):
        request_to_json("delete", {})
    with pytest.raises(RequestValidationError, match="unknown operation"):
        check_request("delete", {})
    with pytest.raises(RequestValidationError, match="takes a VoucherSendRequest"):
        request_to_json("send", ["not", "a", "mapping"])  # type: ignore[arg-type]


def test_a_nested_dict_in_a_model_field_is_explained() -> None:
    bad = VoucherCreateRequest(out_biz_no="B", voucher_use_rule={"fix_voucher": {}})  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError) as caught:
        request_to_json("create", bad)
    assert caught.value.field == "voucher_use_rule"
    assert "build PaymentVoucherUseRule(...)" in str(caught.value)


def test_query_takes_its_parameters_as_a_model_too() -> None:
    params = request_to_json(
        "query", VoucherQueryRequest(activity_id="A1", merchant_access_mode="SELF_MODE")
    )
    assert params == {"activity_id": "A1", "merchant_access_mode": "SELF_MODE"}


def test_checks_read_the_json_so_a_parsed_request_is_checked_the_same() -> None:
    model = from_json(
        VoucherAppendRequest, {"activity_id": "A1", "out_biz_no": "B1", "voucher_quantity": 0}
    )
    with pytest.raises(RequestValidationError):
        request_to_json("append", model)
