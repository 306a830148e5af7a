"""The sandbox refuses what Alipay's gateway refuses, with its status and code."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest

from alipay_voucher import aes, protocol
from alipay_voucher.testing import Sandbox, make_pki

from .raw_calls import PATH, RawCaller, activity_body


def _code(body: bytes) -> str:
    return str(json.loads(body)["code"])


def _prepare(raw: RawCaller, op: str = "create", **kw: object) -> protocol.PreparedRequest:
    body = kw.pop("json_body", activity_body())
    return protocol.prepare_request(raw.config, "POST", PATH + op, json_body=body, **kw)  # type: ignore[arg-type]


def _swap(
    prepared: protocol.PreparedRequest, name: str, value: str | None
) -> list[tuple[str, str]]:
    headers = [(k, v) for k, v in prepared.headers if k.lower() != name.lower()]
    return headers if value is None else [*headers, (name, value)]


async def test_bad_signature(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    prepared = _prepare(raw)
    auth = prepared.header("Authorization") or ""
    head, _, signature = auth.rpartition(",sign=")
    forged = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    status, headers, body, _ = await raw.send(
        prepared, _swap(prepared, "Authorization", f"{head},sign={forged}")
    )
    assert (status, _code(body)) == (401, "invalid-signature")
    assert "alipay-signature" in headers  # refusals are signed too
    assert not alipay_sandbox.book.activities


async def test_tampered_body(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    prepared = _prepare(raw)
    url = raw.config.base_url + prepared.target
    async with http.post(url, headers=list(prepared.headers), data=prepared.body + b" ") as resp:
        assert (resp.status, _code(await resp.read())) == (401, "invalid-signature")


async def test_other_app_key(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    stranger = make_pki(alipay_sandbox.app_id, alipay_key=alipay_sandbox.pki.alipay_key)
    raw = RawCaller(http, alipay_sandbox.config(private_key=stranger.app_private_key_pem))
    error = await raw.refusal("create", activity_body())
    assert (error.status, error.code) == (401, "invalid-signature")


async def test_missing_authorization(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    prepared = _prepare(raw)
    status, _, body, _ = await raw.send(prepared, _swap(prepared, "Authorization", None))
    assert (status, _code(body)) == (400, "missing-timestamp")


async def test_malformed_authorization(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    prepared = _prepare(raw)
    header = "ALIPAY-SHA256withRSA app_id=1,nonce=2,sign=abc"
    status, _, body, _ = await raw.send(prepared, _swap(prepared, "Authorization", header))
    assert (status, _code(body)) == (400, "invalid-parameter")


async def test_missing_signature(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    prepared = _prepare(raw)
    unsigned = (prepared.header("Authorization") or "").rpartition(",sign=")[0]
    for header in (unsigned, unsigned + ",sign="):
        status, _, body, _ = await raw.send(prepared, _swap(prepared, "Authorization", header))
        assert (status, _code(body)) == (400, "missing-signature")


async def test_unknown_app_id(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config(app_id="2021999999999999"))
    error = await raw.refusal("create", activity_body())
    assert (error.status, error.code) == (400, "invalid-app-id")


@pytest.mark.parametrize("offset_s", [-301, 301, -3600])
async def test_stale_timestamp(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession, offset_s: int
) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    stamp = str(int((time.time() + offset_s) * 1000))
    error = await raw.refusal("create", activity_body(), timestamp=stamp)
    assert (error.status, error.code) == (400, "invalid-timestamp")
    assert not alipay_sandbox.book.activities


async def test_timestamp_within_skew_is_fine(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    stamp = str(int((time.time() - 240) * 1000))
    assert "activity_id" in await raw.call("create", activity_body(), timestamp=stamp)


async def test_non_numeric_timestamp(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    error = await raw.refusal("create", activity_body(), timestamp="yesterday")
    assert (error.status, error.code) == (400, "invalid-timestamp")


async def test_reused_nonce(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    first = await raw.call("create", activity_body("n1"), nonce="fixed-nonce")
    assert "activity_id" in first
    error = await raw.refusal("create", activity_body("n2"), nonce="fixed-nonce")
    assert (error.status, error.code) == (401, "suspected-attack")
    assert len(alipay_sandbox.book.activities) == 1


async def test_replayed_request_is_refused(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    prepared = _prepare(raw)
    assert (await raw.send(prepared))[0] == 200
    status, _, body, _ = await raw.send(prepared)
    assert (status, _code(body)) == (401, "suspected-attack")


async def test_wrong_app_cert_sn(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    other = make_pki(alipay_sandbox.app_id, app_key=alipay_sandbox.pki.app_key)
    config = alipay_sandbox.config(mode="cert", app_cert=other.app_cert_pem)
    assert config.app_cert_sn != alipay_sandbox.app_cert_sn
    error = await RawCaller(http, config).refusal("create", activity_body())
    assert (error.status, error.code) == (401, "app-cert-not-exist")


async def test_wrong_root_cert_sn(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    other = make_pki(alipay_sandbox.app_id)
    config = alipay_sandbox.config(mode="cert", alipay_root_cert=other.root_bundle_pem)
    error = await RawCaller(http, config).refusal("create", activity_body())
    assert (error.status, error.code) == (401, "invalid-alipay-root-cert-sn")


async def test_missing_root_cert_sn(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config(mode="cert"))
    prepared = _prepare(raw)
    status, _, body, _ = await raw.send(prepared, _swap(prepared, "alipay-root-cert-sn", None))
    assert (status, _code(body)) == (400, "missing-alipay-root-cert-sn")


async def test_cert_mode_refusals_are_signed_with_alipay_sn(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    other = make_pki(alipay_sandbox.app_id)
    config = alipay_sandbox.config(mode="cert", alipay_root_cert=other.root_bundle_pem)
    error = await RawCaller(http, config).refusal("create", activity_body())
    assert error.verified and error.headers["alipay-sn"] == alipay_sandbox.alipay_cert_sn


async def test_wrong_aes_key(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    config = alipay_sandbox.config(encrypt=True, encrypt_key="AAECAwQFBgcICQoLDA0ODw==")
    error = await RawCaller(http, config).refusal("create", activity_body())
    assert (error.status, error.code) == (400, "decryption-error")


async def test_unknown_encryption(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config(encrypt=True))
    prepared = _prepare(raw)
    status, _, body, _ = await raw.send(prepared, _swap(prepared, "alipay-encrypt-type", "SM4"))
    assert (status, _code(body)) == (400, "invalid-encrypt-type")


async def test_body_not_json(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    error = await raw.refusal("create", "[1, 2]")
    assert (error.status, error.code) == (400, "illegal-json")
    key = aes.load_aes_key(alipay_sandbox.encrypt_key)
    encrypted = RawCaller(http, alipay_sandbox.config(encrypt=True))
    prepared = protocol.sign_request(
        encrypted.config,
        "POST",
        PATH + "create",
        protocol.EncodedBody(aes.encrypt(key, "not json"), encrypted=True),
    )
    status, _, body, _ = await encrypted.send(prepared)
    assert (status, _code(body)) == (400, "illegal-json")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v3/alipay/marketing/activity/voucher/delete"),
        ("GET", PATH + "create"),
        ("POST", PATH + "query"),
        ("POST", "/gateway.do"),
    ],
)
async def test_unknown_api_or_method(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession, method: str, path: str
) -> None:
    raw = RawCaller(http, alipay_sandbox.config())
    prepared = protocol.prepare_request(raw.config, method, path, json_body=None)
    status, _, body, _ = await raw.send(prepared)
    assert (status, _code(body)) == (400, "invalid-method")


@pytest.mark.parametrize("text", ['{"activity_name": NaN}', '{"quantity": Infinity}', "[1]"])
async def test_json_the_client_would_refuse_is_refused(
    alipay_sandbox: Sandbox, http: aiohttp.ClientSession, text: str
) -> None:
    # The sandbox reads bodies with the client's own strict decoder: NaN and Infinity
    # are Python's extensions, not JSON, and Alipay does not take them either.
    raw = RawCaller(http, alipay_sandbox.config())
    status, _, body, _ = await raw.send(_prepare(raw, json_body=text))
    assert (status, _code(body)) == (400, "illegal-json")
    assert not alipay_sandbox.book.activities
