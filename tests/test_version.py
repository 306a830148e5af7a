"""The version is written once (``alipay_voucher.__version__``); the package metadata and
the default User-Agent are read from it."""

from __future__ import annotations

import importlib.metadata

import alipay_voucher
from alipay_voucher.config import AlipayConfig


def test_one_version_everywhere(key_config: AlipayConfig) -> None:
    version = alipay_voucher.__version__
    assert importlib.metadata.version("alipay_voucher") == version
    assert key_config.user_agent == f"alipay_voucher-python/{version}"
