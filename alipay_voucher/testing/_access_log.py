"""The sandbox's access log: one INFO record per request on ``alipay_voucher.sandbox``.

Each line says what a developer watching a sandbox wants to know about a request:
method, path, HTTP status, the Alipay error code when there was one, and how long the
answer took. ``alipay-voucher sandbox -v`` shows them; a test can read them with
``caplog``. The query string is left out of the line: it can carry user ids.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Final

from aiohttp import web

__all__ = ["access_log", "logger", "note_code"]

logger: Final = logging.getLogger("alipay_voucher.sandbox")

# The handler runs in the middleware's task, so a context variable carries the code
# from one to the other without touching the request's storage.
_code: ContextVar[str | None] = ContextVar("alipay_voucher_sandbox_code", default=None)

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def note_code(status: int, body: bytes) -> None:
    """Remember the error code of an answer (its JSON ``code``) for the access log."""
    if status < 400:
        return
    try:
        code = json.loads(body).get("code")
    except (ValueError, AttributeError):
        return
    if isinstance(code, str):
        _code.set(code)


@web.middleware
async def access_log(request: web.Request, handler: _Handler) -> web.StreamResponse:
    """Time the request and log it once it is answered (or failed)."""
    started = time.perf_counter()
    token = _code.set(None)
    status: int | str = "-"
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        code = _code.get()
        _code.reset(token)
        if logger.isEnabledFor(logging.INFO):
            elapsed = (time.perf_counter() - started) * 1000
            logger.info(
                "%s %s -> %s %s in %.1f ms",
                request.method,
                request.path,
                status,
                code or "-",
                elapsed,
                extra={
                    "sandbox_method": request.method,
                    "sandbox_path": request.path,
                    "sandbox_status": status,
                    "sandbox_code": code,
                    "sandbox_latency": elapsed / 1000,
                },
            )
