"""Hypothesis strategies for the hostile-input tests: calls, and answers of any quality.

An answer is a :class:`~tests.hostile_server.Plan` drawn here: any status, random and
duplicated headers, bodies of the wrong shape, too big, not UTF-8, truncated, dripped,
signed with Alipay's key, with the wrong key, over other bytes, or not at all. The keys
sign with ``cryptography`` directly, never through the SDK under test.
"""

from __future__ import annotations

import base64
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

import attrs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from alipay_voucher import aes
from alipay_voucher.config import RetryPolicy
from alipay_voucher.credentials import cert_sn, load_certificate, load_private_key
from alipay_voucher.models import (
    ResponseModel,
    VoucherCreateResponse,
    VoucherQueryResponse,
    VoucherSendResponse,
    VoucherStopResponse,
)
from alipay_voucher.models._base import Model
from alipay_voucher.models._enums import OpenEnum
from alipay_voucher.models._unset import Unset
from tests.hostile_server import Plan
from tests.vectors import KEYS, load_vector

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


def sign_answer(key: rsa.RSAPrivateKey, timestamp: bytes, nonce: bytes, body: bytes) -> bytes:
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
        signature = sign_answer(ALIPAY_KEY, timestamp, nonce, body)
        if how == "truncated":
            signature = signature[:-4]
    elif how == "wrong_key":
        signature = sign_answer(WRONG_KEY, timestamp, nonce, body)
    elif how == "other_body":
        signature = sign_answer(ALIPAY_KEY, timestamp, nonce, body + b" ")
    elif how == "other_nonce":
        signature = sign_answer(ALIPAY_KEY, timestamp, nonce + b"0", body)
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
        ("alipay-signature", sign_answer(ALIPAY_KEY, timestamp, nonce, body)),
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
