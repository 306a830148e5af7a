"""Vouchers are money: faults, kills and load must never double-issue or misreport.

Every campaign here ends with the same audit against the sandbox's own records:
each recipient reported successful holds exactly one voucher (the one reported), each
recipient reported with a definite error holds none, and an ``OutcomeUnknownError``
is the only report allowed for a recipient whose fate the client could not know. A
rerun with the same campaign key then settles the unknown ones without a second
voucher for anyone.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from alipay_voucher.batch import SendOutcome
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import SignatureVerificationError
from alipay_voucher.testing import Fault, Faults, SandboxThread

from .campaigns import batch_env, holdings, published_activity, start_activity, users
from .clients import Driver, MakeClient
from .raw_calls import activity_body
from .standalone import ROOT
from .waiting import wait_for

RETRY = RetryPolicy(max_attempts=5, initial_backoff=0.001, max_backoff=0.02, deadline=30)
MIXED: dict[Fault | str, float] = {
    Fault.REFUSE: 0.04,
    Fault.DROP: 0.04,
    Fault.BAD_GATEWAY: 0.04,
    Fault.TRUNCATE: 0.04,
    Fault.DELAY: 0.04,
}


async def campaign(
    client: Driver, activity_id: str, recipients: list[str], **options: Any
) -> list[SendOutcome]:
    return [o async for o in client.send_many(activity_id, recipients, **options)]


async def send_count(client: Driver, activity_id: str) -> int:
    answer = await client.call("query", activity_id)
    count = getattr(answer.voucher_inventory_info, "send_count", None)
    assert isinstance(count, int)
    return count


def audit(
    outcomes: list[SendOutcome], held: dict[str, list[str]], recipients: list[str]
) -> dict[str, int]:
    """Check every report against the sandbox's records; return the tallies."""
    assert sorted(o.recipient.id for o in outcomes) == sorted(recipients)
    assert all(len(v) == 1 for v in held.values()), "a recipient holds two vouchers"
    tally: Counter[str] = Counter()
    for outcome in outcomes:
        vouchers = held.get(outcome.recipient.id, [])
        if outcome.ok:
            assert vouchers == [outcome.voucher_id], outcome
            tally["ok"] += 1
        elif outcome.unknown:
            tally["unknown_effected" if vouchers else "unknown_no_effect"] += 1
        else:
            assert not vouchers, f"{outcome.error!r} reported but a voucher was issued"
            tally[type(outcome.error).__name__] += 1
    return dict(tally)


async def run_mixed_faults(
    make_client: MakeClient, running: SandboxThread, count: int
) -> dict[str, Any]:
    sandbox = running.sandbox  # its faults are thread-safe; the rest goes through call()
    client = make_client(sandbox.config(retry=RETRY, timeout=0.25))
    # The short timeout exists to meet the injected delays; with the faults gone, a
    # check or the settling run must not fail because this machine is busy.
    calm = make_client(sandbox.config(retry=RETRY, timeout=10))
    activity_id = await published_activity(calm, quantity=count + 10)
    sandbox.faults.delay = 0.6
    sandbox.faults.rate(MIXED, seed=20261125, operation="send")
    recipients = users(count)
    outcomes = await campaign(client, activity_id, recipients, concurrency=32)
    sandbox.faults.clear()
    held = holdings(running, activity_id)
    tally = audit(outcomes, held, recipients)
    successful = {o.recipient.id for o in outcomes if o.ok}
    effected_unknown = tally.get("unknown_effected", 0)
    assert await send_count(calm, activity_id) == len(successful) + effected_unknown
    # Settle: the same campaign again gives the unknown and failed ones their one
    # voucher, and nobody a second.
    settled = await campaign(calm, activity_id, recipients, concurrency=32)
    assert all(o.ok for o in settled)
    final = holdings(running, activity_id)
    assert {u: len(v) for u, v in final.items()} == {u: 1 for u in recipients}
    assert await send_count(calm, activity_id) == len({o.recipient.id for o in settled})
    for outcome in settled:
        if outcome.recipient.id in successful:
            first = next(o for o in outcomes if o.recipient.id == outcome.recipient.id)
            assert outcome.voucher_id == first.voucher_id
    injected = dict(Counter({k.value: v for k, v in sandbox.faults.injected.items()}))
    report = {"kind": client.kind, "sends": count, "tally": tally, "faults": injected}
    print(report)
    return report


# Each test below runs for the async and the blocking client (``make_client``), with the
# sandbox on a thread of its own, as a real gateway is another machine.


async def test_mixed_faults_small(
    make_client: MakeClient, alipay_sandbox_thread: SandboxThread
) -> None:
    report = await run_mixed_faults(make_client, alipay_sandbox_thread, 300)
    assert sum(report["faults"].values()) > 30  # about 20 % of at least 300 requests


@pytest.mark.long
async def test_mixed_faults_2000(
    make_client: MakeClient, alipay_sandbox_thread: SandboxThread
) -> None:
    report = await run_mixed_faults(make_client, alipay_sandbox_thread, 2000)
    assert sum(report["faults"].values()) >= 300


async def test_corrupt_signature_is_never_retried_nor_returned(
    make_client: MakeClient, alipay_sandbox_thread: SandboxThread
) -> None:
    running = alipay_sandbox_thread
    sandbox = running.sandbox
    client = make_client(sandbox.config(retry=RETRY))
    activity_id = await published_activity(client, quantity=10)
    sandbox.faults.next(Fault.CORRUPT_SIGNATURE, 2, operation="send")
    outcomes = await campaign(client, activity_id, users(3), concurrency=1)
    corrupted = [o for o in outcomes if isinstance(o.error, SignatureVerificationError)]
    assert len(corrupted) == 2 and all(o.voucher_id is None for o in corrupted)
    # One request each: a failed verification is not retried.
    assert sandbox.faults.injected[Fault.CORRUPT_SIGNATURE] == 2
    sends = [e for e in sandbox.faults.log if e.operation == "send"]
    assert len(sends) == 2
    # The effect did happen at the gateway; a rerun returns that very voucher.
    again = await campaign(client, activity_id, users(3), concurrency=1)
    held = holdings(running, activity_id)
    assert all(o.ok for o in again)
    assert {u: len(v) for u, v in held.items()} == {u: 1 for u in users(3)}


class _HoldSends(Faults):
    """A sandbox's fault plan that also stops the whole sandbox at the request for
    ``operation`` that comes after the first ``count`` of them, until :meth:`release`.

    ``draw`` runs on the sandbox's loop at the start of every request, so blocking there
    stops every request: a campaign held there has had at most ``count`` sends reach the
    gateway and cannot finish, however fast or slow this machine is."""

    def __init__(self, count: int, operation: str) -> None:
        super().__init__()
        self._left = count
        self._operation = operation
        self.holding = threading.Event()
        self._released = threading.Event()

    def draw(self, operation: str | None, request_id: str | None = None) -> Fault | None:
        if operation == self._operation and not self._released.is_set():
            if self._left:
                self._left -= 1
            else:
                self.holding.set()
                self._released.wait(120)  # a safety net: the test releases it sooner
        return super().draw(operation, request_id)

    def release(self) -> None:
        self._released.set()


def _committed(journal: Path, activity_id: str) -> int:
    """Records the journal has committed as sent (read while its writer may be alive)."""
    from alipay_voucher.journal import Journal

    with Journal(journal) as book:
        return sum(r.status == "sent" for r in book.records(activity_id))


def test_sigkill_halfway_then_rerun(tmp_path: Path) -> None:
    """A campaign journaled in SQLite, killed with SIGKILL mid-way, then run again: each
    recipient ends up with exactly one voucher, and the rerun skips those the journal
    had committed.

    "Mid-way" is made so, not timed: the sandbox stops at the send after the first half
    (so the campaign cannot finish), and the kill waits until the journal has committed
    rows (it commits every 0.1 s; at this rate the first 120 sends take about as long,
    so a kill after 120 issued vouchers sometimes found nothing committed)."""
    from alipay_voucher.journal import Journal

    recipients = users(400)
    half = len(recipients) // 2
    listing = tmp_path / "recipients.csv"
    listing.write_text("user_id\n" + "\n".join(recipients) + "\n")
    journal = tmp_path / "journal.db"
    hold = _HoldSends(half, operation="send")
    with SandboxThread() as running:
        activity_id = start_activity(running, quantity=1000)
        running.sandbox.faults = hold
        env = batch_env(running, tmp_path / "creds")
        command = [
            sys.executable, "-m", "alipay_voucher", "send-batch",
            "--activity-id", activity_id, "--recipients", str(listing),
            "--journal", str(journal), "--concurrency", "8", "--rate", "150",
        ]  # fmt: skip
        first = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, cwd=ROOT)
        try:
            wait_for(hold.holding.is_set, f"the sandbox holding send {half + 1}", children=[first])
            # The sandbox is held; the child still commits what it was answered.
            wait_for(
                lambda: _committed(journal, activity_id) > 0, "a journal commit", children=[first]
            )
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
        finally:
            hold.release()
        assert first.stderr is not None
        first.stderr.close()
        assert first.returncode == -signal.SIGKILL
        committed = _committed(journal, activity_id)
        # What was in flight at the kill may still take effect at the gateway (an
        # answer lost), and counts from here on; at most 8 more than the half.
        served_before = len(holdings(running, activity_id))
        assert 0 < committed <= served_before < len(recipients)
        rerun = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        assert rerun.returncode == 0, rerun.stderr
        assert f"already sent earlier {committed}," in rerun.stderr
        held = holdings(running, activity_id)
        with Journal(journal) as book:
            records = list(book.records(activity_id))
    assert {u: len(v) for u, v in held.items()} == {u: 1 for u in recipients}
    assert {r.recipient: r.voucher_id for r in records} == {
        f"user_id:{u}": v[0] for u, v in held.items()
    }
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    print({"issued_before_kill": served_before, "journaled_before_kill": committed})


def test_send_batch_reports_failures_and_exit_status(tmp_path: Path) -> None:
    listing = tmp_path / "ids.txt"
    listing.write_text("\n".join(users(4)) + "\n074a1CcTG1LelxKe4xQC\n")
    with SandboxThread() as running:
        activity_id = start_activity(running, quantity=10)
        env = batch_env(running, tmp_path / "creds")

        def send_batch(campaign: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "alipay_voucher", "send-batch", "--activity-id",
                 activity_id, "--recipients", str(listing), "--campaign-key", campaign],
                env=env, capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip

        first = send_batch("spring")
        # Another campaign key is another out_biz_no: Alipay's per-user limit refuses it.
        second = send_batch("autumn")
        kinds = {
            v.user_field
            for v in running.call(lambda: running.sandbox.activity(activity_id).vouchers)
        }
    assert first.returncode == 0, first.stderr
    assert second.returncode == 1
    assert "failed 5" in second.stderr and "COUNT_OVER_LIMIT" in second.stderr
    assert "done 5/5" in second.stderr
    assert kinds == {"user_id", "open_id"}


def _rss_kib() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() // 1024


@pytest.mark.long
def test_load_20000_sends_memory_flat(tmp_path: Path) -> None:
    """20,000 sends at concurrency 64 with no error, and the client's resident memory
    flat from the first to the last 5,000. The sandbox runs in its own process so that
    its growing voucher book does not count against the client."""
    from .standalone import standalone_sandbox, wait_for_listening

    credentials = tmp_path / "creds"
    with standalone_sandbox(credentials) as process:
        base_url = wait_for_listening(process)
        settings = json.loads((credentials / "settings.json").read_text())
        config = AlipayConfig.key_mode(
            app_id=settings["app_id"],
            private_key=credentials / "app_private_key.pem",
            alipay_public_key=credentials / "alipay_public_key.pem",
            base_url=base_url,
        )
        marks: dict[int, int] = {}
        errors: list[Any] = []

        async def run() -> int:
            async with AsyncVoucherClient(config) as client:
                created = await client.create(activity_body("load", quantity=20_000, per_user=1))
                activity_id = created.activity_id
                assert isinstance(activity_id, str)
                await client.publish({"activity_id": activity_id, "out_biz_no": "load-pub"})
                done = 0
                async for outcome in client.send_many(
                    activity_id, (f"2088{i:012d}" for i in range(1, 20_001)), concurrency=64
                ):
                    done += 1
                    if not outcome.ok:
                        errors.append(outcome.error)
                    if done in (5_000, 20_000):
                        marks[done] = _rss_kib()
                answer = await client.query(activity_id)
                count = getattr(answer.voucher_inventory_info, "send_count", None)
                assert isinstance(count, int)
                return count

        sent = asyncio.run(run())
    assert not errors, errors[:3]
    assert sent == 20_000
    growth_mib = (marks[20_000] - marks[5_000]) / 1024
    print({"rss_at_5000_kib": marks[5_000], "rss_at_20000_kib": marks[20_000],
           "growth_mib": round(growth_mib, 2)})  # fmt: skip
    assert growth_mib < 10
