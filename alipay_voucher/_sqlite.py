"""The one place that puts an SQLite file in WAL mode, for every file the SDK keeps.

The dedupe store, the campaign journal and the sandbox's state file are all opened by
several processes that may start together on a file nobody has created yet.
"""

from __future__ import annotations

import sqlite3
import time

_SQLITE_BUSY = 5
"""SQLite's primary result code for "database is locked"."""


def use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Put the file in WAL mode, waiting up to ``timeout`` seconds as other statements do.

    Switching a new file to WAL upgrades a read lock to a write lock, and SQLite answers
    an upgrade that finds the file locked with SQLITE_BUSY at once instead of calling
    the busy handler. Processes that open a new file at the same moment all switch it
    together, so the switch is retried here until the first one has finished."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.05)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (SQLITE_BUSY and its variants)."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11 and later
    if isinstance(code, int):
        return code & 0xFF == _SQLITE_BUSY
    return str(exc).startswith("database is locked")
