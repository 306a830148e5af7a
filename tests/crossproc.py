"""Drives worker processes (tests/notify_worker.py) that share one dedupe store."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .notify_helpers import form_body, signed_params
from .waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
CREATED = "alipay.marketing.activity.message.created"


def write_bodies(path: Path, count: int, prefix: str) -> list[str]:
    """``count`` signed messages, each a distinct event; their notify ids."""
    ids = [f"{prefix}-{i:04d}" for i in range(count)]
    bodies = [
        form_body(
            signed_params(CREATED, {"id": f"ev-{nid}", "activity_id": "a1"}, notify_id=nid)
        ).decode("latin-1")
        for nid in ids
    ]
    path.write_text(json.dumps(bodies))
    return ids


def start_worker(
    store: str, bodies: Path, out: Path, mode: str, *, lease: float = 300.0, go: Path | None = None
) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.notify_worker", store, str(bodies), str(out), mode]
    command += ["--lease", str(lease)]
    if go is not None:
        command += ["--go", str(go)]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(worker: subprocess.Popen[str], timeout: float = 90) -> dict[str, int]:
    out, err = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, err
    statuses: dict[str, int] = json.loads(out.splitlines()[-1])
    return statuses


def events(out: Path) -> collections.Counter[tuple[str, str]]:
    """(event, notify_id) -> how many times, over every worker."""
    lines = out.read_text().splitlines() if out.exists() else []
    return collections.Counter((line.split()[1], line.split()[2]) for line in lines)


def run_many(store: str, tmp: Path, *, workers: int = 4, count: int = 200) -> dict[str, Any]:
    """Every worker receives the same ``count`` messages at the same moment."""
    bodies, out, go = tmp / "bodies.json", tmp / "handled.log", tmp / "go"
    ids = write_bodies(bodies, count, "many")
    procs = [start_worker(store, bodies, out, "all", go=go) for _ in range(workers)]
    wait_for(
        lambda: len(list(tmp.glob(f"{go.name}.ready.*"))) == workers,
        "every worker waiting at the start line",
        children=procs,
    )
    go.touch()
    statuses = [finish(p) for p in procs]
    handled = events(out)
    return {"ids": ids, "handled": handled, "statuses": statuses}


def claim_now(store: str, keys: tuple[str, ...], lease: float) -> object:
    """What a claim on ``keys`` gets right now, asked from this process."""
    from .notify_worker import make_store

    async def ask() -> object:
        dedupe = make_store(store, lease)
        try:
            return await dedupe.claim(keys)
        finally:
            close = getattr(dedupe, "aclose", None) or getattr(dedupe, "close", None)
            result = close() if close is not None else None
            if result is not None:
                await result

    return asyncio.run(ask())


def run_crash(store: str, tmp: Path, *, lease: float = 3.0) -> dict[str, Any]:
    """A worker killed inside its callback; later deliveries to another worker."""
    bodies, out = tmp / "one.json", tmp / "crash.log"
    (nid,) = write_bodies(bodies, 1, "crash")
    victim = start_worker(store, bodies, out, "hang", lease=lease)
    wait_for(
        lambda: ("started", nid) in events(out),
        "the worker reaching its callback",
        children=[victim],
    )
    claimed_by_then = time.monotonic()
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate()  # reaps it and closes its pipes
    keys = (f"notify:{nid}", f"{CREATED}:ev-{nid}")
    during_lease = claim_now(store, keys, lease)
    assert time.monotonic() - claimed_by_then < lease, "the check came after the lease ended"
    time.sleep(max(0.0, lease - (time.monotonic() - claimed_by_then)) + 0.3)
    after_lease = finish(start_worker(store, bodies, out, "once", lease=lease))
    once_more = finish(start_worker(store, bodies, out, "once", lease=lease))
    return {
        "id": nid,
        "during_lease": during_lease,
        "after_lease": after_lease,
        "once_more": once_more,
        "events": events(out),
    }
