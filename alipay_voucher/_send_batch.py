"""``alipay-voucher send-batch``: a campaign from a recipients file, resumable.

Kept apart from the command's parser so the command line stays light to import; this
module is loaded only when the command runs. The file is streamed twice (once to
count rows for the progress line, once to send), never held in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import signal
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import attrs

from ._private_files import open_private_text
from .batch import Recipient, SendOutcome
from .cli._common import printable

if TYPE_CHECKING:
    from .client import AsyncVoucherClient

__all__ = ["read_recipients", "run"]

_REPORT_COLUMNS = ("recipient", "status", "voucher_id", "out_biz_no", "error_code", "error")
_SHOWN = 20
"""Failures and duplicates listed in the summary; the report file has them all."""


def read_recipients(path: Path) -> Iterator[str | Mapping[str, str]]:
    """Recipients from a CSV with a ``user_id``/``open_id`` header, or one id per line.

    Rows are passed on as they are, so that ``send_many`` reports an invalid one as
    an outcome instead of the whole file being refused."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        first = fh.readline()
        header = [cell.strip().lower() for cell in next(csv.reader([first]), [])]
        if "user_id" in header or "open_id" in header:
            for row in csv.DictReader(fh, fieldnames=header):
                picked = {
                    k: (v or "").strip()
                    for k, v in row.items()
                    if k in ("user_id", "open_id") and (v or "").strip()
                }
                yield picked
            return
        for line in [first, *fh]:
            ident = line.split(",", 1)[0].strip()
            if ident and not ident.startswith("#"):
                yield ident


def _count(path: Path) -> int:
    return sum(1 for _ in read_recipients(path))


@attrs.define
class _Progress:
    """Counts, send rate and ETA on stderr: one line rewritten on a terminal, a line
    every few seconds otherwise (logs, CI). The rate counts requests actually sent,
    not recipients skipped as served by an earlier run."""

    total: int | None
    stream: TextIO
    started: float = attrs.field(factory=time.monotonic)
    done: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    invalid: int = 0
    duplicates: int = 0
    _shown: float = 0.0

    @property
    def sent(self) -> int:
        return self.done - self.failed - self.skipped - self.duplicates

    def duplicate(self, recipient: Recipient) -> None:
        """A repeated input row: counted as done, served once already."""
        self.done += 1
        self.duplicates += 1

    def landed_unread(self, count: int) -> None:
        """Sends that finished after the caller stopped reading: done, and sent."""
        self.done += max(0, count)

    def add(self, outcome: SendOutcome) -> None:
        self.done += 1
        self.skipped += outcome.skipped
        self.failed += not outcome.ok
        self.unknown += outcome.unknown
        self.invalid += outcome.invalid
        now = time.monotonic()
        interval = 0.2 if self.stream.isatty() else 5.0
        if now - self._shown >= interval:
            self._shown = now
            self.show(final=False)

    def line(self, *, final: bool) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        requests = self.done - self.skipped - self.invalid - self.duplicates
        rate = requests / elapsed
        text = f"done {self.done}"
        if self.total:
            text += f"/{self.total}"
        text += f"  failed {self.failed}  {rate:.0f} sends/s"
        left = (self.total or 0) - self.done
        if not final and rate > 0 and left > 0:
            text += f"  ETA {left / rate:.0f}s"
        return text

    def show(self, *, final: bool) -> None:
        if self.stream.isatty():
            self.stream.write("\r\x1b[K" + self.line(final=final) + ("\n" if final else ""))
        else:
            self.stream.write(self.line(final=final) + "\n")
        self.stream.flush()


class _Report:
    """``--report``: one CSV row per recipient, created with mode 0600 (it holds ids)."""

    def __init__(self, path: Path | None) -> None:
        self._fh: TextIO | None = None
        if path is not None:
            self._fh = open_private_text(path, newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(_REPORT_COLUMNS)

    def add(self, outcome: SendOutcome) -> None:
        if self._fh is None:
            return
        if outcome.skipped:
            status = "already_sent"
        elif outcome.ok:
            status = "sent"
        elif outcome.invalid:
            status = "invalid"
        else:
            status = "unknown" if outcome.unknown else "failed"
        error = outcome.error
        code = getattr(error, "code", None) if error is not None else None
        self._writer.writerow(
            (
                outcome.recipient.key,
                status,
                outcome.voucher_id or "",
                outcome.out_biz_no,
                code or "",
                str(error) if error is not None else "",
            )
        )

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


async def _check_activity(
    client: AsyncVoucherClient, args: argparse.Namespace, wanted: int
) -> str | None:
    """Why the campaign cannot start (in one line), or None when the activity is fit."""
    from .errors import AlipayError
    from .models import to_json

    try:
        answer = to_json(await client.query(args.activity_id, args.merchant_access_mode))
    except AlipayError as exc:
        return f"activity {args.activity_id} cannot be read: {exc}"
    status = answer.get("activity_status")
    if status != "ACTIVE":
        hint = " (publish it first: alipay-voucher activity publish ID)" * (status == "WAIT_ACTIVE")
        return f"activity {args.activity_id} is {status or 'not active'}, not ACTIVE{hint}."
    quantity = (answer.get("voucher_send_rule") or {}).get("voucher_quantity")
    issued = (answer.get("voucher_inventory_info") or {}).get("send_count")
    if isinstance(quantity, int) and isinstance(issued, int) and quantity - issued < wanted:
        return (
            f"activity {args.activity_id} has {quantity - issued} vouchers left and this "
            f"campaign needs up to {wanted}: raise its total first "
            f"(alipay-voucher activity append {args.activity_id} --quantity "
            f"{issued + wanted})."
        )
    return None


def _already_served(args: argparse.Namespace) -> int:
    if args.journal is None or not Path(args.journal).exists():
        return 0
    from .journal import Journal

    with Journal(args.journal) as book:
        return sum(r.status == "sent" for r in book.records(args.activity_id, args.campaign_key))


def run(args: argparse.Namespace) -> int:
    from .client import AsyncVoucherClient
    from .config import AlipayConfig
    from .errors import AlipayError

    try:
        total = _count(args.recipients)
        served_before = _already_served(args)
        wanted = max(0, total - served_before)
    except OSError as exc:
        # a file that cannot be read is a usage mistake: exit 2, as for a bad flag
        print(f"cannot read {printable(args.recipients)}: {exc.strerror}", file=sys.stderr)
        return 2
    except AlipayError as exc:
        print(f"journal: {printable(exc)}", file=sys.stderr)
        return 1
    try:
        config = AlipayConfig.from_env()
    except AlipayError as exc:
        print(f"configuration: {printable(exc)}", file=sys.stderr)
        return 1
    progress = _Progress(total=total, stream=sys.stderr)
    failures: list[SendOutcome] = []
    duplicates: list[Recipient] = []
    report = _Report(args.report)
    refusal: list[str] = []

    def on_duplicate(recipient: Recipient) -> None:
        progress.duplicate(recipient)
        if len(duplicates) < 5:
            duplicates.append(recipient)

    async def consume(client: AsyncVoucherClient) -> None:
        outcomes = client.send_many(
            args.activity_id,
            read_recipients(args.recipients),
            concurrency=args.concurrency,
            rate=args.rate,
            journal=args.journal,
            campaign_key=args.campaign_key,
            merchant_access_mode=args.merchant_access_mode,
            on_duplicate=on_duplicate,
        )
        async with contextlib.aclosing(outcomes):
            async for outcome in outcomes:
                progress.add(outcome)
                report.add(outcome)
                if not outcome.ok and len(failures) < _SHOWN:
                    failures.append(outcome)

    async def campaign() -> bool:
        """True when interrupted (Ctrl-C)."""
        async with AsyncVoucherClient(config) as client:
            problem = await _check_activity(client, args, wanted)
            if problem is not None:
                refusal.append(problem)
                return False
            task = asyncio.ensure_future(consume(client))
            loop = asyncio.get_running_loop()
            with contextlib.suppress(NotImplementedError, RuntimeError):
                # The first Ctrl-C stops the campaign gracefully (requests in flight
                # land and are journaled); a second one is the default: stop now.
                def stop() -> None:
                    loop.remove_signal_handler(signal.SIGINT)
                    task.cancel()

                loop.add_signal_handler(signal.SIGINT, stop)
            try:
                await task
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise
                return True
            finally:
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(signal.SIGINT)
            return False

    try:
        interrupted = asyncio.run(campaign())
    except AlipayError as exc:
        print(f"send-batch stopped: {printable(exc)}", file=sys.stderr)
        return 1
    finally:
        report.close()
    if refusal:
        print(f"send-batch refused: {printable(refusal[0])}", file=sys.stderr)
        return 1
    if interrupted and args.journal is not None:
        # What was in flight at Ctrl-C (or sent but not yet read) landed and was
        # journaled after this loop stopped reading: the journal counts it.
        with contextlib.suppress(AlipayError):
            progress.landed_unread(_already_served(args) - served_before - progress.sent)
    _summarise(progress, failures, duplicates, interrupted, args)
    if interrupted:
        return 130
    return 1 if progress.failed else 0


def _summarise(
    progress: _Progress,
    failures: list[SendOutcome],
    duplicates: list[Recipient],
    interrupted: bool,
    args: argparse.Namespace,
) -> None:
    def say(text: str) -> None:
        print(text, file=sys.stderr)

    progress.show(final=True)
    if interrupted:
        say("interrupted: no new request was started; those in flight finished.")
    say(
        f"sent {progress.sent}, already sent earlier {progress.skipped}, failed "
        f"{progress.failed} (outcome unknown {progress.unknown}, invalid rows "
        f"{progress.invalid}) of {progress.done} rows"
    )
    for outcome in failures:
        say(f"  {printable(outcome.recipient.key)}: {printable(outcome.error)}")
    if progress.failed > len(failures):
        where = "the --report file" if args.report else "the journal (or use --report)"
        say(f"  ... and {progress.failed - len(failures)} more (see {where})")
    if progress.duplicates:
        shown = ", ".join(printable(r.key) for r in duplicates)
        more = f" and {progress.duplicates - len(duplicates)} more" * (
            progress.duplicates > len(duplicates)
        )
        say(f"{progress.duplicates} duplicate row(s) in the input were served once: {shown}{more}")
    if interrupted or progress.unknown:
        if args.journal is None:
            say(
                "To finish, run the same command again (add --journal FILE to skip those "
                "already served): the same --campaign-key gives everyone the same "
                "out_biz_no, so nobody gets a second voucher."
            )
        else:
            say(
                "To finish, run the same command again with the same --journal: those "
                "already served are skipped, and the rest keep their out_biz_no, so nobody "
                "gets a second voucher."
            )
