"""A catch-all aiohttp server on 127.0.0.1 and a free port, for scripted test gateways."""

from __future__ import annotations

from typing import Any, TypeVar

from aiohttp import web

_S = TypeVar("_S", bound="LoopbackServer")


class LoopbackServer:
    """Routes every method and path to ``_handle``; ``base_url`` is set once started."""

    base_url = ""
    runner_options: dict[str, Any] = {}  # noqa: RUF012 - read-only default, replaced per instance
    """Extra ``web.AppRunner`` options (``keepalive_timeout``, say)."""
    _runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    async def start(self: _S) -> _S:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, **self.runner_options
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self: _S) -> _S:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
