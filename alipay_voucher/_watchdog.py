"""One loop timer that bounds every in-flight attempt of a transport.

aiohttp's per-request ``ClientTimeout(total=...)`` schedules a timer handle and enters a
timer context for every request, and cancels both when the answer is in: about 10 µs
of CPU per call, 2 % of a signed ``send``. Here an attempt only puts a small guard in a
set; a single timer, set for the earliest deadline, cancels the attempts that overrun
it. Deadlines are seconds long and answers take milliseconds, so the timer fires about
once per timeout period, whatever the call rate.

The cancellation is turned back into a timeout by the attempt that owns the guard
(:meth:`Guard.expired_by_us`, :meth:`Guard.settle`), the way ``asyncio.timeout`` does
it: a cancellation that came from anyone else (the caller's own ``task.cancel()``) goes
on as a cancellation.
"""

from __future__ import annotations

import asyncio
import math
import sys

__all__ = ["Guard", "Watchdog"]

_EARLY = 0.001
"""A timer may fire up to the loop's clock resolution early; count that as on time."""


class Guard:
    """One attempt's deadline and the task it may cancel."""

    __slots__ = ("cancelling", "deadline", "expired", "task")

    def __init__(self, deadline: float, task: asyncio.Task[object]) -> None:
        self.deadline = deadline
        self.task = task
        self.expired = False
        # How many cancellations were already pending when the attempt began (3.11+):
        # only one more than that, made by the watchdog, is ours to absorb.
        self.cancelling = 0
        if sys.version_info >= (3, 11):
            self.cancelling = task.cancelling()

    def expired_by_us(self) -> bool:
        """After a ``CancelledError``: was it the watchdog's? If so, it is withdrawn
        (``uncancel``) and the caller reports a timeout; otherwise it must propagate."""
        if not self.expired:
            return False
        if sys.version_info >= (3, 11):
            return self.task.uncancel() <= self.cancelling
        return True  # 3.10 cannot tell; aiohttp's own timer makes the same call

    async def settle(self) -> None:
        """Withdraw the watchdog's cancellation when the attempt ended without it
        (answered just in time, or failed some other way): a cancellation still pending
        would otherwise hit the caller's next ``await``."""
        if sys.version_info >= (3, 11) and self.task.cancelling() <= self.cancelling:
            return  # already withdrawn by expired_by_us()
        try:
            await asyncio.sleep(0)  # a pending cancellation lands here, where it is ours
        except asyncio.CancelledError:
            if not self.expired_by_us():
                raise
            return
        if sys.version_info >= (3, 11):
            self.task.uncancel()  # it was swallowed on the way: keep the count exact


class Watchdog:
    """The deadlines of one event loop's in-flight attempts, enforced by one timer."""

    __slots__ = ("_guards", "_handle", "_loop", "_wake_at")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._guards: set[Guard] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._wake_at = math.inf

    def start(self, timeout: float, task: asyncio.Task[object]) -> Guard:
        """Bound ``task`` to ``timeout`` seconds from now; :meth:`stop` the guard after."""
        guard = Guard(self._loop.time() + timeout, task)
        self._guards.add(guard)
        if guard.deadline < self._wake_at:
            self._arm(guard.deadline)
        return guard

    def stop(self, guard: Guard) -> None:
        # The timer stays armed: when it fires with nothing overdue it re-arms for the
        # earliest deadline left, or goes idle. (Closing the client leaves it too: calls
        # still in flight on an injected session keep their deadlines.)
        self._guards.discard(guard)

    def _arm(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._wake_at = when
        self._handle = self._loop.call_at(when, self._fire)

    def _fire(self) -> None:
        self._handle = None
        self._wake_at = math.inf
        now = self._loop.time() + _EARLY
        earliest = math.inf
        for guard in list(self._guards):
            if guard.deadline <= now:
                self._guards.discard(guard)
                guard.expired = True
                guard.task.cancel()
            elif guard.deadline < earliest:
                earliest = guard.deadline
        if earliest < math.inf:
            self._arm(earliest)
