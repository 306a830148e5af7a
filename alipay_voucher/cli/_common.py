"""What several commands share: loading a configuration from ALIPAY_* variables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import AlipayConfig


def load_config(env: Mapping[str, str]) -> AlipayConfig:
    """``AlipayConfig.from_env``, imported late so the command line stays light."""
    from ..config import AlipayConfig

    return AlipayConfig.from_env(env)
