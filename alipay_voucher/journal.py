"""The campaign journal: who was served, on disk, safe against kills and neighbours.

A campaign of ten million recipients cannot keep its record in memory, and a process
killed halfway must lose nothing that a rerun would need. The journal is an SQLite
database in WAL mode:

* one row per (activity, campaign key, recipient), so campaigns sharing a file never
  see each other's records;
* written in batched transactions (``synchronous=NORMAL``: a commit survives a killed
  process; only a power cut may lose the last few, which the rerun then repeats with
  the same ``out_biz_no`` — harmless);
* a ``sent`` row is never downgraded by a later failure, so two processes working on
  one journal cannot make each other forget a voucher;
* created with mode 0600 (it holds user ids), and SQLite gives its ``-wal`` and
  ``-shm`` files the same mode;
* read back only for the recipients at hand, a chunk at a time, never loaded whole.

A JSON-lines export and import move records between journals or into other tools;
the import skips lines it cannot use (torn, undecodable, not a record) and counts them.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from ._private_files import open_private_text
from ._sqlite import use_wal
from .errors import AlipayError

__all__ = ["ImportReport", "Journal", "JournalError", "JournalRecord"]

logger = logging.getLogger("alipay_voucher.journal")

_SQLITE_HEADER = b"SQLite format 3\x00"
_APPLICATION_ID = 0x41565931  # "AVY1": this file is an alipay_voucher journal
_STATUSES = frozenset({"sent", "failed", "unknown"})
_COLUMNS: tuple[str, ...] = (
    *("activity", "campaign", "recipient", "out_biz_no", "status"),
    *("voucher_id", "error", "code", "at"),
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    activity   TEXT NOT NULL,
    campaign   TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    out_biz_no TEXT,
    status     TEXT,
    voucher_id TEXT,
    error      TEXT,
    code       TEXT,
    at         REAL,
    PRIMARY KEY (activity, campaign, recipient)
) WITHOUT ROWID
"""
# A "sent" row stays "sent": a failure reported later (another process, a rerun that
# lost its answer) never hides a voucher that was issued.
_UPSERT = f"""
INSERT INTO journal ({", ".join(_COLUMNS)}) VALUES ({", ".join("?" * len(_COLUMNS))})
ON CONFLICT (activity, campaign, recipient) DO UPDATE SET
    out_biz_no = excluded.out_biz_no, status = excluded.status,
    voucher_id = excluded.voucher_id, error = excluded.error, code = excluded.code,
    at = excluded.at
WHERE journal.status IS NOT 'sent' OR excluded.status = 'sent'
"""
_BUSY_TIMEOUT = 60.0  # seconds a process waits for another holding the file
_LOOKUP_CHUNK = 500  # ids per "already served?" query


class JournalError(AlipayError, ValueError):
    """The journal file cannot be used; the message names the fix."""


@attrs.frozen
class JournalRecord:
    """One recipient's latest outcome in one campaign."""

    activity: str
    campaign: str
    recipient: str
    """``user_id:<id>`` or ``open_id:<id>``."""
    out_biz_no: str | None
    status: str
    """``sent``, ``failed`` or ``unknown``."""
    voucher_id: str | None = None
    error: str | None = None
    """The error's class name."""
    code: str | None = None
    """Alipay's error code, when there was one."""
    at: float | None = None
    """Seconds since the epoch."""

    def row(self) -> tuple[Any, ...]:
        """The values in ``_COLUMNS`` order, as :meth:`Journal.record` lays them out."""
        return _row(
            *(self.activity, self.campaign, self.recipient, self.out_biz_no, self.status),
            *(self.voucher_id, self.error, self.code, self.at),
        )


def _row(
    activity: str,
    campaign: str,
    recipient: str,
    out_biz_no: str | None,
    status: str,
    voucher_id: str | None,
    error: str | None,
    code: str | None,
    at: float | None,
) -> tuple[Any, ...]:
    """A journal row, in ``_COLUMNS`` order: the one place that knows it."""
    return (activity, campaign, recipient, out_biz_no, status, voucher_id, error, code, at)


@attrs.frozen
class ImportReport:
    """What :meth:`Journal.import_jsonl` did."""

    imported: int
    skipped: int
    """Lines that were torn, undecodable or not a journal record."""


class Journal:
    """An on-disk record of a campaign's outcomes; see the module docstring.

    Args:
        path: The database file, created (mode 0600) if missing.
        flush_every: Records buffered before they are committed in one transaction.
    """

    def __init__(self, path: str | os.PathLike[str], *, flush_every: int = 256) -> None:
        self.path = Path(path)
        self._flush_every = max(1, flush_every)
        self._pending: list[tuple[Any, ...]] = []
        self._closed = False
        _prepare_file(self.path)
        self._db = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        try:
            self._open_schema()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise JournalError(
                f"{self.path} is not a usable journal ({error}). Pass a new file name, or "
                "move this file away."
            ) from error

    def _open_schema(self) -> None:
        db = self._db
        (application_id,) = db.execute("PRAGMA application_id").fetchone()
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        if application_id != _APPLICATION_ID and tables:
            self._db.close()
            raise JournalError(
                f"{self.path} is an SQLite database of something else, not a journal; "
                "pass another file name."
            )
        use_wal(db, _BUSY_TIMEOUT)
        db.execute("PRAGMA synchronous=NORMAL")
        if application_id != _APPLICATION_ID:
            db.execute(f"PRAGMA application_id={_APPLICATION_ID}")
        db.execute(_SCHEMA)

    # ----------------------------------------------------------------- context

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Commit what is buffered and close the file; idempotent."""
        if self._closed:
            return
        try:
            self.flush()
        finally:
            self._db.close()
            self._closed = True

    # ----------------------------------------------------------------- writing

    @property
    def pending(self) -> int:
        """Records buffered and not yet committed."""
        return len(self._pending)

    def add(self, record: JournalRecord) -> None:
        """Buffer a record; commit the buffer once ``flush_every`` records wait."""
        self._buffer(record.row())

    def record(
        self,
        activity: str,
        campaign: str,
        recipient: str,
        out_biz_no: str | None,
        status: str,
        voucher_id: str | None = None,
        error: str | None = None,
        code: str | None = None,
    ) -> None:
        """:meth:`add` a record stamped now, given as values: what a campaign writes
        once per recipient, spared a record object (microseconds per recipient)."""
        self._buffer(
            _row(activity, campaign, recipient, out_biz_no, status, voucher_id, error, code,
                 time.time())
        )  # fmt: skip

    def _buffer(self, row: tuple[Any, ...]) -> None:
        pending = self._pending
        pending.append(row)
        if len(pending) >= self._flush_every:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered records in one transaction."""
        if not self._pending or self._closed:
            return
        rows, self._pending = self._pending, []
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(_UPSERT, rows)
        except BaseException:
            db.execute("ROLLBACK")
            self._pending = rows + self._pending
            raise
        db.execute("COMMIT")

    # ----------------------------------------------------------------- reading

    def served(
        self, activity: str, campaign: str, recipients: Sequence[str]
    ) -> dict[str, tuple[str | None, str | None]]:
        """``recipient -> (out_biz_no, voucher_id)`` for those of ``recipients`` recorded
        as sent in this activity and campaign."""
        found: dict[str, tuple[str | None, str | None]] = {}
        for start in range(0, len(recipients), _LOOKUP_CHUNK):
            chunk = recipients[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            query = (
                "SELECT recipient, out_biz_no, voucher_id FROM journal WHERE activity = ? "
                f"AND campaign = ? AND status = 'sent' AND recipient IN ({marks})"
            )
            params = (activity, campaign, *chunk)
            try:
                rows = self._db.execute(query, params).fetchall()
            except sqlite3.OperationalError:
                # Some text here is not UTF-8: read this chunk again, leniently.
                self._db.text_factory = _lenient_text
                try:
                    rows = self._db.execute(query, params).fetchall()
                finally:
                    self._db.text_factory = str
            for recipient, out_biz_no, voucher_id in rows:
                found[recipient] = (out_biz_no or None, voucher_id or None)
        return found

    def records(
        self, activity: str | None = None, campaign: str | None = None
    ) -> Iterator[JournalRecord]:
        """Every record (of one activity / campaign when given), streamed."""
        self.flush()
        clauses, params = [], []
        for column, value in (("activity", activity), ("campaign", campaign)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        # Text is read as bytes and decoded leniently: a value that is not UTF-8 (another
        # tool, damage) comes back with replacement characters instead of stopping us.
        columns = ", ".join(f"CAST({c} AS BLOB)" if c != "at" else c for c in _COLUMNS)
        for row in self._db.execute(f"SELECT {columns} FROM journal{where}", params):
            values = [_lenient_text(v) if isinstance(v, bytes) else v for v in row]
            record = _record_from(dict(zip(_COLUMNS, values, strict=True)))
            if record is not None:
                yield record

    # ----------------------------------------------------------------- JSON lines

    def export_jsonl(self, destination: str | os.PathLike[str] | IO[str]) -> int:
        """Write every record as one JSON object per line; return how many. A file
        named by path is written with mode 0600, also when it existed."""
        if isinstance(destination, (str, os.PathLike)):
            with open_private_text(Path(destination)) as fh:
                return self.export_jsonl(fh)
        count = 0
        for record in self.records():
            fields = {k: v for k, v in attrs.asdict(record).items() if v is not None}
            destination.write(json.dumps(fields, ensure_ascii=False) + "\n")
            count += 1
        return count

    def import_jsonl(self, source: str | os.PathLike[str]) -> ImportReport:
        """Add the records of a JSON-lines file (an export, or a journal of an earlier
        version, whose lines name ``activity_id``). Lines that are torn, not UTF-8 or
        not a record are skipped and counted, never fatal."""
        imported = skipped = 0
        with Path(source).open("rb") as fh:
            for raw in fh:
                record = _parse_line(raw)
                if record is None:
                    skipped += raw.strip() != b""
                    continue
                self.add(record)
                imported += 1
        self.flush()
        if skipped:
            logger.warning("%s: %d unusable line(s) skipped", source, skipped)
        return ImportReport(imported=imported, skipped=skipped)


# --------------------------------------------------------------------- helpers


def _prepare_file(path: Path) -> None:
    """Create the file with mode 0600 if missing; refuse what is not an SQLite file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
        if head and head != _SQLITE_HEADER:
            raise JournalError(
                f"{path} is not an SQLite journal (a JSON-lines journal of an earlier "
                "version?). Import it once into a new file with "
                f"Journal('new.db').import_jsonl({str(path)!r}) and pass the new file."
            ) from None
    else:
        os.close(fd)


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _parse_line(raw: bytes) -> JournalRecord | None:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if "activity" not in data and "activity_id" in data:
        data["activity"] = data["activity_id"]  # the earlier JSON-lines journal
    return _record_from(data)


def _record_from(data: dict[str, Any]) -> JournalRecord | None:
    """A record from loosely typed fields, or None when it is not one."""
    activity, campaign = data.get("activity"), data.get("campaign")
    recipient, status = data.get("recipient"), data.get("status")
    if not all(isinstance(v, str) and v for v in (activity, campaign, recipient)):
        return None
    if status not in _STATUSES:
        return None
    at = data.get("at")
    return JournalRecord(
        activity=activity,  # type: ignore[arg-type]
        campaign=campaign,  # type: ignore[arg-type]
        recipient=recipient,  # type: ignore[arg-type]
        out_biz_no=_text(data.get("out_biz_no")),
        status=status,
        voucher_id=_text(data.get("voucher_id")),
        error=_text(data.get("error")),
        code=_text(data.get("code")),
        at=float(at) if isinstance(at, (int, float)) else time.time(),
    )
