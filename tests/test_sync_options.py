"""Options of the async client reach it through the blocking one."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from alipay_voucher.credentials import RSAKeySigner
from alipay_voucher.errors import APIError
from alipay_voucher.sync import VoucherClient


def test_sign_in_thread_is_forwarded(alipay_sandbox_thread: Any) -> None:
    sandbox = alipay_sandbox_thread.sandbox
    threads: set[str] = set()

    class RecordingSigner(RSAKeySigner):
        def sign(self, data: bytes) -> bytes:
            threads.add(threading.current_thread().name)
            return super().sign(data)

    config = sandbox.config()
    config = config.with_options(signer=RecordingSigner(sandbox.pki.app_key))
    with VoucherClient(config, sign_in_thread=True) as client, pytest.raises(APIError) as info:
        client.query("2026000000000000000000000000")
    # The gateway verified the signature and answered the business question.
    assert info.value.code == "INVALID_PARAMETER"
    # Signed off the calling thread: the async client's executor did the RSA work.
    assert threads and threading.current_thread().name not in threads
