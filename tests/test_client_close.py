"""Closing a client after the event loop it ran on has ended never raises, and leaks nothing.

A client made at module level and used inside ``asyncio.run(...)``, or a fixture whose
loop ends before the client's teardown, used to be impossible to close
(``EventLoopMismatchError``), and its sockets surfaced later as ``ResourceWarning``. The
suite turns every ResourceWarning into an error (pyproject), so each test here would
also fail on a leak.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any

import aiohttp
import pytest

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import RetryPolicy
from alipay_voucher.errors import EventLoopMismatchError
from alipay_voucher.sync import VoucherClient
from alipay_voucher.testing import SandboxThread

ACTIVITY = "20250101000000000001"


def _client(running: SandboxThread) -> AsyncVoucherClient:
    return AsyncVoucherClient(running.sandbox.config(), retry=RetryPolicy.disabled())


async def _query(client: AsyncVoucherClient) -> None:
    # The answer does not matter (the activity does not exist): the call opens the
    # session and leaves a pooled keep-alive connection behind.
    with pytest.raises(Exception, match="INVALID_PARAMETER"):
        await client.query(ACTIVITY)


def _session(client: AsyncVoucherClient) -> aiohttp.ClientSession:
    session = client._transport._state.session
    assert session is not None
    return session


def test_closing_after_asyncio_run_ended_neither_raises_nor_leaks(
    alipay_sandbox_thread: SandboxThread,
) -> None:
    client = _client(alipay_sandbox_thread)
    holder: dict[str, aiohttp.ClientSession] = {}

    async def use() -> None:
        await _query(client)
        holder["session"] = _session(client)

    asyncio.run(use())  # the loop ends with the client still open
    assert holder["session"].closed  # released as the loop ended
    assert not client.closed
    asyncio.run(client.aclose())  # on another loop: no EventLoopMismatchError
    assert client.closed
    asyncio.run(client.aclose())  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        asyncio.run(client.query(ACTIVITY))


def test_a_call_after_the_loop_ended_says_so(alipay_sandbox_thread: SandboxThread) -> None:
    client = _client(alipay_sandbox_thread)
    asyncio.run(_query(client))
    with pytest.raises(EventLoopMismatchError, match="that loop has ended"):
        asyncio.run(client.query(ACTIVITY))
    asyncio.run(client.aclose())


def test_a_loop_closed_without_shutdown_is_reported_not_raised(
    alipay_sandbox_thread: SandboxThread,
) -> None:
    client = _client(alipay_sandbox_thread)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(_query(client))
    loop.close()  # no shutdown_asyncgens(): nothing could close the session
    with pytest.warns(ResourceWarning, match="shutdown_asyncgens"):
        asyncio.run(client.aclose())
    assert client.closed and client._transport._state.session is None
    # What the dead loop held goes with the garbage collector, which says so itself.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert all(issubclass(w.category, ResourceWarning) for w in caught)


async def test_a_client_on_a_loop_running_elsewhere_is_closed_there(
    alipay_sandbox_thread: SandboxThread,
) -> None:
    client = _client(alipay_sandbox_thread)
    alipay_sandbox_thread.run(_query(client))  # on the sandbox's loop, in its thread
    session = _session(client)
    await client.aclose()  # from this test's loop
    assert client.closed and session.closed


def test_a_loop_alive_but_idle_is_asked_to_close_it(
    alipay_sandbox_thread: SandboxThread,
) -> None:
    client = _client(alipay_sandbox_thread)
    home = asyncio.new_event_loop()
    try:
        home.run_until_complete(_query(client))
        with pytest.raises(EventLoopMismatchError, match="run aclose"):
            asyncio.run(client.aclose())
        home.run_until_complete(client.aclose())
        assert client.closed
    finally:
        home.run_until_complete(home.shutdown_asyncgens())
        home.close()


def test_the_blocking_client_closes_after_its_loop_thread_ended(
    alipay_sandbox_thread: SandboxThread,
) -> None:
    client = VoucherClient(alipay_sandbox_thread.sandbox.config())
    with pytest.raises(Exception, match="INVALID_PARAMETER"):
        client.query(ACTIVITY)
    session = client._async_client._transport._state.session
    runner: Any = client._runner
    runner._loop.call_soon_threadsafe(runner._loop.stop)  # the loop ends under it
    runner._thread.join(10)
    assert runner._loop.is_closed() and session is not None and session.closed
    client.close()  # neither raises nor waits on the dead loop
    assert client.closed
