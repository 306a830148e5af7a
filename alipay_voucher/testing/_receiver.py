"""A merchant's message endpoint on loopback, for demos and tests.

It plays the other side of :mod:`._notifier`: it records every POST exactly as it
arrived, answers ``success`` (or whatever a test scripts, to provoke redelivery), and
lets a caller wait for a message. Verification is pluggable (``verify=``) so that the
SDK's own :func:`alipay_voucher.notify.parse_notification` can be exercised through it.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import attrs
from aiohttp import web

__all__ = ["NotifyReceiver", "Received"]


@attrs.frozen
class Received:
    """One POST: the raw body, its fields (decoded once), and how it was answered."""

    body: bytes
    params: dict[str, str]
    status: int
    parsed: Any = None
    """What ``verify`` returned (e.g. a ``Notification``), when it was given."""
    error: str | None = None
    """Why ``verify`` refused it."""

    @property
    def msg_method(self) -> str | None:
        return self.params.get("msg_method")

    @property
    def biz_content(self) -> dict[str, Any]:
        try:
            content = json.loads(self.params.get("biz_content", ""))
        except ValueError:
            return {}
        return content if isinstance(content, dict) else {}

    @property
    def acknowledged(self) -> bool:
        return self.status == 200 and self.error is None


class NotifyReceiver:
    """``async with NotifyReceiver() as receiver:`` then point ``notify_url`` at
    ``receiver.url``. ``verify(body)`` may raise to refuse a message (answered 400)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verify: Callable[[bytes], Any] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.verify = verify
        self.received: list[Received] = []
        self._script: deque[tuple[int, str]] = deque()
        self._runner: web.AppRunner | None = None
        self._arrived: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/notify"

    def answer_next(self, count: int = 1, *, status: int = 500, body: str = "fail") -> None:
        """Answer the next ``count`` messages with this instead of ``success``."""
        self._script.extend([(status, body)] * count)

    def acknowledged(self, msg_method: str | None = None) -> list[Received]:
        return [
            r
            for r in self.received
            if r.acknowledged and (msg_method is None or _same_method(r.msg_method, msg_method))
        ]

    async def wait_for(
        self,
        msg_method: str | None = None,
        *,
        activity_id: str | None = None,
        timeout: float = 5.0,
    ) -> Received:
        """The first acknowledged message of this kind (and activity), waiting if need be."""

        def find() -> Received | None:
            for item in self.acknowledged(msg_method):
                if activity_id is None or item.biz_content.get("activity_id") == activity_id:
                    return item
            return None

        async def poll() -> Received:
            while True:
                found = find()
                if found is not None:
                    return found
                self._arrived = self._arrived or asyncio.Event()
                await self._arrived.wait()
                self._arrived.clear()

        return await asyncio.wait_for(poll(), timeout)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        parsed: Any = None
        error: str | None = None
        if self.verify is not None:
            try:
                parsed = self.verify(body)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
        status, text = (400, "fail") if error else (200, "success")
        if error is None and self._script:
            status, text = self._script.popleft()
        self.received.append(Received(body, params, status, parsed, error))
        if self._arrived is not None:
            self._arrived.set()
        return web.Response(status=status, text=text, content_type="text/plain")

    async def start(self) -> NotifyReceiver:
        app = web.Application()
        app.router.add_post("/notify", self._handle)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        if self.port == 0:
            self.port = _bound_port(runner)
        return self

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> NotifyReceiver:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _same_method(actual: str | None, wanted: str) -> bool:
    return actual is not None and (actual == wanted or actual.rsplit(".", 1)[-1] == wanted)


def _bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("the receiver did not bind a TCP port")
