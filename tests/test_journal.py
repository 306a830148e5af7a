"""The SQLite journal: private files, per-campaign records, nothing it reads can stop a
resume, JSON-lines export/import, and two processes sharing one file."""

from __future__ import annotations

import json
import logging
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from alipay_voucher.batch import Recipient, derive_out_biz_no, send_many
from alipay_voucher.journal import Journal, JournalError, JournalRecord

from .campaigns import StandIn, users

ROOT = Path(__file__).resolve().parents[1]


def record(recipient: str, status: str = "sent", **fields: Any) -> JournalRecord:
    values: dict[str, Any] = {
        "activity": "A1",
        "campaign": "default",
        "recipient": recipient,
        "out_biz_no": "k",
        "status": status,
        "voucher_id": "V",
        "at": 1.0,
    }
    values.update(fields)
    return JournalRecord(**values)


async def run(client: StandIn, recipients: list[str], journal: Path, **options: Any) -> list[Any]:
    stream = send_many(client, "A1", recipients, journal=journal, **options)  # type: ignore[arg-type]
    return [o async for o in stream]


async def test_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    await run(StandIn(), users(3), path)
    with Journal(path) as book:  # WAL files exist while a connection is open
        book.add(record("user_id:x"))
        book.flush()
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == {"j.db": 0o600, "j.db-wal": 0o600, "j.db-shm": 0o600}


async def test_records_are_kept_per_campaign(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    client = StandIn()
    await run(client, users(4), path, campaign_key="spring")
    await run(client, users(4), path, campaign_key="autumn")
    assert len(client.requests) == 8
    again = await run(client, users(4), path, campaign_key="spring")
    assert len(client.requests) == 8 and all(o.skipped for o in again)
    with Journal(path) as book:
        assert len(list(book.records(campaign="spring"))) == 4
        assert len(list(book.records())) == 8


async def test_damaged_and_foreign_rows_never_stop_a_resume(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "j.db"
    client = StandIn()
    await run(client, users(6), path)
    alice, bob, carol, dave = (f"user_id:{u}" for u in users(4))
    db = sqlite3.connect(path)
    with db:
        # not UTF-8, an unknown status, no key, a key this campaign does not derive
        garble = "UPDATE journal SET voucher_id = CAST(x'fffe' AS TEXT) WHERE recipient = ?"
        db.execute(garble, (alice,))
        db.execute("UPDATE journal SET status = 'weird' WHERE recipient = ?", (bob,))
        db.execute("UPDATE journal SET out_biz_no = NULL WHERE recipient = ?", (carol,))
        db.execute("UPDATE journal SET out_biz_no = 'forged' WHERE recipient = ?", (dave,))
        db.execute(
            "INSERT INTO journal (activity, campaign, recipient, status) VALUES (?, ?, ?, ?)",
            ("A1", "default", "user_id:" + "9" * 70, "sent"),
        )
    db.close()
    client.requests.clear()
    with caplog.at_level(logging.WARNING, logger="alipay_voucher.batch"):
        outcomes = await run(client, users(6), path)
    resent = {r["user_id"] for r in client.requests}
    assert resent == set(users(4)[1:])  # bob, carol and dave again; alice's id is garbled
    assert {o.recipient.id for o in outcomes if o.skipped} == {users(6)[0], *users(6)[4:]}
    assert all(o.ok for o in outcomes)
    assert any("forged" in m and "ignored" in m for m in caplog.messages)
    expected = derive_out_biz_no("A1", Recipient.of(users(4)[3]), "default")
    assert {r["out_biz_no"] for r in client.requests if r["user_id"] == users(4)[3]} == {expected}


def test_a_file_that_is_no_journal_is_refused_with_the_fix(tmp_path: Path) -> None:
    old = tmp_path / "campaign.jsonl"
    old.write_text('{"recipient":"user_id:1","status":"sent"}\n')
    with pytest.raises(JournalError, match=r"import_jsonl\("):
        Journal(old)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE customers (name TEXT)")
    db.close()
    with pytest.raises(JournalError, match="something else"):
        Journal(other)
    assert old.read_text().startswith('{"recipient"')  # left as it was


def test_jsonl_round_trip_skips_what_it_cannot_use(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps(
            record("user_id:1").__dict__
            if False
            else {
                "activity": "A1",
                "campaign": "c",
                "recipient": "user_id:1",
                "status": "sent",
                "out_biz_no": "k1",
                "voucher_id": "V1",
                "at": 5.0,
            }
        ).encode(),
        # an earlier version's line names the activity `activity_id`
        b'{"recipient":"user_id:2","activity_id":"A1","campaign":"c","status":"failed",'
        b'"out_biz_no":"k2","error":"APIError","code":"BUDGET_NOT_ENOUGH"}',
        b'{"recipient":"user_id:3","activity":"A1","campaign":"c","status":"sent","vou\xff"}',
        b"[1, 2, 3]",
        b'{"recipient":"user_id:4","activity":"A1","campaign":"c","status":"maybe"}',
        b'{"recipient":"user_id:5","activity":"A1","campaign":"c","status":"se',
    ]
    source.write_bytes(b"\n".join(lines))
    with Journal(tmp_path / "j.db") as book:
        report = book.import_jsonl(source)
        assert (report.imported, report.skipped) == (2, 4)
        exported = tmp_path / "out.jsonl"
        assert book.export_jsonl(exported) == 2
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    rows = sorted((json.loads(line) for line in exported.read_text().splitlines()),
                  key=lambda r: r["recipient"])  # fmt: skip
    assert rows[0] == {
        "activity": "A1", "campaign": "c", "recipient": "user_id:1", "out_biz_no": "k1",
        "status": "sent", "voucher_id": "V1", "at": 5.0,
    }  # fmt: skip
    assert rows[1]["code"] == "BUDGET_NOT_ENOUGH" and rows[1]["status"] == "failed"


def test_a_sent_record_is_never_downgraded(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with Journal(path) as first, Journal(path) as second:
        first.add(record("user_id:1", voucher_id="V1"))
        first.flush()
        second.add(record("user_id:1", "failed", voucher_id=None, error="TransportError"))
        second.add(record("user_id:2", "unknown", voucher_id=None))
        second.flush()
        first.add(record("user_id:2", voucher_id="V2"))
        first.flush()
        got = {r.recipient: (r.status, r.voucher_id) for r in first.records()}
    assert got == {"user_id:1": ("sent", "V1"), "user_id:2": ("sent", "V2")}


_WRITER = """
import sys
from alipay_voucher.journal import Journal, JournalRecord
with Journal(sys.argv[1], flush_every=7) as book:
    for i in range(1500):
        book.add(JournalRecord("A1", "c", f"user_id:{sys.argv[2]}{i}", "k", "sent", "V", at=1.0))
"""


def test_two_processes_write_one_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    Journal(path).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name], cwd=ROOT)
        for name in ("a", "b")
    ]
    with Journal(path, flush_every=5) as book:
        for i in range(1500):
            book.add(record(f"user_id:c{i}"))
            if i % 100 == 0:
                time.sleep(0.001)
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with Journal(path) as book:
        recipients = [r.recipient for r in book.records()]
    assert len(recipients) == len(set(recipients)) == 4500
