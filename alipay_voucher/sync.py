"""VoucherClient: the async client's methods, blocking.

Nothing about the API lives here. Each method runs the very coroutine of
:class:`~alipay_voucher.AsyncVoucherClient` on an event loop that the client owns and
runs in one daemon thread of its own (``_loop_thread.LoopThread``), started with the
first call. A blocking call hands its coroutine over to that loop and waits for the
result. Because the loop runs all the time, pooled connections are kept alive and
expired by aiohttp as usual, a ``send_many`` batch goes on while the caller handles an
outcome, and threads sharing one client simply have their calls run side by side.

The price is two thread hand-offs per call, some tens of microseconds: noise against
a real round trip to Alipay.

Methods are generated with :func:`blocking` from the async ones, so a method added to
the async client becomes a blocking method with one line here, with its signature,
docstring and types carried over.
"""

from __future__ import annotations

import asyncio
import functools
import warnings
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from ._hooks import Hooks
from ._loop_thread import LoopThread
from .client import AsyncVoucherClient
from .config import AlipayConfig, RetryPolicy

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

__all__ = ["VoucherClient", "blocking", "blocking_iterator"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _abandoned(name: str, runner: LoopThread, final: Callable[[], Any]) -> None:
    # Nobody can call the client any more, so nothing is in progress: close the session
    # on the loop and let the thread end, and say that close() was forgotten.
    if runner.running and not runner.closing:
        warnings.warn(
            f"{name} was never closed; closing it in the background. "
            "Use `with VoucherClient(...)` or call close().",
            ResourceWarning,
            stacklevel=2,
        )
        runner.shutdown_soon(final)


def _bind(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Create the coroutine (or async generator) of a call of the async client.

    Only argument binding runs here, so a ``TypeError`` is the caller's mistake in
    arguments; it is raised again naming the method the caller actually called.
    """
    try:
        return function(*args, **kwargs)
    except TypeError as exc:
        message = str(exc).replace("AsyncVoucherClient.", "VoucherClient.", 1)
        raise TypeError(message) from None


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
        coroutine = _bind(coroutine_function, *args, **kwargs)
        del args, kwargs  # the request and token: kept out of tracebacks that capture locals
        return self._runner.run(coroutine)  # type: ignore[no-any-return]

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
        generator: AsyncIterator[_T] = _bind(getattr(self._async_client, name), *args, **kwargs)
        return _bridge(self, generator)

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


async def _aclose(generator: AsyncIterator[Any]) -> None:
    aclose = getattr(generator, "aclose", None)
    if aclose is not None:
        await aclose()


def _bridge(client: VoucherClient, generator: AsyncIterator[_T]) -> Iterator[_T]:
    """Iterate ``generator`` on the client's loop, one step per ``next()``; the iterator
    holds the client, so an open iterator keeps the client (and its loop) alive."""
    runner = client._runner
    try:
        while True:
            more, item = runner.run(_step(generator))
            if not more:
                return
            yield item  # type: ignore[misc]
    finally:
        if runner.running and not runner.closing:
            if runner.on_loop_thread():  # finalised by the GC inside a hook, say
                asyncio.get_running_loop().create_task(_aclose(generator))
            else:
                runner.run(_aclose(generator))


class VoucherClient:
    """The voucher API, blocking. Use it with ``with`` or call :meth:`close`.

    It takes the same arguments as :class:`~alipay_voucher.AsyncVoucherClient` (except
    ``session``: the session lives on the client's own loop) and has the same methods
    with the same options; each call blocks until the answer is verified, and errors
    are raised with their own types. One client can be shared by many threads: their
    calls run concurrently over one session.

    It works the same in a script, in a worker thread, and inside a coroutine whose own
    loop is running (Jupyter, ``async def``): the calling thread just blocks until the
    answer is there.

    Hooks run on the client's loop thread. A hook must not call this client's blocking
    methods or :meth:`close` (it would wait for itself): that raises
    :class:`RuntimeError`; an async hook can ``await`` the work instead.
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
        rate: float | None = None,
        max_concurrency: int | None = None,
        tracing: bool | TracerProvider = False,
    ) -> None:
        self._async_client = self._async_class(
            config,
            retry=retry,
            hooks=hooks,
            sign_in_thread=sign_in_thread,
            rate=rate,
            max_concurrency=max_concurrency,
            tracing=tracing,
        )
        name = f"VoucherClient(app_id={config.app_id!r}) at {id(self):#x}"
        self._runner = LoopThread(name)
        self._origin: VoucherClient | None = None
        """The client a :meth:`with_options` copy was made from (held: its finalizer
        would otherwise stop the loop under the copy)."""
        self._finalizer: weakref.finalize[Any, Any] | None = weakref.finalize(
            self, _abandoned, name, self._runner, self._async_client.aclose
        )

    @property
    def config(self) -> AlipayConfig:
        return self._async_client.config

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._async_client.retry_policy

    @property
    def rate(self) -> float | None:
        return self._async_client.rate

    @property
    def max_concurrency(self) -> int | None:
        return self._async_client.max_concurrency

    @property
    def closed(self) -> bool:
        return self._runner.closing or self._async_client.closed

    def with_options(
        self,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        app_auth_token: str | None = None,
    ) -> VoucherClient:
        """A copy whose calls default to other options, sharing this client's loop
        thread, connections and quota; see :meth:`AsyncVoucherClient.with_options`.

        Closing the copy does not close this client; closing this client ends the
        copy too (its calls raise :class:`ClientClosedError`).
        """
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy._async_client = self._async_client.with_options(
            timeout=timeout, retry=retry, app_auth_token=app_auth_token
        )
        copy._origin = self._origin or self
        copy._finalizer = None
        return copy

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
        raise :class:`ClientClosedError`), stop the loop and join its thread;
        idempotent. Safe from any thread, except from a hook of this client."""
        if self._origin is not None:
            # A copy owns nothing: it only stops taking calls.
            self._async_client._transport.detach()
            return
        try:
            self._runner.close(self._async_client.aclose)
        finally:
            if self._runner.closing and self._finalizer is not None:
                self._finalizer.detach()

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
