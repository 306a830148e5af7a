"""The oracle of the hostile-input tests: what a call or a notification may yield.

A call's result must come from an answer Alipay's key really signed, complete and 2xx,
and say what its body says; anything else must have ended in an ``AlipayError`` within
the retry deadline. A parsed notification must be one Alipay's key signed exactly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import event

from alipay_voucher import aes
from alipay_voucher.client import GenericResponse
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import (
    AlipayError,
    TransportTimeoutError,
)
from alipay_voucher.models._convert import from_json
from alipay_voucher.notify import Notification, parse_notification
from tests.hostile_server import HostileServer, Plan, alipay_signed, describe
from tests.hostile_strategies import AES_KEY, ALIPAY_SN, LIMIT, POLICY, SLACK, TIMEOUT, CallSpec

# --------------------------------------------------------------------------- the oracle


def _payload_candidates(body: bytes, encrypted: bool) -> list[Any]:
    """Every JSON object the signed body may legitimately stand for."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return []
    texts = [text]
    if encrypted:
        with contextlib.suppress(AlipayError):
            texts.append(aes.decrypt(AES_KEY, text))
    out: list[Any] = []
    for candidate in texts:
        if not candidate.strip():
            out.append({})
            continue
        with contextlib.suppress(ValueError, RecursionError):
            out.append(json.loads(candidate))
    return [item for item in out if isinstance(item, dict)]


def _same_str(value: Any, wire: Any) -> bool:
    # Id-like fields accept a JSON integer and keep its digits (models/_values.py).
    if isinstance(wire, int) and not isinstance(wire, bool):
        return bool(value == str(wire))
    return bool(value == wire)


def check_success(result: Any, call: CallSpec, server: HostileServer, cert: bool) -> None:
    """A result must come from a genuine, complete 2xx answer and say what it says."""
    exchange = server.exchange_for(result.request_id)
    assert exchange is not None, f"result for a request the server never saw: {result!r}"
    plan = exchange.plan
    facts = describe(plan)
    assert plan.genuine, f"a result from an answer Alipay's key did not sign: {facts}"
    assert 200 <= plan.status < 300, f"a result from HTTP {plan.status}: {facts}"
    sn = plan.single("alipay-sn")
    if cert and plan.header_values("alipay-sn"):
        assert sn in (b"", ALIPAY_SN.encode()), f"accepted an unknown alipay-sn: {facts}"
    body = plan.framed_body
    assert body is not None
    candidates = _payload_candidates(body, call.encrypt)
    assert candidates, f"a result from a body that is no JSON object: {facts}"
    if call.model is None:
        assert isinstance(result, GenericResponse)
        assert result.http_status == plan.status
        assert result.payload in candidates, f"payload {result.payload!r} differs: {facts}"
        return
    assert isinstance(result, call.model)
    assert result.http_status == plan.status
    matches = []
    for payload in candidates:
        try:
            expected = from_json(call.model, payload)
        except AlipayError:
            continue
        if expected == result:
            matches.append(payload)
    assert matches, f"result {result!r} matches no reading of the signed body: {facts}"
    payload = matches[0]
    for name in ("voucher_id", "activity_id", "activity_name", "recharge_url"):
        if name in payload and payload[name] is not None and hasattr(result, name):
            assert _same_str(getattr(result, name), payload[name]), (name, facts)
    known = {f.name for f in attrs.fields(call.model)}
    for key, value in payload.items():
        if key not in known:
            assert result.extra[key] == value


def outcome_name(result: Any) -> str:
    return "ok" if not isinstance(result, BaseException) else type(result).__name__


async def await_guarded(awaitable: Any) -> tuple[Any, float]:
    """Run one call under the hang guard; return (result or AlipayError, seconds)."""
    started = time.monotonic()
    try:
        result = await asyncio.wait_for(awaitable, POLICY.deadline + SLACK)
    except AlipayError as error:
        result = error
    except asyncio.TimeoutError:
        pytest.fail(f"the call hung past the deadline ({POLICY.deadline} s + {SLACK} s)")
    return result, time.monotonic() - started


def client_config(base: AlipayConfig, server: HostileServer) -> AlipayConfig:
    return base.with_options(
        base_url=server.base_url,
        timeout=TIMEOUT,
        connect_timeout=TIMEOUT,
        max_response_bytes=LIMIT,
        retry=POLICY,
    )


def judge(
    result: Any,
    elapsed: float,
    call: CallSpec,
    server: HostileServer,
    plans: list[Plan],
    cert: bool,
) -> None:
    event(f"outcome: {outcome_name(result)}")
    first = plans[0]
    event(f"first answer: {first.label.split(' ')[0]}, genuine={first.genuine}")
    event(f"first answer: {first.mode} {first.fault} status={first.status // 100}xx")
    assert elapsed < POLICY.deadline + SLACK, f"took {elapsed:.2f} s"
    if isinstance(result, BaseException):
        # A clean first answer must be taken (unless the machine is so slow that even it
        # timed out: only a timeout is excused).
        timed_out = isinstance(result, TransportTimeoutError) or isinstance(
            result.__cause__, TransportTimeoutError
        )
        if first.clean and not timed_out and server.exchanges and server.exchanges[0].plan is first:
            pytest.fail(f"a clean signed answer was refused: {result!r}; {describe(first)}")
        return
    check_success(result, call, server, cert)


def base_config(
    mode: str, key_config: AlipayConfig, cert_config: AlipayConfig
) -> tuple[AlipayConfig, bool]:
    return (cert_config, True) if mode == "cert" else (key_config, False)


# --------------------------------------------------------------------------- notifications


def notify_sign_content(params: Mapping[str, str], *, v2: bool, keep_empty: bool) -> bytes:
    """PROTOCOL section 8, written out again for the oracle (not the SDK's code)."""
    skipped = {"sign"} if v2 else {"sign", "sign_type"}
    pairs = sorted(
        (k, v) for k, v in params.items() if k not in skipped and (keep_empty or v != "")
    )
    return "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass")


def truly_signed(params: Mapping[str, Any]) -> bool:
    """Whether Alipay's key signed exactly these parameters (under any accepted rule)."""
    sign = params.get("sign")
    if not isinstance(sign, str) or not sign.isascii():
        return False
    return any(
        alipay_signed(sign.encode(), notify_sign_content(params, v2=v2, keep_empty=keep))
        for v2 in (False, True)
        for keep in (False, True)
    )


def check_notification(raw: Any, config: AlipayConfig) -> str:
    """parse_notification gives a truly signed message or raises an AlipayError."""
    try:
        note = parse_notification(raw, config)
    except AlipayError as error:
        return type(error).__name__
    assert isinstance(note, Notification)
    params = dict(note.params)
    assert truly_signed(params), f"a notification Alipay never signed: {params!r}"
    assert note.app_id == config.app_id
    assert params["app_id"] == note.app_id
    assert params["notify_id"] == note.notify_id and note.notify_id
    assert params["msg_method"] == note.msg_method and note.msg_method
    raw_biz = params.get("biz_content", "")
    assert note.biz_content == (json.loads(raw_biz) if raw_biz else {})
    if isinstance(raw, Mapping):
        sent = {k: (v[0] if isinstance(v, list) else v) for k, v in raw.items()}
        assert params == sent
    return "ok"
