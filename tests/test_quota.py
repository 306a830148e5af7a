"""The client-wide quota: ``rate`` request starts in any one-second window, and at most
``max_concurrency`` requests in flight, across every call of a client and its copies.

Starts are counted on a fake clock (the limiter's clock and pause are swapped for a
pair that moves time only when the limiter waits), so each test counts starts per
window and never waits real seconds nor measures a duration. Tests that take a
``make_client`` run for AsyncVoucherClient and VoucherClient.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from aiohttp import web

from alipay_voucher import _ratelimit
from alipay_voucher.client import AsyncVoucherClient, Hooks, RequestEvent
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import RequestValidationError
from alipay_voucher.sync import VoucherClient
from alipay_voucher.testing import Sandbox
from tests.clients import FakeAlipay, MakeClient, SandboxConfig, gateway_config
from tests.sandbox_log import SandboxRequests

ACTIVITY = "2016042700826004508401111111"


class FakeClock:
    """Time that moves only when a limiter pauses (by exactly the pause asked for)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def read(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    fake = FakeClock()
    monkeypatch.setattr(_ratelimit, "default_clock", fake.read)
    monkeypatch.setattr(_ratelimit, "default_sleep", fake.sleep)
    yield fake


def fullest_window(starts: Sequence[float]) -> int:
    """The most starts in any one-second window (the fullest opens at a start)."""
    ordered = sorted(starts)
    return max(sum(1 for t in ordered[i:] if t < s + 1.0) for i, s in enumerate(ordered))


def start_recorder(clock: FakeClock) -> tuple[list[float], Hooks]:
    """Hooks that note the fake time at which each attempt starts."""
    starts: list[float] = []

    def record(event: RequestEvent) -> None:
        starts.append(clock.read())

    return starts, Hooks(on_request=record)


def user(n: int) -> str:
    return f"2088{n:012d}"


async def test_the_rate_holds_in_every_second_across_concurrent_calls(
    make_client: MakeClient,
    sandbox_config: SandboxConfig,
    sandbox_requests: SandboxRequests,
    sandbox_activity: str,
    clock: FakeClock,
) -> None:
    starts, hooks = start_recorder(clock)
    driver = make_client(sandbox_config(), rate=3, hooks=hooks)
    results = await asyncio.gather(
        *(
            driver.call("send", {"activity_id": sandbox_activity, "user_id": user(n)})
            for n in range(14)
        )
    )
    assert len(results) == 14 == len(starts) == len(sandbox_requests("send"))
    assert fullest_window(starts) == 3
    # The first second is a window like any other: three starts at once, not six.
    assert sorted(starts)[:4] == [1000.0] * 3 + [pytest.approx(1001.002)]
    # ... and no slower than it must be: 14 starts at 3 per second span 4 windows.
    assert max(starts) - min(starts) == pytest.approx(4 * 1.002)


async def test_without_a_rate_nothing_waits(
    make_client: MakeClient, sandbox_config: SandboxConfig, sandbox_activity: str, clock: FakeClock
) -> None:
    starts, hooks = start_recorder(clock)
    driver = make_client(sandbox_config(), hooks=hooks)
    await asyncio.gather(
        *(
            driver.call("send", {"activity_id": sandbox_activity, "user_id": user(n)})
            for n in range(8)
        )
    )
    assert starts == [1000.0] * 8


async def test_retries_count_against_the_rate(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_requests: SandboxRequests,
    sandbox_activity: str,
    clock: FakeClock,
) -> None:
    """Alipay counts every request, so a retry waits for the rate like a first attempt."""
    starts, hooks = start_recorder(clock)
    driver = make_client(sandbox_config(), rate=1, hooks=hooks)
    alipay_sandbox.faults.next("503")
    await driver.call("query", sandbox_activity)
    assert len(sandbox_requests()) == 2
    assert starts == [1000.0, pytest.approx(1001.002)]


@pytest.mark.parametrize(("client_rate", "batch_rate"), [(5, 2), (2, 5)])
async def test_send_many_holds_its_own_rate_and_the_clients(
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
    clock: FakeClock,
    client_rate: int,
    batch_rate: int,
) -> None:
    starts, hooks = start_recorder(clock)
    config = sandbox_config()
    async with AsyncVoucherClient(config, rate=client_rate, hooks=hooks) as client:
        outcomes = [
            o
            async for o in client.send_many(
                sandbox_activity, [user(n) for n in range(12)], rate=batch_rate, concurrency=6
            )
        ]
    assert all(o.ok for o in outcomes) and len(starts) == 12
    assert fullest_window(starts) == min(client_rate, batch_rate)


async def test_a_batch_and_single_calls_share_the_clients_rate(
    sandbox_config: SandboxConfig, sandbox_activity: str, clock: FakeClock
) -> None:
    starts, hooks = start_recorder(clock)
    config = sandbox_config()
    async with AsyncVoucherClient(config, rate=3, hooks=hooks) as client:

        async def batch() -> list[Any]:
            return [
                o async for o in client.send_many(sandbox_activity, [user(n) for n in range(9)])
            ]

        singles = [client.query(sandbox_activity) for _ in range(6)]
        outcomes, *_ = await asyncio.gather(batch(), *singles)
    assert len(outcomes) == 9 and len(starts) == 15
    assert fullest_window(starts) == 3


class GatedAlipay(FakeAlipay):
    """A gateway that holds every request until ``release`` is set, counting how many it
    holds at once."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.active = 0
        self.peak = 0

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await self.release.wait()
            return await super()._handle(request)
        finally:
            self.active -= 1


async def until(condition: Any) -> None:
    """Wait (without bounding or measuring the time) for ``condition()`` to hold."""
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


# Five calls: the blocking client's are made from the default executor's threads, of
# which a 2-core machine has six.
@pytest.mark.parametrize(("limit", "reached"), [(2, 2), (None, 5)])
async def test_max_concurrency_bounds_requests_in_flight(
    make_client: MakeClient, key_config: AlipayConfig, limit: int | None, reached: int
) -> None:
    async with GatedAlipay() as server:
        driver = make_client(gateway_config(key_config, server), max_concurrency=limit)
        calls = asyncio.gather(*(driver.call("query", ACTIVITY) for _ in range(5)))
        await until(lambda: server.active == reached)
        # A moment for a request the limit failed to hold back to arrive.
        await asyncio.sleep(0.2)
        assert server.active == reached
        server.release.set()
        results = await calls
        await driver.aclose()
    assert len(results) == 5 and len(server.received) == 5
    assert server.peak == reached


async def test_a_copy_shares_the_quota(
    sandbox_activity: str, clock: FakeClock, sandbox_config: SandboxConfig
) -> None:
    starts, hooks = start_recorder(clock)
    config = sandbox_config()
    async with AsyncVoucherClient(config, rate=2, max_concurrency=4, hooks=hooks) as client:
        copy = client.with_options(timeout=3)
        assert (copy.rate, copy.max_concurrency) == (2.0, 4)
        await asyncio.gather(*(c.query(sandbox_activity) for c in [client, copy] * 4))
    assert len(starts) == 8 and fullest_window(starts) == 2


@pytest.mark.parametrize("rate", [0, -1, float("inf"), "5", True])
def test_a_bad_rate_is_refused_naming_the_fix(key_config: AlipayConfig, rate: Any) -> None:
    with pytest.raises(RequestValidationError, match="rate must be") as info:
        AsyncVoucherClient(key_config, rate=rate)
    assert info.value.field == "rate"


@pytest.mark.parametrize("limit", [0, -2, 1.5, "4", True])
def test_a_bad_max_concurrency_is_refused_naming_the_fix(
    key_config: AlipayConfig, limit: Any
) -> None:
    for make in (AsyncVoucherClient, VoucherClient):
        with pytest.raises(RequestValidationError, match="max_concurrency must be a whole") as info:
            make(key_config, max_concurrency=limit)
        assert info.value.field == "max_concurrency" and "leave it out" in str(info.value)


def test_the_blocking_client_reports_its_quota(key_config: AlipayConfig) -> None:
    with VoucherClient(key_config, rate=7.5, max_concurrency=2) as client:
        assert (client.rate, client.max_concurrency) == (7.5, 2)
    with VoucherClient(key_config) as client:
        assert (client.rate, client.max_concurrency) == (None, None)


async def test_a_high_rate_keeps_only_the_last_windows_starts(clock: FakeClock) -> None:
    limiter = _ratelimit.RateLimiter(100_000)
    for _ in range(50):
        await limiter.acquire()
        await clock.sleep(0.5)
    # Only the starts of the last window (1.002 s) are kept, not all 50.
    assert list(limiter._starts) == [1023.5, 1024.0, 1024.5]
    for _ in range(5):
        await limiter.acquire()
    assert len(limiter._starts) == 7 and clock.read() == 1025.0  # nothing waited
