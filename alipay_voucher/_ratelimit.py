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
import math
import time

from .errors import RequestValidationError

__all__ = ["RateLimiter", "check_rate"]

_GUARD = 0.002
"""Seconds added to each window, so that the caller's clock and the counter at Alipay
disagreeing by a little never puts one request too many into a second."""


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


class RateLimiter:
    """At most ``rate`` starts in any one-second window; see the module docstring."""

    def __init__(self, rate: float) -> None:
        checked = check_rate(rate)
        assert checked is not None
        self.rate = checked
        self._per_window = max(1, math.floor(checked))
        # floor(rate) starts per second; below one per second, one per 1/rate seconds.
        self._window = max(1.0, 1.0 / checked) + _GUARD
        self._starts: collections.deque[float] = collections.deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more request may start now, and count it as started."""
        async with self._lock:
            starts = self._starts
            while len(starts) >= self._per_window:
                wait = starts[0] + self._window - time.monotonic()
                if wait <= 0:
                    starts.popleft()
                else:
                    await asyncio.sleep(wait)
            starts.append(time.monotonic())
