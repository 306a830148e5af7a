"""The in-process store: the default, right for a single worker process."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from .base import DEFAULT_LEASE, DEFAULT_TTL, Claim, Held, check_windows


class MemoryDedupeStore:
    """Claims held in this process's memory, at most ``max_entries`` of them.

    Several worker processes each have their own, so a message delivered to two
    workers is handled twice: use :class:`SQLiteDedupeStore` or :class:`RedisDedupeStore`
    there. Nothing awaits inside a method, so a claim is atomic on its event loop without a lock.
    """

    def __init__(
        self,
        *,
        max_entries: int = 100_000,
        ttl: float = DEFAULT_TTL,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_windows(lease, ttl)
        # key -> (token, done, expires at)
        self._entries: OrderedDict[str, tuple[str, bool, float]] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl
        self._lease = lease
        self._clock = clock

    async def claim(self, keys: Sequence[str]) -> Claim | Held:
        now = self._clock()
        held: Held | None = None
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None and entry[2] > now:
                if entry[1]:
                    return Held.DONE
                held = Held.IN_FLIGHT
        if held is not None:
            return held
        claim = Claim(tuple(keys))
        self._put(claim, False, now + self._lease)
        return claim

    async def confirm(self, claim: Claim) -> bool:
        if not self._owns(claim):
            return False
        self._put(claim, True, self._clock() + self._ttl)
        return True

    async def release(self, claim: Claim) -> None:
        if self._owns(claim):
            for key in claim.keys:
                self._entries.pop(key, None)

    def _owns(self, claim: Claim) -> bool:
        return all(
            (entry := self._entries.get(key)) is not None and entry[0] == claim.token
            for key in claim.keys
        )

    def _put(self, claim: Claim, done: bool, expires: float) -> None:
        for key in claim.keys:
            self._entries[key] = (claim.token, done, expires)
            self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
