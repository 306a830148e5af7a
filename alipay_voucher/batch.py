"""Bulk sending that never issues a second voucher to anyone.

A campaign sends one voucher to each of many recipients over a network that loses
answers, from a process that may be killed halfway. Four things make that safe:

* each recipient's ``out_biz_no`` is derived from the campaign key, the activity and
  the recipient, so any retry or rerun repeats the same idempotent request instead of
  making a new one;
* an optional :class:`~alipay_voucher.journal.Journal` (SQLite on disk) records who
  was served, so a rerun skips them and re-asks only the rest;
* nothing runs ahead of the caller: the input is read as needed, a bounded number of
  requests are in flight, a bounded number of outcomes wait, and closing the iterator
  starts no further request;
* a rate limit holds in every one-second window (:mod:`alipay_voucher._ratelimit`).
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import itertools
import logging
import os
import re
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._ratelimit import RateLimiter, check_rate
from ._seen import SeenSet
from .errors import AlipayError, OutcomeUnknownError, RequestValidationError
from .journal import Journal

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

logger = logging.getLogger("alipay_voucher.batch")

_USER_ID = re.compile(r"2088\d{12}")
_ID_TEXT = re.compile(r"[\x21-\x7e]{1,64}")
_KINDS = ("user_id", "open_id")


def _ids_given(row: Mapping[Any, Any]) -> list[tuple[Literal["user_id", "open_id"], Any]]:
    """The recipient ids a mapping row names (empty cells do not count)."""
    return [(k, v) for k, v in row.items() if k in _KINDS and v not in (None, "")]


@attrs.frozen
class Recipient:
    """One voucher recipient: an Alipay ``user_id`` (2088 + 12 digits) or an ``open_id``."""

    id: str
    kind: Literal["user_id", "open_id"]

    @classmethod
    def of(cls, value: str | Recipient | Mapping[str, str]) -> Recipient:
        """Accept a recipient, ``{"user_id": ...}`` / ``{"open_id": ...}``, or a bare id
        (``2088`` followed by 12 digits is a user_id; anything else an open_id).

        Raises :class:`RequestValidationError` for what Alipay would refuse: both ids or
        neither, an id that is not 1-64 printable ASCII characters without spaces, a
        ``user_id`` that is not ``2088`` plus 12 digits.
        """
        if type(value) is str:
            ident = value.strip()
            if _USER_ID.fullmatch(ident):  # the common case, checked in one step
                return cls(id=ident, kind="user_id")
        elif isinstance(value, Recipient):
            return cls._checked(value.id, value.kind)
        if isinstance(value, Mapping):
            given = _ids_given(value)
            if len(given) != 1:
                raise RequestValidationError(
                    "a recipient needs exactly one of user_id or open_id, got "
                    f"{'both' if given else 'neither'}.",
                    field="user_id",
                )
            kind, ident = given[0]
            if not isinstance(ident, str):
                raise RequestValidationError(
                    f"{kind} must be text, got {type(ident).__name__}: write it in quotes.",
                    field=kind,
                )
            return cls._checked(ident.strip(), kind)
        if not isinstance(value, str):
            raise RequestValidationError(
                f"a recipient is an id, a Recipient or a mapping, not {type(value).__name__}.",
                field="user_id",
            )
        ident = value.strip()
        looks_like_user = ident.isdigit() and ident.startswith("2088")
        return cls._checked(ident, "user_id" if looks_like_user else "open_id")

    @classmethod
    def _checked(cls, ident: object, kind: object) -> Recipient:
        if kind not in _KINDS:
            raise RequestValidationError(
                f"a recipient's kind is user_id or open_id, not {kind!r}.", field="user_id"
            )
        if not isinstance(ident, str) or not _ID_TEXT.fullmatch(ident):
            shown = ident if isinstance(ident, str) else type(ident).__name__
            raise RequestValidationError(
                f"{kind} {str(shown)[:80]!r} is not 1-64 printable ASCII characters "
                "without spaces.",
                field=str(kind),
            )
        if kind == "user_id" and not _USER_ID.fullmatch(ident):
            raise RequestValidationError(
                f"user_id {ident!r} is not 2088 followed by 12 digits; an open_id goes in "
                "the open_id column.",
                field="user_id",
            )
        return cls(id=ident, kind=kind)  # type: ignore[arg-type]

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
    voucher id the journal recorded. An input row that is no valid recipient is an
    outcome too: nothing was sent, ``out_biz_no`` is empty and ``error`` a
    :class:`RequestValidationError` naming the problem."""

    recipient: Recipient
    out_biz_no: str
    voucher_id: str | None = None
    error: AlipayError | None = None
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def invalid(self) -> bool:
        """The input row was no valid recipient; nothing was sent."""
        return not self.out_biz_no

    @property
    def unknown(self) -> bool:
        """The send may or may not have taken effect; a rerun settles it safely."""
        return isinstance(self.error, OutcomeUnknownError)


_CHUNK = 512
"""Input recipients read, checked and looked up together: one journal query per chunk."""

_HANDOUT = 32
"""Outcomes ready at once (skipped, invalid) are queued in lists of at most this many:
one queue item per recipient would cost a resume dearly, one per input chunk would let
the bounded queue hold thousands."""

_FLUSH_INTERVAL = 0.1
"""Seconds a journal record may wait in the buffer before it is committed."""


def _invalid(raw: object, error: RequestValidationError) -> SendOutcome:
    """The outcome of an input row that is no recipient: reported, never sent."""
    if isinstance(raw, Recipient):
        shown, kind = raw.id, raw.kind
    elif isinstance(raw, Mapping):
        given = _ids_given(raw)
        if len(given) == 1:  # one id, itself malformed: shown as a recipient would be
            kind, value = given[0]
            shown = str(value)
        else:  # both ids or neither: the row as it came
            shown = ",".join(f"{k}={v}" for k, v in raw.items())
            kind = "open_id" if "open_id" in raw and "user_id" not in raw else "user_id"
    else:
        shown, kind = str(raw).strip(), "user_id"
    return SendOutcome(
        Recipient(id=shown[:80], kind=kind),
        out_biz_no="",
        error=error,
    )


class _Outbox:
    """Outcomes waiting for the caller, who takes all of them at once.

    A bounded queue without a future and a wake-up per outcome (an ``asyncio.Queue``
    costs both, once per recipient): workers append, the caller takes what has
    gathered since its last look. A worker waits while ``limit`` outcomes wait.
    """

    def __init__(self, limit: int) -> None:
        self._items: list[SendOutcome] = []
        self._limit = limit
        self._filled = asyncio.Event()
        self._room = asyncio.Event()
        self._ended = False
        self._error: BaseException | None = None

    def offer(self, outcome: SendOutcome) -> bool:
        """Append ``outcome`` if there is room (the common case, no coroutine)."""
        if len(self._items) >= self._limit:
            return False
        self._items.append(outcome)
        self._filled.set()
        return True

    async def put(self, outcomes: list[SendOutcome]) -> None:
        while len(self._items) >= self._limit:
            self._room.clear()
            await self._room.wait()
        self._items += outcomes
        self._filled.set()

    def end(self, error: BaseException | None) -> None:
        """No outcome follows; the caller gets ``error`` raised after the last one."""
        self._ended, self._error = True, error
        self._filled.set()

    async def take(self) -> list[SendOutcome]:
        """What has gathered (waiting until something has); empty once the campaign
        is over, or raising what broke it."""
        while not self._items:
            if self._ended:
                if self._error is not None:
                    raise self._error
                return []
            self._filled.clear()
            await self._filled.wait()
        taken, self._items = self._items, []
        self._room.set()
        return taken


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
    on_duplicate: Callable[[Recipient], object] | None = None,
) -> AsyncGenerator[SendOutcome, None]:
    """Send one voucher to each recipient; yield one outcome per recipient as they finish.

    The input is read as it is needed and duplicates in it are served once (each
    repeat is passed to ``on_duplicate``); who was met and who was served is kept on
    disk, so memory stays flat however long the campaign. An input row that is no valid
    recipient, and every error a send meets, is an outcome, never an exception; an
    ``OutcomeUnknownError`` outcome is settled safely by running the campaign again.

    Closing the iterator (``break`` then ``aclose()``, ``contextlib.aclosing``, or
    garbage collection) starts no further request; the requests already in flight
    finish and are journaled. An unexpected error (a bug, a full disk) stops every
    worker before it is raised here. At most about ``2 * concurrency`` outcomes wait
    for the caller: a caller that stops reading stops the sending.
    """
    if concurrency < 1:
        raise RequestValidationError("concurrency must be at least 1.", field="concurrency")
    checked_rate = check_rate(rate)
    limiter = RateLimiter(checked_rate) if checked_rate is not None else None
    owned = journal is not None and not isinstance(journal, Journal)
    book = Journal(journal) if owned else journal  # type: ignore[arg-type]
    assert book is None or isinstance(book, Journal)
    seen = SeenSet()
    loop = asyncio.get_running_loop()
    source = iter(recipients)
    queued: collections.deque[tuple[Recipient, str]] = collections.deque()
    refilling = asyncio.Lock()
    drained = False
    output = _Outbox(2 * concurrency)
    in_flight: set[asyncio.Task[None]] = set()
    closing = False
    flush_timer: asyncio.TimerHandle | None = None

    def flush() -> None:
        nonlocal flush_timer
        flush_timer = None
        if book is not None:
            book.flush()

    def journal_outcome(outcome: SendOutcome) -> None:
        nonlocal flush_timer
        if book is None:
            return
        error = outcome.error
        if error is None:
            book.record(activity_id, campaign_key, outcome.recipient.key, outcome.out_biz_no,
                        "sent", outcome.voucher_id)  # fmt: skip
        else:
            code = getattr(error, "code", None)
            book.record(
                activity_id,
                campaign_key,
                outcome.recipient.key,
                outcome.out_biz_no,
                "unknown" if isinstance(error, OutcomeUnknownError) else "failed",
                outcome.voucher_id,
                type(error).__name__,
                code if isinstance(code, str) else None,
            )
        if book.pending and flush_timer is None:
            flush_timer = loop.call_later(_FLUSH_INTERVAL, flush)

    def sort(chunk: Sequence[object]) -> tuple[list[SendOutcome], list[tuple[Recipient, str]]]:
        """Outcomes ready at once (invalid, already served) and the sends to make."""
        ready: list[SendOutcome] = []
        valid: list[Recipient] = []
        for raw in chunk:
            try:
                valid.append(Recipient.of(raw))  # type: ignore[arg-type]
            except RequestValidationError as error:
                ready.append(_invalid(raw, error))
        keys = [r.key for r in valid]
        fresh: list[tuple[Recipient, str]] = []
        for recipient, key, new in zip(valid, keys, seen.admit(keys), strict=True):
            if new:
                fresh.append((recipient, key))
            elif on_duplicate is not None:
                on_duplicate(recipient)
        served = book.served(activity_id, campaign_key, [k for _, k in fresh]) if book else {}
        sends: list[tuple[Recipient, str]] = []
        for recipient, key in fresh:
            out_biz_no = derive_out_biz_no(activity_id, recipient, campaign_key)
            record = served.get(key)
            if record is not None:
                if record[0] == out_biz_no:
                    ready.append(
                        SendOutcome(recipient, out_biz_no, voucher_id=record[1], skipped=True)
                    )
                    continue
                logger.warning(
                    "journal %s: the record of %s names out_biz_no %r, not the %r this "
                    "campaign derives; it is ignored and the recipient is served again "
                    "with the derived key.",
                    book.path if book else "",
                    key,
                    record[0],
                    out_biz_no,
                )
            sends.append((recipient, out_biz_no))
        return ready, sends

    async def take() -> tuple[Recipient, str] | None:
        """The next send to make; when none is left, the next input chunk is read and
        sorted first (by one worker, while the others go on with what is left)."""
        nonlocal drained
        while not queued:
            if drained:
                return None
            async with refilling:
                if queued or drained:
                    continue
                chunk = list(itertools.islice(source, _CHUNK))
                if not chunk:
                    drained = True
                    continue
                ready, fresh = sort(chunk)
                queued.extend(fresh)
                for start in range(0, len(ready), _HANDOUT):
                    await output.put(ready[start : start + _HANDOUT])
        return queued.popleft()

    async def serve(recipient: Recipient, out_biz_no: str) -> SendOutcome:
        request: dict[str, Any] = {
            "activity_id": activity_id,
            "out_biz_no": out_biz_no,
            recipient.kind: recipient.id,
        }
        if merchant_access_mode:
            request["merchant_access_mode"] = merchant_access_mode
        try:
            result = await client.send(request, app_auth_token=app_auth_token)
        except AlipayError as exc:
            return SendOutcome(recipient, out_biz_no, error=exc)
        voucher_id = result.voucher_id if isinstance(result.voucher_id, str) else None
        return SendOutcome(recipient, out_biz_no, voucher_id=voucher_id)

    async def work_on() -> None:
        me = asyncio.current_task()
        assert me is not None
        while True:
            # The common case without a coroutine: a send is waiting in the chunk.
            item = queued.popleft() if queued else await take()
            if item is None:
                return
            if limiter is not None:
                await limiter.acquire()
            if closing:
                return
            in_flight.add(me)  # from here on, closing waits for this request
            try:
                outcome = await serve(*item)
                journal_outcome(outcome)
            finally:
                in_flight.discard(me)
            if closing:
                return
            if not output.offer(outcome):
                await output.put([outcome])

    async def supervise(tasks: list[asyncio.Task[None]]) -> None:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        broken = next(
            (t.exception() for t in tasks if t.done() and not t.cancelled() and t.exception()),
            None,
        )
        if broken is not None:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        output.end(broken)

    workers = [asyncio.ensure_future(work_on()) for _ in range(concurrency)]
    supervisor = asyncio.ensure_future(supervise(workers))
    finished = False
    try:
        while taken := await output.take():
            for outcome in taken:
                yield outcome
        finished = True
    finally:
        if not finished:
            # Closed early: start nothing more; let what is in flight finish.
            closing = True
            supervisor.cancel()
            for task in workers:
                if task not in in_flight:
                    task.cancel()
            await asyncio.gather(supervisor, *workers, return_exceptions=True)
        if flush_timer is not None:
            flush_timer.cancel()
        seen.close()
        if book is not None:
            if owned:
                book.close()
            else:
                book.flush()
