"""Campaign scale: what ``send_many`` costs at a million recipients, and on top of ``send``.

Two parts, each against its own yardstick measured in the same run:

1.  A campaign of 1,000,000 recipients through ``send_many`` (concurrency 64, an SQLite
    journal) against an instant in-process stand-in for the client, so that only the
    batch layer is measured: recipients per second, peak resident memory of the first
    run and of the resume (everyone already served), and the resume's wall time. Each
    run is a fresh process, and the same runs at 10,000 recipients are the baseline
    for memory. Targets: peak RSS at 1,000,000 within 64 MB of the peak at 10,000, on
    the first run and on the resume; resume under 30 s.
2.  The batch layer's overhead: client CPU per recipient of ``send_many`` (journal,
    seen set, limiter off, queues) against bare ``AsyncVoucherClient.send`` calls at
    concurrency 64, over the benchmark server (``benchmarks/_server.py``, its own
    process). The two run in interleaved blocks on one loop and one client, taking
    turns going first, so load from elsewhere hits both alike; the journal is opened
    once, as a long campaign opens it. Target: batch/bare CPU per recipient <= 1.05.

Usage: ``python benchmarks/bench_campaign.py [--quick] [--recipients N] [--rounds R]``.
The exit status is 1 when a target does not hold.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from alipay_voucher import protocol  # noqa: E402
from alipay_voucher.credentials import RSAKeySigner  # noqa: E402
from alipay_voucher.testing.pki import make_pki  # noqa: E402
from benchmarks._contenders import ANSWER, BODY, Setup, body_for, make_config  # noqa: E402
from benchmarks._server import ServerProcess  # noqa: E402
from benchmarks._util import print_table  # noqa: E402

CONCURRENCY = 64
BASELINE = 10_000
MEMORY_MARGIN_MB = 64
RESUME_LIMIT_S = 30.0
OVERHEAD_LIMIT = 1.05


# --------------------------------------------------------------------------- part 1


class _Sent:
    __slots__ = ("voucher_id",)

    def __init__(self, voucher_id: str) -> None:
        self.voucher_id = voucher_id


class StandIn:
    """An instant ``send``: the batch layer's own cost, with nothing under it."""

    async def send(self, request: dict[str, Any], app_auth_token: str | None = None) -> _Sent:
        return _Sent("V" + request["out_biz_no"][-20:])


def recipients(count: int) -> Iterator[str]:
    return (f"2088{i:012d}" for i in range(1, count + 1))


def child(phase: str, count: int, journal: str) -> None:
    """One campaign run in this (fresh) process; prints its numbers as JSON."""
    from alipay_voucher.batch import send_many

    async def run() -> tuple[int, int, int]:
        done = skipped = failed = 0
        stream = send_many(
            StandIn(),  # type: ignore[arg-type]
            "2016042700826004508401111111",
            recipients(count),
            concurrency=CONCURRENCY,
            journal=journal,
        )
        async for outcome in stream:
            done += 1
            skipped += outcome.skipped
            failed += not outcome.ok
        return done, skipped, failed

    started, cpu = time.perf_counter(), time.process_time()
    done, skipped, failed = asyncio.run(run())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "phase": phase,
                "recipients": done,
                "skipped": skipped,
                "failed": failed,
                "seconds": seconds,
                "cpu": cpu,
                "peak_rss_mb": peak_kib / 1024,
            }
        )
    )


def campaign_runs(count: int, directory: Path) -> dict[str, dict[str, Any]]:
    journal = directory / f"journal-{count}.db"
    found: dict[str, dict[str, Any]] = {}
    for phase in ("first", "resume"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", phase, str(count), str(journal)],
            check=True,
            capture_output=True,
            text=True,
        )
        found[phase] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {count:>9,} recipients, {phase:<6}: {found[phase]['seconds']:.1f} s", flush=True)
    return found


# --------------------------------------------------------------------------- part 2


async def overhead(setup: Setup, block: int, rounds: int) -> dict[str, float]:
    """Client CPU per recipient, bare ``send`` vs ``send_many``, in interleaved blocks.

    The journal is opened once, as a long campaign opens it once: its open and close
    (a few milliseconds) belong to a campaign, not to each recipient. The two take
    turns going first, so neither always runs on the caches the other left behind."""
    from alipay_voucher.client import AsyncVoucherClient
    from alipay_voucher.journal import Journal

    cpu = {"bare": 0.0, "batch": 0.0}
    count = {"bare": 0, "batch": 0}
    next_id = 0
    with tempfile.TemporaryDirectory() as scratch, Journal(Path(scratch) / "o.db") as journal:
        async with AsyncVoucherClient(make_config(setup)) as client:

            async def bare(first: int) -> None:
                pending = iter(range(first, first + block))

                async def worker() -> None:
                    for i in pending:
                        result = await client.send(body_for(i))
                        assert result.voucher_id

                await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))

            async def batch(first: int) -> None:
                ids = (f"2088{i:012d}" for i in range(first, first + block))
                async for outcome in client.send_many(
                    BODY["activity_id"],
                    ids,
                    concurrency=CONCURRENCY,
                    journal=journal,
                    merchant_access_mode=BODY["merchant_access_mode"],  # bare's request
                ):
                    assert outcome.ok, outcome.error

            await bare(10**9)  # warm up: connections, caches
            await batch(10**9)
            runs = {"bare": bare, "batch": batch}
            for turn in range(rounds):
                for name in sorted(runs, reverse=turn % 2 == 1):
                    started = time.process_time()
                    await runs[name](next_id)
                    cpu[name] += time.process_time() - started
                    count[name] += block
                    next_id += block
    return {name: cpu[name] / count[name] for name in cpu}


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--block", type=int, default=1000, help="recipients per block (part 2)")
    parser.add_argument("--rounds", type=int, default=16, help="blocks of each (part 2)")
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke test")
    parser.add_argument(
        "--child", nargs=3, metavar=("PHASE", "N", "JOURNAL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        phase, count, journal = args.child
        child(phase, int(count), journal)
        return 0
    if args.quick:
        args.recipients, args.block, args.rounds = 50_000, 300, 2

    print(f"part 1: campaigns against an instant stand-in, concurrency {CONCURRENCY}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        small = campaign_runs(BASELINE, Path(scratch))
        large = campaign_runs(args.recipients, Path(scratch))

    print(f"part 2: batch layer vs bare send over the benchmark server, c={CONCURRENCY}")
    pki = make_pki()
    answer_headers = protocol.sign_response(RSAKeySigner(pki.alipay_key), ANSWER)
    spec = {
        "body": ANSWER.decode(),
        "headers": answer_headers,
        "app_public_key": pki.app_public_key_pem,
    }
    with ServerProcess(spec) as server:
        setup = Setup(
            base_url=server.base_url,
            app_id=pki.app_id,
            app_private_pem=pki.app_private_key_pem,
            alipay_public_pem=pki.alipay_public_key_pem,
        )
        per_recipient = asyncio.run(overhead(setup, args.block, args.rounds))

    first, resume = large["first"], large["resume"]

    def pace(run: dict[str, Any]) -> str:
        return f"{run['recipients'] / run['seconds']:,.0f} recipients/s, {run['seconds']:.1f} s"

    def peaks(phase: str) -> str:
        return f"{small[phase]['peak_rss_mb']:.1f} / {large[phase]['peak_rss_mb']:.1f} MB"

    rows = [
        (f"first run, {args.recipients:,} recipients", pace(first)),
        ("resume (all already served)", pace(resume)),
        (f"peak RSS first run, {BASELINE:,} / {args.recipients:,}", peaks("first")),
        (f"peak RSS resume, {BASELINE:,} / {args.recipients:,}", peaks("resume")),
        ("client CPU per recipient, bare send", f"{per_recipient['bare'] * 1e6:.0f} us"),
        ("client CPU per recipient, send_many", f"{per_recipient['batch'] * 1e6:.0f} us"),
    ]
    print()
    print_table("campaign benchmark", rows)

    growth_first = first["peak_rss_mb"] - small["first"]["peak_rss_mb"]
    growth_resume = resume["peak_rss_mb"] - small["resume"]["peak_rss_mb"]
    ratio = per_recipient["batch"] / per_recipient["bare"]
    scaled = args.recipients / 1_000_000
    resume_1m = resume["seconds"] / scaled
    targets = [
        (f"peak RSS growth, first run <= {MEMORY_MARGIN_MB} MB", f"{growth_first:+.1f} MB",
         growth_first <= MEMORY_MARGIN_MB),
        (f"peak RSS growth, resume <= {MEMORY_MARGIN_MB} MB", f"{growth_resume:+.1f} MB",
         growth_resume <= MEMORY_MARGIN_MB),
        (f"resume of 1,000,000 < {RESUME_LIMIT_S:.0f} s",
         f"{resume_1m:.1f} s" + ("" if scaled == 1 else " (scaled)"),
         resume_1m < RESUME_LIMIT_S),
        (f"batch/bare CPU per recipient <= {OVERHEAD_LIMIT}", f"{ratio:.3f}",
         ratio <= OVERHEAD_LIMIT),
    ]  # fmt: skip
    verdicts = [(name, f"{value}  {'holds' if ok else 'MISSED'}") for name, value, ok in targets]
    print_table("targets", verdicts)
    for run in (small["first"], small["resume"], first, resume):
        assert run["failed"] == 0, run
    assert resume["skipped"] == args.recipients, resume
    return 0 if all(ok for _, _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
