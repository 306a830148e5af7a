"""The set of recipients a campaign has already taken from its input, kept on disk.

Duplicates in the input are served once; remembering who came before must not cost
memory in proportion to the campaign (ten million ids are hundreds of megabytes as
Python strings). The set lives in a private, temporary SQLite database (deleted when
closed), queried a chunk of ids at a time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

__all__ = ["SeenSet"]

_CHUNK = 500


class SeenSet:
    """Keys met so far; :meth:`admit` says which of a chunk are new."""

    def __init__(self) -> None:
        # "" opens a private temporary database on disk, removed on close.
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY) WITHOUT ROWID")

    def admit(self, keys: Sequence[str]) -> list[bool]:
        """For each key, in order: True the first time it is met, False after."""
        verdicts = [False] * len(keys)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            known = {
                key
                for (key,) in self._db.execute(
                    f"SELECT key FROM seen WHERE key IN ({marks})", chunk
                )
            }
            fresh: list[tuple[str]] = []
            for offset, key in enumerate(chunk):
                if key not in known:
                    known.add(key)  # a repeat later in the same chunk is a duplicate
                    fresh.append((key,))
                    verdicts[start + offset] = True
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO seen (key) VALUES (?)", fresh)
            self._db.execute("COMMIT")
        return verdicts

    def close(self) -> None:
        self._db.close()
