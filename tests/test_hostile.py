"""Hostile input: nothing from the network or the caller may yield a wrong result.

* The clients (async and blocking) talk to :class:`~tests.hostile_server.HostileServer`,
  which answers every request with a response drawn by hypothesis: any status, random
  and duplicated headers, bodies of the wrong shape, too big, not UTF-8, truncated,
  dripped, signed with Alipay's key, with the wrong key, over other bytes, or not at all.
  Each call must end in a result the server really signed with Alipay's key (and that
  says what the signed body says) or in an ``AlipayError``, within the retry deadline.
* ``parse_notification`` gets random bytes, text forms and mappings, and forms signed
  with Alipay's key around junk: only a truly signed message may come back.
* Known failures in files owned by others are pinned below as strict xfails, each
  with its minimal input.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import string
import time
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

import attrs
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from alipay_voucher import aes, protocol
from alipay_voucher.client import AsyncVoucherClient, GenericResponse
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.credentials import cert_sn, load_certificate, load_private_key
from alipay_voucher.errors import (
    AlipayError,
    NotificationError,
    RequestValidationError,
    SignatureVerificationError,
    TransportTimeoutError,
)
from alipay_voucher.models import (
    ResponseModel,
    VoucherCreateResponse,
    VoucherQueryResponse,
    VoucherSendResponse,
    VoucherStopResponse,
)
from alipay_voucher.models._base import Model
from alipay_voucher.models._convert import from_json
from alipay_voucher.models._enums import OpenEnum
from alipay_voucher.models._unset import Unset
from alipay_voucher.notify import Notification, parse_notification
from alipay_voucher.sync import VoucherClient
from tests.conftest import APP_ID, KEYS, load_vector
from tests.hostile_server import HostileServer, Plan, alipay_signed, describe

ALIPAY_KEY = load_private_key(KEYS / "alipay_private_pkcs1.pem")
WRONG_KEY = load_private_key(KEYS / "app_private_pkcs1.pem")
ALIPAY_SN = cert_sn(load_certificate(KEYS / "alipay_cert.crt"))
AES_KEY = aes.load_aes_key(load_vector("aes")["key_base64"])
WRONG_AES_KEY = aes.load_aes_key(base64.b64encode(bytes(range(16))).decode())

ACTIVITY = "2016042700826004508401111111"
LIMIT = 3000
"""max_response_bytes of the clients under test (small, so huge bodies stay cheap)."""
TIMEOUT = 0.25
POLICY = RetryPolicy(max_attempts=2, initial_backoff=0.001, deadline=2)
SLACK = 1.5
"""How far past the retry deadline a call may end before it counts as a hang."""

CLIENT_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --------------------------------------------------------------------------- JSON junk

_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "NaN", "Infinity", "1e999", "-0", "9.99", "2024-02-30 00:00:00"])
)
json_values = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def _members(tp: Any) -> list[Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a is not type(None) and a is not Unset]
    return [tp]


def _value_for(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    """A value that fits the annotation ``tp`` more or less (often not at all)."""
    options: list[st.SearchStrategy[Any]] = []
    for member in _members(tp):
        origin = typing.get_origin(member)
        if member is str:
            options.append(st.text(max_size=16))
        elif member is int:
            options.append(st.integers() | st.sampled_from(["12", " 7 ", "+3", "1e3", "٣"]))
        elif member is bool:
            options.append(st.sampled_from([True, False, "true", "false", "yes", 1]))
        elif member is Decimal:
            options.append(
                st.sampled_from(["9.99", "0", "-1", "1e3", "NaN", "Infinity", "1" * 60, 5, 5.5])
            )
        elif member is datetime:
            options.append(
                st.sampled_from(["2024-06-01 12:00:00", "2024-02-30 00:00:00", "later", 0])
            )
        elif isinstance(member, type) and issubclass(member, OpenEnum):
            options.append(st.sampled_from([m.value for m in member] + ["NEW_VALUE", 3]))
        elif isinstance(member, type) and issubclass(member, Model):
            if depth > 0:
                options.append(shaped(member, depth - 1))
        elif origin is list:
            (item,) = typing.get_args(member) or (Any,)
            options.append(
                st.lists(_value_for(item, depth - 1) if depth > 0 else _LEAVES, max_size=2)
            )
        elif origin in (dict, Mapping) or origin is typing.get_origin(Mapping[str, Any]):
            options.append(st.dictionaries(st.text(max_size=6), _LEAVES, max_size=3))
    options.append(json_values)
    return st.one_of(options)


def shaped(cls: type[Model], depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object with ``cls``'s field names and values of right and wrong types."""
    fields = [f for f in attrs.fields(cls) if f.init and f.name != "extra"]
    known = {f.name: _value_for(f.type, depth) for f in fields}
    if not known:
        return st.dictionaries(st.text(max_size=8), json_values, max_size=3)
    return st.fixed_dictionaries({}, optional=known) | st.builds(
        lambda a, b: {**a, **b},
        st.fixed_dictionaries({}, optional=known),
        st.dictionaries(st.text(max_size=8), json_values, max_size=2),
    )


# --------------------------------------------------------------------------- the calls


@attrs.frozen
class CallSpec:
    """One client call: method name, arguments, and what a success must look like."""

    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    model: type[ResponseModel] | None
    encrypt: bool

    def run(self, client: Any) -> Any:
        return getattr(client, self.name)(*self.args, **self.kwargs)


GOOD_PAYLOADS: dict[type[ResponseModel] | None, dict[str, Any]] = {
    VoucherSendResponse: {"voucher_id": "2021072600073002785300065Q39"},
    VoucherCreateResponse: {"activity_id": ACTIVITY},
    VoucherStopResponse: {},
    VoucherQueryResponse: {
        "activity_id": ACTIVITY,
        "activity_name": "满10减1活动",
        "activity_status": "ACTIVE",
        "voucher_inventory_info": {"send_count": 3, "use_count": 1},
    },
    None: {"anything": ["goes", 1], "out_biz_no": "generic-1"},
}

CREATE_REQUEST = {
    "activity_name": "满10减1活动",
    "voucher_type": "FIX_VOUCHER",
    "voucher_use_rule": {"fix_voucher": {"amount": "5.00"}},
}


@st.composite
def calls(draw: st.DrawFn, *, can_encrypt: bool) -> CallSpec:
    encrypt = can_encrypt and draw(st.booleans())
    kwargs: dict[str, Any] = {"encrypt": encrypt}
    if draw(st.booleans()):
        kwargs["timeout"] = draw(st.sampled_from([0.05, TIMEOUT, 1.0]))
    if draw(st.booleans()):
        kwargs["request_id"] = uuid.uuid4().hex
    if draw(st.booleans()):
        kwargs["app_auth_token"] = "202406BB1234567890abcdef1234567890abcX99"
    out_biz_no = draw(st.sampled_from([None, "biz-0001"]))
    keyed = {"out_biz_no": out_biz_no} if out_biz_no else {}
    kind = draw(st.sampled_from(["send", "query", "create", "stop", "get", "post"]))
    if kind == "send":
        request = {"activity_id": ACTIVITY, "user_id": "2088102000000001", **keyed}
        return CallSpec("send", (request,), kwargs, VoucherSendResponse, encrypt)
    if kind == "query":
        mode = draw(st.sampled_from([None, "SELF_MODE", "AGENCY_MODE"]))
        return CallSpec("query", (ACTIVITY, mode), kwargs, VoucherQueryResponse, encrypt)
    if kind == "create":
        return CallSpec(
            "create", ({**CREATE_REQUEST, **keyed},), kwargs, VoucherCreateResponse, encrypt
        )
    if kind == "stop":
        return CallSpec(
            "stop", ({"activity_id": ACTIVITY, **keyed},), kwargs, VoucherStopResponse, encrypt
        )
    path = "/v3/alipay/marketing/activity/voucher/" + draw(st.sampled_from(["query", "x", "a/b"]))
    if kind == "get":
        kwargs["query"] = draw(st.sampled_from([None, {"activity_id": ACTIVITY}, [("a", "b c")]]))
        return CallSpec("request", ("GET", path), kwargs, None, encrypt)
    kwargs["json"] = {"activity_id": ACTIVITY, **keyed}
    return CallSpec("request", ("POST", path), kwargs, None, encrypt)


# --------------------------------------------------------------------------- the answers

_SPECIAL_JSON = [
    "[]",
    "[1,2,3]",
    "null",
    "42",
    '"a string"',
    "true",
    "{",
    '{"voucher_id": "a", "voucher_id": "b"}',
    '{"voucher_id": 123}',
    '{"voucher_id": 1.5}',
    '{"voucher_id": true}',
    '{"voucher_id": null}',
    '{"activity_id": {"x": 1}}',
    '{"activity_id": ["a"]}',
    '{"voucher_id": NaN}',
    '{"voucher_id": Infinity}',
    '{"voucher_id": 1e400}',
    '{"n": ' + "1" * 5000 + "}",
    '{"a": ' + "[" * 900 + "]" * 900 + "}",
    "[" * 50_000,
    '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"activity_id": "x"} trailing',
    "\ufeff{}",
    "{}\x00",
    " \n\t ",
    '{"voucher_inventory_info": {"send_count": "many"}}',
    '{"voucher_inventory_info": [1]}',
    '{"summary": "x", "voucher_type": 5, "publish_end_time": 7}',
    '{"links": 5, "code": 7, "message": ["m"]}',
    '{"code": "invalid-signature", "message": "bad", "links": [{"link": 5}, "x", null]}',
]


def _bytes_junk() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=64),
        st.sampled_from(
            [
                b"\xff\xfe{}",
                b'{"voucher_id": "\xff"}',
                b'{"voucher_id": "\xed\xa0\x80"}',
                b"\xc0\x80",
                b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
                b"\x1f\x8b\x08\x00junk",
            ]
        ),
    )


@st.composite
def bodies(draw: st.DrawFn, model: type[ResponseModel] | None, encrypt: bool) -> tuple[bytes, str]:
    """A body and what it is; maybe encrypted when the call is."""
    kind = draw(
        st.sampled_from(["good", "shaped", "special", "random_json", "bytes", "huge", "empty"])
    )
    if kind == "good":
        text = json.dumps(GOOD_PAYLOADS[model], ensure_ascii=draw(st.booleans()))
    elif kind == "shaped":
        target = model if model is not None else VoucherQueryResponse
        text = json.dumps(draw(shaped(target)))
    elif kind == "special":
        text = draw(st.sampled_from(_SPECIAL_JSON))
    elif kind == "random_json":
        text = json.dumps(draw(json_values))
    elif kind == "bytes":
        return draw(_bytes_junk()), kind
    elif kind == "huge":
        size = draw(st.sampled_from([LIMIT - 20, LIMIT + 1, 3 * LIMIT, 40 * LIMIT]))
        text = '{"voucher_id": "' + "x" * size + '"}'
    else:
        text = draw(st.sampled_from(["", "{}", " "]))
    if encrypt and draw(st.booleans()):
        how = draw(st.sampled_from(["right", "right", "wrong_key", "not_base64", "short"]))
        if how == "right":
            text = aes.encrypt(AES_KEY, text)
        elif how == "wrong_key":
            text = aes.encrypt(WRONG_AES_KEY, text)
        elif how == "not_base64":
            text = "%%%" + text
        else:
            text = base64.b64encode(b"0123456789").decode()
        kind += f"/aes-{how}"
    return text.encode("utf-8", "surrogatepass"), kind


_HEADER_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=24
).map(str.strip)


def _sign(key: rsa.RSAPrivateKey, timestamp: bytes, nonce: bytes, body: bytes) -> bytes:
    """Sign as Alipay's gateway does, with ``cryptography`` directly (not the SDK)."""
    content = timestamp + b"\n" + nonce + b"\n" + body + b"\n"
    return base64.b64encode(key.sign(content, padding.PKCS1v15(), hashes.SHA256()))


@st.composite
def signature_headers(draw: st.DrawFn, body: bytes) -> tuple[list[tuple[str, bytes]], str]:
    """The alipay-signature/-timestamp/-nonce headers for ``body``, right or wrong."""
    timestamp = draw(
        st.one_of(
            st.just(str(int(time.time() * 1000))),
            st.sampled_from(["", "0", "-1", "abc", "１２３"]),
            _HEADER_TEXT,
        )
    ).encode("utf-8")
    nonce = draw(st.one_of(st.just(uuid.uuid4().hex), _HEADER_TEXT)).encode("utf-8")
    how = draw(
        st.sampled_from(
            ["alipay"] * 8
            + ["none", "wrong_key", "other_body", "other_nonce", "garbage", "null", "empty",
               "truncated"]
        )
    )  # fmt: skip
    if how == "none":
        return [], how
    if how in ("alipay", "truncated"):
        signature = _sign(ALIPAY_KEY, timestamp, nonce, body)
        if how == "truncated":
            signature = signature[:-4]
    elif how == "wrong_key":
        signature = _sign(WRONG_KEY, timestamp, nonce, body)
    elif how == "other_body":
        signature = _sign(ALIPAY_KEY, timestamp, nonce, body + b" ")
    elif how == "other_nonce":
        signature = _sign(ALIPAY_KEY, timestamp, nonce + b"0", body)
    elif how == "garbage":
        signature = draw(_HEADER_TEXT).encode("utf-8")
    elif how == "null":
        signature = b"null"
    else:
        signature = b""
    headers = [
        ("alipay-signature", signature),
        ("alipay-timestamp", timestamp),
        ("alipay-nonce", nonce),
    ]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        change = draw(st.sampled_from(["drop", "dup_same", "dup_other", "empty", "case"]))
        index = draw(st.integers(0, len(headers) - 1)) if headers else None
        if index is None:
            break
        name, value = headers[index]
        if change == "drop":
            del headers[index]
        elif change == "dup_same":
            headers.append((name, value))
        elif change == "dup_other":
            headers.append((name, value + b"x"))
        elif change == "empty":
            headers[index] = (name, b"")
        else:
            headers[index] = (name.title(), value)
        how += f"+{change}:{name}"
    return headers, how


_EXTRA_HEADER_NAMES = [
    "alipay-trace-id",
    "alipay-sn",
    "content-type",
    "retry-after",
    "content-encoding",
    "location",
    "alipay-request-id",
    "x-junk",
]
_EXTRA_HEADER_VALUES: dict[str, list[str]] = {
    "content-type": ["application/json", "text/plain", "application/json;charset=GBK", "x/y"],
    "retry-after": [
        "0",
        "0.01",
        "1",
        "-1",
        "nan",
        "inf",
        "1e9",
        "abc",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ],
    "content-encoding": ["identity", "gzip", "deflate", "x-unknown"],
    "alipay-sn": [ALIPAY_SN, "", "0123456789abcdef0123456789abcdef"],
}


_TOKEN_NAMES = st.text(
    st.sampled_from(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~"),
    min_size=1,
    max_size=12,
)


@st.composite
def extra_headers(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    out = []
    names = st.sampled_from(_EXTRA_HEADER_NAMES) | _TOKEN_NAMES
    for name in draw(st.lists(names, max_size=3)):
        values = _EXTRA_HEADER_VALUES.get(name, [])
        value = draw(st.sampled_from(values) | _HEADER_TEXT) if values else draw(_HEADER_TEXT)
        out.append((name, value.encode("utf-8")))
    if draw(st.integers(0, 19)) == 0:  # longer than aiohttp's header limit
        out.append(("x-junk", b"x" * 9000))
    return out


_STATUSES = [200] * 16 + [201, 202, 204, 206, 299, 301, 302, 304, 307, 400, 401, 403, 404,
                          409, 413, 429, 500, 502, 503, 504, 599]  # fmt: skip
_RAW_STATUSES = [*_STATUSES, 600, 999]
_FAULTS = [None, "close_delimited", "chunked", "bad_chunks", "truncate", "informational",
           "trailing_junk", "garbage", "nothing", "huge_declared"]  # fmt: skip


@st.composite
def clean_plans(draw: st.DrawFn, call: CallSpec, cert: bool) -> Plan:
    """A correctly signed, well-formed 2xx answer: the call must succeed on it."""
    text = json.dumps(GOOD_PAYLOADS[call.model], ensure_ascii=False)
    content_type = b"application/json;charset=UTF-8"
    if call.encrypt:
        text, content_type = aes.encrypt(AES_KEY, text), b"text/plain;charset=UTF-8"
    body = text.encode("utf-8")
    timestamp, nonce = str(int(time.time() * 1000)).encode(), uuid.uuid4().hex.encode()
    headers = [
        ("alipay-signature", _sign(ALIPAY_KEY, timestamp, nonce, body)),
        ("alipay-timestamp", timestamp),
        ("alipay-nonce", nonce),
        ("alipay-trace-id", b"trace-clean"),
        ("content-type", content_type),
    ]
    if cert and draw(st.booleans()):
        headers.append(("alipay-sn", ALIPAY_SN.encode()))
    status = draw(st.sampled_from([200, 201]))
    return Plan(status=status, body=body, headers=tuple(headers), clean=True, label="clean")


@st.composite
def hostile_plans(draw: st.DrawFn, call: CallSpec) -> Plan:
    mode = draw(st.sampled_from(["web", "web", "raw"]))
    status = draw(st.sampled_from(_RAW_STATUSES if mode == "raw" else _STATUSES))
    body, body_kind = draw(bodies(call.model, call.encrypt))
    fault = draw(st.sampled_from(_FAULTS)) if mode == "raw" else None
    if mode == "web" and status in (204, 304):
        body = b""
    if mode == "web" and len(body) > LIMIT and draw(st.booleans()):
        mode, fault = "raw", "chunked"  # no Content-Length: the limit must hold while reading
    sign_over = b"" if status in (204, 304) else body
    headers, sign_kind = draw(signature_headers(sign_over))
    headers += draw(extra_headers())
    if mode == "raw" and headers and draw(st.sampled_from([True, False, False])):
        index = draw(st.sampled_from(range(len(headers))))
        junk = draw(st.sampled_from([b"\xff\xfe", b"\xe4\xb8", b"\x00", b"\x80abc"]))
        name, value = headers[index]
        headers[index] = (name, value + junk)
        sign_kind += f"+bytes:{name}"
    delay = draw(st.sampled_from([0.0] * 12 + [0.02, TIMEOUT + 0.15]))
    drip = mode == "raw" and draw(st.integers(0, 9)) == 0
    garbage = (
        draw(st.binary(min_size=1, max_size=40)) if fault in ("garbage", "trailing_junk") else b""
    )
    reason = draw(st.sampled_from([b"Hostile", b"", b"\xff\xfe", b"OK OK"]))
    return Plan(
        status=status,
        body=body,
        headers=tuple(headers),
        mode=mode,
        fault=fault,
        delay=delay,
        drip=drip,
        garbage=garbage,
        reason=reason,
        label=f"{body_kind} {sign_kind}",
    )


def plans_for(call: CallSpec, cert: bool) -> st.SearchStrategy[list[Plan]]:
    def one(clean: bool) -> st.SearchStrategy[Plan]:
        return clean_plans(call, cert) if clean else hostile_plans(call)

    first = st.sampled_from([False, False, False, False, True]).flatmap(one)
    second = st.sampled_from([False, True]).flatmap(one)
    return st.tuples(first, second).map(list)


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


def _outcome(result: Any) -> str:
    return "ok" if not isinstance(result, BaseException) else type(result).__name__


async def _await_guarded(awaitable: Any) -> tuple[Any, float]:
    """Run one call under the hang guard; return (result or AlipayError, seconds)."""
    started = time.monotonic()
    try:
        result = await asyncio.wait_for(awaitable, POLICY.deadline + SLACK)
    except AlipayError as error:
        result = error
    except asyncio.TimeoutError:
        pytest.fail(f"the call hung past the deadline ({POLICY.deadline} s + {SLACK} s)")
    return result, time.monotonic() - started


def _client_config(base: AlipayConfig, server: HostileServer) -> AlipayConfig:
    return base.with_options(
        base_url=server.base_url,
        timeout=TIMEOUT,
        connect_timeout=TIMEOUT,
        max_response_bytes=LIMIT,
        retry=POLICY,
    )


def _judge(
    result: Any,
    elapsed: float,
    call: CallSpec,
    server: HostileServer,
    plans: list[Plan],
    cert: bool,
) -> None:
    event(f"outcome: {_outcome(result)}")
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


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
async def hostile_server() -> Any:
    server = await HostileServer().start()
    try:
        yield server
    finally:
        await server.close()


def _base_config(
    mode: str, key_config: AlipayConfig, cert_config: AlipayConfig
) -> tuple[AlipayConfig, bool]:
    return (cert_config, True) if mode == "cert" else (key_config, False)


# --------------------------------------------------------------------------- async client


async def _async_example(
    data: st.DataObject, server: HostileServer, key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    base, cert = _base_config(data.draw(st.sampled_from(["key", "cert"])), key_config, cert_config)
    call = data.draw(calls(can_encrypt=not cert), label="call")
    plans = data.draw(plans_for(call, cert), label="plans")
    server.reset(plans)
    async with AsyncVoucherClient(_client_config(base, server)) as client:
        result, elapsed = await _await_guarded(call.run(client))
    _judge(result, elapsed, call, server, plans, cert)


@CLIENT_SETTINGS
@given(data=st.data())
async def test_async_client_ends_in_verified_result_or_alipay_error(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _async_example(data, hostile_server, key_config, cert_config)


@pytest.mark.long
@settings(CLIENT_SETTINGS, max_examples=2000)
@given(data=st.data())
async def test_async_client_fails_closed_long(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _async_example(data, hostile_server, key_config, cert_config)


# --------------------------------------------------------------------------- sync client


async def _sync_example(
    data: st.DataObject, server: HostileServer, key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    base, cert = _base_config(data.draw(st.sampled_from(["key", "cert"])), key_config, cert_config)
    call = data.draw(calls(can_encrypt=not cert), label="call")
    plans = data.draw(plans_for(call, cert), label="plans")
    server.reset(plans)
    client = VoucherClient(_client_config(base, server))
    try:
        result, elapsed = await _await_guarded(asyncio.to_thread(call.run, client))
    finally:
        await asyncio.to_thread(client.close)
    _judge(result, elapsed, call, server, plans, cert)


@settings(CLIENT_SETTINGS, max_examples=40)
@given(data=st.data())
async def test_sync_client_ends_in_verified_result_or_alipay_error(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _sync_example(data, hostile_server, key_config, cert_config)


@pytest.mark.long
@settings(CLIENT_SETTINGS, max_examples=300)
@given(data=st.data())
async def test_sync_client_fails_closed_long(
    data: st.DataObject,
    hostile_server: HostileServer,
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    await _sync_example(data, hostile_server, key_config, cert_config)


# --------------------------------------------------------------------------- the model layer


RESPONSE_MODELS = [
    VoucherSendResponse,
    VoucherCreateResponse,
    VoucherStopResponse,
    VoucherQueryResponse,
]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_signed_junk_becomes_a_model_or_malformed_response_error(data: st.DataObject) -> None:
    """What a verified body may hold reaches from_json: a model or an AlipayError."""
    model = data.draw(st.sampled_from(RESPONSE_MODELS))
    payload = data.draw(shaped(model, depth=3) | shaped(VoucherQueryResponse, depth=3))
    try:
        result: Any = from_json(model, payload)
    except AlipayError:
        return
    assert isinstance(result, model)


# --------------------------------------------------------------------------- notifications

MSG_METHODS = [
    "alipay.marketing.activity.message.created",
    "alipay.marketing.activity.message.stopped",
    "alipay.marketing.activity.message.received",
    "alipay.marketing.activity.message.used",
    "alipay.marketing.activity.message.expired",
    "alipay.marketing.activity.message.someday",
]
_ENVELOPE_KEYS = ["notify_id", "utc_timestamp", "msg_method", "app_id", "version", "biz_content",
                  "charset", "sign_type"]  # fmt: skip
_CODECS = ["UTF-8", "utf8", "GBK", "gb2312", "latin-1", "utf-16", "utf-7", "idna", "punycode",
           "rot13", "base64", "undefined", "unicode_escape", "a\x00b", "", "x" * 80]  # fmt: skip
_ANY_TEXT = st.text(max_size=20)  # lone surrogates included
_BIZ_JUNK = st.one_of(
    st.sampled_from(
        [
            "[]",
            "[1, 2]",
            "null",
            "7",
            '"text"',
            "{",
            "not json",
            '{"id": 5, "activity_id": {"x": 1}, "event_time": [1]}',
            '{"event_time": 1e400}',
            '{"n": ' + "1" * 5000 + "}",
            "x" * 300_000,
            '{"id": "' + "x" * 600_000 + '"}',
        ]
    ),
    st.sampled_from(
        [
            '{"a": ' + "[" * 900 + "]" * 900 + "}",
            "[" * 50_000,
            '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}",
        ]
    ),
    st.builds(json.dumps, json_values),
    st.builds(
        json.dumps,
        st.dictionaries(
            st.sampled_from(["id", "activity_id", "event_time", "voucher_id", "out_biz_no"]),
            json_values,
        ),
    ),
    _ANY_TEXT,
)


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


@st.composite
def signed_messages(draw: st.DrawFn) -> dict[str, str]:
    """An envelope signed with Alipay's key (or not) around parameters of any quality."""
    params: dict[str, str] = {
        "notify_id": "2024060100222105131062921023025563",
        "utc_timestamp": str(int(time.time() * 1000)),
        "msg_method": draw(st.sampled_from(MSG_METHODS)),
        "app_id": APP_ID,
        "version": "1.1",
        "biz_content": json.dumps({"id": "e1", "activity_id": ACTIVITY, "event_time": "1"}),
        "charset": "UTF-8",
        "sign_type": "RSA2",
    }
    for key in draw(st.lists(st.sampled_from(_ENVELOPE_KEYS), max_size=3, unique=True)):
        change = draw(st.sampled_from(["drop", "empty", "junk"]))
        if change == "drop":
            params.pop(key, None)
        elif change == "empty":
            params[key] = ""
        elif key == "biz_content":
            params[key] = draw(_BIZ_JUNK)
        elif key == "utc_timestamp":
            params[key] = draw(st.sampled_from(["1e3", "-1", "nan", "١٢٣", "9" * 30, "1" * 5000]))
        elif key == "app_id":
            params[key] = draw(st.sampled_from(["2021000000000002", APP_ID + " ", "x"]))
        else:
            params[key] = draw(_ANY_TEXT)
    if draw(st.booleans()):
        params["biz_content"] = draw(_BIZ_JUNK)
    for key, value in draw(st.dictionaries(st.text(max_size=6), _ANY_TEXT, max_size=2)).items():
        params.setdefault(key, value)
    params.pop("sign", None)
    v2 = draw(st.booleans())
    signer = draw(st.sampled_from([ALIPAY_KEY, ALIPAY_KEY, ALIPAY_KEY, WRONG_KEY]))
    content = notify_sign_content(params, v2=v2, keep_empty=draw(st.booleans()))
    signature = signer.sign(content, padding.PKCS1v15(), hashes.SHA256())
    params["sign"] = base64.b64encode(signature).decode()
    if draw(st.integers(0, 5)) == 0:  # changed on the way
        key = draw(st.sampled_from(sorted(params)))
        params[key] = params[key] + draw(st.sampled_from(["x", " ", "%20", "\ud800"]))
    return params


class _ListsMapping(dict):  # type: ignore[type-arg]
    """Like Django's QueryDict / Werkzeug's MultiDict: every value through lists()."""

    def lists(self) -> Any:
        return [(k, v if isinstance(v, list) else [v]) for k, v in self.items()]


@st.composite
def deliveries(draw: st.DrawFn, params: dict[str, Any]) -> Any:
    """The same parameters as a raw body (bytes or str) or as a parsed mapping."""
    how = draw(st.sampled_from(["bytes", "bytes", "str", "mapping", "lists", "gbk"]))
    if how in ("bytes", "str", "gbk"):
        items = list(params.items())
        if draw(st.integers(0, 5)) == 0 and items:  # a parameter twice
            items.append(draw(st.sampled_from(items)))
        try:
            text = urlencode(items, encoding="gbk" if how == "gbk" else "utf-8")
        except UnicodeEncodeError:
            text = urlencode(items, encoding="utf-8", errors="surrogatepass")
        if how == "str":
            return text
        return text.encode("ascii")
    if how == "lists":
        return _ListsMapping({k: [v] for k, v in params.items()})
    return dict(params)


_KEYS = st.one_of(
    _ANY_TEXT,
    st.sampled_from(["sign", "sign_type", "app_id", "biz_content", "charset", "notify_id"]),
    st.integers(),
    st.binary(max_size=4),
    st.none(),
    st.tuples(st.text(max_size=2)),
)
_VALUES = st.one_of(
    _ANY_TEXT,
    st.lists(_ANY_TEXT, max_size=3),
    st.tuples(_ANY_TEXT),
    st.integers(),
    st.none(),
    st.binary(max_size=4),
    st.floats(),
)


def _text_forms() -> st.SearchStrategy[Any]:
    pair = st.tuples(
        st.sampled_from(["sign", "charset", "app_id", "biz_content"]) | _ANY_TEXT,
        st.sampled_from(_CODECS) | _ANY_TEXT,
    )
    form = st.lists(pair, max_size=5).map(
        lambda pairs: "&".join(f"{quote(k, safe='', errors='surrogatepass')}={v}" for k, v in pairs)
    )
    return st.one_of(
        form,
        form.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from(_CODECS), min_size=1, max_size=1).map(
            lambda cs: b"charset=" + cs[0].encode() + b"&sign=x&a=%FF"
        ),
    )


hostile_notifications = st.one_of(
    st.binary(max_size=300),
    _ANY_TEXT,
    _text_forms(),
    st.dictionaries(_KEYS, _VALUES, max_size=5),
    st.dictionaries(_KEYS, _VALUES, max_size=5).map(lambda d: {"sign": "AAAA", **d}),
    signed_messages().flatmap(deliveries),
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


NOTIFY_SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@NOTIFY_SETTINGS
@given(raw=hostile_notifications)
def test_parse_notification_returns_only_what_alipay_signed(
    raw: Any, key_config: AlipayConfig
) -> None:
    event(f"outcome: {check_notification(raw, key_config)}")


@NOTIFY_SETTINGS
@given(raw=signed_messages().flatmap(deliveries))
def test_signed_envelopes_around_junk(raw: Any, key_config: AlipayConfig) -> None:
    event(f"outcome: {check_notification(raw, key_config)}")


@pytest.mark.long
@settings(NOTIFY_SETTINGS, max_examples=5000)
@given(raw=hostile_notifications)
def test_parse_notification_long(raw: Any, key_config: AlipayConfig) -> None:
    check_notification(raw, key_config)


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
    async with AsyncVoucherClient(_client_config(key_config, server)) as client:
        try:
            result, elapsed = await _await_guarded(call.run(client))
        except AlipayError as error:  # raised before any await (bad arguments)
            result, elapsed = error, 0.0
    event(f"outcome: {_outcome(result)}")
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


# --------------------------------------------------------------------------- regressions


def _signed_headers(body: bytes, timestamp: bytes, nonce: bytes) -> list[tuple[str, str]]:
    signature = _sign(ALIPAY_KEY, timestamp, nonce, body).decode()

    def decode(raw: bytes) -> str:
        return raw.decode("utf-8", "surrogateescape")  # as aiohttp does

    return [
        ("alipay-signature", signature),
        ("alipay-timestamp", decode(timestamp)),
        ("alipay-nonce", decode(nonce)),
    ]


@pytest.mark.parametrize("junk", [b"\xff\xfe", b"\xed\xa0\x80", b"\x80"])
def test_regression_signature_header_bytes_not_utf8(key_config: AlipayConfig, junk: bytes) -> None:
    """Fixed in protocol._verify_response: header bytes that are not UTF-8 reach it as
    lone surrogates and made ``.encode()`` raise UnicodeEncodeError out of the client."""
    body = b'{"voucher_id": "v1"}'
    headers = _signed_headers(body, b"1717000000000" + junk, b"n1")
    with pytest.raises(SignatureVerificationError):
        protocol.process_response(key_config, 200, headers, body)
    # a lone surrogate that no decoder produced (a caller's own header mapping)
    headers = [*_signed_headers(body, b"1717000000000", b"n1")[:2], ("alipay-nonce", "\ud800")]
    with pytest.raises(SignatureVerificationError):
        protocol.process_response(key_config, 200, headers, body)


async def test_regression_signature_header_bytes_not_utf8_end_to_end(
    hostile_server: HostileServer, key_config: AlipayConfig
) -> None:
    body = b'{"voucher_id": "v1"}'
    timestamp, nonce = b"1717000000000", b"n1"
    headers = (
        ("alipay-signature", _sign(ALIPAY_KEY, timestamp, nonce, body)),
        ("alipay-timestamp", timestamp + b"\xff\xfe"),
        ("alipay-nonce", nonce),
    )
    hostile_server.reset([Plan(status=200, body=body, headers=headers, mode="raw")])
    config = _client_config(key_config, hostile_server).with_options(
        retry=RetryPolicy.disabled(deadline=2)
    )
    async with AsyncVoucherClient(config) as client:
        with pytest.raises(SignatureVerificationError):
            await client.query(ACTIVITY)


def _signed_form(**changes: str) -> dict[str, str]:
    params = {
        "notify_id": "n-1",
        "utc_timestamp": "1717200000000",
        "msg_method": MSG_METHODS[0],
        "app_id": APP_ID,
        "biz_content": '{"id": "e1"}',
        "charset": "UTF-8",
        "sign_type": "RSA2",
        **changes,
    }
    content = notify_sign_content(params, v2=False, keep_empty=False)
    signature = ALIPAY_KEY.sign(content, padding.PKCS1v15(), hashes.SHA256())
    return {**params, "sign": base64.b64encode(signature).decode()}


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        # _decode_form: a declared charset whose codec raises UnicodeError or ValueError
        (b"charset=punycode", NotificationError),
        (b"charset=undefined&sign=x", NotificationError),
        (b"charset=\x00", NotificationError),
        # _single_values: keys that are not text (sorting them raised TypeError)
        ({"sign": "AAAA", "": "", 0: ""}, NotificationError),
        ({"sign": "AAAA", b"a": "1", "b": "2"}, NotificationError),
        # verify_params: lone surrogates (encoding the signed content raised)
        ("sign=AAAA&a=\ud800", SignatureVerificationError),
        ({"sign": "AAAA", "a": "\udcff"}, SignatureVerificationError),
        # _build: biz_content nested too deeply for json (RecursionError)
        (_signed_form(biz_content="[" * 50_000), NotificationError),
        (_signed_form(biz_content='{"a": ' + "[" * 50_000 + "]" * 50_000 + "}"), NotificationError),
    ],
    ids=[
        "punycode",
        "undefined",
        "nul-charset",
        "int-key",
        "bytes-key",
        "surrogate-text",
        "surrogate-mapping",
        "deep-array",
        "deep-object",
    ],
)
def test_regression_notification_guards(
    key_config: AlipayConfig, raw: Any, error: type[AlipayError]
) -> None:
    """Fixed in notify.py: each of these escaped as a non-AlipayError."""
    with pytest.raises(error):
        parse_notification(raw, key_config)
    if isinstance(raw, dict) and "biz_content" in raw:
        form = urlencode(raw).encode()
        with pytest.raises(error):
            parse_notification(form, key_config)


# --------------------------------------------------------------------------- refused input
# Caller input that cannot travel (lone surrogates, control characters in headers or the
# path, a method that is no HTTP token, JSON that JSON cannot carry): found by this file
# escaping as UnicodeEncodeError/ValueError/RecursionError, now refused before signing.


async def _call_once(server: HostileServer, config: AlipayConfig, run: Any) -> Any:
    server.reset([Plan(status=200, body=b"{}", label="unused")] * 2)
    async with AsyncVoucherClient(_client_config(config, server)) as client:
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
