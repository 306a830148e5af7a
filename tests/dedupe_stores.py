"""The stores under test, each with a way to move its clock past a lease or a ttl."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import attrs

from alipay_voucher.dedupe import DedupeStore, MemoryDedupeStore, SQLiteDedupeStore

LEASE = 60.0
TTL = 600.0


@attrs.define
class FakeClock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@attrs.frozen
class StoreUnderTest:
    store: DedupeStore
    advance: Callable[[float], object]
    """Let ``seconds`` pass for the store (async: may really wait)."""
    twin: DedupeStore
    """A second store over the same data, as another process would open it."""


async def _jump(clock: FakeClock, seconds: float) -> None:
    clock.now += seconds


@asynccontextmanager
async def memory_store(tmp_path: Path) -> AsyncIterator[StoreUnderTest]:
    clock = FakeClock()
    store = MemoryDedupeStore(lease=LEASE, ttl=TTL, clock=clock)
    yield StoreUnderTest(store, lambda s: _jump(clock, s), store)


@asynccontextmanager
async def sqlite_store(tmp_path: Path) -> AsyncIterator[StoreUnderTest]:
    clock = FakeClock()
    path = tmp_path / "claims.sqlite3"
    store = SQLiteDedupeStore(path, lease=LEASE, ttl=TTL, clock=clock)
    twin = SQLiteDedupeStore(path, lease=LEASE, ttl=TTL, clock=clock)
    try:
        yield StoreUnderTest(store, lambda s: _jump(clock, s), twin)
    finally:
        store.close()
        twin.close()


STORES = {"memory": memory_store, "sqlite": sqlite_store}
