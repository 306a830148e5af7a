"""The suite's shared fixtures, all of them; helpers and data live in modules of their own.

* configs built from the official SDK's vector keys (``tests/vectors.py``);
* the fake gateway and the parametrised async/blocking client factory
  (``tests/clients.py``);
* raw signed calls to the sandbox (``tests/raw_calls.py``);
* the hostile server and a real redis-server, each started on demand.

The sandbox fixtures themselves (``alipay_sandbox``, ``alipay_sandbox_pki``, …) come
from the package's own pytest plugin, as a user's suite gets them.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import aiohttp
import pytest

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig
from alipay_voucher.sync import VoucherClient
from alipay_voucher.testing import Sandbox, SandboxPKI, SandboxThread

from .campaigns import published_activity, start_activity
from .clients import FAST_RETRY, Driver, FakeAlipay, MakeClient, SandboxConfig
from .raw_calls import RawCaller
from .sandbox_log import SandboxRequests
from .vectors import APP_ID, KEYS, key_text, load_vector

if TYPE_CHECKING:
    from .hostile_server import HostileServer

# Redundant once the package is installed (its pytest11 entry point registers the plugin
# under this very name, so it is not registered twice); kept for a checkout whose
# environment predates the entry point. tests/test_pytest_plugin.py checks the entry point.
pytest_plugins = ["alipay_voucher.testing.pytest_plugin"]


# --------------------------------------------------------------------------- configs


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


@pytest.fixture
def files(tmp_path: Path, alipay_sandbox_pki: SandboxPKI) -> dict[str, Path]:
    """The sandbox's key and certificate files, written as a user would keep them."""
    return alipay_sandbox_pki.write(tmp_path / "keys")


# --------------------------------------------------------------------------- clients


@pytest.fixture(params=["async", "sync"])
async def make_client(request: pytest.FixtureRequest) -> AsyncIterator[MakeClient]:
    """Build clients of the parametrised kind; all are closed after the test."""
    kind: str = request.param
    made: list[Driver] = []

    def factory(config: AlipayConfig, **options: Any) -> Driver:
        client: AsyncVoucherClient | VoucherClient = (
            AsyncVoucherClient(config, **options)
            if kind == "async"
            else VoucherClient(config, **options)
        )
        driver = Driver(kind, client)
        made.append(driver)
        return driver

    yield factory
    for driver in made:
        await driver.aclose()


@pytest.fixture
async def gateway() -> AsyncIterator[FakeAlipay]:
    async with FakeAlipay() as server:
        yield server


@pytest.fixture
def main_thread() -> Iterator[None]:
    """For a test that interrupts blocking code (``tests/signals.py``): it runs on the main
    thread with Python's own SIGINT handler, installed for the test if the suite was
    started with SIGINT ignored (as a background job of a script is, ``cmd &``)."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals are delivered to the main thread only")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --------------------------------------------------------------------------- the sandbox


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def raw(alipay_sandbox: Sandbox, http: aiohttp.ClientSession) -> RawCaller:
    return RawCaller(http, alipay_sandbox.config())


@pytest.fixture
def sandbox_config(alipay_sandbox: Sandbox) -> SandboxConfig:
    """``sandbox_config(mode="key", encrypt=False, **changes)``: a config for
    ``alipay_sandbox`` with quick retries and a 5 s timeout unless ``changes`` say
    otherwise (any ``AlipayConfig.with_options`` argument)."""

    def make(
        mode: Literal["key", "cert"] = "key", encrypt: bool = False, **changes: Any
    ) -> AlipayConfig:
        changes.setdefault("retry", FAST_RETRY)
        changes.setdefault("timeout", 5.0)
        return alipay_sandbox.config(mode, encrypt).with_options(**changes)

    return make


@pytest.fixture
def sandbox_client(make_client: MakeClient, sandbox_config: SandboxConfig) -> Driver:
    """A client of ``make_client``'s kind for ``alipay_sandbox``: ``sandbox_config()``."""
    return make_client(sandbox_config())


@pytest.fixture
async def sandbox_activity(alipay_sandbox: Sandbox) -> str:
    """A published activity on ``alipay_sandbox`` (1,000 vouchers, one per user), made
    by a client of its own before the test starts."""
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        return await published_activity(Driver("async", client))


@pytest.fixture
def thread_activity(alipay_sandbox_thread: SandboxThread) -> str:
    """A published activity on ``alipay_sandbox_thread``'s sandbox (1,000 vouchers, one
    per user), for blocking tests."""
    return start_activity(alipay_sandbox_thread, 1000)


@pytest.fixture
def sandbox_requests(caplog: pytest.LogCaptureFixture) -> SandboxRequests:
    """The requests the sandbox answered, from its access log (``tests/sandbox_log.py``)."""
    return SandboxRequests(caplog)


# --------------------------------------------------------------------------- other servers


@pytest.fixture
async def hostile_server() -> AsyncIterator[HostileServer]:
    """A server answering each request as planned by the test (see tests/hostile_server.py)."""
    from .hostile_server import HostileServer

    server = await HostileServer().start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server of this test session (see tests/redis_server.py)."""
    from .redis_server import redis_server

    with redis_server() as url:
        yield url
