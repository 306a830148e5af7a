"""Every error code the spec documents has a hint, in English and in Chinese.

The table (``alipay_voucher.error_hints``) is checked against the copy of the spec in
``tests/data/spec``: a code the spec adds, or one the table invents, fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.error_hints import GATEWAY_CODES, HINTS, OPERATION_CODES, Hint
from alipay_voucher.errors import APIError
from alipay_voucher.testing import Sandbox

from .raw_calls import activity_body

SPEC = Path(__file__).parent / "data" / "spec" / "voucher-openapi.json"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _schemas() -> dict[str, Any]:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def _spec_gateway_codes() -> list[str]:
    codes: list[str] = []
    for value in _schemas()["CommonErrorType"]["properties"]["code"]["enum"]:
        # One enum value of the spec is two codes run together ("a, b").
        codes.extend(part.strip() for part in value.split(","))
    return codes


def _spec_operation_codes() -> dict[str, list[str]]:
    found = {}
    for name, schema in _schemas().items():
        match = re.fullmatch(r"AlipayMarketingActivityVoucher(\w+)ErrorResponseModel", name)
        if match:
            found[match.group(1).lower()] = schema["properties"]["code"]["enum"]
    return found


def test_the_gateway_codes_are_the_spec_s_in_its_order() -> None:
    assert list(GATEWAY_CODES) == _spec_gateway_codes()


def test_each_operation_s_business_codes_are_the_spec_s() -> None:
    expected = _spec_operation_codes()
    assert set(expected) == {"create", "publish", "send", "modify", "append", "stop", "query"}
    assert {op: list(codes) for op, codes in OPERATION_CODES.items()} == expected


def test_every_documented_code_has_a_hint_and_the_table_has_no_other() -> None:
    documented = set(_spec_gateway_codes())
    for codes in _spec_operation_codes().values():
        documented.update(codes)
    assert set(HINTS) == documented


@pytest.mark.parametrize("code", sorted(HINTS))
def test_each_hint_says_what_to_do_in_both_languages(code: str) -> None:
    hint = HINTS[code]
    assert isinstance(hint, Hint) and hint == (hint.en, hint.zh)
    assert ": " in hint.en, "a hint says what happened, then what to do"
    assert not _CJK.search(hint.en)
    assert _CJK.search(hint.zh) and "：" in hint.zh
    assert not hint.en.endswith(".") and not hint.zh.endswith("。")  # they end a sentence


@pytest.mark.parametrize("code", ["COUNT_OVER_LIMIT", "invalid-signature", "app-cert-expired"])
def test_an_api_error_carries_its_code_s_hint(code: str) -> None:
    error = APIError(status=400, code=code, message="refused")
    assert error.hint == HINTS[code].en
    assert error.hint_zh == HINTS[code].zh
    assert str(error).endswith(f"Hint: {HINTS[code].en}")


def test_an_undocumented_code_has_no_hint() -> None:
    error = APIError(status=418, code="NOT_A_DOCUMENTED_CODE", message="teapot")
    assert error.hint is None and error.hint_zh is None
    assert "Hint" not in str(error)
    assert APIError(status=502, code=None, message=None).hint is None


async def test_a_business_refusal_from_the_gateway_comes_with_its_hint(
    alipay_sandbox: Sandbox, alipay_client: AsyncVoucherClient
) -> None:
    created = await alipay_client.create(activity_body())
    with pytest.raises(APIError) as info:  # not published yet
        await alipay_client.send(
            {"activity_id": created.activity_id, "user_id": "2088000000000001"}
        )
    assert info.value.code == "ACTIVITY_NOT_ACTIVE"
    assert info.value.hint is not None and "publish" in info.value.hint
    assert info.value.hint_zh is not None and "发布" in info.value.hint_zh
