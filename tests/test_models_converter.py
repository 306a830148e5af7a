"""The converter entry points: from_json, to_json, the cattrs converter, ResponseInfo."""

from __future__ import annotations

import pickle
from datetime import datetime
from decimal import Decimal

import attrs
import pytest

from alipay_voucher.errors import MalformedResponseError, RequestValidationError
from alipay_voucher.models import (
    BEIJING,
    RESPONSE_TYPES,
    UNSET,
    PaymentFixVoucher,
    ResponseInfo,
    VoucherCreateRequest,
    VoucherCreateResponse,
    VoucherModifyResponse,
    VoucherQueryResponse,
    VoucherSendRequest,
    VoucherSendResponse,
    VoucherType,
    converter,
    from_json,
    to_json,
)

INFO = ResponseInfo(
    http_status=200,
    trace_id="0b6a5f3c16891234567890",
    request_id="f1e2d3c4",
    headers={"alipay-trace-id": "0b6a5f3c16891234567890"},
)


def test_a_response_carries_its_http_facts_outside_the_json() -> None:
    response = from_json(VoucherSendResponse, {"voucher_id": "V1"}, info=INFO)
    assert response.voucher_id == "V1"
    assert response.http_status == 200
    assert response.trace_id == "0b6a5f3c16891234567890"
    assert response.request_id == "f1e2d3c4"
    assert response.response_info is INFO
    assert to_json(response) == {"voucher_id": "V1"}
    assert response == from_json(VoucherSendResponse, {"voucher_id": "V1"})  # info not in eq
    assert pickle.loads(pickle.dumps(response)).trace_id == INFO.trace_id


def test_a_response_built_by_hand_has_no_http_facts() -> None:
    response = VoucherSendResponse(voucher_id="V1")
    assert response.http_status is None and response.trace_id is None
    assert response.request_id is None and response.response_info is None


@pytest.mark.parametrize("operation", sorted(RESPONSE_TYPES))
def test_every_response_accepts_info_even_when_empty(operation: str) -> None:
    # Only the ids the client guarantees are needed (create and send).
    least = {"create": {"activity_id": "A"}, "send": {"voucher_id": "V"}}.get(operation, {})
    response = from_json(RESPONSE_TYPES[operation], least, info=INFO)
    assert response.http_status == 200
    assert to_json(response) == least


@pytest.mark.parametrize(
    ("cls", "field"), [(VoucherCreateResponse, "activity_id"), (VoucherSendResponse, "voucher_id")]
)
def test_a_guaranteed_id_missing_or_null_is_a_malformed_response(cls: type, field: str) -> None:
    for doc in ({}, {field: None}):
        with pytest.raises(MalformedResponseError, match=f"{cls.__name__}.{field}: is required"):
            from_json(cls, doc)


def test_info_is_refused_for_other_models() -> None:
    with pytest.raises(TypeError, match="only for response models"):
        from_json(VoucherSendRequest, {}, info=INFO)
    with pytest.raises(TypeError, match="parsed JSON only"):
        from_json(VoucherSendResponse, VoucherSendResponse(voucher_id="V"), info=INFO)  # type: ignore[arg-type]


def test_the_cattrs_converter_uses_the_same_rules() -> None:
    doc = {"voucher_type": "FIX_VOUCHER", "publish_start_time": "2024-01-01 00:00:00", "new": 1}
    response = converter.structure(doc, VoucherQueryResponse)
    assert response == from_json(VoucherQueryResponse, doc)
    assert response.publish_start_time == datetime(2024, 1, 1, tzinfo=BEIJING)
    assert converter.unstructure(response) == doc
    assert converter.structure("NEW", VoucherType) == "NEW"
    assert converter.unstructure(VoucherType("NEW")) == "NEW"
    assert converter.unstructure(Decimal("1.5")) == "1.50"
    assert converter.unstructure([PaymentFixVoucher(amount=1)]) == [{"amount": "1.00"}]


def test_bad_input_for_a_request_model_is_a_request_validation_error() -> None:
    with pytest.raises(RequestValidationError) as caught:
        from_json(VoucherCreateRequest, {"voucher_use_rule": {"fix_voucher": {"amount": 1.0}}})
    assert caught.value.field == "voucher_use_rule.fix_voucher.amount"


def test_bad_input_for_a_response_is_a_malformed_response_error() -> None:
    with pytest.raises(MalformedResponseError, match="expected a JSON object"):
        from_json(VoucherQueryResponse, ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(MalformedResponseError, match=r"usable_period_info\[1\]\.rule_type"):
        from_json(
            VoucherQueryResponse,
            {
                "voucher_use_rule_info": {
                    "voucher_use_time_info": {
                        "absolute_period_info": {
                            "time_restrict_info": {
                                "usable_period_info": [{"rule_type": "DATE"}, {"rule_type": 7}]
                            }
                        }
                    }
                }
            },
        )
    with pytest.raises(MalformedResponseError, match="expected a list of objects"):
        from_json(
            VoucherQueryResponse,
            {
                "voucher_available_scope_info": {
                    "voucher_available_item_info": {"out_item_info": {}}
                }
            },
        )


def test_from_json_returns_a_model_given_a_model() -> None:
    response = VoucherModifyResponse()
    assert from_json(VoucherModifyResponse, response) is response  # type: ignore[arg-type]


def test_evolve_runs_the_same_conversions() -> None:
    request = VoucherCreateRequest(voucher_type="FIX_VOUCHER")
    changed = attrs.evolve(request, voucher_type="NEW_TYPE", publish_end_time="2024-01-01 00:00:00")
    assert isinstance(changed.voucher_type, VoucherType) and not changed.voucher_type.is_known
    assert changed.publish_end_time == datetime(2024, 1, 1, tzinfo=BEIJING)
    assert request.publish_end_time is UNSET


def test_output_is_a_fresh_dict_each_time() -> None:
    response = from_json(VoucherQueryResponse, {"belong_merchant_info": {"merchant_id": "P"}})
    first = to_json(response)
    first["belong_merchant_info"]["merchant_id"] = "changed"
    assert to_json(response)["belong_merchant_info"]["merchant_id"] == "P"


def test_converter_names_one_thing_the_cattrs_converter() -> None:
    import importlib.util

    import cattrs

    from alipay_voucher import models

    assert importlib.util.find_spec("alipay_voucher.models.converter") is None
    importlib.import_module("alipay_voucher.models._convert")
    assert isinstance(models.converter, cattrs.Converter)
    from alipay_voucher.models import converter

    assert converter is models.converter
