"""Resident-memory growth over many calls through ONE client, in a fresh process.

A long-running service keeps one client for days; anything the client retains per
call (a growing cache, a list of finished requests, unclosed responses, per-request
loggers) shows up as resident memory that grows with the call count. Run in its own
process so the numbers are not blurred by the other benchmarks' garbage. After a
warm-up (pools, caches and the allocator reach their working size) it samples RSS
from ``/proc/self/statm`` at checkpoints; the benchmark prints the growth from the
end of the warm-up to the end.

Run as ``python -m benchmarks._memory`` with a JSON spec on stdin; prints one JSON line.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from benchmarks._contenders import (  # noqa: E402
    Minimum,
    Setup,
    body_for,
    drive,
    make_config,
)

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """Current resident set size, read the cheap way (no psutil dependency)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


def _settled_rss() -> int:
    gc.collect()
    return rss_bytes()


async def _measure(spec: dict[str, Any]) -> dict[str, Any]:
    setup = Setup(**spec["setup"])
    warmup, calls, concurrency = spec["warmup"], spec["calls"], spec["concurrency"]
    checkpoints = spec.get("checkpoints", 5)
    if spec["mode"] == "sdk":
        from alipay_voucher.client import AsyncVoucherClient

        client: Any = AsyncVoucherClient(make_config(setup))
    else:
        client = Minimum(setup)
    samples = []
    errors = 0
    async with client:
        done = 0

        async def one(i: int) -> None:
            await client.send(body_for(i))

        result = await drive(one, warmup, concurrency)
        errors += result.errors
        start = _settled_rss()
        samples.append((0, start))
        step = calls // checkpoints
        while done < calls:
            batch = min(step, calls - done)
            result = await drive(lambda i, base=done: one(base + warmup + i), batch, concurrency)
            errors += result.errors
            done += batch
            samples.append((done, _settled_rss()))
    return {
        "mode": spec["mode"],
        "warmup": warmup,
        "calls": calls,
        "errors": errors,
        "rss_start": start,
        "rss_end": samples[-1][1],
        "rss_peak": max(rss for _, rss in samples),
        "samples": samples,
    }


def main() -> None:
    spec = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_measure(spec))))


if __name__ == "__main__":
    main()
