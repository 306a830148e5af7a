"""The stores under test, each with a way to move its clock past a lease or a ttl."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import attrs
import pytest

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
    advance: Callable[[float], Awaitable[object]]
    """Let ``seconds`` pass for the store (async: may really wait)."""
    twin: DedupeStore
    """A second store over the same data, as another process would open it."""


async def _jump(clock: FakeClock, seconds: float) -> None:
    clock.now += seconds


@asynccontextmanager
async def memory_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StoreUnderTest]:
    clock = FakeClock()
    store = MemoryDedupeStore(lease=LEASE, ttl=TTL, clock=clock)
    yield StoreUnderTest(store, lambda s: _jump(clock, s), store)


@asynccontextmanager
async def sqlite_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StoreUnderTest]:
    clock = FakeClock()
    path = tmp_path / "claims.sqlite3"
    store = SQLiteDedupeStore(path, lease=LEASE, ttl=TTL, clock=clock)
    twin = SQLiteDedupeStore(path, lease=LEASE, ttl=TTL, clock=clock)
    try:
        yield StoreUnderTest(store, lambda s: _jump(clock, s), twin)
    finally:
        store.close()
        twin.close()


@asynccontextmanager
async def redis_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StoreUnderTest]:
    from redis.asyncio import Redis

    from alipay_voucher.dedupe import RedisDedupeStore

    url = request.getfixturevalue("redis_url")
    prefix = f"test-{uuid.uuid4().hex}:"
    client = Redis.from_url(url)
    store = RedisDedupeStore(client, lease=LEASE, ttl=TTL, prefix=prefix)
    twin = RedisDedupeStore(url, lease=LEASE, ttl=TTL, prefix=prefix)

    async def advance(seconds: float) -> None:
        # Redis keeps its own time; instead of waiting, every key of this test is
        # brought that much closer to its expiry (and dropped if it is past it).
        async for key in client.scan_iter(match=prefix + "*"):
            left = await client.pttl(key)
            if left - seconds * 1000 <= 0:
                await client.delete(key)
            else:
                await client.pexpire(key, int(left - seconds * 1000))

    try:
        yield StoreUnderTest(store, advance, twin)
    finally:
        await twin.aclose()
        await client.aclose()


STORES = {"memory": memory_store, "sqlite": sqlite_store, "redis": redis_store}
