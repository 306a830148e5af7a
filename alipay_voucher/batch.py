"""Bulk sending that never issues a second voucher to anyone.

A campaign sends one voucher to each of many recipients over a network that loses
answers, from a process that may be killed halfway. Three things make that safe:

* each recipient's ``out_biz_no`` is derived from the campaign key, the activity and
  the recipient, so any retry or rerun repeats the same idempotent request instead of
  making a new one;
* an optional journal (append-only JSON lines, flushed as outcomes arrive) records
  who was served, so a rerun skips them and re-asks only the rest;
* a token bucket keeps the request rate under the app's QPS quota, and a bounded
  number of requests are in flight at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import time
from collections.abc import AsyncGenerator, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .errors import AlipayError, OutcomeUnknownError, RequestValidationError

if TYPE_CHECKING:
    from .client import AsyncVoucherClient

__all__ = [
    "Journal",
    "RateLimiter",
    "Recipient",
    "SendOutcome",
    "derive_out_biz_no",
    "send_many",
]

_USER_ID = re.compile(r"^2088\d{12}$")


@attrs.frozen
class Recipient:
    """One voucher recipient: an Alipay ``user_id`` (2088 + 12 digits) or an ``open_id``."""

    id: str
    kind: Literal["user_id", "open_id"]

    @classmethod
    def of(cls, value: str | Recipient | Mapping[str, str]) -> Recipient:
        """Accept a recipient, ``{"user_id": ...}`` / ``{"open_id": ...}``, or a bare id
        (``2088`` followed by 12 digits is a user_id; anything else an open_id)."""
        if isinstance(value, Recipient):
            return value
        if isinstance(value, Mapping):
            given = [(k, v) for k, v in value.items() if k in ("user_id", "open_id") and v]
            if len(given) != 1:
                raise RequestValidationError(
                    "a recipient mapping needs exactly one of user_id or open_id.",
                    field="user_id",
                )
            kind, ident = given[0]
            return cls(id=str(ident).strip(), kind=kind)  # type: ignore[arg-type]
        ident = str(value).strip()
        if not ident:
            raise RequestValidationError("an empty recipient id.", field="user_id")
        return cls(id=ident, kind="user_id" if _USER_ID.match(ident) else "open_id")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def derive_out_biz_no(activity_id: str, recipient: Recipient, campaign_key: str) -> str:
    """The recipient's idempotency key in this campaign: stable across retries and reruns.

    40 characters (well under Alipay's 64): a prefix and 38 hex digits of SHA-256.
    """
    material = "\x1f".join((campaign_key, activity_id, recipient.kind, recipient.id))
    return "vb" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:38]


@attrs.frozen
class SendOutcome:
    """What happened to one recipient. Exactly one of ``voucher_id`` / ``error`` is set,
    except for ``skipped`` recipients (served by an earlier run), which carry the
    voucher id the journal recorded."""

    recipient: Recipient
    out_biz_no: str
    voucher_id: str | None = None
    error: AlipayError | None = None
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def unknown(self) -> bool:
        """The send may or may not have taken effect; a rerun settles it safely."""
        return isinstance(self.error, OutcomeUnknownError)


class RateLimiter:
    """A token bucket: on average ``rate`` acquisitions per second, bursts of ``burst``."""

    def __init__(self, rate: float, *, burst: int | None = None) -> None:
        if rate <= 0:
            raise RequestValidationError(f"rate must be positive, got {rate!r}", field="rate")
        self._rate = float(rate)
        self._capacity = float(burst if burst is not None else max(1, int(rate)))
        self._tokens = self._capacity
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(
                    self._capacity, self._tokens + (now - self._updated) * self._rate
                )
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self._rate)


class Journal:
    """An append-only JSON-lines record of outcomes, one line per finished recipient.

    Lines are flushed to the operating system as they are written, so a killed
    process loses nothing that was reported. A torn last line (killed mid-write) is
    ignored on load.
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = False) -> None:
        self.path = Path(path)
        self._fsync = fsync
        self._file: Any = None

    def load(self) -> dict[str, dict[str, Any]]:
        """The latest record per recipient key."""
        records: dict[str, dict[str, Any]] = {}
        if not self.path.exists():
            return records
        with self.path.open("r", encoding="utf-8") as fh:
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("recipient"), str):
                    records[record["recipient"]] = record
        return records

    def write(self, record: Mapping[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
            if self._file.tell() and not self._ends_with_newline():
                self._file.write("\n")  # heal a line torn by an earlier kill
        self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()
        if self._fsync:
            os.fsync(self._file.fileno())

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _record(outcome: SendOutcome, activity_id: str, campaign_key: str) -> dict[str, Any]:
    status = "sent" if outcome.ok else ("unknown" if outcome.unknown else "failed")
    record: dict[str, Any] = {
        "recipient": outcome.recipient.key,
        "activity_id": activity_id,
        "campaign": campaign_key,
        "out_biz_no": outcome.out_biz_no,
        "status": status,
        "at": round(time.time(), 3),
    }
    if outcome.voucher_id:
        record["voucher_id"] = outcome.voucher_id
    if outcome.error is not None:
        record["error"] = type(outcome.error).__name__
        code = getattr(outcome.error, "code", None)
        if code:
            record["code"] = code
    return record


async def send_many(
    client: AsyncVoucherClient,
    activity_id: str,
    recipients: Iterable[str | Recipient | Mapping[str, str]],
    *,
    campaign_key: str = "default",
    concurrency: int = 16,
    rate: float | None = None,
    journal: str | os.PathLike[str] | Journal | None = None,
    merchant_access_mode: str | None = None,
    app_auth_token: str | None = None,
) -> AsyncGenerator[SendOutcome, None]:
    """Send one voucher to each recipient; yield one outcome per recipient as they finish.

    Duplicate recipients in the input are served once. Errors are reported in the
    outcome, never raised, so one bad recipient does not stop a campaign; an
    ``OutcomeUnknownError`` outcome is safe to settle by running the campaign again.
    Stopping the iteration early cancels what is in flight.
    """
    if concurrency < 1:
        raise RequestValidationError("concurrency must be at least 1.", field="concurrency")
    book = journal if isinstance(journal, Journal) or journal is None else Journal(journal)
    done = {
        key: record
        for key, record in (book.load() if book is not None else {}).items()
        if record.get("status") == "sent"
        and record.get("activity_id") == activity_id
        and record.get("campaign") == campaign_key
    }
    limiter = RateLimiter(rate) if rate else None
    queue: asyncio.Queue[SendOutcome | None] = asyncio.Queue()
    seen: set[str] = set()
    source = iter(recipients)

    def next_recipient() -> Recipient | None:
        for raw in source:
            recipient = Recipient.of(raw)
            if recipient.key not in seen:
                seen.add(recipient.key)
                return recipient
        return None

    async def serve(recipient: Recipient) -> SendOutcome:
        out_biz_no = derive_out_biz_no(activity_id, recipient, campaign_key)
        if recipient.key in done:
            return SendOutcome(
                recipient,
                out_biz_no,
                voucher_id=done[recipient.key].get("voucher_id"),
                skipped=True,
            )
        request: dict[str, Any] = {
            "activity_id": activity_id,
            "out_biz_no": out_biz_no,
            recipient.kind: recipient.id,
        }
        if merchant_access_mode:
            request["merchant_access_mode"] = merchant_access_mode
        if limiter is not None:
            await limiter.acquire()
        try:
            result = await client.send(request, app_auth_token=app_auth_token)
        except AlipayError as exc:
            return SendOutcome(recipient, out_biz_no, error=exc)
        voucher_id = result.voucher_id if isinstance(result.voucher_id, str) else None
        return SendOutcome(recipient, out_biz_no, voucher_id=voucher_id)

    async def worker() -> None:
        while (recipient := next_recipient()) is not None:
            outcome = await serve(recipient)
            if book is not None and not outcome.skipped:
                book.write(_record(outcome, activity_id, campaign_key))
            await queue.put(outcome)

    async def run_all() -> None:
        try:
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        finally:
            await queue.put(None)

    runner = asyncio.ensure_future(run_all())
    try:
        while (outcome := await queue.get()) is not None:
            yield outcome
        await runner  # re-raise a bug in a worker rather than end quietly
    finally:
        if not runner.done():
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
        if book is not None and not isinstance(journal, Journal):
            book.close()
