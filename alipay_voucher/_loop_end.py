"""Closing a client's own aiohttp session when its event loop ends.

A session can only be closed on the loop it was made on. A client used inside
``asyncio.run(...)`` and closed after it (or never) would otherwise hold a session whose
loop is gone: nothing can close it any more, and its sockets surface later as
``ResourceWarning``. asyncio offers one moment at which a loop that is ending still
runs code: ``loop.shutdown_asyncgens()``, which ``asyncio.run``, ``asyncio.Runner``,
pytest-asyncio and the blocking client's loop thread all call before closing the loop.
It closes every async generator started on the loop, running its ``finally``. The guard
below is such a generator: started on the client's first call, its ``finally`` closes
the session. ``aclose()`` closes it first when the client is closed in time.

The guard holds the session state weakly: a client that is dropped unclosed is still
reported by its finalizer, and the guard then closes nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncGenerator
from typing import Protocol

import aiohttp

__all__ = ["LoopEndGuard", "start_guard"]

LoopEndGuard = AsyncGenerator[None, None]


class _HasSession(Protocol):
    session: aiohttp.ClientSession | None
    owned: bool


async def _close_at_loop_end(state: weakref.ref[_HasSession]) -> LoopEndGuard:
    try:
        yield
    finally:
        alive = state()
        session = alive.session if alive is not None else None
        if alive is not None and alive.owned and session is not None and not session.closed:
            await session.close()


async def start_guard(state: _HasSession) -> LoopEndGuard:
    """Start a guard on the running loop: the session of ``state`` is closed when the loop
    ends (at ``shutdown_asyncgens``), or when the guard's ``aclose()`` is awaited."""
    guard = _close_at_loop_end(weakref.ref(state))
    await guard.asend(None)  # runs to the ``yield``: the loop now knows the generator
    return guard
