"""The blocking facades' loop thread: an interrupt may land anywhere in a call, even
half-way through handing the coroutine to the loop, and the call still ends cleanly."""

from __future__ import annotations

import asyncio
import inspect
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alipay_voucher._loop_thread import LoopThread


@pytest.fixture
def runner() -> Iterator[LoopThread]:
    runner = LoopThread("test")
    runner.run(asyncio.sleep(0))  # starts the loop
    yield runner
    runner.close()


def _interrupt_first_schedule(
    monkeypatch: pytest.MonkeyPatch, runner: LoopThread, *, after: bool
) -> None:
    """Make the next ``call_soon_threadsafe`` raise KeyboardInterrupt, as a Ctrl-C landing
    inside it would: ``after`` the callback was queued (in the loop's wake-up write), or
    before it was."""
    loop = runner._loop
    assert loop is not None
    real: Callable[..., Any] = loop.call_soon_threadsafe
    calls = 0

    def interrupted(callback: Callable[..., Any], *args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 1:
            return real(callback, *args)
        if after:
            real(callback, *args)
        raise KeyboardInterrupt

    monkeypatch.setattr(loop, "call_soon_threadsafe", interrupted)


async def _forever(started: threading.Event, unwound: threading.Event) -> None:
    started.set()
    try:
        await asyncio.Event().wait()
    finally:
        unwound.set()


def test_an_interrupt_after_the_call_was_queued_cancels_it_on_the_loop(
    runner: LoopThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, unwound = threading.Event(), threading.Event()
    _interrupt_first_schedule(monkeypatch, runner, after=True)
    with pytest.raises(KeyboardInterrupt):
        runner.run(_forever(started, unwound))
    # Whether the loop had started it or not, it is over by the time the interrupt goes on:
    # started and unwound (cancelled), or never started at all.
    assert unwound.is_set() or not started.is_set()
    assert runner.run(_loop_tasks()) == 1  # only the probe itself: nothing left running


def test_an_interrupt_before_the_call_was_queued_closes_the_coroutine(
    runner: LoopThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, unwound = threading.Event(), threading.Event()
    coro = _forever(started, unwound)
    _interrupt_first_schedule(monkeypatch, runner, after=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited" would be one
        with pytest.raises(KeyboardInterrupt):
            runner.run(coro)
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
    assert not started.is_set()
    assert runner.run(_loop_tasks()) == 1


def test_the_loop_serves_calls_after_an_interrupted_one(
    runner: LoopThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupt_first_schedule(monkeypatch, runner, after=True)
    with pytest.raises(KeyboardInterrupt):
        runner.run(_forever(threading.Event(), threading.Event()))
    assert runner.run(_answer()) == 42


async def _loop_tasks() -> int:
    await asyncio.sleep(0.01)  # a cancelled call's last step runs first
    return len(asyncio.all_tasks())


async def _answer() -> int:
    return 42
