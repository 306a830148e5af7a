"""AES content encryption against the official SDK's pairs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alipay_voucher import aes
from alipay_voucher.errors import ConfigurationError, DecryptionError

from .vectors import load_vector

VECTOR = load_vector("aes")
KEY = aes.load_aes_key(VECTOR["key_base64"])


@pytest.mark.parametrize("pair", VECTOR["vectors"], ids=lambda p: repr(p["plaintext"][:12]))
def test_pairs(pair: dict[str, Any]) -> None:
    assert aes.encrypt(KEY, pair["plaintext"]) == pair["ciphertext_base64"]
    assert aes.decrypt(KEY, pair["ciphertext_base64"]) == pair["roundtrip"]


@given(st.text())
def test_roundtrip_any_text(text: str) -> None:
    assert aes.decrypt(KEY, aes.encrypt(KEY, text)) == text


@pytest.mark.parametrize("size", [16, 24, 32])
def test_key_sizes(size: int) -> None:
    import base64

    key = aes.load_aes_key(base64.b64encode(bytes(range(size))).decode())
    assert key.size_bits == size * 8
    assert aes.decrypt(key, aes.encrypt(key, "x")) == "x"
    assert "hidden" in repr(key)


def test_wrong_key_is_a_decryption_error() -> None:
    other = aes.load_aes_key("AAAAAAAAAAAAAAAAAAAAAA==")
    ciphertext = aes.encrypt(KEY, '{"a":1}')
    with pytest.raises(DecryptionError):
        aes.decrypt(other, ciphertext)


@pytest.mark.parametrize("bad", ["not base64!", "", "AAAA", "QUJD" * 5 + "QQ=="])
def test_malformed_ciphertext(bad: str) -> None:
    with pytest.raises(DecryptionError):
        aes.decrypt(KEY, bad)


def test_key_object_passthrough_and_bytes() -> None:
    assert aes.load_aes_key(KEY) is KEY
    assert aes.load_aes_key(VECTOR["key_base64"].encode()) == KEY
    with pytest.raises(ConfigurationError):
        aes.AESKey(b"short")
