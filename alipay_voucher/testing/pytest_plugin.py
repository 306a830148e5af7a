"""pytest fixtures: a running sandbox gateway and clients wired to it.

Installing ``alipay_voucher[pytest]`` is enough: the package registers this module as a
pytest plugin (the ``pytest11`` entry point), so the fixtures are there in every test
without a ``conftest.py`` line. ``pytest --fixtures`` lists them with these texts.

========================== ======== ======= ==================================================
fixture                    scope    kind    yields
========================== ======== ======= ==================================================
``alipay_sandbox_pki``     session  sync    the throwaway keys and certificates
``alipay_sandbox_options`` function sync    keyword arguments for ``Sandbox(...)``
``alipay_sandbox``         function async   a started :class:`~alipay_voucher.testing.Sandbox`
``alipay_client``          function async   an ``AsyncVoucherClient`` for it (key mode)
``alipay_notify_receiver`` function async   a loopback endpoint the sandbox delivers to
``alipay_sandbox_thread``  function sync    a ``SandboxThread``: the sandbox in a thread
``alipay_sync_client``     function sync    a ``VoucherClient`` for that sandbox
========================== ======== ======= ==================================================

The async fixtures need pytest-asyncio (part of the ``[pytest]`` extra). Without it the
plugin still loads, the blocking fixtures work, and an async fixture fails the test
that asks for it with a message saying what to install.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .pki import SandboxPKI, make_pki

try:
    import pytest_asyncio
except ImportError:  # the blocking fixtures work without it
    pytest_asyncio = None  # type: ignore[assignment]

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

NEEDS_PYTEST_ASYNCIO = (
    "the {name} fixture is async and needs pytest-asyncio, which is not installed: "
    "pip install 'alipay_voucher[pytest]' (or use alipay_sandbox_thread and "
    "alipay_sync_client, which are blocking)"
)


def _async_fixture(func: Callable[..., Any]) -> Any:
    """``pytest_asyncio.fixture`` when pytest-asyncio is there; otherwise a fixture of the
    same name and text that fails the test asking for it, saying what to install."""
    if pytest_asyncio is not None:
        return pytest_asyncio.fixture(func)
    message = NEEDS_PYTEST_ASYNCIO.format(name=func.__name__)

    def unavailable() -> None:
        pytest.fail(message, pytrace=False)

    unavailable.__doc__ = func.__doc__
    return pytest.fixture(name=func.__name__)(unavailable)


@pytest.fixture(scope="session")
def alipay_sandbox_pki() -> SandboxPKI:
    """Session-scoped, sync. The sandbox's throwaway key pairs and certificates
    (:class:`~alipay_voucher.testing.SandboxPKI`), made once per test session: making
    them is the slow part of starting a sandbox."""
    from .sandbox import DEFAULT_APP_ID

    return make_pki(DEFAULT_APP_ID)


@pytest.fixture
def alipay_sandbox_options() -> dict[str, Any]:
    """Function-scoped, sync. The keyword arguments given to ``Sandbox(...)`` by
    ``alipay_sandbox`` and ``alipay_sandbox_thread``; override this fixture in a test
    module or ``conftest.py`` to change them (default: short message retry delays)."""
    return {"notify_retry_delays": (0.02, 0.05, 0.1)}


@_async_fixture
async def alipay_sandbox(
    alipay_sandbox_pki: SandboxPKI, alipay_sandbox_options: dict[str, Any]
) -> AsyncIterator[Sandbox]:
    """Function-scoped, async (pytest-asyncio). A started
    :class:`~alipay_voucher.testing.Sandbox` on the test's event loop, closed after the
    test: ``.config()`` for clients, ``.book`` for its state, ``.outbox`` for the
    messages, ``.faults`` to inject failures."""
    from .sandbox import Sandbox

    async with Sandbox(pki=alipay_sandbox_pki, **alipay_sandbox_options) as sandbox:
        yield sandbox


@_async_fixture
async def alipay_notify_receiver(alipay_sandbox: Sandbox) -> AsyncIterator[NotifyReceiver]:
    """Function-scoped, async (pytest-asyncio). A loopback HTTP endpoint
    (:class:`~alipay_voucher.testing.NotifyReceiver`) set as ``alipay_sandbox``'s notify
    URL: every message the sandbox pushes lands there."""
    from ._receiver import NotifyReceiver

    async with NotifyReceiver() as receiver:
        alipay_sandbox.notify_url = receiver.url
        yield receiver


@_async_fixture
async def alipay_client(alipay_sandbox: Sandbox) -> AsyncIterator[AsyncVoucherClient]:
    """Function-scoped, async (pytest-asyncio). An
    :class:`~alipay_voucher.AsyncVoucherClient` for ``alipay_sandbox`` (key mode, no
    encryption), closed after the test."""
    from ..client import AsyncVoucherClient

    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        yield client


@pytest.fixture
def alipay_sandbox_thread(
    alipay_sandbox_pki: SandboxPKI, alipay_sandbox_options: dict[str, Any]
) -> Iterator[SandboxThread]:
    """Function-scoped, sync. A :class:`~alipay_voucher.testing.SandboxThread`: the
    sandbox on its own loop in a background thread, for blocking tests; its
    ``.sandbox`` is the :class:`~alipay_voucher.testing.Sandbox`, ``.run(coro)`` and
    ``.call(func)`` reach it from the test's thread."""
    from .sandbox import SandboxThread

    with SandboxThread(pki=alipay_sandbox_pki, **alipay_sandbox_options) as running:
        yield running


@pytest.fixture
def alipay_sync_client(alipay_sandbox_thread: SandboxThread) -> Iterator[VoucherClient]:
    """Function-scoped, sync. A blocking :class:`~alipay_voucher.VoucherClient` for
    ``alipay_sandbox_thread``'s sandbox (key mode), closed after the test."""
    from ..sync import VoucherClient

    with VoucherClient(alipay_sandbox_thread.sandbox.config()) as client:
        yield client
