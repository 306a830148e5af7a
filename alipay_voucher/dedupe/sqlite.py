"""Claims in an SQLite file: every worker process of one host shares them.

Standard library only. The file is opened once per store and process (a store
inherited over ``fork`` opens its own connection on first use) in WAL mode, so
readers never wait for the writer and a claim costs a few short statements.

``synchronous=NORMAL``: a process that crashes loses nothing it committed; an
operating-system crash or power cut may lose the last few commits, and a message
claimed or confirmed just before it is then handled once more on redelivery. Pass
``durable=True`` for ``synchronous=FULL`` (an fsync per commit) if that matters more
than throughput.

Calls run inline on the event loop: each is a few tens of microseconds, cheaper than
handing it to a thread. Writers from other processes are waited for up to
``busy_timeout`` seconds; past that the store reports itself unreachable.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from .._sqlite import use_wal
from ..errors import DedupeStoreError
from .base import DEFAULT_LEASE, DEFAULT_TTL, Claim, Held, check_windows

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alipay_voucher_claims (
    key TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    done INTEGER NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID
"""

# One key taken if it is free or its previous holder's time is up; changes() says which.
_CLAIM = """
INSERT INTO alipay_voucher_claims (key, token, done, expires) VALUES (?, ?, 0, ?)
ON CONFLICT (key) DO UPDATE
SET token = excluded.token, done = 0, expires = excluded.expires
WHERE alipay_voucher_claims.expires <= ?
"""

_A = TypeVar("_A")
_R = TypeVar("_R")

_PURGE_EVERY = 4096
"""Claims between two sweeps of expired rows (so the file does not grow forever)."""


class SQLiteDedupeStore:
    """Claims shared by the processes of one host through the SQLite file ``path``.

    Put the file on a local disk (not NFS: SQLite's locking needs a local file
    system). For several hosts use :class:`RedisDedupeStore`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        ttl: float = DEFAULT_TTL,
        lease: float = DEFAULT_LEASE,
        busy_timeout: float = 5.0,
        durable: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        check_windows(lease, ttl)
        self._path = Path(path)
        self._ttl = ttl
        self._lease = lease
        self._busy_timeout = busy_timeout
        self._durable = durable
        self._clock = clock
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._claims = 0

    @property
    def path(self) -> Path:
        return self._path

    async def claim(self, keys: Sequence[str]) -> Claim | Held:
        return self._run(self._claim, keys)

    async def confirm(self, claim: Claim) -> bool:
        return self._run(self._confirm, claim)

    async def release(self, claim: Claim) -> None:
        self._run(self._release, claim)

    def close(self) -> None:
        """Close this process's connection (it is reopened on next use)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    # ----------------------------------------------------------------- statements

    def _claim(self, conn: sqlite3.Connection, keys: Sequence[str]) -> Claim | Held:
        now = self._clock()
        claim = Claim(tuple(keys))
        expires = now + self._lease
        conn.execute("BEGIN IMMEDIATE")
        try:
            for key in claim.keys:
                if conn.execute(_CLAIM, (key, claim.token, expires, now)).rowcount != 1:
                    conn.execute("ROLLBACK")
                    return self._held(conn, claim.keys, now)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self._claims += 1
        if self._claims % _PURGE_EVERY == 0:
            conn.execute("DELETE FROM alipay_voucher_claims WHERE expires <= ?", (now,))
        return claim

    def _held(self, conn: sqlite3.Connection, keys: Sequence[str], now: float) -> Held:
        marks = ",".join("?" * len(keys))
        row = conn.execute(
            f"SELECT max(done) FROM alipay_voucher_claims WHERE key IN ({marks}) AND expires > ?",
            (*keys, now),
        ).fetchone()
        return Held.DONE if row and row[0] else Held.IN_FLIGHT

    def _confirm(self, conn: sqlite3.Connection, claim: Claim) -> bool:
        marks = ",".join("?" * len(claim.keys))
        cursor = conn.execute(
            "UPDATE alipay_voucher_claims SET done = 1, expires = ? "
            f"WHERE key IN ({marks}) AND token = ?",
            (self._clock() + self._ttl, *claim.keys, claim.token),
        )
        return cursor.rowcount == len(claim.keys)

    def _release(self, conn: sqlite3.Connection, claim: Claim) -> None:
        marks = ",".join("?" * len(claim.keys))
        conn.execute(
            f"DELETE FROM alipay_voucher_claims WHERE key IN ({marks}) AND token = ? AND done = 0",
            (*claim.keys, claim.token),
        )

    # ----------------------------------------------------------------- connection

    def _run(self, step: Callable[[sqlite3.Connection, _A], _R], arg: _A) -> _R:
        with self._lock:
            try:
                return step(self._connection(), arg)
            except sqlite3.Error as exc:
                raise DedupeStoreError(
                    f"the SQLite dedupe store {str(self._path)!r} failed: {exc}. Check that "
                    "the file's directory exists and is writable by every worker, and that "
                    "it is on a local disk."
                ) from None

    def _connection(self) -> sqlite3.Connection:
        pid = os.getpid()
        if self._conn is None or self._pid != pid:
            # A connection inherited over fork belongs to the parent: never touch it.
            self._conn = None
            conn = sqlite3.connect(
                self._path,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                use_wal(conn, self._busy_timeout)
                conn.execute(f"PRAGMA synchronous={'FULL' if self._durable else 'NORMAL'}")
                conn.execute(_SCHEMA)
            except BaseException:
                conn.close()
                raise
            self._conn, self._pid = conn, pid
        return self._conn
