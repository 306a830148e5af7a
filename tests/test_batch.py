"""Bulk sending: deterministic idempotency keys, the journal, the rate limit, reruns."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from alipay_voucher.batch import Recipient, SendOutcome, derive_out_biz_no
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import RetryPolicy
from alipay_voucher.errors import APIError, RequestValidationError
from alipay_voucher.journal import Journal
from alipay_voucher.testing import Fault, Sandbox

from .campaigns import published_activity, users
from .clients import Driver, MakeClient
from .raw_calls import activity_body
from .signals import interrupt_main_after

FAST_RETRY = RetryPolicy(max_attempts=4, initial_backoff=0.001, max_backoff=0.01, deadline=20)


async def campaign(client: Driver, *args: Any, **options: Any) -> list[SendOutcome]:
    return [o async for o in client.send_many(*args, **options)]


def holdings(sandbox: Sandbox, activity_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for voucher in sandbox.activity(activity_id).vouchers:
        counts[voucher.user] = counts.get(voucher.user, 0) + 1
    return counts


# ------------------------------------------------------------------ pure parts


def test_recipients_are_told_apart_by_shape() -> None:
    assert Recipient.of("2088102000000001") == Recipient("2088102000000001", "user_id")
    assert Recipient.of("074a1CcTG1LelxKe4xQC0zgN").kind == "open_id"
    assert Recipient.of({"open_id": "2088102000000001"}).kind == "open_id"
    assert Recipient.of(" 2088102000000001 ").id == "2088102000000001"


@pytest.mark.parametrize(
    ("value", "field", "words"),
    [
        ({"user_id": "2088102000000001", "open_id": "074a1CcTG1Lelx"}, "user_id", "both"),
        ({"user_id": "", "open_id": None}, "user_id", "neither"),
        ({}, "user_id", "neither"),
        ("  ", "open_id", "printable ASCII"),
        ("074a1CcTG1Lelx\u00e9", "open_id", "printable ASCII"),
        ("074a 1CcTG", "open_id", "printable ASCII"),
        ("x" * 65, "open_id", "1-64"),
        ({"user_id": "2088abc"}, "user_id", "2088 followed by 12 digits"),
        ("20881020000000011", "user_id", "2088 followed by 12 digits"),
        ({"user_id": 2088102000000001}, "user_id", "in quotes"),
        (Recipient("12", "user_id"), "user_id", "2088 followed by 12 digits"),
        (Recipient("12", "phone"), "user_id", "user_id or open_id"),  # type: ignore[arg-type]
        (2088102000000001, "user_id", "not int"),
    ],
)
def test_invalid_recipients_are_refused_with_the_reason(value: Any, field: str, words: str) -> None:
    with pytest.raises(RequestValidationError, match=words) as info:
        Recipient.of(value)
    assert info.value.field == field


def test_out_biz_no_is_deterministic_and_distinct() -> None:
    alice, bob = Recipient.of("2088000000000001"), Recipient.of("2088000000000002")
    first = derive_out_biz_no("A1", alice, "spring")
    assert first == derive_out_biz_no("A1", alice, "spring")
    others = {
        derive_out_biz_no("A1", bob, "spring"),
        derive_out_biz_no("A2", alice, "spring"),
        derive_out_biz_no("A1", alice, "autumn"),
        derive_out_biz_no("A1", Recipient("2088000000000001", "open_id"), "spring"),
    }
    assert first not in others and len(others) == 4
    assert len(first) <= 64


# ------------------------------------------------------------------ against the sandbox
# Each test runs for the async and the blocking client (``make_client``).


async def test_every_recipient_gets_exactly_one_voucher(
    alipay_sandbox: Sandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    recipients = users(40) + users(5)  # five duplicates in the input
    journal = tmp_path / "campaign.db"
    repeated: list[Recipient] = []
    client = make_client(alipay_sandbox.config(retry=FAST_RETRY))
    activity_id = await published_activity(client)
    outcomes = await campaign(
        client, activity_id, recipients, concurrency=8, journal=journal,
        on_duplicate=repeated.append,
    )  # fmt: skip
    assert len(outcomes) == 40
    assert all(o.ok and o.voucher_id for o in outcomes)
    assert [r.id for r in repeated] == users(5)
    assert holdings(alipay_sandbox, activity_id) == {u: 1 for u in users(40)}
    with Journal(journal) as book:
        records = list(book.records())
    assert {r.recipient for r in records} == {f"user_id:{u}" for u in users(40)}
    assert all(r.status == "sent" and r.activity == activity_id for r in records)
    assert {r.voucher_id for r in records} == {o.voucher_id for o in outcomes}


async def test_rerun_skips_recipients_already_served(
    alipay_sandbox: Sandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    journal = tmp_path / "campaign.db"
    client = make_client(alipay_sandbox.config(retry=FAST_RETRY))
    activity_id = await published_activity(client)
    first = await campaign(client, activity_id, users(10), journal=journal)
    sends_before = len(alipay_sandbox.activity(activity_id).vouchers)
    second = await campaign(client, activity_id, users(15), journal=journal)
    assert all(o.ok for o in first + second)
    assert sum(o.skipped for o in second) == 10
    skipped = {o.recipient.id: o.voucher_id for o in second if o.skipped}
    assert skipped == {o.recipient.id: o.voucher_id for o in first}
    assert len(alipay_sandbox.activity(activity_id).vouchers) == sends_before + 5
    assert set(holdings(alipay_sandbox, activity_id).values()) == {1}


async def test_lost_answers_are_retried_with_the_same_key(
    alipay_sandbox: Sandbox, make_client: MakeClient
) -> None:
    client = make_client(alipay_sandbox.config(retry=FAST_RETRY))
    activity_id = await published_activity(client)
    alipay_sandbox.faults.next(Fault.DROP, 5, operation="send")
    outcomes = await campaign(client, activity_id, users(12), concurrency=4)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if o.error]
    assert alipay_sandbox.faults.injected[Fault.DROP] == 5
    assert holdings(alipay_sandbox, activity_id) == {u: 1 for u in users(12)}


async def test_business_errors_are_outcomes_not_exceptions(
    alipay_sandbox: Sandbox, make_client: MakeClient
) -> None:
    client = make_client(alipay_sandbox.config(retry=FAST_RETRY))
    activity_id = await published_activity(client, quantity=3)
    outcomes = await campaign(client, activity_id, users(5), concurrency=1)
    failed = [o for o in outcomes if not o.ok]
    assert len(failed) == 2 and all(isinstance(o.error, APIError) for o in failed)
    assert {o.error.code for o in failed if isinstance(o.error, APIError)} == {"BUDGET_NOT_ENOUGH"}


async def test_invalid_rows_are_outcomes_and_the_rest_is_served(
    alipay_sandbox: Sandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(alipay_sandbox.config(retry=FAST_RETRY))
    activity_id = await published_activity(client)
    rows: list[Any] = [
        users(1)[0], "20881020000000011", {"user_id": 2088000000000002}, "074a1CcTG1LelxKe",
        {"user_id": users(3)[2], "open_id": "074a1CcTG1Lelx"}, "x" * 65, users(4)[3],
    ]  # fmt: skip
    outcomes = await campaign(client, activity_id, rows, journal=tmp_path / "j.db")
    invalid = [o for o in outcomes if isinstance(o.error, RequestValidationError)]
    assert len(invalid) == 4 and not any(o.ok or o.voucher_id for o in invalid)
    assert sorted(o.recipient.id for o in outcomes if o.ok) == sorted(
        [users(1)[0], "074a1CcTG1LelxKe", users(4)[3]]
    )
    held = holdings(alipay_sandbox, activity_id)
    assert held == {users(1)[0]: 1, "074a1CcTG1LelxKe": 1, users(4)[3]: 1}


async def test_rate_and_open_ids(alipay_sandbox: Sandbox, make_client: MakeClient) -> None:
    open_ids = [f"074a1CcTG1Lelx{i:04d}" for i in range(6)]
    client = make_client(alipay_sandbox.config())
    activity_id = await published_activity(client)
    outcomes = await campaign(client, activity_id, open_ids, rate=200, concurrency=3)
    assert all(o.ok and o.recipient.kind == "open_id" for o in outcomes)
    kinds = {v.user_field for v in alipay_sandbox.activity(activity_id).vouchers}
    assert kinds == {"open_id"}


def _journaled_is_held(sandbox: Sandbox, activity_id: str, journal: Path) -> None:
    """What the journal says was sent is exactly what the gateway issued."""
    with Journal(journal) as book:
        recorded = {r.recipient: r.voucher_id for r in book.records()}
    held = {f"user_id:{v.user}": v.voucher_id for v in sandbox.activity(activity_id).vouchers}
    assert recorded == held


async def test_closing_early_starts_nothing_new_and_journals_what_was_in_flight(
    alipay_sandbox: Sandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    journal = tmp_path / "stop.db"
    client = make_client(alipay_sandbox.config())
    activity_id = await published_activity(client)
    alipay_sandbox.faults.delay = 0.05  # requests still in flight when the caller closes
    alipay_sandbox.faults.rate({Fault.DELAY: 1.0}, operation="send")
    outcomes = client.send_many(activity_id, users(200), concurrency=4, journal=journal)
    async for _ in outcomes:
        break
    await outcomes.aclose()
    issued = len(alipay_sandbox.activity(activity_id).vouchers)
    await asyncio.sleep(0.2)
    assert len(alipay_sandbox.activity(activity_id).vouchers) == issued < 50
    _journaled_is_held(alipay_sandbox, activity_id, journal)
    alipay_sandbox.faults.clear()
    rest = await campaign(client, activity_id, users(200), journal=journal)
    assert sum(o.skipped for o in rest) == issued and all(o.ok for o in rest)


async def test_cancelling_the_async_caller_journals_what_was_in_flight(
    alipay_sandbox: Sandbox, tmp_path: Path
) -> None:
    """The async twin of Ctrl-C (below): the task reading the outcomes is cancelled."""
    journal = tmp_path / "cancel.db"
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        activity_id = await published_activity(Driver("async", client))
        alipay_sandbox.faults.delay = 0.05
        alipay_sandbox.faults.rate({Fault.DELAY: 1.0}, operation="send")
        first = asyncio.Event()

        async def read() -> None:
            batch = client.send_many(activity_id, users(200), concurrency=4, journal=journal)
            async for _ in batch:
                first.set()

        reader = asyncio.ensure_future(read())
        await first.wait()
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader
        issued = len(alipay_sandbox.activity(activity_id).vouchers)
        await asyncio.sleep(0.2)
        assert len(alipay_sandbox.activity(activity_id).vouchers) == issued < 50
    _journaled_is_held(alipay_sandbox, activity_id, journal)


# ------------------------------------------------------------------ blocking only


def test_sync_send_many_and_rerun(alipay_sandbox_thread: Any, tmp_path: Path) -> None:
    """A plain ``for`` loop left early (no explicit close) also closes the campaign."""
    from alipay_voucher.sync import VoucherClient

    sandbox = alipay_sandbox_thread.sandbox
    journal = tmp_path / "sync.db"
    with VoucherClient(sandbox.config(retry=FAST_RETRY)) as client:
        created = client.create(activity_body("sync-create", quantity=100, per_user=1))
        activity_id = created.activity_id
        assert isinstance(activity_id, str)
        client.publish({"activity_id": activity_id, "out_biz_no": "sync-pub"})
        alipay_sandbox_thread.call(sandbox.faults.next, Fault.DROP, 3)
        first = list(client.send_many(activity_id, users(20), concurrency=4, journal=journal))
        # Leaving a loop early closes the generator on the client's loop.
        for _ in client.send_many(activity_id, users(30), journal=journal):
            break
        second = list(client.send_many(activity_id, users(30), journal=journal))
    assert all(o.ok for o in first + second)
    assert sum(o.skipped for o in second) >= 20
    counts = alipay_sandbox_thread.call(holdings, sandbox, activity_id)
    assert counts == {u: 1 for u in users(30)}


def test_ctrl_c_in_a_blocking_campaign_journals_what_was_in_flight(
    alipay_sandbox_thread: Any, tmp_path: Path, main_thread: None
) -> None:
    """Ctrl-C while the blocking caller waits for an outcome: the campaign stops, what was
    in flight lands and is journaled, and the client stays usable."""
    from alipay_voucher.sync import VoucherClient

    sandbox = alipay_sandbox_thread.sandbox
    journal = tmp_path / "ctrl-c.db"
    with VoucherClient(sandbox.config()) as client:
        created = client.create(activity_body("ctrl-c", quantity=1000, per_user=1))
        activity_id = created.activity_id
        assert isinstance(activity_id, str)
        client.publish({"activity_id": activity_id, "out_biz_no": "ctrl-c-pub"})
        sandbox.faults.delay = 0.05  # faults are the one thread-safe part of a sandbox
        sandbox.faults.rate({Fault.DELAY: 1.0}, operation="send")
        received = 0
        timer = interrupt_main_after(0.3)
        with pytest.raises(KeyboardInterrupt):
            for _ in client.send_many(activity_id, users(1000), concurrency=4, journal=journal):
                received += 1
        timer.join()
        issued = alipay_sandbox_thread.call(lambda: len(sandbox.activity(activity_id).vouchers))
        time.sleep(0.2)
        after = alipay_sandbox_thread.call(lambda: len(sandbox.activity(activity_id).vouchers))
        assert after == issued and received <= issued < 1000
        assert client.query(activity_id).activity_id == activity_id  # still usable
    alipay_sandbox_thread.call(_journaled_is_held, sandbox, activity_id, journal)
