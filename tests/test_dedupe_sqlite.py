"""What only the SQLite store has: its file's mode, and a file that does not grow forever."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from alipay_voucher.dedupe import Claim, SQLiteDedupeStore
from alipay_voucher.dedupe import sqlite as sqlite_store
from alipay_voucher.errors import DedupeStoreError


async def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    store = SQLiteDedupeStore(tmp_path / "c.sqlite3")
    try:
        assert isinstance(await store.claim(["k"]), Claim)
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "c.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


async def test_expired_rows_are_swept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_store, "_PURGE_EVERY", 3)
    now = [0.0]
    store = SQLiteDedupeStore(tmp_path / "c.sqlite3", lease=1, ttl=1, clock=lambda: now[0])
    try:
        for key in ("a", "b"):
            assert isinstance(await store.claim([key]), Claim)
        now[0] += 5
        assert isinstance(await store.claim(["c"]), Claim)  # the third claim sweeps
    finally:
        store.close()
    conn = sqlite3.connect(tmp_path / "c.sqlite3")
    try:
        rows = conn.execute("SELECT key FROM alipay_voucher_claims").fetchall()
    finally:
        conn.close()
    assert rows == [("c",)]


async def test_an_unusable_file_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / "a-directory.sqlite3").mkdir()
    store = SQLiteDedupeStore(tmp_path / "a-directory.sqlite3")
    with pytest.raises(DedupeStoreError, match="writable by every worker"):
        await store.claim(["k"])
