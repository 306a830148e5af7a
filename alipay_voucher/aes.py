"""Alipay's content encryption ("接口内容加密"): AES-CBC, zero IV, PKCS#7, base64.

A zero IV makes the cipher deterministic, which is what Alipay's gateway and every
official SDK do; it is a property of the protocol, not a choice made here.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .errors import ConfigurationError, DecryptionError

__all__ = ["AESKey", "decrypt", "encrypt", "load_aes_key"]

_ZERO_IV = bytes(16)


class AESKey:
    """A loaded AES key. Its repr never shows the key."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) not in (16, 24, 32):
            raise ConfigurationError(
                f"encrypt_key: an AES key must be 16, 24 or 32 bytes, got {len(key)}."
            )
        self._key = key

    @property
    def size_bits(self) -> int:
        return len(self._key) * 8

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(_ZERO_IV))

    def __repr__(self) -> str:
        return f"AESKey(<{self.size_bits}-bit, hidden>)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AESKey) and other._key == self._key

    def __hash__(self) -> int:
        return hash(self._key)


def load_aes_key(source: str | bytes | AESKey) -> AESKey:
    """Load the console's AES key: base64 text of 16, 24 or 32 bytes."""
    if isinstance(source, AESKey):
        return source
    text = source.decode("ascii", "replace") if isinstance(source, bytes) else source
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError(
            "encrypt_key: not valid base64. Pass the AES key exactly as the Alipay console "
            "shows it (接口内容加密方式), e.g. a 24-character string ending in '=='."
        ) from None
    if len(raw) not in (16, 24, 32):
        raise ConfigurationError(
            f"encrypt_key: decodes to {len(raw)} bytes, but an AES key is 16, 24 or 32 "
            "bytes. Copy the whole key from the Alipay console (接口内容加密方式)."
        )
    return AESKey(raw)


def encrypt(key: AESKey, plaintext: str) -> str:
    """Encrypt UTF-8 text; returns the base64 ciphertext that is sent and signed."""
    padder = sym_padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    encryptor = key._cipher().encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


def decrypt(key: AESKey, ciphertext_b64: str | bytes) -> str:
    """Decrypt base64 ciphertext back to text; any malformation is a DecryptionError."""
    try:
        data = base64.b64decode(ciphertext_b64, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("the encrypted body is not valid base64.") from None
    if not data or len(data) % 16:
        raise DecryptionError(
            "the encrypted body is not a whole number of AES blocks; it was cut short or "
            "was not encrypted."
        )
    decryptor = key._cipher().decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = sym_padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise DecryptionError(
            "the body does not decrypt with the configured encrypt_key (bad padding): the "
            "AES key differs from the one set in the Alipay console."
        ) from None
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError(
            "the decrypted body is not UTF-8 text: the AES key is probably wrong."
        ) from None
