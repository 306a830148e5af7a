"""One inbound message, end to end: bound, verify, claim, call back, acknowledge.

:class:`NotificationReceiver` is the only place that decides how a delivery is
answered; :func:`aiohttp_handler` and the framework recipes in the README only move
bytes in and a :class:`Reply` out. The answers tell Alipay what to do next:

========  ===============================================================
200       ``success``: handled now or before; do not deliver again
400       the message is not verifiably Alipay's for this app; never handled
409       another worker is handling it right now; deliver again later
413       the body is over 64 KiB; refused before parsing
500       the callback failed; the claim is released, deliver again
503       the dedupe store is unreachable; nothing ran, deliver again
========  ===============================================================
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import attrs

from .config import AlipayConfig
from .dedupe import Claim, DedupeStore, Held, MemoryDedupeStore
from .errors import (
    DedupeStoreError,
    NotificationError,
    NotificationTooLargeError,
    SignatureVerificationError,
)
from .notify import MAX_BODY, SUCCESS, Notification, NotificationHub, parse_notification

if TYPE_CHECKING:
    from aiohttp import web

    from ._loop_thread import LoopThread

__all__ = ["NotificationReceiver", "Reply", "aiohttp_handler"]

_log = logging.getLogger("alipay_voucher")

Callback = Callable[[Notification], "Awaitable[None] | None"]


@attrs.frozen
class Reply:
    """What to answer: an HTTP status and a ``text/plain`` body."""

    status: int
    text: str
    content_type = "text/plain"

    @property
    def acknowledged(self) -> bool:
        """Alipay will stop delivering this message."""
        return self.text == SUCCESS


HANDLED = Reply(200, SUCCESS)
REFUSED = Reply(400, "fail")
IN_FLIGHT = Reply(409, "fail")
TOO_LARGE = Reply(413, "fail")
FAILED = Reply(500, "fail")
UNAVAILABLE = Reply(503, "fail")


class NotificationReceiver:
    """Handles each message exactly once across every process sharing ``dedupe``.

    ``callback`` gets the verified :class:`Notification`; it may be a coroutine
    function or a plain one. ``success`` is answered only after it returned, and only
    the one caller holding the message's claim runs it. ``dedupe`` defaults to a
    :class:`MemoryDedupeStore`, right for one process only: with several workers give
    them one :class:`SQLiteDedupeStore` file (one host) or a :class:`RedisDedupeStore`
    (several hosts).
    """

    def __init__(
        self,
        config: AlipayConfig,
        callback: Callback,
        *,
        dedupe: DedupeStore | None = None,
        max_age: float | None = None,
        hub: NotificationHub | None = None,
    ) -> None:
        self.config = config
        self.callback = callback
        self.dedupe: DedupeStore = dedupe if dedupe is not None else MemoryDedupeStore()
        self.max_age = max_age
        self.hub = hub
        self._runner: LoopThread | None = None

    async def handle(self, body: bytes) -> Reply:
        """Handle one raw request body on the running event loop."""
        admitted = await self._admit(body)
        if isinstance(admitted, Reply):
            return admitted
        error: BaseException | None = None
        try:
            result = self.callback(admitted[0])
            if inspect.isawaitable(result):
                await result
        except BaseException as exc:  # settled below: released, and re-raised if not an Exception
            error = exc
        return await self._settle(*admitted, error)

    def handle_blocking(self, body: bytes) -> Reply:
        """Handle one raw request body from a thread (Django, Flask, any WSGI app).

        The callback runs in the calling thread (where the framework's database
        connection lives); the store is used on a private event-loop thread shared by every
        thread that calls this receiver.
        """
        runner = self._blocking_runner()
        admitted = runner.run(self._admit(body))
        if isinstance(admitted, Reply):
            return admitted
        error: BaseException | None = None
        try:
            result = self.callback(admitted[0])
            if inspect.isawaitable(result):
                runner.run(_awaited(result))
        except BaseException as exc:
            error = exc
        return runner.run(self._settle(*admitted, error))

    def close(self) -> None:
        """Stop the private loop of :meth:`handle_blocking`, if it was ever used."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.close()

    # ----------------------------------------------------------------- steps

    async def _admit(self, body: bytes) -> Reply | tuple[Notification, Claim]:
        if len(body) > MAX_BODY:
            _log.warning("refused an inbound message of %d bytes (limit %d)", len(body), MAX_BODY)
            return TOO_LARGE
        try:
            notification = parse_notification(body, self.config, max_age=self.max_age)
        except NotificationTooLargeError:
            return TOO_LARGE
        except (SignatureVerificationError, NotificationError) as exc:
            _log.warning("refused an inbound message: %s", exc)
            return REFUSED
        try:
            claim = await self.dedupe.claim(notification.dedupe_keys)
        except DedupeStoreError as exc:
            _log.error("message %s not handled, Alipay will redeliver: %s", _id(notification), exc)
            return UNAVAILABLE
        if claim is Held.DONE:
            return HANDLED
        if claim is Held.IN_FLIGHT:
            return IN_FLIGHT
        return notification, claim

    async def _settle(
        self, notification: Notification, claim: Claim, error: BaseException | None
    ) -> Reply:
        """Confirm the claim after a callback that returned, release it after one that
        raised; an interruption (cancellation, ``KeyboardInterrupt``) goes on after the
        release, so the redelivery is handled at once rather than after the lease."""
        if error is None:
            return await self._handled(notification, claim)
        if isinstance(error, Exception):
            _log.error(
                "the notification callback failed for %s; Alipay will redeliver",
                _id(notification),
                exc_info=error,
            )
            await self._release_quietly(claim)
            return FAILED
        await self._release_quietly(claim)
        raise error

    async def _handled(self, notification: Notification, claim: Claim) -> Reply:
        try:
            if not await self.dedupe.confirm(claim):
                _log.warning(
                    "message %s was handled after its claim's lease ran out; another worker "
                    "may handle it too: raise the store's lease above the callback's duration",
                    _id(notification),
                )
        except DedupeStoreError as exc:
            # Handled all the same: acknowledge, so Alipay stops delivering it; the
            # unconfirmed claim just expires.
            _log.error("message %s handled but not confirmed: %s", _id(notification), exc)
        if self.hub is not None:
            self.hub.publish(notification)
        return HANDLED

    async def _release_quietly(self, claim: Claim) -> None:
        try:
            await self.dedupe.release(claim)
        except DedupeStoreError as exc:
            _log.error("could not release a claim (it expires after its lease): %s", exc)

    def _blocking_runner(self) -> LoopThread:
        if self._runner is None:
            from ._loop_thread import LoopThread

            self._runner = LoopThread("NotificationReceiver")
        return self._runner


async def _awaited(result: Awaitable[Any]) -> None:
    await result


def _id(notification: Notification) -> str:
    return f"{notification.msg_method} {notification.notify_id}"


# --------------------------------------------------------------------------- aiohttp


def aiohttp_handler(
    config: AlipayConfig,
    callback: Callback,
    *,
    dedupe: DedupeStore | None = None,
    max_age: float | None = None,
    hub: NotificationHub | None = None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp.web handler around a :class:`NotificationReceiver` (same arguments).

    The body is read up to the 64 KiB limit and no further: a larger one is answered
    413 without being buffered.
    """
    from aiohttp import web

    receiver = NotificationReceiver(config, callback, dedupe=dedupe, max_age=max_age, hub=hub)

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await _read_bounded(request)
        if body is None:
            _log.warning("refused an inbound message of over %d bytes (the limit)", MAX_BODY)
            reply = TOO_LARGE
        else:
            reply = await receiver.handle(body)
        return web.Response(status=reply.status, text=reply.text, content_type=reply.content_type)

    return handle


async def _read_bounded(request: web.Request) -> bytes | None:
    """The body, or ``None`` once it is known to exceed :data:`MAX_BODY`."""
    length = request.content_length
    if length is not None and length > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16384):
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
