"""The watchdog that bounds every attempt with one loop timer (alipay_voucher/_watchdog.py).

What it must get right is what ``asyncio.timeout`` gets right: an overrun attempt ends
in a timeout, a cancellation from anyone else stays a cancellation, and a cancellation
that lands after the work finished never leaks into the caller's next ``await``.
"""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from alipay_voucher._watchdog import Watchdog
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import RetryPolicy
from alipay_voucher.errors import TransportTimeoutError
from alipay_voucher.testing import Sandbox
from tests.clients import SandboxConfig

ACTIVITY = "2016042700826004508401111111"


def _current() -> asyncio.Task[object]:
    task = asyncio.current_task()
    assert task is not None
    return task


async def _bounded(watchdog: Watchdog, timeout: float, work: float) -> str:
    """A stand-in attempt: sleeps ``work`` seconds under a ``timeout`` guard."""
    guard = watchdog.start(timeout, _current())
    try:
        await asyncio.sleep(work)
    except asyncio.CancelledError:
        if guard.expired_by_us():
            return "timed out"
        raise
    finally:
        watchdog.stop(guard)
    if guard.expired:
        await guard.settle()
    return "done"


async def test_each_attempt_expires_at_its_own_deadline() -> None:
    watchdog = Watchdog(asyncio.get_running_loop())
    started = time.monotonic()
    ends: dict[str, float] = {}

    async def run(name: str, timeout: float, work: float) -> str:
        outcome = await _bounded(watchdog, timeout, work)
        ends[name] = time.monotonic() - started
        return outcome

    outcomes = await asyncio.gather(
        run("long", 0.30, 5), run("short", 0.05, 5), run("quick", 5, 0.01), run("mid", 0.15, 5)
    )
    assert list(outcomes) == ["timed out", "timed out", "done", "timed out"]
    # each at its own deadline: in order, none early (the upper bound is only "not the
    # 5 s the work would take")
    assert ends["quick"] < ends["short"] < ends["mid"] < ends["long"]
    assert ends["short"] >= 0.04 and ends["long"] >= 0.29
    assert ends["long"] < 2.5


async def test_a_cancellation_from_elsewhere_is_not_turned_into_a_timeout() -> None:
    watchdog = Watchdog(asyncio.get_running_loop())
    task = asyncio.ensure_future(_bounded(watchdog, 5, 5))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_settle_withdraws_a_cancellation_that_came_too_late() -> None:
    """The timer fires as the attempt is finishing (here: run by hand while the task
    runs, which is what a same-iteration wake-up amounts to): the cancellation is still
    pending, and without settle() it would hit the caller's next await."""
    watchdog = Watchdog(asyncio.get_running_loop())

    async def attempt(settle: bool) -> str:
        guard = watchdog.start(5, _current())
        guard.deadline = 0  # overdue
        watchdog._fire()  # marks the guard and cancels this very task
        assert guard.expired
        watchdog.stop(guard)
        if settle:
            await guard.settle()
            if sys.version_info >= (3, 11):
                assert _current().cancelling() == 0
        return "answered"

    async def caller(settle: bool) -> str:
        outcome = await attempt(settle)
        try:
            await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            return "leaked"
        return outcome

    assert await asyncio.ensure_future(caller(settle=False)) == "leaked"
    assert await asyncio.ensure_future(caller(settle=True)) == "answered"


async def test_settle_leaves_a_foreign_cancellation_alone() -> None:
    watchdog = Watchdog(asyncio.get_running_loop())

    async def attempt() -> str:
        guard = watchdog.start(5, _current())
        guard.deadline = 0
        watchdog._fire()
        _current().cancel()  # and the caller cancels too
        watchdog.stop(guard)
        await guard.settle()
        return "answered"

    task = asyncio.ensure_future(attempt())
    if sys.version_info >= (3, 11):
        with pytest.raises(asyncio.CancelledError):
            await task
    else:  # 3.10 cannot tell the two apart (as aiohttp's own timer cannot)
        assert await task == "answered"


async def test_the_timer_goes_idle_and_rearms() -> None:
    loop = asyncio.get_running_loop()
    watchdog = Watchdog(loop)
    assert await _bounded(watchdog, 0.05, 0) == "done"
    assert watchdog._handle is not None
    await asyncio.sleep(0.1)  # the timer fired with nothing overdue and went idle
    assert watchdog._handle is None
    assert await _bounded(watchdog, 0.05, 1) == "timed out"


async def test_a_slow_answer_through_the_client_is_a_timeout_and_the_next_call_works(
    alipay_sandbox: Sandbox, sandbox_config: SandboxConfig, sandbox_activity: str
) -> None:
    async with AsyncVoucherClient(sandbox_config(retry=RetryPolicy.disabled())) as client:
        alipay_sandbox.faults.delay = 3
        alipay_sandbox.faults.next("delay")
        started = time.monotonic()
        with pytest.raises(TransportTimeoutError, match="per-attempt timeout of 0.1 s"):
            await client.query(sandbox_activity, timeout=0.1)
        assert time.monotonic() - started < 1.0
        answer = await client.query(sandbox_activity, timeout=5)
        assert answer.activity_id == sandbox_activity
        await asyncio.sleep(0.01)  # no stray cancellation reaches the caller


async def test_cancelling_a_call_cancels_it(
    alipay_sandbox: Sandbox, sandbox_config: SandboxConfig
) -> None:
    async with AsyncVoucherClient(sandbox_config(retry=RetryPolicy.disabled())) as client:
        alipay_sandbox.faults.delay = 3
        alipay_sandbox.faults.next("delay")
        call = asyncio.ensure_future(client.query(ACTIVITY, timeout=0.2))
        await asyncio.sleep(0.05)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
