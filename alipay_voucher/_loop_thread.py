"""One event loop, run forever by one daemon thread: what the blocking facades stand on.

:class:`~alipay_voucher.VoucherClient` runs the async client's coroutines on one, and
:class:`~alipay_voucher.receiver.NotificationReceiver` its blocking methods. Kept apart
from both so that neither facade imports the other, and so that the one piece of
threading in the package can be read on its own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from .errors import ClientClosedError

__all__ = ["LoopThread"]

_T = TypeVar("_T")

_CANCEL_GRACE = 2.0
"""Seconds an interrupted caller waits for its cancelled call to unwind (release its
connection, run its ``finally`` blocks) before the interrupt goes on."""

_REENTRANT = (
    "{what} was called on a thread that is running the client's own loop (from a hook?), "
    "where it would wait for itself forever; use the AsyncVoucherClient there, or hand "
    "the work to another thread."
)


class LoopThread:
    """One event loop, run forever by one daemon thread, started on first use.

    Each :class:`~alipay_voucher.VoucherClient` owns one (its copies share it), and so
    does a :class:`~alipay_voucher.receiver.NotificationReceiver` used blocking.

    The thread object (not its id, which the OS may reuse) tells whether a caller is
    the loop's own thread: such a caller (a hook) is refused, since it would wait for
    itself.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self._pid = os.getpid()
        """The process whose thread runs the loop (a fork copies the client, not the thread)."""

    @property
    def started(self) -> bool:
        return self._thread is not None

    @property
    def running(self) -> bool:
        """The loop thread is alive (started and not yet shut down)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def closing(self) -> bool:
        return self._closing

    def on_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def _start_locked(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=_serve, args=(loop,), name=f"{self._name} loop", daemon=True
            )
            thread.start()
            self._loop, self._thread, self._pid = loop, thread, os.getpid()
        elif self._pid != os.getpid():
            raise ClientClosedError(
                f"{self._name} runs its calls on a thread of process {self._pid}, and this "
                "process is a fork of it, where that thread does not exist; create the "
                "client in this process (after the fork: in the worker's start-up, not at "
                "import time in a pre-forking server)."
            )
        return self._loop

    def _loop_for(
        self, coro: Coroutine[Any, Any, Any], internal: bool
    ) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closing and not internal:
                coro.close()
                raise ClientClosedError(f"{self._name} is closed; create a new client.")
            try:
                return self._start_locked()
            except ClientClosedError:
                coro.close()
                raise

    def run(self, coro: Coroutine[Any, Any, _T], *, internal: bool = False) -> _T:
        """Run ``coro`` on the loop and return its result (or raise its error).

        An interrupt (Ctrl-C) while waiting cancels the call on the loop and waits a
        moment for it to unwind before it goes on, wherever it lands: the caller holds
        the :class:`_Handoff` before anything is scheduled, so an interrupt raised
        half-way through scheduling still finds the call and ends it.
        """
        if self.on_loop_thread():
            coro.close()
            raise RuntimeError(_REENTRANT.format(what="a VoucherClient method"))
        loop = self._loop_for(coro, internal)
        handoff: _Handoff[_T] = _Handoff(coro)
        try:
            loop.call_soon_threadsafe(handoff.start, loop)
            return handoff.future.result()
        except concurrent.futures.CancelledError:
            if self._closing:
                raise ClientClosedError(
                    f"{self._name} was closed while the call was in progress."
                ) from None
            raise
        except BaseException:
            handoff.abandon()
            raise

    def close(self, final: Callable[[], Coroutine[Any, Any, Any]] | None = None) -> None:
        """Run ``final()`` (if the loop was ever started), end every call in progress
        (they raise :class:`ClientClosedError`), stop the loop and join its thread;
        idempotent."""
        if self.on_loop_thread():
            raise RuntimeError(_REENTRANT.format(what="VoucherClient.close()"))
        with self._lock:
            if self._closing:
                return
            self._closing = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_closed() or not thread.is_alive():
            # The loop ended without close() (its thread was stopped, or this process is a
            # fork in which it never ran): nothing can run on it any more. Its session was
            # closed as the loop ended (shutdown_asyncgens; see _loop_end), or goes with it.
            return
        try:
            if final is not None:
                self.run(final(), internal=True)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    def shutdown_soon(self, final: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Run ``final()`` on the loop, then stop it; wait for nothing (for finalizers)."""
        with self._lock:
            self._closing = True
            loop = self._loop
        if loop is None or loop.is_closed():
            return

        async def last() -> None:
            try:
                await final()
            finally:
                asyncio.get_running_loop().stop()

        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            asyncio.run_coroutine_threadsafe(last(), loop)


class _Handoff(Generic[_T]):
    """One coroutine on its way from a blocking caller to the loop.

    Either side may let go first: the loop starts the coroutine unless the caller has
    already given up, and a caller interrupted before the loop took it closes it
    itself. Whoever claims it first owns it, so it is run or closed exactly once.
    """

    def __init__(self, coro: Coroutine[Any, Any, _T]) -> None:
        self._coro = coro
        self.future: concurrent.futures.Future[_T] = concurrent.futures.Future()
        self._claimed = threading.Lock()
        self._unwound = threading.Event()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop: run the coroutine as a task, tied to :attr:`future` both ways."""
        if not self._claimed.acquire(blocking=False):
            return  # the caller gave up first and closed it
        task = loop.create_task(self._coro)
        task.add_done_callback(self._settle)
        self.future.add_done_callback(
            lambda future: future.cancelled() and loop.call_soon_threadsafe(task.cancel)
        )

    def _settle(self, task: asyncio.Task[_T]) -> None:
        self._coro.close()  # a task cancelled before its first step never ran it
        self._unwound.set()
        if task.cancelled():
            self.future.cancel()
        if not self.future.set_running_or_notify_cancel():
            return
        if (error := task.exception()) is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result(task.result())

    def abandon(self) -> None:
        """The caller stops waiting: end the call wherever it is and give it a moment to
        unwind (release its connection, run its ``finally`` blocks)."""
        if self._claimed.acquire(blocking=False):
            self._coro.close()  # the loop never took it
        elif self.future.cancel():
            self._unwound.wait(_CANCEL_GRACE)


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    """The loop thread: run until stopped, then end what is left and close the loop."""
    asyncio.set_event_loop(loop)
    try:
        while True:
            try:
                loop.run_forever()
            except BaseException:  # a KeyboardInterrupt raised inside a call: the task
                continue  # carries it to its caller; the loop goes on serving
            break
        while pending := asyncio.all_tasks(loop):
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
