"""A limit on request starts that holds in every one-second window, the first included.

Alipay counts an app's requests per second. A token bucket that starts full lets
twice the rate through in the first second (the full bucket plus a second's refill),
and again after any pause. This limiter keeps the start times of the last ``n``
grants (``n`` the whole part of the rate) and lets a request start only when the
oldest of them is a full window old, so no window of one second ever holds more than
``rate`` starts. The long-run pace is ``rate`` rounded down to a whole number per
second (below one per second: one start every ``1/rate`` seconds).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from .errors import RequestValidationError

__all__ = ["Quota", "RateLimiter", "check_concurrency", "check_rate"]

_GUARD = 0.002
"""Seconds added to each window, so that the caller's clock and the counter at Alipay
disagreeing by a little never puts one request too many into a second."""

# The clock and the pause of limiters made without their own; tests swap them for a
# fake pair to count starts per window without waiting for real seconds.
default_clock: Callable[[], float] = time.monotonic
default_sleep: Callable[[float], Awaitable[object]] = asyncio.sleep


def check_rate(rate: float | None) -> float | None:
    """``rate`` if it is a usable number of requests per second (or None: no limit)."""
    if rate is None:
        return None
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise RequestValidationError(
            f"rate must be a number of requests per second, got {rate!r}.", field="rate"
        )
    if not (rate > 0 and math.isfinite(rate)):
        raise RequestValidationError(
            f"rate must be a positive number of requests per second, got {rate!r}; "
            "leave it out (None) for no limit.",
            field="rate",
        )
    return float(rate)


def check_concurrency(limit: int | None, name: str = "max_concurrency") -> int | None:
    """``limit`` if it is a usable number of requests in flight (or None: no limit)."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise RequestValidationError(
            f"{name} must be a whole number of requests, at least 1, got {limit!r}; "
            "leave it out (None) for no limit.",
            field=name,
        )
    return limit


class RateLimiter:
    """At most ``rate`` starts in any one-second window; see the module docstring.

    ``clock`` and ``sleep`` default to :data:`default_clock` and :data:`default_sleep`
    (the monotonic clock and ``asyncio.sleep``).
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        checked = check_rate(rate)
        assert checked is not None
        self.rate = checked
        self._per_window = max(1, math.floor(checked))
        # floor(rate) starts per second; below one per second, one per 1/rate seconds.
        self._window = max(1.0, 1.0 / checked) + _GUARD
        self._starts: collections.deque[float] = collections.deque()
        self._lock = asyncio.Lock()
        self._clock = clock or default_clock
        self._sleep = sleep or default_sleep

    async def acquire(self) -> None:
        """Wait until one more request may start now, and count it as started."""
        async with self._lock:
            starts = self._starts
            # Starts a full window old count no more: forgotten now, so that a high rate
            # (a client's quota of thousands) does not keep thousands of them.
            expired = self._clock() - self._window
            while starts and starts[0] <= expired:
                starts.popleft()
            while len(starts) >= self._per_window:
                wait = starts[0] + self._window - self._clock()
                if wait <= 0:
                    starts.popleft()
                else:
                    await self._sleep(wait)
            starts.append(self._clock())


class Quota:
    """A client's limits, shared by every call of the client and of its copies: at most
    ``rate`` request starts in any one-second window and ``max_concurrency`` requests in
    flight. Each attempt (a retry too: Alipay counts it) holds one :meth:`slot`.
    """

    def __init__(self, rate: float | None = None, max_concurrency: int | None = None) -> None:
        checked = check_rate(rate)
        self.max_concurrency = check_concurrency(max_concurrency)
        self.limiter = RateLimiter(checked) if checked is not None else None
        self._semaphore = (
            asyncio.Semaphore(self.max_concurrency) if self.max_concurrency is not None else None
        )

    @property
    def rate(self) -> float | None:
        return self.limiter.rate if self.limiter is not None else None

    def __bool__(self) -> bool:
        return self.limiter is not None or self._semaphore is not None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for room in flight, then for a start in the rate (in that order: a start
        counted while still waiting for room could fall into the next window too)."""
        semaphore = self._semaphore
        if semaphore is not None:
            await semaphore.acquire()
        try:
            if self.limiter is not None:
                await self.limiter.acquire()
            yield
        finally:
            if semaphore is not None:
                semaphore.release()
