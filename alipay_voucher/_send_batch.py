"""``alipay-voucher send-batch``: a campaign from a recipients file, resumable.

Kept apart from ``cli.py`` so the command line stays light to import; this module is
loaded only when the command runs.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

import attrs

from .batch import Recipient, SendOutcome

__all__ = ["read_recipients", "run"]


def read_recipients(path: Path) -> Iterator[Recipient | Mapping[str, str]]:
    """Recipients from a CSV with a ``user_id``/``open_id`` header, or one id per line."""
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
                if picked:
                    yield picked
            return
        for line in [first, *fh]:
            ident = line.split(",", 1)[0].strip()
            if ident and not ident.startswith("#"):
                yield Recipient.of(ident)


@attrs.define
class _Progress:
    """Counts, rate and ETA on stderr: one line rewritten on a terminal, a line every
    few seconds otherwise (logs, CI)."""

    total: int | None
    stream: TextIO
    started: float = attrs.field(factory=time.monotonic)
    done: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    _shown: float = 0.0

    def add(self, outcome: SendOutcome) -> None:
        self.done += 1
        self.skipped += outcome.skipped
        self.failed += not outcome.ok
        self.unknown += outcome.unknown
        now = time.monotonic()
        interval = 0.2 if self.stream.isatty() else 5.0
        if now - self._shown >= interval:
            self._shown = now
            self.show(final=False)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"done {self.done}"
        if self.total:
            text += f"/{self.total}"
        text += f"  failed {self.failed}  {rate:.0f}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f"  ETA {(self.total - self.done) / rate:.0f}s"
        return text

    def show(self, *, final: bool) -> None:
        if self.stream.isatty():
            self.stream.write("\r" + self.line() + ("\n" if final else ""))
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from .client import AsyncVoucherClient
    from .config import AlipayConfig
    from .errors import AlipayError

    try:
        recipients = list(read_recipients(args.recipients))
    except OSError as exc:
        # a file that cannot be read is a usage mistake: exit 2, as for a bad flag
        print(f"cannot read {args.recipients}: {exc.strerror}", file=sys.stderr)
        return 2
    except AlipayError as exc:
        print(f"{args.recipients}: {exc}", file=sys.stderr)
        return 1
    try:
        config = AlipayConfig.from_env()
    except AlipayError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 1
    progress = _Progress(total=len(recipients), stream=sys.stderr)
    failures: list[SendOutcome] = []

    async def campaign() -> None:
        async with AsyncVoucherClient(config) as client:
            async for outcome in client.send_many(
                args.activity_id,
                recipients,
                concurrency=args.concurrency,
                rate=args.rate,
                journal=args.journal,
                campaign_key=args.campaign_key,
                merchant_access_mode=args.merchant_access_mode,
            ):
                progress.add(outcome)
                if not outcome.ok:
                    failures.append(outcome)

    try:
        asyncio.run(campaign())
    except AlipayError as exc:
        print(f"send-batch stopped: {exc}", file=sys.stderr)
        return 1
    progress.show(final=True)
    sent = progress.done - progress.failed - progress.skipped
    print(
        f"sent {sent}, already sent earlier {progress.skipped}, failed {progress.failed} "
        f"(outcome unknown {progress.unknown}) of {progress.done} recipients",
        file=sys.stderr,
    )
    for outcome in failures[:20]:
        print(f"  {outcome.recipient.key}: {outcome.error}", file=sys.stderr)
    if len(failures) > 20:
        print(f"  ... and {len(failures) - 20} more (see the journal)", file=sys.stderr)
    if progress.unknown:
        print(
            "Run the same command again with the same --journal to settle the unknown "
            "ones; their out_biz_no is the same, so nobody gets a second voucher.",
            file=sys.stderr,
        )
    return 1 if failures else 0
