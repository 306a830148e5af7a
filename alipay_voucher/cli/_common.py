"""What several commands share: the usage error, loading a configuration from ALIPAY_*."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import AlipayConfig


class UsageError(Exception):
    """A mistake in what the user asked for; ``main`` prints it as one line, exit 2."""


def load_config(env: Mapping[str, str]) -> AlipayConfig:
    """``AlipayConfig.from_env``, imported late so the command line stays light."""
    from ..config import AlipayConfig

    return AlipayConfig.from_env(env)
