"""Hostile callers: any argument at all ends in a result or a RequestValidationError.

Lone surrogates, control characters, methods that are no HTTP token, JSON that JSON
cannot carry: what cannot travel is refused before signing and never reaches the network.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import (
    AlipayError,
    RequestValidationError,
)
from alipay_voucher.models import (
    VoucherCreateResponse,
    VoucherQueryResponse,
    VoucherSendResponse,
    VoucherStopResponse,
)
from tests.hostile_oracle import await_guarded, check_success, client_config, outcome_name
from tests.hostile_server import HostileServer, Plan
from tests.hostile_strategies import (
    ACTIVITY,
    CLIENT_SETTINGS,
    POLICY,
    SLACK,
    CallSpec,
    clean_plans,
    json_values,
)

# --------------------------------------------------------------------------- hostile callers

# Any text at all, lone surrogates and control characters included: what cannot be
# sent must be refused with a RequestValidationError before signing.
_USER_TEXT = st.one_of(
    st.text(st.characters(codec=None), max_size=30),
    st.sampled_from(["\ud800", "a\udcffb", "a\r\nb", "\x1f", "中文"]),
)
_HEADER_SAFE = _USER_TEXT


@st.composite
def hostile_calls(draw: st.DrawFn) -> CallSpec:
    kwargs: dict[str, Any] = {}
    if draw(st.booleans()):
        kwargs["app_auth_token"] = draw(_HEADER_SAFE)
    if draw(st.booleans()):
        kwargs["request_id"] = draw(_HEADER_SAFE)
    if draw(st.booleans()):
        kwargs["timeout"] = draw(
            st.sampled_from([0, -1, float("nan"), float("inf"), 1e-9, 1e308, 1.0])
        )
    fields = st.fixed_dictionaries(
        {},
        optional={
            "activity_id": st.one_of(st.just(ACTIVITY), _USER_TEXT, st.integers(), st.none()),
            "out_biz_no": st.one_of(_USER_TEXT, st.integers()),
            "user_id": st.one_of(st.just("2088102000000001"), _USER_TEXT),
            "open_id": _USER_TEXT,
            "activity_name": _USER_TEXT,
            "voucher_type": st.one_of(st.just("FIX_VOUCHER"), _USER_TEXT),
            "voucher_use_rule": st.one_of(
                st.just({"fix_voucher": {"amount": "5.00"}}),
                st.builds(lambda a: {"fix_voucher": {"amount": a}}, _USER_TEXT),
            ),
        },
    )
    kind = draw(st.sampled_from(["send", "create", "stop", "query", "request"]))
    if kind == "query":
        args: tuple[str | None, ...] = (draw(st.one_of(_USER_TEXT, st.just(ACTIVITY))),)
        args += (draw(st.one_of(st.none(), _USER_TEXT)),)
        return CallSpec("query", args, kwargs, VoucherQueryResponse, False)
    if kind != "request":
        model = {"send": VoucherSendResponse, "create": VoucherCreateResponse,
                 "stop": VoucherStopResponse}[kind]  # fmt: skip
        extra = draw(st.dictionaries(_USER_TEXT, json_values, max_size=2))
        return CallSpec(kind, ({**extra, **draw(fields)},), kwargs, model, False)
    method = draw(st.sampled_from(["GET", "POST", "get", "Post", "PUT", "DELETE", "PATCH", ""]))
    path = draw(st.one_of(st.just("/v3/x"), _HEADER_SAFE.map(lambda p: "/" + p), _HEADER_SAFE))
    kwargs["json"] = draw(st.one_of(st.none(), st.dictionaries(_USER_TEXT, json_values)))
    kwargs["query"] = draw(
        st.one_of(
            st.none(),
            st.dictionaries(_USER_TEXT, st.one_of(_USER_TEXT, st.integers(), st.none())),
            st.lists(st.tuples(_USER_TEXT, _USER_TEXT), max_size=3),
        )
    )
    return CallSpec("request", (method, path), kwargs, None, False)


async def _caller_example(
    data: st.DataObject, hostile_server: HostileServer, key_config: AlipayConfig
) -> None:
    call = data.draw(hostile_calls(), label="call")
    server = hostile_server
    plans = [data.draw(clean_plans(call, False)), data.draw(clean_plans(call, False))]
    server.reset(plans)
    async with AsyncVoucherClient(client_config(key_config, server)) as client:
        try:
            result, elapsed = await await_guarded(call.run(client))
        except AlipayError as error:  # raised before any await (bad arguments)
            result, elapsed = error, 0.0
    event(f"outcome: {outcome_name(result)}")
    assert elapsed < POLICY.deadline + SLACK
    if not isinstance(result, BaseException):
        check_success(result, call, server, False)


@settings(CLIENT_SETTINGS, max_examples=100)
@given(data=st.data())
async def test_hostile_caller_input_ends_in_result_or_alipay_error(
    data: st.DataObject, hostile_server: HostileServer, key_config: AlipayConfig
) -> None:
    await _caller_example(data, hostile_server, key_config)


@pytest.mark.long
@settings(CLIENT_SETTINGS, max_examples=3000)
@given(data=st.data())
async def test_hostile_caller_input_long(
    data: st.DataObject, hostile_server: HostileServer, key_config: AlipayConfig
) -> None:
    await _caller_example(data, hostile_server, key_config)


# --------------------------------------------------------------------------- refused input
# Caller input that cannot travel (lone surrogates, control characters in headers or the
# path, a method that is no HTTP token, JSON that JSON cannot carry): found by this file
# escaping as UnicodeEncodeError/ValueError/RecursionError, now refused before signing.


async def _call_once(server: HostileServer, config: AlipayConfig, run: Any) -> Any:
    server.reset([Plan(status=200, body=b"{}", label="unused")] * 2)
    async with AsyncVoucherClient(client_config(config, server)) as client:
        return await asyncio.wait_for(run(client), POLICY.deadline + SLACK)


SEND = {"activity_id": ACTIVITY, "user_id": "2088102000000001", "out_biz_no": "b-1"}
DEEP: Any = []
for _ in range(100_000):  # deeper than any interpreter's C recursion limit (3.12+ allow ~10k)
    DEEP = [DEEP]

CALLER_INPUT_REFUSED = {
    # protocol._form_escape via client._invoke/request: UnicodeEncodeError
    "surrogate_query_value": lambda c: c.query("\ud800"),
    # protocol.sign_request (content.encode) via client: UnicodeEncodeError
    "surrogate_body_field": lambda c: c.send({**SEND, "out_biz_no": "\ud800"}),
    # aes.encrypt via client._call: UnicodeEncodeError
    "surrogate_body_field_encrypted": lambda c: c.send({**SEND, "out_biz_no": "\ud800"},
                                                       encrypt=True),
    "surrogate_app_auth_token": lambda c: c.query(ACTIVITY, app_auth_token="\udcff"),
    "surrogate_request_path": lambda c: c.request("GET", "/v3/\ud800"),
    # aiohttp refuses the header in transport._exchange: ValueError escapes
    "control_character_app_auth_token": lambda c: c.query(ACTIVITY, app_auth_token="a\r\nb"),
    "control_character_request_id": lambda c: c.query(ACTIVITY, request_id="a\nb"),
    "control_character_request_path": lambda c: c.request("GET", "/v3/\x1f"),
    # aiohttp refuses the method in transport._exchange: ValueError escapes
    "method_not_a_token": lambda c: c.request("G T", "/v3/x"),
    # protocol.encode_json (allow_nan=False) via client._call: ValueError
    "json_nan": lambda c: c.request("POST", "/v3/x", json={"a": float("nan")}),
    "json_nan_in_extra_field": lambda c: c.send({**SEND, "x": float("inf")}),
    # json.dumps: ValueError (int too long to print) / RecursionError
    "json_huge_int": lambda c: c.send({**SEND, "x": 10**5000}),
    "json_deep_nesting": lambda c: c.request("POST", "/v3/x", json={"a": DEEP}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CALLER_INPUT_REFUSED))
async def test_caller_input_that_cannot_be_sent_is_refused(
    case: str, hostile_server: HostileServer, key_config: AlipayConfig
) -> None:
    try:
        await _call_once(hostile_server, key_config, CALLER_INPUT_REFUSED[case])
    except RequestValidationError:
        assert not hostile_server.exchanges, "refused input must not reach the network"
        return
    except Exception as error:
        pytest.fail(f"{type(error).__name__} escaped: {error!r}"[:300])
