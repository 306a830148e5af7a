"""Conformance: every case produced by Alipay's official SDK, reproduced byte for byte."""

from __future__ import annotations

from typing import Any

import pytest

from alipay_voucher import protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import APIError, SignatureVerificationError, StaleAnswerError

from .vectors import load_vector

SIGNING = load_vector("request_signing")["cases"]
RESPONSES = {c["name"]: c for c in load_vector("response_verification")["cases"]}
ERRORS = load_vector("error_responses")["cases"]
AES = load_vector("aes")


def _config(
    case: dict[str, Any], key_config: AlipayConfig, cert_config: AlipayConfig
) -> AlipayConfig:
    return cert_config if case["mode"] == "cert" else key_config


def recorded_at(headers: dict[str, str]) -> float | None:
    """The clock of the moment a vector's answer was signed (its ``alipay-timestamp``).

    The vectors are years old: verifying them at that moment runs the freshness check
    as it ran then, instead of switching it off."""
    timestamp = headers.get("alipay-timestamp", "")
    return int(timestamp) / 1000 if timestamp.isdigit() else None


@pytest.mark.parametrize("case", SIGNING, ids=[c["name"] for c in SIGNING])
def test_signed_request_matches_official_sdk(
    case: dict[str, Any], key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    config = _config(case, key_config, cert_config)
    prepared = protocol.prepare_request(
        config,
        case["method"],
        case["path"],
        query=case["query"],
        json_body=case["json_body_input"],
        app_auth_token=case["app_auth_token"],
        request_id=case["request_id"],
        encrypt=case["need_encrypt"],
        nonce=case["nonce"],
        timestamp=case["timestamp"],
    )
    assert prepared.target == case["signed_uri"]
    assert prepared.body == case["body_sent"].encode("utf-8")
    assert prepared.content_to_sign == case["content_to_sign"]
    assert prepared.header("Authorization") == case["authorization"]
    # Every header the official SDK sends with a protocol meaning, with the same value.
    wire = {k: v for k, v in case["headers_sent_in_order"]}
    for name in (
        "alipay-request-id",
        "accept",
        "content-type",
        "alipay-root-cert-sn",
        "alipay-app-auth-token",
        "alipay-encrypt-type",
        "alipay-encryption-algm",
        "authorization",
    ):
        assert prepared.header(name) == wire.get(name), name
    if "content-length" in wire:
        assert len(prepared.body) == int(wire["content-length"])


@pytest.mark.parametrize("case", SIGNING, ids=[c["name"] for c in SIGNING])
def test_gateway_side_verifies_official_requests(
    case: dict[str, Any], key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    from alipay_voucher.credentials import load_public_key

    from .vectors import key_text

    auth = protocol.parse_authorization(case["authorization"])
    assert auth.app_id == case["app_id"]
    assert auth.app_cert_sn == case["app_cert_sn"]
    public = load_public_key(key_text("app_public_spki.pem"))
    body = case["body_sent"].encode("utf-8")
    assert protocol.verify_request_signature(
        public, auth, case["method"], case["signed_uri"], body, case["app_auth_token"]
    )
    assert not protocol.verify_request_signature(
        public, auth, case["method"], case["signed_uri"], body + b" ", case["app_auth_token"]
    )


ACCEPTED = [c for c in RESPONSES.values() if c["sdk_accepted"]]
REFUSED = [c for c in RESPONSES.values() if not c["sdk_accepted"]]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c["name"] for c in ACCEPTED])
def test_accepted_responses_verify_and_parse(
    case: dict[str, Any], key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    config = cert_config if "alipay-sn" in case["headers"] else key_config
    result = protocol.process_response(
        config,
        case["status"],
        case["headers"],
        case["body"].encode("utf-8"),
        encrypted=case["name"].startswith("aes"),
        request_id="rid",
        now=recorded_at(case["headers"]),
    )
    assert protocol.response_sign_content(
        case["headers"]["alipay-timestamp"],
        case["headers"]["alipay-nonce"],
        case["body"].encode("utf-8"),
    ) == case["content_to_verify"].encode("utf-8")
    assert result.payload == case["sdk_result"]["data"]
    assert result.status == case["sdk_result"]["responseHttpStatus"]
    assert result.trace_id == case["sdk_result"]["traceId"]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c["name"] for c in ACCEPTED])
def test_accepted_responses_are_stale_today(
    case: dict[str, Any], key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    """The same genuine answers, at this machine's clock: long past max_answer_skew."""
    config = cert_config if "alipay-sn" in case["headers"] else key_config
    with pytest.raises(StaleAnswerError, match="behind this machine's clock"):
        protocol.process_response(
            config,
            case["status"],
            case["headers"],
            case["body"].encode("utf-8"),
            encrypted=case["name"].startswith("aes"),
        )


@pytest.mark.parametrize("case", REFUSED, ids=[c["name"] for c in REFUSED])
def test_refused_responses_raise(
    case: dict[str, Any], key_config: AlipayConfig, cert_config: AlipayConfig
) -> None:
    config = cert_config if "alipay-sn" in case["headers"] else key_config
    with pytest.raises(SignatureVerificationError) as info:
        protocol.process_response(
            config,
            case["status"],
            case["headers"],
            case["body"].encode("utf-8"),
            now=recorded_at(case["headers"]),
        )
    # The refusal never echoes the signature into the message.
    signature = case["headers"].get("alipay-signature")
    if signature:
        assert signature not in str(info.value)


def test_sn_mismatch_names_rotation_fix(cert_config: AlipayConfig) -> None:
    case = RESPONSES["cert_mode_response_sn_mismatch"]
    with pytest.raises(SignatureVerificationError, match="alipayCertPublicKey_RSA2.crt"):
        protocol.process_response(
            cert_config,
            200,
            case["headers"],
            case["body"].encode(),
            now=recorded_at(case["headers"]),
        )


def test_cert_mode_without_sn_header_uses_configured_cert(cert_config: AlipayConfig) -> None:
    case = dict(RESPONSES["cert_mode_post"])
    headers = {k: v for k, v in case["headers"].items() if k != "alipay-sn"}
    result = protocol.process_response(
        cert_config, 200, headers, case["body"].encode(), now=recorded_at(headers)
    )
    assert result.payload == case["sdk_result"]["data"]


def test_key_mode_ignores_alipay_sn(key_config: AlipayConfig) -> None:
    case = RESPONSES["post_json_create"]
    headers = dict(case["headers"], **{"alipay-sn": "whatever"})
    result = protocol.process_response(
        key_config, 200, headers, case["body"].encode(), now=recorded_at(headers)
    )
    assert result.payload == case["sdk_result"]["data"]


@pytest.mark.parametrize("case", ERRORS, ids=[c["name"] for c in ERRORS])
def test_error_bodies(case: dict[str, Any], key_config: AlipayConfig) -> None:
    with pytest.raises(APIError) as info:
        protocol.process_response(
            key_config, case["status"], case["headers"], case["body"].encode(), request_id="r1"
        )
    err = info.value
    expected = case["sdk_error"]
    assert err.status == expected["responseHttpStatus"]
    assert err.code == expected["code"]
    assert err.trace_id == expected["traceId"]
    assert err.request_id == "r1"
    assert expected["message"].startswith(err.message or "")
    assert [{"link": link.link, "desc": link.desc} for link in err.links] == expected.get(
        "links", []
    )
    assert err.body == case["body"].encode()
    assert not err.verified


def test_encrypted_exchange(key_config: AlipayConfig) -> None:
    exchange = AES["encrypted_exchange"]
    response = exchange["response"]
    result = protocol.process_response(
        key_config,
        200,
        response["headers"],
        response["body"].encode(),
        encrypted=True,
        now=recorded_at(response["headers"]),
    )
    assert result.payload == exchange["sdk_result"]["data"]
    body = protocol.encode_body(exchange["request_plaintext"], encrypt_key=key_config.encrypt_key)
    assert body.text == exchange["request_body_ciphertext"]
    assert body.encrypted
