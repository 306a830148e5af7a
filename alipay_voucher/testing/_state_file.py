"""The sandbox's state in a SQLite file, so that a restarted sandbox goes on where it stopped.

``alipay-voucher sandbox --state FILE`` (``Sandbox(state=path)``) keeps every activity,
voucher, answered ``out_biz_no`` and message of the outbox in ``FILE``. Each change is
written when it happens (one small transaction per request), so a sandbox that is
killed loses nothing it has answered; on start the file is read back, and messages that
were still being delivered are delivered again, as Alipay goes on retrying.

What the book derives (the per-user claims and the per-day counters) is rebuilt from
the vouchers rather than stored twice.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .._sqlite import use_wal
from ..cli._common import printable
from ._notifier import Attempt, Delivery, Outbox
from ._rules import period_key
from ._state import Activity, Answered, Event, Outcome, Voucher, VoucherBook

__all__ = ["SavedBook", "SavedOutbox", "StateFile", "StateFileError"]

_SCHEMA_VERSION = "1"
_BUSY_TIMEOUT = 5.0  # sqlite3.connect's default, now also for the switch to WAL
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS activities (
    activity_id TEXT PRIMARY KEY, status TEXT NOT NULL, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vouchers (
    voucher_id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, user_field TEXT NOT NULL,
    user TEXT NOT NULL, received_at TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS done (
    operation TEXT NOT NULL, out_biz_no TEXT NOT NULL, fingerprint TEXT NOT NULL,
    result TEXT NOT NULL, PRIMARY KEY (operation, out_biz_no));
CREATE TABLE IF NOT EXISTS deliveries (
    notify_id TEXT PRIMARY KEY, params TEXT NOT NULL, notify_url TEXT,
    state TEXT NOT NULL, attempts TEXT NOT NULL);
"""


class StateFileError(ValueError):
    """The state file cannot be used (another app's, a newer layout, not SQLite)."""


class StateFile:
    """One sandbox's state on disk: opened (and created) here, closed by the sandbox."""

    def __init__(self, path: Path, *, app_id: str) -> None:
        self.path = Path(path)
        try:
            # Mode 0600 from creation (it holds user ids); SQLite gives its -wal the same.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StateFileError(
                f"cannot open the state file {printable(self.path)}: {printable(str(exc))}"
            ) from None
        try:
            use_wal(self._db, _BUSY_TIMEOUT)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._check(app_id)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StateFileError(
                f"{printable(self.path)} is not a sandbox state file ({exc}); give --state "
                "a new path"
            ) from None
        except BaseException:
            self._db.close()
            raise

    def _check(self, app_id: str) -> None:
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            self._db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("schema", _SCHEMA_VERSION), ("app_id", app_id), ("serial", "0")],
            )
            return
        if meta.get("schema") != _SCHEMA_VERSION:
            raise StateFileError(
                f"{printable(self.path)} was written by another version of the sandbox (layout "
                f"{meta.get('schema')!r}); give --state a new path"
            )
        if meta.get("app_id") != app_id:
            raise StateFileError(
                f"{printable(self.path)} holds the state of app {meta.get('app_id')}, not "
                f"{app_id}; "
                "use the same --app-id (or --credentials-dir) as before, or a new --state path"
            )

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ reading back

    def load(self, book: VoucherBook, outbox: Outbox) -> None:
        """Fill an empty ``book`` and ``outbox`` with what the file holds."""
        db = self._db
        for activity_id, status, config in db.execute(
            "SELECT activity_id, status, config FROM activities ORDER BY rowid"
        ):
            book.activities[activity_id] = Activity(activity_id, json.loads(config), status)
        for voucher_id, activity_id, user_field, user, received_at, status in db.execute(
            "SELECT voucher_id, activity_id, user_field, user, received_at, status "
            "FROM vouchers ORDER BY rowid"
        ):
            voucher = Voucher(
                voucher_id,
                activity_id,
                user_field,
                user,
                _dt.datetime.fromisoformat(received_at),
                status,
            )
            activity = book.activities[voucher.activity_id]
            activity.vouchers.append(voucher)
            claim = (voucher.user_field, voucher.user)
            activity.claims.setdefault(claim, []).append(voucher.received_at)
            activity.issued_by_day[period_key("DAY", voucher.received_at)] += 1
            book.vouchers[voucher.voucher_id] = voucher
        for operation, out_biz_no, fingerprint, result in db.execute(
            "SELECT operation, out_biz_no, fingerprint, result FROM done"
        ):
            book._done[(operation, out_biz_no)] = Answered(fingerprint, json.loads(result))
        (serial,) = db.execute("SELECT value FROM meta WHERE key = 'serial'").fetchone()
        book._serial = int(serial)
        for params, notify_url, state, attempts in db.execute(
            "SELECT params, notify_url, state, attempts FROM deliveries ORDER BY rowid"
        ):
            outbox._items.append(
                Delivery(
                    json.loads(params),
                    notify_url,
                    state,
                    [Attempt(**attempt) for attempt in json.loads(attempts)],
                )
            )

    # ------------------------------------------------------------------ writing

    def save_change(
        self,
        book: VoucherBook,
        *,
        activity_id: str | None = None,
        voucher_id: str | None = None,
        done: tuple[str, str] | None = None,
    ) -> None:
        """Write what one operation changed, in one transaction."""
        db = self._db
        with _transaction(db):
            activity = book.activities.get(activity_id or "")
            if activity is not None:
                db.execute(
                    "INSERT INTO activities (activity_id, status, config) "
                    "VALUES (?, ?, ?) ON CONFLICT (activity_id) DO UPDATE SET "
                    "status = excluded.status, config = excluded.config",
                    (activity.activity_id, activity.status, json.dumps(activity.config)),
                )
            voucher = book.vouchers.get(voucher_id or "")
            if voucher is not None:
                db.execute(
                    "INSERT INTO vouchers VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (voucher_id) "
                    "DO UPDATE SET status = excluded.status",
                    (
                        voucher.voucher_id,
                        voucher.activity_id,
                        voucher.user_field,
                        voucher.user,
                        voucher.received_at.isoformat(),
                        voucher.status,
                    ),
                )
            if done is not None and done in book._done:
                entry = book._done[done]
                db.execute(
                    "INSERT OR IGNORE INTO done VALUES (?, ?, ?, ?)",
                    (*done, entry.fingerprint, json.dumps(entry.result)),
                )
            db.execute("UPDATE meta SET value = ? WHERE key = 'serial'", (str(book._serial),))

    def save_delivery(self, delivery: Delivery) -> None:
        attempts = json.dumps([attrs.asdict(attempt) for attempt in delivery.attempts])
        self._db.execute(
            "INSERT INTO deliveries VALUES (?, ?, ?, ?, ?) ON CONFLICT (notify_id) DO UPDATE "
            "SET notify_url = excluded.notify_url, state = excluded.state, "
            "attempts = excluded.attempts",
            (
                delivery.notify_id,
                json.dumps(delivery.params),
                delivery.notify_url,
                delivery.state,
                attempts,
            ),
        )


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


class SavedBook(VoucherBook):
    """A :class:`VoucherBook` that writes each change to a :class:`StateFile`."""

    def __init__(self, state: StateFile, **options: Any) -> None:
        super().__init__(**options)
        self._state_file = state

    def apply(self, operation: str, body: Mapping[str, Any]) -> Outcome:
        outcome = super().apply(operation, body)
        activity_id = body.get("activity_id") or outcome.result.get("activity_id")
        self._state_file.save_change(
            self,
            activity_id=activity_id if isinstance(activity_id, str) else None,
            voucher_id=outcome.result.get("voucher_id"),
            done=(operation, str(body["out_biz_no"])),
        )
        return outcome

    def use(self, voucher_id: str) -> Event:
        event = super().use(voucher_id)
        self._state_file.save_change(self, voucher_id=voucher_id)
        return event

    def expire(self, voucher_id: str) -> Event:
        event = super().expire(voucher_id)
        self._state_file.save_change(self, voucher_id=voucher_id)
        return event


class SavedOutbox(Outbox):
    """An :class:`Outbox` that writes each message, and each attempt, to a :class:`StateFile`."""

    def __init__(self, state: StateFile) -> None:
        super().__init__()
        self._state_file = state

    def _add(self, delivery: Delivery) -> None:
        self._state_file.save_delivery(delivery)
        super()._add(delivery)

    def _changed(self, delivery: Delivery) -> None:
        self._state_file.save_delivery(delivery)
        super()._changed(delivery)
