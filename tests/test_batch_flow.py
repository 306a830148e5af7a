"""send_many's flow control against an instant in-process stand-in for the client:
invalid rows, unexpected errors, the bounded output, closing, and the rate limit."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from alipay_voucher.batch import SendOutcome, send_many
from alipay_voucher.errors import RequestValidationError

from .campaigns import StandIn, users


def stream(client: StandIn, recipients: Any, **options: Any) -> AsyncIterator[SendOutcome]:
    return send_many(client, "A1", recipients, **options)  # type: ignore[arg-type]


async def test_invalid_rows_are_outcomes_and_the_rest_is_served() -> None:
    client = StandIn()
    rows: list[Any] = [
        "2088000000000001",
        {"user_id": "2088000000000002", "open_id": "074a1CcTG1Lelx"},
        {},
        "208812345",
        "x" * 65,
        "074a1CcTG1Lelx\u00e9",
        {"user_id": "2088000000000003"},
        "074a1CcTG1LelxKe",
    ]
    outcomes = [o async for o in stream(client, rows, concurrency=2)]
    invalid = [o for o in outcomes if o.invalid]
    assert len(invalid) == 5
    assert all(isinstance(o.error, RequestValidationError) and not o.ok for o in invalid)
    sent = {r.get("user_id") or r.get("open_id") for r in client.requests}
    assert sent == {"2088000000000001", "2088000000000003", "074a1CcTG1LelxKe"}
    assert sum(o.ok for o in outcomes) == 3


async def test_an_invalid_row_is_shown_as_the_recipient_it_names() -> None:
    rows: list[Any] = [
        {"user_id": "2088abc", "open_id": ""},
        {"open_id": "bad id"},
        {"user_id": "2088000000000002", "open_id": "074a1CcTG1Lelx"},
    ]
    outcomes = [o async for o in stream(StandIn(), rows, concurrency=2)]
    shown = sorted(o.recipient.key for o in outcomes)
    # one id named: that id, of its kind; both (or neither): the row as it came
    assert shown == sorted(
        [
            "user_id:2088abc",
            "open_id:bad id",
            "user_id:user_id=2088000000000002,open_id=074a1CcTG1Lelx",
        ]
    )


async def test_an_unexpected_error_stops_every_worker_before_it_is_raised() -> None:
    client = StandIn(delay=0.02, explode_at=10)
    with pytest.raises(RuntimeError, match="a bug"):
        async for _ in stream(client, users(1000), concurrency=8):
            pass
    started = len(client.started)
    await asyncio.sleep(0.1)
    assert len(client.started) == started  # nothing kept sending behind our back
    assert started < 10 + 8 + 1
    assert client.finished < started  # the others' requests were cancelled, not awaited


async def test_a_caller_that_stops_reading_stops_the_sending() -> None:
    client = StandIn()
    outcomes = stream(client, users(10_000), concurrency=4)
    await outcomes.__anext__()
    await asyncio.sleep(0.2)
    held = len(client.started)
    await asyncio.sleep(0.1)
    assert len(client.started) == held < 40  # bounded: workers wait for room
    await outcomes.aclose()  # type: ignore[attr-defined]


@pytest.mark.parametrize("how", ["aclose", "aclosing", "garbage"])
async def test_closing_starts_nothing_new_and_lets_flights_land(how: str) -> None:
    client = StandIn(delay=0.05)
    outcomes = stream(client, users(10_000), concurrency=8)
    if how == "aclosing":
        async with contextlib.aclosing(outcomes):  # type: ignore[type-var]
            async for _ in outcomes:
                break
    else:
        async for _ in outcomes:
            break
        if how == "aclose":
            await outcomes.aclose()  # type: ignore[attr-defined]
        else:
            del outcomes
            gc.collect()
            await asyncio.sleep(0.15)  # asyncio's finaliser closes it in a task
    started = len(client.started)
    await asyncio.sleep(0.15)
    assert len(client.started) == started <= 8 + 8
    assert client.finished == started  # in flight: finished, not cut off


@pytest.mark.parametrize("rate", [0, -1, math.nan, math.inf, "10"])
async def test_rate_must_be_a_positive_number(rate: Any) -> None:
    with pytest.raises(RequestValidationError, match="rate must be") as info:
        [o async for o in stream(StandIn(), users(1), rate=rate)]
    assert info.value.field == "rate"
    if rate == 0:
        assert "leave it out" in str(info.value)


async def test_rate_holds_in_every_second_the_first_included() -> None:
    rate = 20
    client = StandIn()
    outcomes = [o async for o in stream(client, users(50), rate=rate, concurrency=16)]
    assert all(o.ok for o in outcomes)
    starts = client.started
    # Any one-second window holds at most `rate` starts: check the window opening at
    # each start (the fullest windows open at one).
    worst = max(sum(1 for t in starts[i:] if t < s + 1.0) for i, s in enumerate(starts))
    assert worst <= rate
    # ... and the limiter is no slower than it must be: 50 starts at 20/s need 2 s.
    assert starts[-1] - starts[0] >= 2.0


async def test_skipped_and_invalid_rows_do_not_wait_for_the_rate(tmp_path: Any) -> None:
    client = StandIn()
    journal = tmp_path / "j.db"
    [o async for o in stream(client, users(5), journal=journal)]
    client.started.clear()
    begun = time.monotonic()
    rows = [*users(5), "208812345", "208812345", users(6)[-1]]
    outcomes = [o async for o in stream(client, rows, rate=1, journal=journal)]
    assert sum(o.skipped for o in outcomes) == 5 and len(client.started) == 1
    # Had the 7 rows before it taken a slot each at 1/s, the send would start after 7 s.
    assert time.monotonic() - begun < 4.0
