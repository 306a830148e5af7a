"""pytest fixtures: a running sandbox gateway and clients wired to it.

Enable them in your ``conftest.py``::

    pytest_plugins = ["alipay_voucher.testing.pytest_plugin"]

* ``alipay_sandbox``: a started :class:`~alipay_voucher.testing.Sandbox` (async);
* ``alipay_client``: an ``AsyncVoucherClient`` for it (key mode);
* ``alipay_notify_receiver``: a loopback message endpoint the sandbox delivers to;
* ``alipay_sandbox_thread`` and ``alipay_sync_client``: the same for blocking tests,
  with the sandbox on its own loop in a background thread;
* ``alipay_sandbox_options``: override it to pass options to ``Sandbox(...)``;
* ``alipay_sandbox_pki``: the key pairs and certificates, made once per session
  (making them is the slow part of starting a sandbox).

The async fixtures need pytest-asyncio.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from .pki import SandboxPKI, make_pki

if TYPE_CHECKING:
    from ..client import AsyncVoucherClient
    from ..sync import VoucherClient
    from ._receiver import NotifyReceiver
    from .sandbox import Sandbox, SandboxThread

__all__ = [
    "alipay_client",
    "alipay_notify_receiver",
    "alipay_sandbox",
    "alipay_sandbox_options",
    "alipay_sandbox_pki",
    "alipay_sandbox_thread",
    "alipay_sync_client",
]


@pytest.fixture(scope="session")
def alipay_sandbox_pki() -> SandboxPKI:
    from .sandbox import DEFAULT_APP_ID

    return make_pki(DEFAULT_APP_ID)


@pytest.fixture
def alipay_sandbox_options() -> dict[str, Any]:
    """Keyword arguments for ``Sandbox(...)``; override in a test module to change them."""
    return {"notify_retry_delays": (0.02, 0.05, 0.1)}


@pytest_asyncio.fixture
async def alipay_sandbox(
    alipay_sandbox_pki: SandboxPKI, alipay_sandbox_options: dict[str, Any]
) -> AsyncIterator[Sandbox]:
    from .sandbox import Sandbox

    async with Sandbox(pki=alipay_sandbox_pki, **alipay_sandbox_options) as sandbox:
        yield sandbox


@pytest_asyncio.fixture
async def alipay_notify_receiver(alipay_sandbox: Sandbox) -> AsyncIterator[NotifyReceiver]:
    from ._receiver import NotifyReceiver

    async with NotifyReceiver() as receiver:
        alipay_sandbox.notify_url = receiver.url
        yield receiver


@pytest_asyncio.fixture
async def alipay_client(alipay_sandbox: Sandbox) -> AsyncIterator[AsyncVoucherClient]:
    from ..client import AsyncVoucherClient

    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        yield client


@pytest.fixture
def alipay_sandbox_thread(
    alipay_sandbox_pki: SandboxPKI, alipay_sandbox_options: dict[str, Any]
) -> Iterator[SandboxThread]:
    from .sandbox import SandboxThread

    with SandboxThread(pki=alipay_sandbox_pki, **alipay_sandbox_options) as running:
        yield running


@pytest.fixture
def alipay_sync_client(alipay_sandbox_thread: SandboxThread) -> Iterator[VoucherClient]:
    from ..sync import VoucherClient

    with VoucherClient(alipay_sandbox_thread.sandbox.config()) as client:
        yield client
