"""Inbound messages: verification rules, parsing, replay and duplicates, the handler."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from alipay_voucher import protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import (
    AlipayError,
    NotificationError,
    NotificationTooLargeError,
    SignatureVerificationError,
    StaleNotificationError,
)
from alipay_voucher.notify import (
    MAX_BODY,
    MAX_PARAMS,
    SUCCESS,
    MemoryDedupeStore,
    Notification,
    NotificationHub,
    aiohttp_handler,
    parse_notification,
)

from .notify_helpers import SAMPLE_BIZ, form_body, signed_params

METHODS = sorted(SAMPLE_BIZ)


@pytest.mark.parametrize("msg_method", METHODS)
@pytest.mark.parametrize("rule_v2", [False, True])
def test_every_message_type_verifies_and_parses(
    key_config: AlipayConfig, msg_method: str, rule_v2: bool
) -> None:
    params = signed_params(msg_method, include_sign_type=rule_v2)
    note = parse_notification(form_body(params), key_config)
    assert note.msg_method == msg_method
    assert note.app_id == key_config.app_id
    assert note.biz_content == SAMPLE_BIZ[msg_method]
    assert note.activity_id == SAMPLE_BIZ[msg_method]["activity_id"]
    assert note.message_id == SAMPLE_BIZ[msg_method]["id"]
    assert note.utc_timestamp is not None and note.utc_timestamp.tzinfo is not None
    # The typed message exposes the payload's fields by name.
    assert getattr(note.message, "activity_id", None) == SAMPLE_BIZ[msg_method]["activity_id"]


def test_str_and_mapping_inputs(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created")
    from_bytes = parse_notification(form_body(params), key_config)
    from_str = parse_notification(form_body(params).decode(), key_config)
    from_map = parse_notification(params, key_config)

    class QueryDictLike(dict[str, list[str]]):
        def lists(self) -> Any:
            return self.items()

    from_lists = parse_notification(QueryDictLike({k: [v] for k, v in params.items()}), key_config)
    assert from_bytes == from_str == from_map == from_lists


def test_cert_mode_verifies_with_alipay_cert_key(cert_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.stopped")
    assert parse_notification(form_body(params), cert_config).msg_method.endswith("stopped")


def test_unknown_method_keeps_every_field(key_config: AlipayConfig) -> None:
    biz = {"id": "x1", "activity_id": "a1", "brand_new": [1, 2], "nested": {"k": "v"}}
    params = signed_params("alipay.marketing.activity.message.teleported", biz)
    note = parse_notification(form_body(params), key_config)
    assert note.biz_content == biz
    message = note.message
    for key, value in biz.items():
        found = getattr(message, key, None)
        if found is None:
            found = getattr(message, "extra", {}).get(key) or getattr(message, "fields", {}).get(
                key
            )
        assert found == value, key


# ------------------------------------------------------------------ variants


def test_tampered_value_fails(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created")
    params["biz_content"] = params["biz_content"].replace("pub-0001", "pub-0002")
    with pytest.raises(SignatureVerificationError, match="raw request body"):
        parse_notification(form_body(params), key_config)


def test_tampered_signature_fails(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created")
    params["sign"] = params["sign"][:-4] + (
        "AAA=" if not params["sign"].endswith("AAA=") else "BBB="
    )
    with pytest.raises(SignatureVerificationError):
        parse_notification(form_body(params), key_config)


def test_other_keys_signature_fails(key_config: AlipayConfig) -> None:
    from alipay_voucher.credentials import RSAKeySigner, load_private_key

    from .vectors import KEYS

    forged = signed_params(
        "alipay.marketing.activity.message.created",
        signer=RSAKeySigner(load_private_key(KEYS / "app_private_pkcs1.pem")),
    )
    with pytest.raises(SignatureVerificationError):
        parse_notification(form_body(forged), key_config)


def test_missing_sign(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created")
    del params["sign"]
    with pytest.raises(SignatureVerificationError, match="no sign"):
        parse_notification(form_body(params), key_config)


def test_reordered_and_differently_escaped_bodies_verify(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.received")
    reordered = urlencode(sorted(params.items(), reverse=True))
    percent20 = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params.items())
    for body in (reordered, percent20):
        assert parse_notification(body, key_config).notify_id == params["notify_id"]


def test_double_decoded_body_fails(key_config: AlipayConfig) -> None:
    # A framework that decodes twice turns "+" or "%2B" inside values into something
    # else; the signature then no longer holds, and we say why.
    biz = dict(SAMPLE_BIZ["alipay.marketing.activity.message.created"], out_biz_no="a+b%2Bc")
    params = signed_params("alipay.marketing.activity.message.created", biz)
    from urllib.parse import parse_qsl

    once = dict(parse_qsl(form_body(params).decode()))
    twice = {k: dict(parse_qsl(f"v={v}"))["v"] if v else v for k, v in once.items()}
    assert twice != once
    with pytest.raises(SignatureVerificationError):
        parse_notification(twice, key_config)
    assert parse_notification(once, key_config).biz_content["out_biz_no"] == "a+b%2Bc"


def test_extra_parameter_fails(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created")
    params["injected"] = "1"
    with pytest.raises(SignatureVerificationError):
        parse_notification(form_body(params), key_config)


def test_extra_parameter_signed_by_alipay_is_kept(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created", extra={"msg_app_id": "9"})
    assert parse_notification(form_body(params), key_config).params["msg_app_id"] == "9"


def test_empty_values_both_rules(key_config: AlipayConfig) -> None:

    from .notify_helpers import ALIPAY_SIGNER

    base = signed_params("alipay.marketing.activity.message.created", extra={"empty": ""})
    del base["sign"]
    content = protocol.notification_sign_content(base, keep_empty=True)
    from alipay_voucher.credentials import sign_sha256_rsa

    base["sign"] = sign_sha256_rsa(ALIPAY_SIGNER, content.encode())
    assert parse_notification(form_body(base), key_config).params["empty"] == ""


def test_wrong_app_id(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created", app_id="2021999999999999")
    with pytest.raises(NotificationError, match="not this config's"):
        parse_notification(form_body(params), key_config)


def test_stale_message(key_config: AlipayConfig) -> None:
    sent = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
    params = signed_params(
        "alipay.marketing.activity.message.created", utc_ms=int(sent.timestamp() * 1000)
    )
    later = sent + dt.timedelta(hours=2)
    with pytest.raises(StaleNotificationError):
        parse_notification(form_body(params), key_config, max_age=3600, now=later)
    note = parse_notification(form_body(params), key_config, max_age=3 * 3600, now=later)
    assert note.utc_timestamp == sent
    # Off by default: an old message still parses.
    assert parse_notification(form_body(params), key_config).utc_timestamp == sent


# ------------------------------------------------------------------ bounded input


def test_a_body_over_the_limit_is_refused_before_parsing(key_config: AlipayConfig) -> None:
    body = form_body(signed_params("alipay.marketing.activity.message.created"))
    padded = body + b"&pad=" + b"x" * (MAX_BODY - len(body))
    with pytest.raises(NotificationTooLargeError, match="over 65536 bytes"):
        parse_notification(padded, key_config)
    with pytest.raises(NotificationTooLargeError):
        parse_notification(padded.decode(), key_config)


@pytest.mark.parametrize("as_text", [False, True])
def test_too_many_parameters_are_refused_before_splitting(
    key_config: AlipayConfig, as_text: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alipay_voucher.notify as notify

    def no_parsing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the form was parsed")

    monkeypatch.setattr(notify, "parse_qsl", no_parsing)
    body = "&".join(["a="] * (MAX_PARAMS + 1)) + "&sign=x"
    with pytest.raises(NotificationError, match="more than 64 parameters"):
        parse_notification(body if as_text else body.encode(), key_config)


def test_too_many_parameters_in_a_mapping(key_config: AlipayConfig) -> None:
    params = {f"p{i}": "" for i in range(MAX_PARAMS + 1)}
    with pytest.raises(NotificationError, match="more than 64 parameters"):
        parse_notification(params, key_config)


def test_a_real_message_is_within_every_bound(key_config: AlipayConfig) -> None:
    params = signed_params("alipay.marketing.activity.message.created")
    extra = {f"x{i}": "v" for i in range(MAX_PARAMS - len(params))}
    params = signed_params("alipay.marketing.activity.message.created", extra=extra)
    assert len(params) == MAX_PARAMS
    assert parse_notification(form_body(params), key_config).params["x0"] == "v"


@pytest.mark.parametrize("sign", ["", "QUJD", "A" * 1025])
def test_an_implausible_sign_is_refused_before_verifying(
    key_config: AlipayConfig, sign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alipay_voucher.notify as notify

    def no_verifying(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a signature was checked")

    monkeypatch.setattr(notify, "verify_params", no_verifying)
    params = signed_params("alipay.marketing.activity.message.created")
    params["sign"] = sign
    with pytest.raises(SignatureVerificationError):
        parse_notification(form_body(params), key_config)


@pytest.mark.parametrize("charset", ["GBK", "gb2312", "utf8", "UTF-8"])
def test_allowed_charsets(key_config: AlipayConfig, charset: str) -> None:
    biz = {"id": "e1", "activity_id": "a1", "voucher_name": "满100减20券"}
    params = signed_params(
        "alipay.marketing.activity.message.created", biz, extra={"charset": charset}
    )
    codec = "gbk" if charset.lower().startswith("gb") else "utf-8"
    body = urlencode(params, encoding=codec).encode("ascii")  # escapes in that charset
    for raw in (body, body.decode("ascii")):
        note = parse_notification(raw, key_config)
        assert (note.charset, note.biz_content["voucher_name"]) == (charset, "满100减20券")


def test_other_charsets_are_refused_and_never_shown_raw(key_config: AlipayConfig) -> None:
    # Raw bytes, not percent-encoded: the charset is read before the form is decoded.
    body = b"charset=x\x1b[31m\nFAKE log line" + b"y" * 500 + b"&sign=x"
    with pytest.raises(NotificationError, match="only UTF-8 and GBK") as info:
        parse_notification(body, key_config)
    message = str(info.value)
    assert "\x1b" not in message and "\n" not in message and len(message) < 200
    assert "'x\\x1b[31m\\nfake" in message and "(520 characters)" in message


@pytest.mark.parametrize("key", ["\x1b[2Jk\nx" * 30])
def test_parameter_names_in_errors_are_escaped_and_cut(key_config: AlipayConfig, key: str) -> None:
    with pytest.raises(NotificationError) as info:
        parse_notification({key: ["a", "b"], "sign": "x"}, key_config)
    message = str(info.value)
    assert "\x1b" not in message and "\n" not in message and "(210 characters)" in message


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not a form",
        b"a=1&a=2&sign=x",
        b"\xff\xfe=1",
        b"sign=x&biz_content=%FF",
    ],
)
def test_malformed_bodies_raise_alipay_errors(key_config: AlipayConfig, body: bytes) -> None:
    with pytest.raises(AlipayError):
        parse_notification(body, key_config)


def test_malformed_biz_content_after_valid_signature(key_config: AlipayConfig) -> None:

    from .notify_helpers import ALIPAY_SIGNER

    params = signed_params("alipay.marketing.activity.message.created")
    params["biz_content"] = "[1,2]"
    del params["sign"]
    params = protocol.sign_notification(ALIPAY_SIGNER, params)
    with pytest.raises(NotificationError, match="JSON object"):
        parse_notification(form_body(params), key_config)


# ------------------------------------------------------------------ handler


async def _post(app: web.Application, body: bytes) -> tuple[int, str]:
    async with TestClient(TestServer(app)) as client:
        response = await client.post(
            "/notify", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        return response.status, await response.text()


async def test_handler_acks_only_after_callback(key_config: AlipayConfig) -> None:
    seen: list[Notification] = []
    fail = {"on": True}

    async def callback(note: Notification) -> None:
        if fail["on"]:
            raise RuntimeError("database down")
        seen.append(note)

    store = MemoryDedupeStore()
    hub = NotificationHub()
    app = web.Application()
    app.router.add_post("/notify", aiohttp_handler(key_config, callback, dedupe=store, hub=hub))
    body = form_body(signed_params("alipay.marketing.activity.message.created"))
    async with TestClient(TestServer(app)) as client:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        first = await client.post("/notify", data=body, headers=headers)
        assert first.status == 500 and await first.text() != SUCCESS
        fail["on"] = False
        event = hub.subscribe(
            SAMPLE_BIZ["alipay.marketing.activity.message.created"]["activity_id"]
        )
        second = await client.post("/notify", data=body, headers=headers)
        assert second.status == 200 and await second.text() == SUCCESS
        assert event.is_set()
        third = await client.post("/notify", data=body, headers=headers)
        assert await third.text() == SUCCESS
        forged = await client.post(
            "/notify", data=body.replace(b"pub-0001", b"pub-0009"), headers=headers
        )
        assert forged.status == 400
    assert len(seen) == 1


def test_success_constant() -> None:
    assert SUCCESS.encode() == b"success"


def test_the_signed_variants_are_those_alipay_signs_by() -> None:
    params = {"notify_id": "n-1", "sign_type": "RSA2", "msg_method": "m", "sign": "s"}
    v1, v2 = protocol.notification_sign_variants(params)
    assert v1 == b"msg_method=m&notify_id=n-1"
    assert v2 == b"msg_method=m&notify_id=n-1&sign_type=RSA2"
    # Empty values are dropped first, and (only when there are any) kept next.
    with_empty = protocol.notification_sign_variants({**params, "charset": ""})
    assert with_empty[:2] == [v1, v2]
    assert with_empty[2:] == [b"charset=&" + v1, b"charset=&" + v2]
