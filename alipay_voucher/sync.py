"""VoucherClient: the async client's methods, blocking.

Nothing about the API lives here. Each method runs the very coroutine of
:class:`~alipay_voucher.AsyncVoucherClient` on a private event loop that the client
creates on first use and owns; the aiohttp session lives on that loop and is touched
from no other.

Who runs that loop? The thread that is waiting for an answer. A loop running forever
in a thread of its own (the first design) costs two cross-thread wake-ups per call,
which on a small machine is a good part of a local call's price. So a blocking call
schedules its coroutine on the private loop and then, if no other thread is running
the loop, runs it itself until its own result is there. Between calls the loop does
not run at all; nothing is lost by that, because the coroutines of a call only exist
while somebody waits for them (the exception, ``send_many``, is below).

The protocol that keeps threads sharing one client concurrent (see :class:`_Runner`):

* every call is scheduled on the loop thread-safely and becomes a task there, so it
  progresses whenever *any* thread runs the loop;
* one thread at a time holds the *driver* role and runs the loop until its own call is
  done; the others wait on a condition for "my call is done, or the driver left", and
  one of them then takes the role over;
* a thread whose own event loop is running (inside ``async def``, in Jupyter) cannot
  run a second loop, so it hands the driving to a small helper thread and blocks, as
  every blocking call does.

An iterator (``send_many``) keeps the helper thread driving the loop between its
steps while it is open: the batch's requests then stay in flight while the caller
handles an outcome, and their timeouts are not judged on a loop that stood still.

Methods are generated with :func:`blocking` from the async ones, so a method added to
the async client becomes a blocking method with one line here, with its signature,
docstring and types carried over.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import queue
import threading
import warnings
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from ._hooks import Hooks
from .client import AsyncVoucherClient
from .config import AlipayConfig, RetryPolicy
from .errors import ClientClosedError

__all__ = ["VoucherClient", "blocking", "blocking_iterator"]

_P = ParamSpec("_P")
_T = TypeVar("_T")

_CANCEL_GRACE = 2.0
"""Seconds an interrupted caller keeps running the loop so its cancelled call can unwind
(release its connection, run its ``finally`` blocks) before the interrupt goes on."""

_REENTRANT = (
    "{what} was called on a thread that is running the client's own loop (from a hook?), "
    "where it would wait for itself forever; use the AsyncVoucherClient there, or hand "
    "the work to another thread."
)

_get_running_loop = asyncio._get_running_loop


class _Call(Generic[_T]):
    """One coroutine handed to the runner, and what became of it.

    ``done`` is set (under the runner's condition) by the task's done callback, on the
    loop, so a waiter that sees it can read the task's outcome without touching the loop.
    """

    __slots__ = ("coro", "detached", "done", "error", "future", "scheduled", "task")

    def __init__(
        self,
        coro: Coroutine[Any, Any, _T] | None,
        *,
        detached: bool = False,
        future: concurrent.futures.Future[_T] | None = None,
    ) -> None:
        self.coro = coro
        self.task: asyncio.Task[_T] | None = None
        self.done = False
        self.scheduled = False
        self.error: BaseException | None = None
        self.detached = detached
        """Nobody will read the outcome: consume it so asyncio logs nothing."""
        self.future = future
        """Settled from the loop when the call ends (for :meth:`_Runner.submit`)."""


def _consume(task: asyncio.Task[Any]) -> None:
    if task.done() and not task.cancelled():
        task.exception()  # marks it retrieved


class _Helper:
    """A daemon thread running jobs one after another: the driver for threads that cannot
    drive (their own loop is running) and for iterators between their steps."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()

    def post(self, job: Callable[[], object]) -> None:
        """Run ``job`` on the helper; it must not raise (it would end the thread)."""
        self._jobs.put(job)

    def stop(self) -> None:
        self._jobs.put(None)
        if self.thread is not threading.current_thread():
            self.thread.join()


class _Runner:
    """Runs coroutines on one private event loop, driven by whichever thread waits.

    State, guarded by ``_cond``'s lock: ``_driver`` (the thread ident running the loop,
    or ``None``), ``_closing`` (no new calls) and ``_finished`` (the loop is closed).
    ``_driving`` (the call the driver waits for) is only ever touched by the driver
    itself, on its own thread, and read by done callbacks, which run on that thread.

    Why nothing can get stuck:

    * A task progresses only while some thread runs the loop, and a call's completion
      is noticed by its done callback, which also runs on the loop. A driver leaves
      only once its own call is done, and always notifies when it leaves; every
      waiter then re-checks "my call is done" and, if not, takes the role over. So a
      task that finished in the driver's last iteration, but whose done callback had
      not run yet, is completed by the next driver's first iteration.
    * Every not-done call has a *completer*: the thread that waits for it, or a job
      queued on the helper. A completer only waits while another thread drives, and
      that driver's own call will end, so the role always passes on.
    * The condition's lock is never held while the loop runs, so done callbacks (on the
      driver's thread) can always take it.
    * A thread already running this loop (a hook) is refused before it would wait for
      itself.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        # Re-entrant: the GC may finalise an abandoned iterator (whose cleanup schedules
        # a coroutine here) in the middle of one of this runner's own critical sections.
        self._cond = threading.Condition(threading.RLock())
        self._loop: asyncio.AbstractEventLoop | None = None
        self._driver: int | None = None
        self._driving: _Call[Any] | None = None
        self._closing = False
        self._finished = False
        self._helper: _Helper | None = None
        self._holds = 0
        self._sentinel: _Call[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        """The tasks of calls in progress (touched on the loop only)."""

    # ----------------------------------------------------------------- inspection

    @property
    def running(self) -> bool:
        """The loop exists and is not closed (it is only *run* while a call waits)."""
        return self._loop is not None and not self._finished

    @property
    def started(self) -> bool:
        return self._loop is not None

    def in_own_loop(self) -> bool:
        """This thread is running the private loop right now (e.g. inside a hook)."""
        loop = self._loop
        return loop is not None and _get_running_loop() is loop

    # ----------------------------------------------------------------- running calls

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coro`` on the private loop and return its result (or raise its error)."""
        running = _get_running_loop()
        if running is not None:
            if running is self._loop:
                coro.close()
                raise RuntimeError(_REENTRANT.format(what="a VoucherClient method"))
            # This thread's own loop is running: it cannot run a second one, so the
            # helper thread drives while this thread (and its loop) blocks.
            future: concurrent.futures.Future[_T] = concurrent.futures.Future()
            handed = self._schedule(coro, future=future)
            try:
                return future.result()
            except BaseException:
                if not future.done():  # interrupted while waiting: stop the call too
                    self._cancel_soon(handed)
                raise
        call: _Call[_T] = _Call(coro)
        self._complete(call, enqueue=True)
        return self._outcome(call)

    def submit(self, coro: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        """Schedule ``coro``; the helper thread sees that it runs to its end."""
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()
        self._schedule(coro, future=future)
        return future

    def detach(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Schedule ``coro`` and wait for nothing; it runs the next time the loop does."""
        self._schedule(coro, detached=True)

    def _schedule(
        self,
        coro: Coroutine[Any, Any, _T],
        *,
        internal: bool = False,
        detached: bool = False,
        future: concurrent.futures.Future[_T] | None = None,
    ) -> _Call[_T]:
        """Put ``coro`` on the loop; with a ``future``, the helper sees it through and the
        outcome is set on the future from the loop (for threads that cannot drive)."""
        if future is not None:
            future.set_running_or_notify_cancel()  # settled from the loop: no cancel()
        call = _Call(coro, detached=detached, future=future)
        with self._cond:
            loop = self._admit_locked(call, internal=internal)
            loop.call_soon_threadsafe(self._start, call)
            helper = self._helper_locked() if future is not None else None
        if helper is not None:
            helper.post(functools.partial(self._complete_quietly, call))
        return call

    def _admit_locked(
        self, call: _Call[Any], *, internal: bool = False
    ) -> asyncio.AbstractEventLoop:
        """Refuse a call on a closed runner; else the loop to put the call on.

        The call goes on as a loop callback (:meth:`_start`) rather than as a task made
        here, so that its first step comes one iteration after the loop wakes: by then
        the loop has read what happened on its sockets while nobody ran it, and has run
        aiohttp's overdue keep-alive expiry, so a pooled connection that the server has
        closed, or that has been idle too long, is not picked for the request.
        """
        coro = call.coro
        if not asyncio.iscoroutine(coro):
            raise TypeError(f"a coroutine was expected, got {coro!r}")
        if self._closing and not internal:
            coro.close()
            raise ClientClosedError(f"{self._name} is closed; create a new client.")
        loop = self._loop_locked()
        call.scheduled = True
        return loop

    def _loop_locked(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop

    def _helper_locked(self) -> _Helper:
        if self._helper is None:
            self._helper = _Helper(f"{self._name} helper")
        return self._helper

    # on the loop ----------------------------------------------------------------

    def _start(self, call: _Call[Any]) -> None:
        assert self._loop is not None and call.coro is not None
        try:
            task = self._loop.create_task(call.coro)
        except Exception as exc:  # pragma: no cover - create_task refused the coroutine
            call.coro.close()
            call.error = exc
            self._finish(call)
            return
        call.task = task
        self._tasks.add(task)
        task.add_done_callback(functools.partial(self._finish, call))

    def _finish(self, call: _Call[Any], task: asyncio.Task[Any] | None = None) -> None:
        if task is not None:
            self._tasks.discard(task)
        if call.future is not None:
            self._settle(call)
        elif call.detached and task is not None:
            _consume(task)
        with self._cond:
            call.done = True
            self._cond.notify_all()
        if self._driving is call:
            assert self._loop is not None
            self._loop.stop()

    def _settle(self, call: _Call[Any]) -> None:
        future = call.future
        assert future is not None
        try:
            result = self._outcome(call)
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)

    def _cancel(self, call: _Call[Any]) -> None:
        call.detached = True
        task = call.task
        if task is None:  # pragma: no cover - _start always runs first (FIFO)
            return
        if task.done():
            _consume(task)
        else:
            task.cancel()

    def _cancel_all(self) -> None:
        """Part of close(): end every call still in progress, and any background drive."""
        assert self._loop is not None
        for task in asyncio.all_tasks(self._loop):
            task.cancel()
        with self._cond:
            sentinel, self._sentinel = self._sentinel, None
        if sentinel is not None:
            self._finish(sentinel)

    # waiting and driving ----------------------------------------------------------

    def _complete(self, call: _Call[Any], *, enqueue: bool = False) -> None:
        """Return once ``call`` is done: wait while another thread drives, else drive.

        With ``enqueue`` the call is put on the loop here first, and when nobody is
        driving this thread claims the role in the same breath, so the loop needs no
        wake-up (a plain ``call_soon``: the loop is not running, and only the role's
        holder runs it).
        """
        cond = self._cond
        me = threading.get_ident()
        # Only this thread sets _driver to `me` or clears it from `me`, so reading it
        # without the lock tells reliably whether this thread holds the role; the claim
        # happens inside this try, so the role is always given back.
        try:
            with cond:
                if enqueue:
                    loop = self._admit_locked(call)
                    if self._driver is None:
                        self._driver = me
                        loop.call_soon(self._start, call)
                    else:
                        loop.call_soon_threadsafe(self._start, call)
                while self._driver != me:
                    if call.done:
                        return
                    if self._finished:
                        raise ClientClosedError(f"{self._name} was closed during the call.")
                    if self._driver is None:
                        self._driver = me
                    else:
                        cond.wait()
            self._drive(call)
        except BaseException:
            if self._driver != me and call.scheduled:  # interrupted while another drove
                self._abandon(call)
            raise
        finally:
            if self._driver == me:
                self._leave()

    def _complete_quietly(self, call: _Call[Any]) -> None:
        """A helper job: see ``call`` through; its outcome travels by ``call.future``."""
        try:
            self._complete(call)
        except BaseException as exc:  # the loop was closed under it: say so
            future = call.future
            if future is not None and not future.done():
                future.set_exception(exc)

    def _leave(self) -> None:
        with self._cond:
            self._driver = None
            self._cond.notify_all()

    def _drive(self, call: _Call[Any]) -> None:
        """Run the loop until ``call`` is done; this thread holds the driver role."""
        try:
            self._run_until(call)
        except BaseException:
            # KeyboardInterrupt (or SystemExit) while this thread ran the loop. The loop
            # is intact (run_forever cleans up after itself); cancel the call there and
            # give the cancellation a moment to unwind, then let the interrupt go on.
            if not call.done:
                assert self._loop is not None
                self._loop.call_soon(self._cancel, call)
                self._run_until(call, timeout=_CANCEL_GRACE)
            elif call.task is not None:
                _consume(call.task)
            raise

    def _run_until(self, call: _Call[Any], timeout: float | None = None) -> None:
        loop = self._loop
        assert loop is not None
        expired: list[bool] = []
        timer: asyncio.TimerHandle | None = None
        if timeout is not None:

            def expire() -> None:
                expired.append(True)
                loop.stop()

            timer = loop.call_later(timeout, expire)
        self._driving = call
        try:
            while not call.done and not expired:
                loop.run_forever()
        finally:
            self._driving = None
            if timer is not None:
                timer.cancel()

    def _abandon(self, call: _Call[Any]) -> None:
        """The waiter for ``call`` was interrupted: cancel the call on the loop and, if no
        one is running the loop, run it briefly so the cancellation takes effect now."""
        if not self._cancel_soon(call):
            return
        with self._cond:
            if call.done or self._driver is not None or self._finished:
                return
            self._driver = threading.get_ident()
        try:
            self._run_until(call, timeout=_CANCEL_GRACE)
        finally:
            self._leave()

    def _cancel_soon(self, call: _Call[Any]) -> bool:
        loop = self._loop
        try:
            assert loop is not None
            loop.call_soon_threadsafe(self._cancel, call)
        except RuntimeError:  # the loop is closed: so is the call
            return False
        return True

    def _outcome(self, call: _Call[_T]) -> _T:
        if call.error is not None:
            raise call.error
        task = call.task
        assert task is not None
        if task.cancelled():
            if self._closing:
                raise ClientClosedError(f"{self._name} was closed while the call was in progress.")
            raise concurrent.futures.CancelledError()
        return task.result()

    # ----------------------------------------------------------------- background drive

    def hold(self) -> bool:
        """Keep the loop running (on the helper thread) until :meth:`release`.

        For iterators: between two ``next()`` calls nobody waits for a result, yet the
        async generator's own tasks (a batch's requests in flight) should go on, and
        their timeouts should not be judged on a loop that stood still.
        """
        with self._cond:
            if self._closing:
                return False
            self._holds += 1
            if self._holds > 1:
                return True
            self._loop_locked()
            sentinel: _Call[None] = _Call(None)
            self._sentinel = sentinel
            helper = self._helper_locked()
        helper.post(functools.partial(self._complete_quietly, sentinel))
        return True

    def release(self) -> None:
        with self._cond:
            self._holds -= 1
            if self._holds or self._sentinel is None:
                return
            sentinel, self._sentinel = self._sentinel, None
            if self._finished:
                return
            assert self._loop is not None
            # Done on the loop, by whoever runs it next (the helper, if it is driving).
            self._loop.call_soon_threadsafe(self._finish, sentinel)

    # ----------------------------------------------------------------- closing

    @property
    def closing(self) -> bool:
        return self._closing

    def close(self, final: Callable[[], Coroutine[Any, Any, Any]] | None = None) -> None:
        """Run ``final()`` (if the loop was ever used), end every call in progress, close
        the loop and join the helper thread; idempotent.

        Calls still in progress in other threads end with :class:`ClientClosedError`.
        From a thread whose own loop is running, the helper thread does the driving.
        """
        if self.in_own_loop():
            raise RuntimeError(_REENTRANT.format(what="VoucherClient.close()"))
        with self._cond:
            if self._closing:
                return
            self._closing = True
            loop = self._loop
            if loop is None:
                self._finished = True
                return
        in_a_loop = _get_running_loop() is not None
        try:
            if final is not None:
                if in_a_loop:
                    future: concurrent.futures.Future[Any] = concurrent.futures.Future()
                    self._schedule(final(), internal=True, future=future)
                    future.result()
                else:
                    call = self._schedule(final(), internal=True)
                    self._complete(call)
                    self._outcome(call)
        finally:
            # End what others still have in flight (and a background drive), so that
            # whoever runs the loop leaves it; then take it and close it.
            loop.call_soon_threadsafe(self._cancel_all)
            if in_a_loop:
                with self._cond:
                    helper = self._helper_locked()
                done: concurrent.futures.Future[None] = concurrent.futures.Future()

                def job() -> None:
                    try:
                        self._finalize(loop)
                    except BaseException as exc:
                        done.set_exception(exc)
                    else:
                        done.set_result(None)

                helper.post(job)
                done.result()
            else:
                self._finalize(loop)
            with self._cond:
                helper_or_none, self._helper = self._helper, None
            if helper_or_none is not None:
                helper_or_none.stop()

    def stop(self) -> None:
        """Close without running anything first (the async client stays as it is)."""
        self.close(None)

    def _finalize(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._cond:
            while self._driver is not None:
                self._cond.wait()
            self._driver = threading.get_ident()
        try:
            _close_loop(loop)
        finally:
            with self._cond:
                self._finished = True
                self._driver = None
                self._cond.notify_all()


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left, shut down async generators and the executor, close."""
    try:
        loop.call_soon(loop.stop)  # first run the callbacks already scheduled
        loop.run_forever()
        while pending := asyncio.all_tasks(loop):
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def _warn_unclosed(name: str, runner: _Runner) -> None:
    # Only a warning: closing the loop from a finalizer could run at any moment, on any
    # thread, in the middle of someone else's call.
    if runner.running:
        warnings.warn(
            f"{name} was never closed; its event loop and aiohttp session leak. "
            "Use `with VoucherClient(...)` or call close().",
            ResourceWarning,
            stacklevel=2,
        )


def blocking(
    method: Callable[Concatenate[AsyncVoucherClient, _P], Coroutine[Any, Any, _T]],
) -> Callable[Concatenate[VoucherClient, _P], _T]:
    """Make a blocking :class:`VoucherClient` method from an async client method.

    The result keeps the async method's parameters, return type (without the
    coroutine) and docstring, for editors, ``help()`` and type checkers. At call time
    the method is looked up by name on the wrapped client, so a subclass or a patched
    method of the async client is what runs.
    """
    name = method.__name__

    @functools.wraps(method)
    def call(self: VoucherClient, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        coroutine_function = getattr(self._async_client, name)
        return self._run(coroutine_function(*args, **kwargs))  # type: ignore[no-any-return]

    call.__qualname__ = f"VoucherClient.{name}"
    call.__doc__ = (
        f"Blocking twin of :meth:`AsyncVoucherClient.{name}`.\n\n{method.__doc__ or ''}".rstrip()
    )
    return call


def blocking_iterator(
    method: Callable[Concatenate[AsyncVoucherClient, _P], AsyncIterator[_T]],
) -> Callable[Concatenate[VoucherClient, _P], Iterator[_T]]:
    """Make a blocking method that returns an iterator from an async-generator method.

    Each ``next()`` runs one step of the very same async generator on the client's
    loop; closing the iterator (or leaving a ``for`` loop early) closes the generator
    there, which cancels whatever it had in flight. While the iterator is open the
    loop keeps running between steps (on the client's helper thread), so what the
    generator started goes on while the caller handles an item.
    """
    name = method.__name__

    @functools.wraps(method)
    def call(self: VoucherClient, /, *args: _P.args, **kwargs: _P.kwargs) -> Iterator[_T]:
        generator: AsyncIterator[_T] = getattr(self._async_client, name)(*args, **kwargs)
        return self._iterate(generator)

    call.__qualname__ = f"VoucherClient.{name}"
    call.__doc__ = (
        f"Blocking twin of :meth:`AsyncVoucherClient.{name}` (an iterator).\n\n"
        f"{method.__doc__ or ''}"
    ).rstrip()
    return call


async def _step(generator: AsyncIterator[_T]) -> tuple[bool, _T | None]:
    try:
        return True, await generator.__anext__()
    except StopAsyncIteration:
        return False, None


async def _close(generator: AsyncIterator[Any], calls: set[asyncio.Task[Any]]) -> None:
    """Close ``generator`` and wait (briefly) for what closing it set in motion.

    An async generator that iterates another one (``AsyncVoucherClient.send_many`` over
    ``batch.send_many``) leaves the inner one to asyncio's finaliser, which closes it
    in a task of its own. With the loop running only while somebody waits, that task
    would otherwise sit until the next call; wait for the tasks made meanwhile, except
    those of other callers' calls (``calls``).
    """
    aclose = getattr(generator, "aclose", None)
    if aclose is None:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _CANCEL_GRACE
    seen = asyncio.all_tasks()
    await aclose()
    while (remaining := deadline - loop.time()) > 0:
        await asyncio.sleep(0)  # the finaliser makes its task in a callback
        made = asyncio.all_tasks() - seen - calls
        if not made:
            return
        await asyncio.wait(made, timeout=remaining)
        seen |= made


class VoucherClient:
    """The voucher API, blocking. Use it with ``with`` or call :meth:`close`.

    It takes the same arguments as :class:`~alipay_voucher.AsyncVoucherClient` (except
    ``session``: the session lives on the client's private loop) and has the same
    methods with the same options; each call blocks until the answer is verified, and
    errors are raised with their own types. One client can be shared by many threads:
    their calls run concurrently over one session.

    It works the same in a script, in a worker thread, and inside a coroutine whose own
    loop is running (Jupyter, ``async def``): the calling thread just blocks until the
    answer is there.

    Hooks run on whichever thread is running the client's loop at that moment: usually
    the calling thread, possibly another thread's call, or the client's helper thread
    (for calls made inside a running loop, and during ``send_many``). A hook must not
    call this client's blocking methods or :meth:`close` (it would wait for itself):
    that raises :class:`RuntimeError`; an async hook can ``await`` the work instead.
    """

    _async_class: type[AsyncVoucherClient] = AsyncVoucherClient
    """The async client whose coroutines the methods run (a subclass may extend it)."""

    def __init__(
        self,
        config: AlipayConfig,
        *,
        retry: RetryPolicy | None = None,
        hooks: Hooks | None = None,
        sign_in_thread: bool = False,
    ) -> None:
        self._async_client = self._async_class(
            config, retry=retry, hooks=hooks, sign_in_thread=sign_in_thread
        )
        name = f"VoucherClient(app_id={config.app_id!r}) at {id(self):#x}"
        self._runner = _Runner(name)
        self._finalizer = weakref.finalize(self, _warn_unclosed, name, self._runner)
        self._closed = False

    @property
    def config(self) -> AlipayConfig:
        return self._async_client.config

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._async_client.retry_policy

    @property
    def closed(self) -> bool:
        return self._closed

    def __repr__(self) -> str:
        config = self.config
        return (
            f"VoucherClient(app_id={config.app_id!r}, base_url={config.base_url!r}, "
            f"mode={config.mode!r})"
        )

    def __enter__(self) -> VoucherClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the session on the client's loop, end calls still in progress (they
        raise :class:`ClientClosedError`), close the loop and join the helper thread;
        idempotent. Safe from any thread, except from a hook of this client."""
        if self._closed:
            return
        if self._runner.in_own_loop():
            raise RuntimeError(_REENTRANT.format(what="VoucherClient.close()"))
        self._closed = True
        try:
            self._runner.close(self._async_client.aclose)
        finally:
            self._finalizer.detach()

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return self._runner.run(coro)

    def _iterate(self, generator: AsyncIterator[_T]) -> Iterator[_T]:
        runner = self._runner
        held = runner.hold()
        try:
            while True:
                more, item = self._run(_step(generator))
                if not more:
                    return
                yield item  # type: ignore[misc]
        finally:
            try:
                if runner.running and not runner.closing:
                    if runner.in_own_loop():  # finalised by the GC inside a hook, say
                        runner.detach(_close(generator, runner._tasks))
                    else:
                        self._run(_close(generator, runner._tasks))
            finally:
                if held:
                    runner.release()

    # ----------------------------------------------------------------- operations

    create = blocking(AsyncVoucherClient.create)
    publish = blocking(AsyncVoucherClient.publish)
    send = blocking(AsyncVoucherClient.send)
    modify = blocking(AsyncVoucherClient.modify)
    append = blocking(AsyncVoucherClient.append)
    stop = blocking(AsyncVoucherClient.stop)
    query = blocking(AsyncVoucherClient.query)
    request = blocking(AsyncVoucherClient.request)
    send_many = blocking_iterator(AsyncVoucherClient.send_many)
    wait_for_status = blocking(AsyncVoucherClient.wait_for_status)
