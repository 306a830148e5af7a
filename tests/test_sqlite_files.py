"""Every SQLite file the SDK keeps (dedupe claims, campaign journal, sandbox state) can be
opened while another process is setting the same new file up.

SQLite answers the switch of a new file to WAL that finds it write-locked with "database
is locked" at once, without waiting for the busy timeout as other statements do; two
workers or two campaigns started together used to fail that way."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from alipay_voucher.dedupe import Claim, SQLiteDedupeStore
from alipay_voucher.journal import Journal, JournalRecord
from alipay_voucher.testing._state_file import StateFile


def claim_once(path: Path) -> None:
    async def claim() -> None:
        store = SQLiteDedupeStore(path, busy_timeout=30)
        try:
            assert isinstance(await store.claim(["k"]), Claim)
        finally:
            store.close()

    asyncio.run(claim())


def journal_once(path: Path) -> None:
    with Journal(path) as book:
        book.add(JournalRecord("A1", "c", "user_id:1", "k", "sent", "V", at=1.0))
    with Journal(path) as book:
        assert [r.recipient for r in book.records()] == ["user_id:1"]


def open_state(path: Path) -> None:
    StateFile(path, app_id="2021000000000001").close()


@pytest.mark.parametrize("use", [claim_once, journal_once, open_state])
def test_a_new_file_being_set_up_by_another_process_is_waited_for(
    tmp_path: Path, use: Callable[[Path], None]
) -> None:
    path = tmp_path / "new.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # what another process holds while it sets the file up
    released = threading.Timer(0.3, other.execute, ["COMMIT"])
    released.start()
    try:
        use(path)
    finally:
        released.join()
        other.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
