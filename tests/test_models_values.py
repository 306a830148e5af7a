"""UNSET, falsy values, money, date-times, open enums and unknown fields."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alipay_voucher.errors import MalformedResponseError, RequestValidationError
from alipay_voucher.models import (
    BEIJING,
    ENUMS,
    UNSET,
    ActivityBaseInfo,
    CommonErrorCode,
    DateRangeInfo,
    DiscountVoucherInfo,
    FixVoucherInfo,
    LimitPeriodType,
    OpenEnum,
    PaymentFixVoucher,
    PaymentVoucherUseRule,
    PaymentVoucherUseRuleModify,
    PaymentVoucherValidPeriod,
    TimeRangeInfo,
    Unset,
    UseGuideMode,
    VoucherAvailableAccountInfo,
    VoucherCreateRequest,
    VoucherCreateResponse,
    VoucherQueryResponse,
    VoucherSendDefaultResponse,
    VoucherSendErrorCode,
    VoucherSendRequest,
    VoucherSendRuleInfo,
    VoucherSummary,
    VoucherType,
    VoucherUseGuideInfo,
    from_json,
    request_to_json,
    to_json,
)
from alipay_voucher.models._money import money_to_str
from alipay_voucher.models._time import datetime_to_str, parse_wire_datetime

# --------------------------------------------------------------------------- UNSET


def test_unset_is_a_falsy_singleton_distinct_from_every_other_value() -> None:
    assert not UNSET
    assert repr(UNSET) == "UNSET" == str(UNSET)
    assert isinstance(UNSET, Unset)
    others: tuple[object, ...] = (None, 0, False, "", [], {})
    for other in others:
        assert UNSET is not other
        assert other != UNSET
    assert copy.copy(UNSET) is UNSET
    assert copy.deepcopy(UNSET) is UNSET
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET


def test_every_field_defaults_to_unset_and_is_left_out() -> None:
    assert VoucherCreateRequest().voucher_type is UNSET
    assert to_json(VoucherCreateRequest()) == {}
    assert to_json(VoucherSendRuleInfo(quantity=5)) == {"quantity": 5}


def test_falsy_values_are_sent_and_unset_is_not() -> None:
    rule = VoucherSendRuleInfo(
        quantity=0,
        real_name_limit=False,
        publish_start_time="",
        quantity_limit_per_user=None,
        quantity_limit_per_user_period_type=None,
    )
    assert to_json(rule) == {
        "quantity": 0,
        "real_name_limit": False,
        "publish_start_time": "",
        "quantity_limit_per_user": None,
        "quantity_limit_per_user_period_type": None,
    }
    assert to_json(VoucherAvailableAccountInfo(available_pids=[])) == {"available_pids": []}
    assert to_json(ActivityBaseInfo(activity_name="", belong_merchant_info=None)) == {
        "activity_name": "",
        "belong_merchant_info": None,
    }
    assert to_json(FixVoucherInfo(amount=Decimal("0"))) == {"amount": "0.00"}


def test_falsy_values_are_sent_from_a_mapping_too() -> None:
    payload = request_to_json(
        "send",
        {
            "activity_id": "A1",
            "out_biz_no": "B1",
            "user_id": "2088102000000001",
            "merchant_access_mode": None,
        },
    )
    assert payload["merchant_access_mode"] is None
    assert "open_id" not in payload


def test_falsy_values_survive_parsing() -> None:
    doc = {
        "quantity": 0,
        "real_name_limit": False,
        "publish_start_time": "",
        "quantity_limit_per_user": None,
    }
    rule = from_json(VoucherSendRuleInfo, doc)
    assert rule.quantity == 0 and rule.quantity is not cast(object, UNSET)
    assert rule.real_name_limit is False
    assert rule.publish_start_time == ""
    assert rule.quantity_limit_per_user is None
    assert rule.max_quantity_by_day is UNSET
    assert to_json(rule) == doc


def test_repr_shows_only_what_is_set() -> None:
    assert repr(VoucherSummary(publish_count=0)) == "VoucherSummary(publish_count=0)"
    assert "extra={'zz': 1}" in repr(from_json(VoucherSummary, {"zz": 1}))


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    "given, sent",
    [
        (Decimal("10"), "10.00"),
        (Decimal("10.5"), "10.50"),
        (Decimal("10.50"), "10.50"),
        (Decimal("9.999"), "9.999"),
        (Decimal("0.001"), "0.001"),
        (Decimal("1E+2"), "100.00"),
        (Decimal("-3.1"), "-3.10"),
        (10, "10.00"),
        ("9.99", "9.99"),
        ("7", "7.00"),
        ("0.125", "0.125"),
    ],
)
def test_money_is_sent_with_at_least_two_decimals_and_never_rounded(given: Any, sent: str) -> None:
    fix = PaymentFixVoucher(floor_amount=given)
    assert isinstance(fix.floor_amount, Decimal)
    assert to_json(fix) == {"floor_amount": sent}


@given(st.decimals(allow_nan=False, allow_infinity=False))
@settings(max_examples=200)
def test_money_formatting_keeps_the_value_exactly(amount: Decimal) -> None:
    text = money_to_str(amount)
    assert Decimal(text) == amount
    assert len(text.partition(".")[2]) >= 2
    assert "E" not in text and "e" not in text


@pytest.mark.parametrize("value", [9.99, 0.1, 10.0])
def test_a_float_amount_is_refused_naming_the_field(value: float) -> None:
    with pytest.raises(RequestValidationError) as caught:
        PaymentFixVoucher(amount=value)  # type: ignore[arg-type]
    assert caught.value.field == "amount"
    assert "Decimal('9.99')" in str(caught.value)
    assert "'9.99'" in str(caught.value)


def test_a_float_amount_in_a_mapping_is_refused_with_the_full_path() -> None:
    with pytest.raises(RequestValidationError) as caught:
        request_to_json(
            "create",
            {
                "out_biz_no": "B1",
                "voucher_deduct_info": {
                    "fix_voucher_info": {"amount": "1.00", "floor_amount": 20.0}
                },
            },
        )
    assert caught.value.field == "voucher_deduct_info.fix_voucher_info.floor_amount"
    assert "voucher_deduct_info.fix_voucher_info.floor_amount" in str(caught.value)
    assert "use Decimal('9.99') or the string '9.99'" in str(caught.value)


@pytest.mark.parametrize(
    "value", [True, "abc", "1e3", " 1.00", "1,00", "NaN", Decimal("NaN"), Decimal("Infinity"), [1]]
)
def test_things_that_are_not_amounts_are_refused(value: Any) -> None:
    with pytest.raises(RequestValidationError) as caught:
        FixVoucherInfo(amount=value)
    assert caught.value.field == "amount"


def test_money_from_a_response_becomes_decimal_with_all_its_digits() -> None:
    fix = from_json(FixVoucherInfo, {"amount": "12.345", "floor_amount": "100"})
    assert fix.amount == Decimal("12.345") and isinstance(fix.amount, Decimal)
    assert fix.floor_amount == Decimal("100")
    assert to_json(fix) == {"amount": "12.345", "floor_amount": "100.00"}


def test_a_malformed_amount_in_a_response_is_reported_with_its_path() -> None:
    with pytest.raises(MalformedResponseError, match=r"voucher_use_rule\.fix_voucher\.amount"):
        from_json(VoucherQueryResponse, {"voucher_use_rule": {"fix_voucher": {"amount": "ten"}}})


def test_discount_is_a_rate_not_money() -> None:
    doc = {"discount": "0.88"}
    info = from_json(DiscountVoucherInfo, doc)
    assert info.discount == "0.88" and type(info.discount) is str


# --------------------------------------------------------------------------- date-times


def test_naive_datetime_is_refused_with_the_fix() -> None:
    with pytest.raises(RequestValidationError, match=r"naive.*datetime\.now\(BEIJING\)") as caught:
        VoucherCreateRequest(publish_start_time=datetime(2024, 1, 2, 3, 4, 5))
    assert caught.value.field == "publish_start_time"
    assert "yyyy-MM-dd HH:mm:ss" in str(caught.value)
    with pytest.raises(RequestValidationError, match="naive"):
        datetime_to_str(datetime(2024, 1, 2, 3, 4, 5))


def test_beijing_datetime_is_sent_as_its_wall_time() -> None:
    request = VoucherCreateRequest(publish_start_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=BEIJING))
    assert to_json(request) == {"publish_start_time": "2024-01-02 03:04:05"}


def test_aware_datetime_is_converted_to_beijing_time() -> None:
    utc = datetime(2024, 1, 1, 16, 30, 0, tzinfo=timezone.utc)
    assert datetime_to_str(utc) == "2024-01-02 00:30:00"
    new_york = datetime(2024, 1, 1, 11, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert datetime_to_str(new_york) == "2024-01-02 00:30:00"
    assert datetime_to_str(datetime(2024, 1, 1, 8, 0, tzinfo=BEIJING)) == "2024-01-01 08:00:00"


def test_microseconds_are_dropped() -> None:
    moment = datetime(2024, 1, 1, 0, 0, 1, 999999, tzinfo=BEIJING)
    assert datetime_to_str(moment) == "2024-01-01 00:00:01"


def test_a_wire_string_becomes_a_datetime_and_round_trips() -> None:
    response = from_json(VoucherQueryResponse, {"publish_end_time": "2017-01-29 23:59:59"})
    moment = response.publish_end_time
    assert isinstance(moment, datetime) and moment.utcoffset() == timedelta(hours=8)
    assert moment == datetime(2017, 1, 29, 15, 59, 59, tzinfo=timezone.utc)
    assert to_json(response) == {"publish_end_time": "2017-01-29 23:59:59"}
    given_as_text = VoucherCreateRequest(publish_end_time="2017-01-29 23:59:59")
    assert given_as_text.publish_end_time == datetime(2017, 1, 29, 23, 59, 59, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "text",
    [
        "2017-01-29",
        "2017/01/29 23:59:59",
        "2017-02-30 00:00:00",
        "2017-01-29T23:59:59",
        "1619338271",
        "",
    ],
)
def test_other_date_time_shapes_are_kept_verbatim(text: str) -> None:
    period = from_json(PaymentVoucherValidPeriod, {"valid_end_time": text})
    assert period.valid_end_time == text and type(period.valid_end_time) is str
    assert to_json(period) == {"valid_end_time": text}


@given(st.text(max_size=25))
def test_parsing_a_date_time_never_changes_what_is_sent_back(text: str) -> None:
    parsed = parse_wire_datetime(text)
    written = parsed if isinstance(parsed, str) else datetime_to_str(parsed)
    assert written == text


def test_a_date_is_refused_for_a_date_time_field() -> None:
    with pytest.raises(RequestValidationError, match="give an aware datetime") as caught:
        VoucherCreateRequest(publish_start_time=date(2024, 1, 1))  # type: ignore[arg-type]
    assert caught.value.field == "publish_start_time"


def test_times_of_day_and_dates_stay_strings() -> None:
    assert from_json(TimeRangeInfo, {"begin_time": "08:00:00"}).begin_time == "08:00:00"
    assert from_json(DateRangeInfo, {"begin_date": "2024-01-01"}).begin_date == "2024-01-01"


# --------------------------------------------------------------------------- open enums


def test_unknown_codes_do_not_raise_and_pass_through() -> None:
    new = VoucherType("NEW_TYPE")
    assert isinstance(new, VoucherType) and isinstance(new, str)
    assert new == "NEW_TYPE" and str(new) == "NEW_TYPE" and f"{new}" == "NEW_TYPE"
    assert not new.is_known and VoucherType.FIX_VOUCHER.is_known
    assert VoucherType("NEW_TYPE") is new
    assert repr(new) == "VoucherType('NEW_TYPE')"
    assert json.dumps(new) == '"NEW_TYPE"'
    doc = {"voucher_type": "NEW_TYPE", "activity_base_info": {"activity_status": "FINISHED"}}
    response = from_json(VoucherQueryResponse, doc)
    assert response.voucher_type == "NEW_TYPE"
    assert isinstance(response.voucher_type, VoucherType)
    assert to_json(response) == doc
    assert type(to_json(response)["voucher_type"]) is str


def test_members_compare_and_hash_like_their_string() -> None:
    assert VoucherType.FIX_VOUCHER == "FIX_VOUCHER"
    assert cast(str, CommonErrorCode.INVALID_PARAMETER) == "invalid-parameter"
    assert hash(CommonErrorCode.INVALID_PARAMETER) == hash("invalid-parameter")
    assert {"invalid-parameter": 1}[CommonErrorCode.INVALID_PARAMETER] == 1
    assert VoucherType("FIX_VOUCHER") is VoucherType.FIX_VOUCHER
    assert str(CommonErrorCode.INVALID_PARAMETER) == "invalid-parameter"


def test_open_enum_members_survive_copy_and_pickle() -> None:
    for member in (VoucherType.FIX_VOUCHER, VoucherType("BRAND_NEW")):
        assert copy.deepcopy(member) is member
        assert pickle.loads(pickle.dumps(member)) == member
        assert type(pickle.loads(pickle.dumps(member))) is VoucherType


def test_odd_spec_codes_are_kept_verbatim() -> None:
    fused = CommonErrorCode("app-key-security-risk, app-cert-expired")
    assert fused.is_known
    assert VoucherSendErrorCode("ACTIVITY_IS_STOPED").is_known


def test_model_fields_accept_plain_strings_for_codes() -> None:
    rule = PaymentVoucherUseRule(voucher_quantity_limit_per_user_period_type="DAY")
    assert rule.voucher_quantity_limit_per_user_period_type is LimitPeriodType.DAY
    guide = VoucherUseGuideInfo(use_guide_mode=["MINI_APP", "SOMETHING_NEW"])
    assert isinstance(guide.use_guide_mode, list)
    assert guide.use_guide_mode[0] is UseGuideMode.MINI_APP
    assert not guide.use_guide_mode[1].is_known
    assert to_json(guide) == {"use_guide_mode": ["MINI_APP", "SOMETHING_NEW"]}


def test_a_non_string_code_is_refused() -> None:
    with pytest.raises(RequestValidationError, match="known values: FIX_VOUCHER"):
        VoucherCreateRequest(voucher_type=3)  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError):
        VoucherUseGuideInfo(use_guide_mode="MINI_APP")


def test_an_error_body_code_goes_to_the_set_that_knows_it() -> None:
    platform = from_json(VoucherSendDefaultResponse, {"code": "invalid-signature", "message": "x"})
    assert type(platform.code) is CommonErrorCode and platform.code.is_known
    business = from_json(VoucherSendDefaultResponse, {"code": "BUDGET_NOT_ENOUGH", "message": "x"})
    assert type(business.code) is VoucherSendErrorCode and business.code.is_known
    new_platform = from_json(VoucherSendDefaultResponse, {"code": "some-new-gateway-code"})
    assert type(new_platform.code) is CommonErrorCode and not new_platform.code.is_known
    new_business = from_json(VoucherSendDefaultResponse, {"code": "NEW_BIZ_CODE"})
    assert type(new_business.code) is VoucherSendErrorCode and not new_business.code.is_known
    assert to_json(new_business) == {"code": "NEW_BIZ_CODE"}


def test_error_links_are_kept_as_a_string_or_as_a_list() -> None:
    listed = {
        "code": "INVALID_PARAMETER",
        "message": "m",
        "links": [{"link": "https://x", "desc": "d"}],
    }
    assert to_json(from_json(VoucherSendDefaultResponse, listed)) == listed
    text = {"code": "INVALID_PARAMETER", "message": "m", "links": "https://x"}
    assert to_json(from_json(VoucherSendDefaultResponse, text)) == text
    with pytest.raises(MalformedResponseError, match="links"):
        from_json(VoucherSendDefaultResponse, {"links": 5})


def test_every_open_enum_accepts_unknown_values() -> None:
    for enum in ENUMS:
        assert issubclass(enum, OpenEnum)
        member = enum("__not_a_code__")
        assert member == "__not_a_code__" and not member.is_known


# --------------------------------------------------------------------------- unknown fields


def test_unknown_fields_survive_at_every_level() -> None:
    doc = {
        "activity_id": "A1",
        "new_top": {"nested": [1, 2]},
        "voucher_use_rule": {
            "fix_voucher": {"amount": "5.00", "new_leaf": True},
            "new_mid": "x",
        },
        "voucher_use_rule_info": {
            "voucher_use_time_info": {
                "absolute_period_info": {
                    "time_restrict_info": {
                        "usable_period_info": [{"rule_type": "DATE", "new_in_list": 1}]
                    }
                }
            }
        },
    }
    response = from_json(VoucherQueryResponse, doc)
    assert response.extra == {"new_top": {"nested": [1, 2]}}
    assert response.voucher_use_rule.extra == {"new_mid": "x"}  # type: ignore[union-attr]
    fix = response.voucher_use_rule.fix_voucher  # type: ignore[union-attr]
    assert fix.extra == {"new_leaf": True}  # type: ignore[union-attr]
    assert to_json(response) == doc


def test_extra_on_a_request_is_sent_and_checked_for_clashes() -> None:
    request = VoucherSendRequest(
        activity_id="A1", out_biz_no="B1", open_id="o1", extra={"new_param": {"x": Decimal("1.5")}}
    )
    assert request_to_json("send", request)["new_param"] == {"x": "1.50"}
    clash = VoucherSendRequest(activity_id="A1", extra={"activity_id": "A2"})
    with pytest.raises(RequestValidationError, match="both as a field and in extra") as caught:
        to_json(clash)
    assert caught.value.field == "activity_id"


def test_extra_takes_part_in_equality_but_not_in_hashing() -> None:
    plain = from_json(VoucherCreateResponse, {"activity_id": "A"})
    richer = from_json(VoucherCreateResponse, {"activity_id": "A", "new": 1})
    assert plain != richer
    assert hash(plain) == hash(richer)
    assert plain == VoucherCreateResponse(activity_id="A")


def test_models_pickle_and_copy() -> None:
    response = from_json(
        VoucherQueryResponse,
        {"activity_id": "A", "voucher_type": "NEW", "zz": 1, "summary": {"used_count": 2}},
    )
    assert pickle.loads(pickle.dumps(response)) == response
    assert copy.deepcopy(response) == response
    assert pickle.loads(pickle.dumps(VoucherSummary())) == VoucherSummary()


# --------------------------------------------------------------------------- type quirks


def test_modify_id_lists_typed_as_strings_accept_a_list() -> None:
    rule = PaymentVoucherUseRuleModify(available_app_ids=["2021238412323412", "2021000000000001"])
    assert rule.available_app_ids == '["2021238412323412","2021000000000001"]'
    as_text = PaymentVoucherUseRuleModify(available_store_ids='["1"]')
    assert to_json(as_text) == {"available_store_ids": '["1"]'}
    with pytest.raises(RequestValidationError):
        PaymentVoucherUseRuleModify(available_app_ids=[1, 2])  # type: ignore[list-item]


@pytest.mark.parametrize(
    "doc, field",
    [
        ({"publish_count": "x"}, "publish_count"),
        ({"publish_count": 1.5}, "publish_count"),
        ({"publish_count": True}, "publish_count"),
        ({"used_count": [1]}, "used_count"),
    ],
)
def test_wrong_json_types_in_a_response_name_the_field(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(MalformedResponseError, match=f"VoucherSummary.{field}"):
        from_json(VoucherSummary, doc)


def test_harmless_json_type_slips_are_accepted() -> None:
    assert from_json(VoucherSummary, {"publish_count": "12"}).publish_count == 12
    assert from_json(
        VoucherCreateResponse, {"activity_id": 2016042700826004508401111111}
    ).activity_id == ("2016042700826004508401111111")
    assert from_json(VoucherSendRuleInfo, {"real_name_limit": "true"}).real_name_limit is True
