"""Key text that cannot be a path is never tried as one: bare base64 with a run of over
255 characters between two slashes made ``Path.exists`` raise "File name too long", an
``OSError`` (not a ``ConfigurationError``) whose message held the whole text. A
2048-bit public key's bare base64 (392 characters) has such a run about once in fifty
keys, so the sandbox's fresh keys made a doctor test fail now and then.
"""

from __future__ import annotations

import pytest

from alipay_voucher.credentials import load_private_key, load_public_key
from alipay_voucher.errors import ConfigurationError


@pytest.mark.parametrize(
    "text",
    [
        "A" * 300,  # one "file name" of 300 characters
        "MIIB" + "Q" * 260 + "/" + "Z" * 100,
        "MIIBIjAN\x00BgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" * 3,  # a NUL byte
    ],
)
@pytest.mark.parametrize("loader", [load_public_key, load_private_key])
def test_text_that_cannot_be_a_path_is_described_not_quoted(text: str, loader: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        loader(text)  # type: ignore[operator]
    message = str(info.value)
    assert text[:24] not in message and text[-24:] not in message
