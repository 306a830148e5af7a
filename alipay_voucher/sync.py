"""VoucherClient: the async client's methods, blocking.

Nothing about the API lives here. A private event loop runs in one daemon thread,
started on first use; each method submits the very coroutine of
:class:`~alipay_voucher.AsyncVoucherClient` to that loop and waits for it. The aiohttp
session therefore lives on a loop that no caller ever runs, which is why the blocking
client works the same in a script, in Jupyter, in a worker thread, and inside a
coroutine whose own loop is running (the calling thread just blocks while it waits).

Methods are generated with :func:`blocking` from the async ones, so a method added to
the async client becomes a blocking method with one line here, with its signature,
docstring and types carried over.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
import warnings
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

from ._hooks import Hooks
from .client import AsyncVoucherClient
from .config import AlipayConfig, RetryPolicy
from .transport import ClientClosedError

__all__ = ["VoucherClient", "blocking", "blocking_iterator"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class _LoopThread:
    """One event loop running forever in one daemon thread, started on demand."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        with self._lock:
            if self._stopped:
                raise ClientClosedError(f"{self._name} is closed; create a new client.")
            if self._loop is None:
                self._start()
            assert self._loop is not None
            return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        thread = threading.Thread(
            target=_run_loop, args=(loop, ready), name=f"{self._name} loop", daemon=True
        )
        thread.start()
        ready.wait()
        self._loop, self._thread = loop, thread

    def stop(self) -> None:
        """Stop the loop and join its thread; the loop is closed in the thread."""
        with self._lock:
            self._stopped = True
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()


def _run_loop(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        try:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def _warn_unclosed(name: str, runner: _LoopThread) -> None:
    # Only a warning: stopping the loop from a finalizer could run at any moment, on any
    # thread, in the middle of someone else's call.
    if runner.running:
        warnings.warn(
            f"{name} was never closed; its event-loop thread and aiohttp session leak. "
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
    there, which cancels whatever it had in flight.
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


async def _close(generator: AsyncIterator[Any]) -> None:
    aclose = getattr(generator, "aclose", None)
    if aclose is not None:
        await aclose()


class VoucherClient:
    """The voucher API, blocking. Use it with ``with`` or call :meth:`close`.

    It takes the same arguments as :class:`~alipay_voucher.AsyncVoucherClient` (except
    ``session``: the session lives on the client's private loop) and has the same
    methods with the same options; each call blocks until the answer is verified, and
    errors are raised with their own types. One client can be shared by many threads.
    Hooks run on the client's loop thread.
    """

    _async_class: type[AsyncVoucherClient] = AsyncVoucherClient
    """The async client whose coroutines the methods run (a subclass may extend it)."""

    def __init__(
        self,
        config: AlipayConfig,
        *,
        retry: RetryPolicy | None = None,
        hooks: Hooks | None = None,
    ) -> None:
        self._async_client = self._async_class(config, retry=retry, hooks=hooks)
        name = f"VoucherClient(app_id={config.app_id!r}) at {id(self):#x}"
        self._runner = _LoopThread(name)
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
        """Close the session, stop the loop and join its thread; idempotent."""
        if self._closed:
            return
        if self._runner.in_loop_thread():
            raise RuntimeError(
                "VoucherClient.close() was called from a hook running on the client's own "
                "loop thread, where it would wait for itself; close it from another thread."
            )
        self._closed = True
        try:
            if self._runner.running:
                self._run(self._async_client.aclose())
        finally:
            self._runner.stop()
            self._finalizer.detach()

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        if self._runner.in_loop_thread():
            coro.close()
            raise RuntimeError(
                "a VoucherClient method was called on the client's own loop thread (from a "
                "hook?), where it would wait for itself forever; use the AsyncVoucherClient "
                "there."
            )
        try:
            future = self._runner.submit(coro)
        except BaseException:
            coro.close()
            raise
        try:
            return future.result()
        except BaseException:
            # KeyboardInterrupt or SystemExit while waiting: stop the call in the loop too.
            if not future.done():
                future.cancel()
            raise

    def _iterate(self, generator: AsyncIterator[_T]) -> Iterator[_T]:
        try:
            while True:
                more, item = self._run(_step(generator))
                if not more:
                    return
                yield item  # type: ignore[misc]
        finally:
            if not self._closed and self._runner.running:
                self._run(_close(generator))

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
