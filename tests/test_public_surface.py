"""What a user sees of the package: dir(), argument errors, the README's error table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import alipay_voucher
import alipay_voucher.errors
from alipay_voucher import VoucherClient
from alipay_voucher.config import AlipayConfig

README = Path(__file__).resolve().parents[1] / "README.md"


def test_dir_lists_the_public_names_only() -> None:
    code = "import alipay_voucher; print(' '.join(dir(alipay_voucher)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == sorted([*alipay_voucher.__all__, "__version__"])
    for leaked in ("Any", "TYPE_CHECKING", "annotations", "importlib"):
        assert leaked not in out


@pytest.mark.parametrize("method", ["send", "query", "create"])
def test_a_blocking_argument_error_names_the_blocking_client(
    method: str, key_config: AlipayConfig
) -> None:
    with VoucherClient(key_config) as client, pytest.raises(TypeError) as info:
        getattr(client, method)(no_such_argument="x")
    message = str(info.value)
    assert f"VoucherClient.{method}()" in message and "AsyncVoucherClient" not in message
    assert "no_such_argument" in message


def test_a_blocking_iterator_argument_error_names_the_blocking_client(
    key_config: AlipayConfig,
) -> None:
    with VoucherClient(key_config) as client, pytest.raises(TypeError) as info:
        client.send_many("A1", [], no_such_argument="x")  # type: ignore[call-arg]
    assert "VoucherClient.send_many()" in str(info.value)
    assert "AsyncVoucherClient" not in str(info.value)


def test_the_readme_error_table_names_every_error() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Errors and retries") :]
    section = section[: section.index("\n## ", 1)]
    named = {name.rsplit(".", 1)[-1] for name in re.findall(r"`([\w.]+)`", section)}
    missing = [name for name in alipay_voucher.errors.__all__ if name not in named]
    assert missing == []
