"""A local stand-in for Alipay's v3 gateway, for tests, demos and other SDKs.

``Sandbox`` is an aiohttp.web server on loopback that behaves like the real gateway
where a client can tell the difference: it checks every request's signature, clock
and nonce (key mode and certificate mode), decrypts AES bodies, keeps voucher
activities through their real lifecycle, signs every answer with its own "Alipay" key,
and pushes the activity messages to a notify URL afterwards, redelivering until they
are acknowledged. It can also misbehave on request (see :mod:`._faults`).

The byte rules all come from :mod:`alipay_voucher.protocol`; the sandbox only decides
what to check and what to answer, so a client that passes here passes the same checks
that the conformance vectors pin.

::

    async with Sandbox(notify_url="http://127.0.0.1:8080/notify") as sandbox:
        async with AsyncVoucherClient(sandbox.config(mode="cert", encrypt=True)) as client:
            ...
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as _dt
import os
import socket
import struct
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

import attrs
from aiohttp import web

from ..aes import load_aes_key
from ..config import AlipayConfig
from ..credentials import RSAKeySigner, cert_sn, root_cert_sn
from ._access_log import access_log, note_code
from ._faults import Fault, Faults
from ._gateway import Gateway, Reply, RequestVerifier, operation_of
from ._notifier import (
    DEFAULT_RETRY_DELAYS,
    Delivery,
    Notifier,
    Outbox,
    SignedMessage,
    sample_biz_content,
)
from ._state import Activity, VoucherBook
from ._state_file import SavedBook, SavedOutbox, StateFile
from .pki import SandboxPKI, make_pki

__all__ = ["DEFAULT_APP_ID", "Sandbox", "SandboxThread"]

DEFAULT_APP_ID = "2021000000000001"

_T = TypeVar("_T")

_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>{status} {reason}</title></head><body>"
    "<center><h1>{status} {reason}</h1></center><hr><center>Tengine</center>"
    "</body></html>"
)


def _reset(transport: asyncio.BaseTransport | None) -> None:
    """Close with a TCP RST instead of a FIN, as a crashed or refusing peer does."""
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if isinstance(transport, asyncio.Transport):
        transport.abort()


def _flipped(signature: str) -> str:
    raw = bytearray(base64.b64decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


class Sandbox:
    """The sandbox gateway for one app (``app_id``), bound to ``host:port`` (port 0 picks
    a free one) while started.

    * ``base_url``, ``app_id``, ``pki`` (the throwaway keys and certificates, made at
      construction unless given) and ``encrypt_key`` (the AES key as base64 text);
    * :meth:`config` builds an :class:`AlipayConfig` wired to it;
    * ``notify_url`` (settable at any time) is where messages go; ``outbox`` records
      them; :meth:`make_message` signs a message without sending it;
    * ``faults`` injects failures; :meth:`offline` refuses connections outright;
    * ``book`` holds the activities and vouchers; :meth:`advance_clock` moves business
      time (the issuance window), not the clock that request timestamps are checked
      against;
    * ``state``, a path, keeps the book and the outbox in a SQLite file across restarts
      (``_state_file``); messages still pending at the last stop are delivered again.
    """

    def __init__(
        self,
        *,
        app_id: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        notify_url: str | None = None,
        pki: SandboxPKI | None = None,
        encrypt_key: str | None = None,
        max_clock_skew: float = 300.0,
        notify_retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        notify_timeout: float = 5.0,
        seed: int | None = None,
        state: str | os.PathLike[str] | None = None,
    ) -> None:
        self.app_id = app_id or (pki.app_id if pki is not None else DEFAULT_APP_ID)
        self.pki = pki if pki is not None else make_pki(self.app_id)
        self.encrypt_key = encrypt_key or base64.b64encode(os.urandom(16)).decode("ascii")
        self.host = host
        self.port = port
        self.faults = Faults()
        self._state_file: StateFile | None = None
        if state is None:
            self.outbox = Outbox()
            self.book = VoucherBook(clock=self.now, seed=seed)
        else:
            self._state_file = saved = StateFile(Path(state), app_id=self.app_id)
            self.outbox = SavedOutbox(saved)
            self.book = SavedBook(saved, clock=self.now, seed=seed)
            saved.load(self.book, self.outbox)
        self.app_cert_sn = cert_sn(self.pki.app_cert)
        self.alipay_cert_sn = cert_sn(self.pki.alipay_cert)
        self.root_cert_sn = root_cert_sn(self.pki.root_bundle_pem)
        self._clock_offset = _dt.timedelta()
        aes_key = load_aes_key(self.encrypt_key)
        signer = RSAKeySigner(self.pki.alipay_key)
        app_cert_key = self.pki.app_cert.public_key()
        assert app_cert_key is not None
        self._gateway = Gateway(
            verifier=RequestVerifier(
                app_id=self.app_id,
                app_public_key=self.pki.app_key.public_key(),
                app_cert_public_key=app_cert_key,  # type: ignore[arg-type]
                app_cert_sn=self.app_cert_sn,
                root_cert_sn=self.root_cert_sn,
                encrypt_key=aes_key,
                max_clock_skew=max_clock_skew,
            ),
            book=self.book,
            signer=signer,
            alipay_cert_sn=self.alipay_cert_sn,
            encrypt_key=aes_key,
        )
        self._notifier = Notifier(
            signer=signer,
            app_id=self.app_id,
            outbox=self.outbox,
            notify_url=notify_url,
            retry_delays=notify_retry_delays,
            timeout=notify_timeout,
        )
        self._runner: web.AppRunner | None = None
        self._site: web.SockSite | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> Sandbox:
        """Bind and start serving; ``port`` then holds the bound port."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        app = web.Application(middlewares=[access_log])
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._runner = runner
        try:
            await self._listen()
        except BaseException:
            await self.close()
            raise
        for delivery in self.outbox:
            if delivery.state == "pending":  # cut short by the last stop: go on, as Alipay does
                self._notifier.redeliver(delivery)
        return self

    async def close(self) -> None:
        """Stop delivering messages and serving, and close the state file; idempotent."""
        await self._notifier.close()
        runner, self._runner, self._site = self._runner, None, None
        if runner is not None:
            await runner.cleanup()
        if self._state_file is not None:
            self._state_file.close()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _listen(self) -> None:
        assert self._runner is not None
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
        except BaseException:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()
        self._site = site

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def go_offline(self) -> None:
        """Stop listening and cut every open connection: connects are then refused
        (``ClientConnectorError``) until :meth:`go_online`.

        A client that reuses a pooled connection before it has noticed the close sees
        ``ServerDisconnectedError`` instead; the short pause at the end lets clients on
        the same event loop notice.
        """
        site, self._site = self._site, None
        if site is not None:
            await site.stop()
        if self._runner is not None and self._runner.server is not None:
            for connection in self._runner.server.connections:
                connection.force_close()
        await asyncio.sleep(0.01)

    async def go_online(self) -> None:
        """Listen again on the same port."""
        if self._runner is None:
            raise RuntimeError("the sandbox is not running")
        if self._site is None:
            await self._listen()

    @contextlib.asynccontextmanager
    async def offline(self) -> AsyncIterator[None]:
        """``async with sandbox.offline():`` a gateway that refuses connections."""
        await self.go_offline()
        try:
            yield
        finally:
            await self.go_online()

    # ------------------------------------------------------------------ configuration

    def config(
        self, mode: Literal["key", "cert"] = "key", encrypt: bool = False, **overrides: Any
    ) -> AlipayConfig:
        """An :class:`AlipayConfig` for this sandbox's app; ``overrides`` are passed on to
        :meth:`AlipayConfig.key_mode` / :meth:`AlipayConfig.cert_mode` (``retry``,
        ``timeout`` ... or even other keys, to test refusals)."""
        options: dict[str, Any] = {
            "app_id": self.app_id,
            "private_key": self.pki.app_private_key_pem,
            "base_url": self.base_url,
            "encrypt_key": self.encrypt_key,
            "encrypt": encrypt,
        }
        if mode == "key":
            options["alipay_public_key"] = self.pki.alipay_public_key_pem
            options.update(overrides)
            return AlipayConfig.key_mode(**options)
        if mode == "cert":
            options.update(
                app_cert=self.pki.app_cert_pem,
                alipay_cert=self.pki.alipay_cert_pem,
                alipay_root_cert=self.pki.root_bundle_pem,
            )
            options.update(overrides)
            return AlipayConfig.cert_mode(**options)
        raise ValueError(f"mode must be 'key' or 'cert', got {mode!r}")

    # ------------------------------------------------------------------ messages

    @property
    def notify_url(self) -> str | None:
        return self._notifier.notify_url

    @notify_url.setter
    def notify_url(self, url: str | None) -> None:
        self._notifier.notify_url = url

    def make_message(
        self,
        msg_method: str,
        biz_content: Mapping[str, Any] | str | None = None,
        **options: Any,
    ) -> SignedMessage:
        """A message's signed form fields, signed like the ones the sandbox pushes.

        ``msg_method`` may be the full name or its last part (``"expired"``); without
        ``biz_content`` a plausible one is made (:func:`sample_biz_content`). Options:
        ``notify_id``, ``utc_timestamp``, ``version``, ``charset``,
        ``include_sign_type`` (sign by rule V2), ``extra`` (more envelope fields). The
        result is a ``dict`` of the fields; its ``.body`` is the raw form body a
        notification handler receives (``encode_form(fields)``).
        """
        content = sample_biz_content(msg_method) if biz_content is None else biz_content
        return self._notifier.make(msg_method, content, **options)

    def use_voucher(self, voucher_id: str) -> Delivery:
        """Redeem a voucher as a paying user would, and push ``…message.used``."""
        return self._notifier.push([self.book.use(voucher_id)])[0]

    def expire_voucher(self, voucher_id: str) -> Delivery:
        """Expire a voucher now, and push ``…message.expired``."""
        return self._notifier.push([self.book.expire(voucher_id)])[0]

    def redeliver(self, delivery: Delivery) -> None:
        """Deliver a message again (Alipay does send duplicates)."""
        self._notifier.redeliver(delivery)

    # ------------------------------------------------------------------ state and time

    def activity(self, activity_id: str) -> Activity:
        """The sandbox's own record of an activity (``KeyError`` when unknown)."""
        return self.book.activities[activity_id]

    def now(self) -> _dt.datetime:
        """Business time: the wall clock moved by :meth:`advance_clock`."""
        return _dt.datetime.now(_dt.timezone.utc) + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        self._clock_offset += _dt.timedelta(seconds=seconds)

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        fault = self.faults.draw(
            operation_of(request.raw_path), request.headers.get("alipay-request-id")
        )
        if fault is not None and fault.before_gateway:
            return _intercepted(request, fault)
        body = await request.read()
        reply = self._gateway.handle(request.method, request.raw_path, request.headers, body)
        note_code(reply.status, reply.body)
        if fault is Fault.CORRUPT_SIGNATURE:
            signature = _flipped(reply.headers["alipay-signature"])
            reply = attrs.evolve(reply, headers={**reply.headers, "alipay-signature": signature})
        if fault is Fault.DELAY:
            await asyncio.sleep(self.faults.delay)
        try:
            return await _write(request, reply, fault)
        finally:
            self._notifier.push(reply.events)  # after the answer, as Alipay does


def _intercepted(request: web.Request, fault: Fault) -> web.StreamResponse:
    """What a load balancer in front of the gateway does: the request goes no further."""
    if fault is Fault.REFUSE:
        _reset(request.transport)
        return web.Response()  # never written: the connection is gone
    status = int(fault.value)
    reason = "Bad Gateway" if status == 502 else "Service Unavailable"
    page = _ERROR_PAGE.format(status=status, reason=reason)
    return web.Response(status=status, text=page, content_type="text/html")


async def _write(request: web.Request, reply: Reply, fault: Fault | None) -> web.StreamResponse:
    """Send the answer, or as much of it as the fault allows."""
    response = web.StreamResponse(status=reply.status, headers=reply.headers)
    response.content_length = len(reply.body)
    try:
        if fault is Fault.DROP:
            if request.transport is not None:
                request.transport.close()
            return response
        await response.prepare(request)
        if fault is Fault.TRUNCATE:
            await response.write(reply.body[: len(reply.body) // 2])
            if request.transport is not None:
                request.transport.close()
            return response
        await response.write(reply.body)
        await response.write_eof()
    except ConnectionError:
        pass  # the client hung up (e.g. timed out): the change stands, as at Alipay
    return response


async def _finish_remaining_tasks() -> None:
    """Cancel what the loop still runs and wait for it to unwind, as ``asyncio.run``
    does before it closes a loop. A request the sandbox was still holding back (a
    ``delay`` fault) outlives the server's shutdown; left pending, its coroutine would be
    finalised later, in whatever thread collects it, outside the context it ran in."""
    current = asyncio.current_task()
    remaining = [task for task in asyncio.all_tasks() if task is not current]
    for task in remaining:
        task.cancel()
    await asyncio.gather(*remaining, return_exceptions=True)


class SandboxThread:
    """A :class:`Sandbox` on its own event loop in a background thread.

    For blocking code (the sync client, scripts, other test frameworks)::

        with SandboxThread() as running:
            client = VoucherClient(running.sandbox.config())
            running.run(running.sandbox.outbox.wait_for("created"))

    ``run`` awaits a coroutine on the sandbox's loop and ``call`` runs a plain function
    there (both return its result), since the sandbox is not thread-safe apart from
    ``faults``.
    """

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._sandbox: Sandbox | None = None

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            raise RuntimeError("the sandbox thread is not running")
        return self._sandbox

    def start(self) -> SandboxThread:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name="alipay-sandbox", daemon=True)
        self._thread.start()
        ready.wait()
        try:
            self._sandbox = self.run(Sandbox(**self._options).start())
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._sandbox is not None:
            self.run(self._sandbox.close())
            self._sandbox = None
        self.run(_finish_remaining_tasks())
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        self._loop = self._thread = None

    def run(self, coro: Coroutine[Any, Any, _T], timeout: float | None = 30.0) -> _T:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the sandbox thread is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def call(self, func: Callable[..., _T], *args: Any) -> _T:
        async def invoke() -> _T:
            return func(*args)

        return self.run(invoke())

    def __enter__(self) -> SandboxThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
