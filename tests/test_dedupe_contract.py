"""The claim contract, one suite for every store: memory, SQLite and a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alipay_voucher.dedupe import Claim, Held
from alipay_voucher.errors import ConfigurationError

from .dedupe_stores import LEASE, STORES, TTL, StoreUnderTest

KEYS = ("notify:1", "alipay.marketing.activity.message.created:e1")


@pytest.fixture(params=sorted(STORES))
async def sut(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreUnderTest]:
    async with STORES[request.param](request, tmp_path) as under_test:
        yield under_test


async def test_one_claim_while_in_flight(sut: StoreUnderTest) -> None:
    first = await sut.store.claim(KEYS)
    assert isinstance(first, Claim) and first.keys == KEYS
    assert await sut.store.claim(KEYS) is Held.IN_FLIGHT
    assert await sut.twin.claim(KEYS) is Held.IN_FLIGHT
    # One shared key is enough: the same event under a new notify_id is the same message.
    assert await sut.twin.claim(("notify:2", KEYS[1])) is Held.IN_FLIGHT


async def test_confirmed_is_done_for_the_ttl(sut: StoreUnderTest) -> None:
    claim = await sut.store.claim(KEYS)
    assert isinstance(claim, Claim)
    assert await sut.store.confirm(claim)
    assert await sut.twin.claim(KEYS) is Held.DONE
    await sut.advance(TTL - 5)
    assert await sut.twin.claim(KEYS[:1]) is Held.DONE
    await sut.advance(10)
    assert isinstance(await sut.twin.claim(KEYS), Claim)


async def test_released_is_claimable_again(sut: StoreUnderTest) -> None:
    claim = await sut.store.claim(KEYS)
    assert isinstance(claim, Claim)
    await sut.store.release(claim)
    again = await sut.twin.claim(KEYS)
    assert isinstance(again, Claim) and again.token != claim.token


async def test_a_crashed_claim_expires_after_the_lease(sut: StoreUnderTest) -> None:
    stale = await sut.store.claim(KEYS)
    assert isinstance(stale, Claim)
    await sut.advance(LEASE - 5)
    assert await sut.twin.claim(KEYS) is Held.IN_FLIGHT
    await sut.advance(10)
    taken_over = await sut.twin.claim(KEYS)
    assert isinstance(taken_over, Claim)
    # The first holder's late answers touch nothing of the new holder's claim.
    assert not await sut.store.confirm(stale)
    await sut.store.release(stale)
    assert await sut.store.claim(KEYS) is Held.IN_FLIGHT
    assert await sut.twin.confirm(taken_over)
    assert await sut.store.claim(KEYS) is Held.DONE


async def test_all_keys_or_none(sut: StoreUnderTest) -> None:
    held = await sut.store.claim(KEYS[1:])
    assert isinstance(held, Claim)
    assert await sut.twin.claim(KEYS) is Held.IN_FLIGHT
    await sut.store.release(held)
    # notify:1 was not left claimed by the refused attempt.
    assert isinstance(await sut.twin.claim(KEYS[:1]), Claim)


async def test_done_wins_over_in_flight(sut: StoreUnderTest) -> None:
    done = await sut.store.claim(KEYS[:1])
    assert isinstance(done, Claim) and await sut.store.confirm(done)
    assert isinstance(await sut.store.claim(KEYS[1:]), Claim)
    assert await sut.twin.claim(KEYS) is Held.DONE


async def test_concurrent_claims_one_winner(sut: StoreUnderTest) -> None:
    outcomes = await asyncio.gather(
        *(store.claim(KEYS) for _ in range(20) for store in (sut.store, sut.twin))
    )
    assert sum(isinstance(o, Claim) for o in outcomes) == 1
    assert sum(o is Held.IN_FLIGHT for o in outcomes) == 39


@pytest.mark.parametrize("lease, ttl", [(0, 10), (-1, 10), (60, 30)])
def test_bad_windows_are_refused(tmp_path: Path, lease: float, ttl: float) -> None:
    from alipay_voucher.dedupe import MemoryDedupeStore, SQLiteDedupeStore

    with pytest.raises(ConfigurationError, match="lease"):
        MemoryDedupeStore(lease=lease, ttl=ttl)
    with pytest.raises(ConfigurationError, match="lease"):
        SQLiteDedupeStore(tmp_path / "x.sqlite3", lease=lease, ttl=ttl)


async def test_memory_store_is_bounded() -> None:
    from alipay_voucher.dedupe import MemoryDedupeStore

    store = MemoryDedupeStore(max_entries=2)
    for key in "abc":
        claim = await store.claim([key])
        assert isinstance(claim, Claim)
    assert len(store) == 2
    assert isinstance(await store.claim(["a"]), Claim)  # the oldest went first
    assert await store.claim(["c"]) is Held.IN_FLIGHT
