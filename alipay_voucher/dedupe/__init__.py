"""Exactly-once handling of inbound messages: the claim protocol and its stores.

Alipay delivers a message at least once, and a service behind several workers (or
hosts) may receive the same message in several places at the same moment. Asking
"seen?" before the callback and saying "remember" after it lets both deliveries run
the callback, so a store here hands out *claims* instead:

* :meth:`DedupeStore.claim` succeeds for exactly one caller while the message is in
  flight or done; everybody else learns which of the two it is (:class:`Held`);
* :meth:`DedupeStore.confirm` after the callback succeeded keeps the message as done
  for the dedupe window (default two days, longer than Alipay's redelivery window);
* :meth:`DedupeStore.release` after the callback failed, so the redelivery is handled;
* a claim nobody confirms or releases (its process crashed) expires after a *lease*
  (default five minutes), so no message is lost.

A :class:`Claim` carries a random token: a process whose lease ran out cannot confirm
or release the claim somebody else has taken over since.

Stores: :class:`MemoryDedupeStore` (one process), :class:`SQLiteDedupeStore` (the
processes of one host) and :class:`RedisDedupeStore` (a fleet of hosts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import DEFAULT_LEASE, DEFAULT_TTL, Claim, DedupeStore, Held
from .memory import MemoryDedupeStore

if TYPE_CHECKING:
    from .redis import RedisDedupeStore
    from .sqlite import SQLiteDedupeStore

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_TTL",
    "Claim",
    "DedupeStore",
    "Held",
    "MemoryDedupeStore",
    "RedisDedupeStore",
    "SQLiteDedupeStore",
]


def __getattr__(name: str) -> Any:
    # The SQLite and Redis stores import their drivers only when asked for.
    if name == "SQLiteDedupeStore":
        from .sqlite import SQLiteDedupeStore

        return SQLiteDedupeStore
    if name == "RedisDedupeStore":
        from .redis import RedisDedupeStore

        return RedisDedupeStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
