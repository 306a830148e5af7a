"""Property tests: sign-then-verify round trips, and any one changed byte fails."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alipay_voucher import protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.credentials import RSAKeySigner, load_private_key, load_public_key
from alipay_voucher.errors import (
    APIError,
    MalformedResponseError,
    RequestValidationError,
    SignatureVerificationError,
)

from .vectors import KEYS

APP_PUBLIC = load_public_key(KEYS / "app_public_spki.pem")
ALIPAY_SIGNER = RSAKeySigner(load_private_key(KEYS / "alipay_private_pkcs1.pem"))
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
json_objects = st.dictionaries(st.text(max_size=10), json_values, max_size=5)


def _flip(data: bytes, index: int) -> bytes:
    index %= len(data)
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@SETTINGS
@given(
    body=json_objects, token=st.none() | st.text(alphabet="abcdefXYZ0189", min_size=1, max_size=40)
)
def test_request_sign_then_verify(
    key_config: AlipayConfig, body: dict[str, Any], token: str | None
) -> None:
    prepared = protocol.prepare_request(
        key_config,
        "POST",
        "/v3/alipay/marketing/activity/voucher/send",
        json_body=body,
        app_auth_token=token,
    )
    assert json.loads(prepared.body) == body
    auth = protocol.parse_authorization(prepared.header("Authorization"))
    assert protocol.verify_request_signature(
        APP_PUBLIC, auth, "POST", prepared.target, prepared.body, token
    )


@SETTINGS
@given(body=json_objects, index=st.integers(min_value=0))
def test_response_roundtrip_and_any_flipped_body_byte_fails(
    key_config: AlipayConfig, body: dict[str, Any], index: int
) -> None:
    raw = protocol.encode_json(body).encode()
    headers = protocol.sign_response(ALIPAY_SIGNER, raw)
    assert protocol.process_response(key_config, 200, headers, raw).payload == body
    with pytest.raises((SignatureVerificationError, MalformedResponseError)) as info:
        protocol.process_response(key_config, 200, headers, _flip(raw, index))
    assert isinstance(info.value, SignatureVerificationError)


@SETTINGS
@given(field=st.sampled_from(["alipay-nonce", "alipay-timestamp"]), index=st.integers(min_value=0))
def test_any_flipped_nonce_or_timestamp_byte_fails(
    key_config: AlipayConfig, field: str, index: int
) -> None:
    raw = b'{"voucher_id":"2024"}'
    headers = protocol.sign_response(ALIPAY_SIGNER, raw)
    value = headers[field].encode()
    tampered = dict(headers, **{field: _flip(value, index).decode("latin-1")})
    with pytest.raises(SignatureVerificationError):
        protocol.process_response(key_config, 200, tampered, raw)


@SETTINGS
@given(index=st.integers(min_value=0))
def test_request_any_flipped_body_byte_fails(key_config: AlipayConfig, index: int) -> None:
    prepared = protocol.prepare_request(
        key_config,
        "POST",
        "/v3/alipay/marketing/activity/voucher/send",
        json_body={"out_biz_no": "x-1", "user_id": "2088"},
    )
    auth = protocol.parse_authorization(prepared.header("Authorization"))
    assert not protocol.verify_request_signature(
        APP_PUBLIC, auth, "POST", prepared.target, _flip(prepared.body, index)
    )


@SETTINGS
@given(value=st.text())
def test_query_encoding_roundtrips(value: str) -> None:
    from urllib.parse import parse_qsl

    target = protocol.build_target("/q", [("activity_id", value)])
    query = target.partition("?")[2]
    assert parse_qsl(query, keep_blank_values=True) == [("activity_id", value)]
    assert all(c.isascii() for c in query) and "~" not in query


def test_encrypted_requests_sign_the_ciphertext(key_config: AlipayConfig) -> None:
    prepared = protocol.prepare_request(
        key_config, "POST", "/v3/x", json_body={"a": "中"}, encrypt=True
    )
    assert prepared.encrypted
    assert prepared.header("Content-Type") == "text/plain"
    assert prepared.body.decode() in prepared.content_to_sign
    assert "中" not in prepared.content_to_sign


def test_each_attempt_signs_fresh_but_sends_same_bytes(key_config: AlipayConfig) -> None:
    body = protocol.encode_body({"out_biz_no": "o-1"})
    first = protocol.sign_request(key_config, "POST", "/v3/x", body)
    second = protocol.sign_request(key_config, "POST", "/v3/x", body)
    assert first.body == second.body
    assert first.nonce != second.nonce and first.request_id != second.request_id
    assert first.header("Authorization") != second.header("Authorization")


@pytest.mark.parametrize(
    "links,expected",
    [
        ([{"link": "https://a", "desc": "d"}], [("https://a", "d")]),
        ("https://only", [("https://only", None)]),
        (None, []),
        (["https://s"], [("https://s", None)]),
        ([{"nolink": 1}, 3], []),
    ],
)
def test_error_links_shapes(key_config: AlipayConfig, links: Any, expected: list[Any]) -> None:
    body: dict[str, Any] = {"code": "BIZ_ERROR", "message": "m"}
    if links is not None:
        body["links"] = links
    with pytest.raises(APIError) as info:
        protocol.process_response(key_config, 400, {}, json.dumps(body).encode())
    assert [(link.link, link.desc) for link in info.value.links] == expected


def test_html_error_page(key_config: AlipayConfig) -> None:
    with pytest.raises(APIError) as info:
        protocol.process_response(key_config, 502, {}, b"<html><body>Bad Gateway</body></html>")
    assert info.value.status == 502 and info.value.code is None
    assert "HTML" in (info.value.message or "")


def test_signed_error_with_bad_signature_is_refused(key_config: AlipayConfig) -> None:
    raw = b'{"code":"X","message":"y"}'
    headers = protocol.sign_response(ALIPAY_SIGNER, raw + b" ")
    with pytest.raises(SignatureVerificationError):
        protocol.process_response(key_config, 400, headers, raw)
    good = protocol.sign_response(ALIPAY_SIGNER, raw)
    with pytest.raises(APIError) as info:
        protocol.process_response(key_config, 400, good, raw)
    assert info.value.verified


@pytest.mark.parametrize("body", [b"[1,2]", b"\xff\xfe", b"not json", b"null"])
def test_verified_but_malformed_body(key_config: AlipayConfig, body: bytes) -> None:
    headers = protocol.sign_response(ALIPAY_SIGNER, body)
    with pytest.raises(MalformedResponseError):
        protocol.process_response(key_config, 200, headers, body)


def test_duplicated_signature_headers_refused(key_config: AlipayConfig) -> None:
    raw = b"{}"
    headers = list(protocol.sign_response(ALIPAY_SIGNER, raw).items())
    headers.append(("Alipay-Signature", "AAAA"))
    with pytest.raises(SignatureVerificationError, match="conflicting"):
        protocol.process_response(key_config, 200, headers, raw)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer x",
        "ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=1",
        "ALIPAY-SHA256withRSA nonce=n,timestamp=1,sign=abc",
    ],
)
def test_parse_authorization_rejects_malformed(header: str | None) -> None:
    with pytest.raises(ValueError):
        protocol.parse_authorization(header)


def test_encrypted_answer_to_a_plain_request_is_decrypted(key_config: AlipayConfig) -> None:
    from alipay_voucher import aes

    assert key_config.encrypt_key is not None
    cipher = aes.encrypt(key_config.encrypt_key, '{"activity_id":"A1"}').encode()
    headers = protocol.sign_response(ALIPAY_SIGNER, cipher)
    headers["content-type"] = "text/plain;charset=UTF-8"
    result = protocol.process_response(key_config, 200, headers, cipher, encrypted=False)
    assert result.payload == {"activity_id": "A1"}
    # Without the text/plain signal a non-JSON body stays an error, never a guess.
    headers["content-type"] = "application/json"
    with pytest.raises(MalformedResponseError):
        protocol.process_response(key_config, 200, headers, cipher, encrypted=False)


def test_plain_json_answer_to_an_encrypted_request_is_accepted(key_config: AlipayConfig) -> None:
    raw = b'{"voucher_id":"V1"}'
    headers = protocol.sign_response(ALIPAY_SIGNER, raw)
    result = protocol.process_response(key_config, 200, headers, raw, encrypted=True)
    assert result.payload == {"voucher_id": "V1"}


@pytest.mark.parametrize("body", [b'{"voucher_id":NaN}', b'{"a":Infinity}', b'{"a":-Infinity}'])
def test_json_extensions_are_not_json(key_config: AlipayConfig, body: bytes) -> None:
    headers = protocol.sign_response(ALIPAY_SIGNER, body)
    with pytest.raises(MalformedResponseError):
        protocol.process_response(key_config, 200, headers, body)


json_with_floats = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=json_with_floats)
def test_encode_json_is_compact_json_dumps(value: Any) -> None:
    """The reused C encoder writes what json.dumps writes with the same options."""
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    assert protocol.encode_json(value) == expected


@pytest.mark.parametrize(
    "payload",
    [{"a": float("nan")}, {"a": float("inf")}, {"a": object()}, {"a": {1j: 1}}, {"a": 1j}],
)
def test_encode_json_refuses_what_json_cannot_carry(payload: Any) -> None:
    with pytest.raises(RequestValidationError, match="cannot be sent as JSON"):
        protocol.encode_json(payload)


def test_encode_json_refuses_a_cycle_and_recovers() -> None:
    cyclic: dict[str, Any] = {"a": 1}
    cyclic["self"] = cyclic
    with pytest.raises(RequestValidationError, match="cannot be sent as JSON"):
        protocol.encode_json(cyclic)
    # nothing is left behind in the shared encoder
    assert protocol.encode_json({"a": [1, {"b": "中"}]}) == '{"a":[1,{"b":"中"}]}'
