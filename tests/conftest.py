"""Shared fixtures: the official SDK's vectors and configs built from their keys."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from alipay_voucher.config import AlipayConfig

if TYPE_CHECKING:
    from .hostile_server import HostileServer

DATA = Path(__file__).parent / "data"
VECTORS = DATA / "vectors"
KEYS = VECTORS / "keys"
REAL_CERTS = DATA / "real-certs"
APP_ID = "2021000000000001"

# Redundant once the package is installed (its pytest11 entry point registers the plugin
# under this very name, so it is not registered twice); kept for a checkout whose
# environment predates the entry point. tests/test_pytest_plugin.py checks the entry point.
pytest_plugins = ["alipay_voucher.testing.pytest_plugin"]


def load_vector(name: str) -> dict[str, Any]:
    with open(VECTORS / f"{name}.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def key_text(name: str) -> str:
    return (KEYS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def aes_key_b64() -> str:
    return str(load_vector("aes")["key_base64"])


@pytest.fixture(scope="session")
def key_config(aes_key_b64: str) -> AlipayConfig:
    return AlipayConfig.key_mode(
        app_id=APP_ID,
        private_key=key_text("app_private_pkcs1.pem"),
        alipay_public_key=key_text("alipay_public_spki.pem"),
        encrypt_key=aes_key_b64,
        encrypt=False,
    )


@pytest.fixture(scope="session")
def cert_config() -> AlipayConfig:
    return AlipayConfig.cert_mode(
        app_id=APP_ID,
        private_key=KEYS / "app_private_pkcs8.pem",
        app_cert=KEYS / "app_cert.crt",
        alipay_cert=KEYS / "alipay_cert.crt",
        alipay_root_cert=KEYS / "root_bundle.crt",
    )


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server of this test session (see tests/redis_server.py)."""
    from .redis_server import redis_server

    with redis_server() as url:
        yield url


@pytest.fixture
async def hostile_server() -> AsyncIterator[HostileServer]:
    """A server answering each request as planned by the test (see tests/hostile_server.py)."""
    from .hostile_server import HostileServer

    server = await HostileServer().start()
    try:
        yield server
    finally:
        await server.close()
