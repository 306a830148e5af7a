"""A 2xx answer to a write that cannot be trusted is "outcome unknown", in every call.

Every test runs against both clients (``make_client``) and the loopback gateway, which
signs its answers with Alipay's test key unless told to tamper with them.
"""

from __future__ import annotations

import base64
import pickle

import pytest

from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import (
    DecryptionError,
    MalformedResponseError,
    OutcomeUnknownError,
    SignatureVerificationError,
)
from tests.clients import FakeAlipay, MakeClient, Reply, gateway_config

SEND = {"activity_id": "A1", "user_id": "2088102000000001", "out_biz_no": "key-1"}


@pytest.mark.parametrize(
    ("reply", "specific"),
    [
        (Reply(payload={"voucher_id": "V1"}, tamper=True), SignatureVerificationError),
        (Reply(raw=b"[1, 2]"), MalformedResponseError),
        (Reply(payload={"voucher_id": {"not": "a string"}}), MalformedResponseError),
    ],
    ids=["bad-signature", "not-an-object", "wrong-type"],
)
async def test_an_untrusted_send_answer_is_outcome_unknown(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    reply: Reply,
    specific: type[Exception],
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", reply)
    with pytest.raises(OutcomeUnknownError) as info:
        await driver.call("send", SEND)
    error = info.value
    assert error.out_biz_no == "key-1"
    assert isinstance(error, specific)  # `except SignatureVerificationError` still works
    assert isinstance(error.__cause__, specific)
    assert "key-1" in str(error) and "HTTP 200" in str(error)
    assert len(gateway.for_path("send")) == 1  # never retried automatically
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and copy.out_biz_no == "key-1"


async def test_every_write_gets_it_with_its_generated_key(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("stop", Reply(payload={}, tamper=True))
    with pytest.raises(OutcomeUnknownError) as info:
        await driver.call("stop", {"activity_id": "A1"})
    (sent,) = gateway.for_path("stop")
    assert info.value.out_biz_no == sent.json["out_biz_no"]


async def test_an_undecryptable_answer_to_a_write_is_outcome_unknown(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway, encrypt=True))
    gateway.aes_key = key_config.encrypt_key
    # Base64 of 20 bytes: no AES-CBC ciphertext, whatever the key.
    gateway.script("send", Reply(raw=base64.b64encode(bytes(20))))
    with pytest.raises(OutcomeUnknownError) as info:
        await driver.call("send", SEND)
    assert isinstance(info.value, DecryptionError)
    assert info.value.out_biz_no == "key-1"


async def test_reads_and_refusals_keep_their_own_error(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("query", Reply(tamper=True))
    with pytest.raises(SignatureVerificationError) as info:
        await driver.call("query", "A1")
    assert not isinstance(info.value, OutcomeUnknownError)
    # A refused write whose error answer is badly signed did not take effect: not unknown.
    gateway.script("send", Reply(status=400, payload={"code": "X", "message": "no"}, tamper=True))
    with pytest.raises(SignatureVerificationError) as refused:
        await driver.call("send", SEND)
    assert not isinstance(refused.value, OutcomeUnknownError)
